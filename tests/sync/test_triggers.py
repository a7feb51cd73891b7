"""The change log's triggers: every write path reaches the log, and they come back after a migration drops them."""

import pytest
from django.apps import apps
from django.db import connection
from django.db.models.signals import post_migrate

from sync.models import Change, Stream
from tests.factories import CareerTrackFactory, EnrollmentFactory, LadderStepFactory, MilestoneFactory
from tracker.models import Enrollment, MilestoneProgress

pytestmark = pytest.mark.django_db


def recorded(user, kind):
    return set(Change.objects.filter(user_id=user.pk, kind=kind).values_list("object_id", flat=True))


def drop_progress_triggers():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync_%'")
            for name, table in cursor.fetchall():
                if table == "tracker_milestoneprogress":
                    cursor.execute(f"DROP TRIGGER {name}")
        else:
            cursor.execute("DROP TRIGGER sync_changes ON tracker_milestoneprogress")


def test_bulk_writes_that_send_no_signals_are_recorded_too(owner):
    track = CareerTrackFactory()
    milestones = [MilestoneFactory() for _ in range(3)]
    for milestone in milestones:
        LadderStepFactory(track=track, milestone=milestone)
    plan = EnrollmentFactory(user=owner, track=track)
    before = Stream.objects.get(user_id=owner.pk).seq

    MilestoneProgress.objects.set_target_dates(owner, {m.pk: plan.started_at.date() for m in milestones})
    Enrollment.objects.filter(pk=plan.pk).complete(plan.started_at)

    rows = set(MilestoneProgress.objects.filter(user=owner).values_list("pk", flat=True))
    assert recorded(owner, "progress") == rows
    assert len(rows) == 3
    assert Change.objects.get(user_id=owner.pk, kind="plan", object_id=plan.pk).seq > before


def test_the_triggers_come_back_after_every_migrate(owner):
    milestone = MilestoneFactory()
    drop_progress_triggers()
    MilestoneProgress.objects.create(user=owner, milestone=milestone)
    assert recorded(owner, "progress") == set()  # the gap a table rebuilt by a migration would leave

    post_migrate.send(sender=apps.get_app_config("sync"), app_config=apps.get_app_config("sync"), using="default")

    row = MilestoneProgress.objects.create(user=owner, milestone=MilestoneFactory())
    assert recorded(owner, "progress") == {row.pk}


def test_a_database_without_triggers_written_for_it_is_refused_by_name():
    """Another vendor would sync nothing at all; it is refused with what to use instead."""
    from types import SimpleNamespace

    from django.core.exceptions import ImproperlyConfigured

    from sync import triggers

    with pytest.raises(ImproperlyConfigured, match="SQLite or PostgreSQL; DATABASE_URL names mysql"):
        triggers.install(SimpleNamespace(vendor="mysql"))
