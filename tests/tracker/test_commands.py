from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from tracker.management.commands.bootstrap_demo import ADMIN_EMAIL, DEMO_EMAIL, DEMO_PASSWORD
from tracker.models import CareerTrack, Enrollment, Milestone, MilestoneProgress, ProgressEvent


def test_seed_content_fills_an_empty_catalogue(db):
    call_command("seed_content", verbosity=0)
    assert CareerTrack.objects.count() >= 10


def test_seed_content_leaves_editors_changes_alone(seeded):
    Milestone.objects.filter(slug="aws-certified-ml").update(title="AWS ML (edited)")
    out = StringIO()
    call_command("seed_content", stdout=out)
    assert "already present" in out.getvalue()
    assert Milestone.objects.get(slug="aws-certified-ml").title == "AWS ML (edited)"


def test_bootstrap_demo_makes_a_demo_plan_and_an_admin_and_is_safe_twice(seeded, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("bootstrap_demo", stdout=out)
    call_command("bootstrap_demo", stdout=StringIO())
    demo = User.objects.get(email=DEMO_EMAIL)
    assert demo.check_password(DEMO_PASSWORD)
    assert User.objects.get(email=ADMIN_EMAIL).is_superuser
    assert Enrollment.objects.filter(user=demo).count() == 1
    done = MilestoneProgress.objects.filter(user=demo, status="done").count()
    assert done >= 1
    assert ProgressEvent.objects.filter(user=demo).count() == done
    assert DEMO_PASSWORD in out.getvalue()
    assert DEMO_EMAIL in out.getvalue()


def test_bootstrap_demo_refuses_to_run_in_production(seeded, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("bootstrap_demo", stdout=StringIO())
