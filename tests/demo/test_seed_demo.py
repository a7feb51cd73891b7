from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import User
from nudges.models import ReminderPreferences
from tracker.models import Enrollment, MilestoneProgress, ProgressEvent, Status


def _snapshot(seed):
    users = User.objects.filter(email__endswith=f"@s{seed}.demo.careerplan.localhost").order_by("email")
    return [
        (
            u.email,
            u.timezone,
            sorted(Enrollment.objects.filter(user=u).values_list("track__slug", "status")),
            sorted(MilestoneProgress.objects.filter(user=u).values_list("milestone__slug", "status")),
        )
        for u in users
    ]


def test_seed_demo_makes_consistent_plans_that_obey_the_rules(seeded):
    out = StringIO()
    call_command("seed_demo", users=60, seed=7, chunk=25, stdout=out)
    assert "Created 60 users" in out.getvalue()
    users = User.objects.filter(email__endswith="@s7.demo.careerplan.localhost")
    assert users.count() == 60
    assert ReminderPreferences.objects.filter(user__in=users).count() == 60
    assert users.reachable().count() == 60  # confirmed addresses: the benchmark's scan finds them
    assert Enrollment.objects.filter(user__in=users).count() >= 60
    # Every milestone marked done has its active prerequisites done too.
    for row in MilestoneProgress.objects.filter(user__in=users, status=Status.DONE).select_related("milestone"):
        prereqs = set(row.milestone.prerequisites.active().values_list("pk", flat=True))
        done = set(
            MilestoneProgress.objects.filter(user=row.user, status=Status.DONE).values_list("milestone_id", flat=True)
        )
        assert prereqs <= done, row
    # History agrees with the state: one event per step taken.
    done = MilestoneProgress.objects.filter(user__in=users, status=Status.DONE).count()
    doing = MilestoneProgress.objects.filter(user__in=users, status=Status.IN_PROGRESS).count()
    assert ProgressEvent.objects.filter(user__in=users).count() == 2 * done + doing
    # Done rows carry their date earned on the owner's calendar, and every day with history is an activity day.
    for row in MilestoneProgress.objects.filter(user__in=users, status=Status.DONE).select_related("user"):
        assert row.earned_on == timezone.localdate(row.completed_at, row.user.tzinfo), row
    for user in users[:10]:
        history_days = {
            timezone.localdate(at, user.tzinfo) for at in user.progress_events.values_list("created_at", flat=True)
        }
        assert set(user.activity_days.values_list("day", flat=True)) == history_days
    # The shared password works, and ids continue past the generated ones.
    assert users.first().check_password("demo-careerplan-2026")
    assert User.objects.create_user("after@example.com", "pw-0123456789").pk > max(users.values_list("pk", flat=True))


def test_the_same_seed_gives_the_same_data(seeded):
    call_command("seed_demo", users=30, seed=11, stdout=StringIO())
    first = _snapshot(11)
    User.objects.filter(email__endswith="@s11.demo.careerplan.localhost").delete()
    call_command("seed_demo", users=30, seed=11, stdout=StringIO())
    assert _snapshot(11) == first


def test_seeding_the_same_seed_twice_is_refused(seeded):
    call_command("seed_demo", users=5, seed=3, stdout=StringIO())
    with pytest.raises(CommandError, match="exist already"):
        call_command("seed_demo", users=5, seed=3, stdout=StringIO())
