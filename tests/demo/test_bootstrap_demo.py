from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from demo.management.commands.bootstrap_demo import ADMIN_EMAIL, DEMO_EMAIL, DEMO_PASSWORD
from tracker.models import Enrollment, MilestoneProgress, ProgressEvent


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


@pytest.mark.parametrize("utc_hour", [2, 14, 22])
def test_the_demo_user_gets_a_stalled_nudge_at_any_hour_of_the_day(seeded, settings, utc_hour):
    from datetime import UTC, datetime

    import time_machine

    settings.DEBUG = True
    call_command("bootstrap_demo", stdout=StringIO())
    with time_machine.travel(datetime(2026, 11, 25, utc_hour, 30, tzinfo=UTC), tick=False):
        out = StringIO()
        call_command("send_nudges", dry_run=True, user=DEMO_EMAIL, stdout=out)
    assert f"would send stalled to {DEMO_EMAIL}" in out.getvalue()


def test_the_demo_user_can_sign_in_through_the_website_without_confirming_an_email(client, seeded, settings):
    settings.DEBUG = True
    call_command("bootstrap_demo", stdout=StringIO())
    response = client.post("/accounts/login/", {"login": DEMO_EMAIL, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert "confirm-email" not in response["Location"]
    assert client.get("/dashboard/").status_code == 200
