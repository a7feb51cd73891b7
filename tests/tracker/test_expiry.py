"""One expiry rule, on the person's own calendar: the page, the API, the dashboard and a renewal agree at 23:30.

A certification earned on the person's local date D, valid 12 months, stops
counting on D plus 12 months of *their* calendar. At 23:30 in Honolulu
(UTC-10) the UTC date is already tomorrow; at 23:30 in Kiritimati (UTC+14)
a completion at 00:30 local was still yesterday in UTC. Before the rule was
written once, the dashboard counted from the UTC date of completion and a
renewal compared with the UTC date of today, so near midnight they disagreed.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.api_clients import client_for
from tests.factories import CareerTrackFactory, EnrollmentFactory, LadderStepFactory, MilestoneFactory, UserFactory
from tracker.models import MilestoneProgress, ProgressEvent, Status
from tracker.progress import EXPIRED, Dashboard, track_progress

pytestmark = pytest.mark.django_db

# (zone, completed at local time, the local day before expiry, the local day of expiry)
ZONES = [
    ("Pacific/Honolulu", datetime(2025, 3, 10, 20, 0), datetime(2026, 3, 9, 23, 30), datetime(2026, 3, 10, 23, 30)),
    ("Pacific/Kiritimati", datetime(2025, 3, 10, 0, 30), datetime(2026, 3, 9, 23, 30), datetime(2026, 3, 10, 23, 30)),
]


def local(moment: datetime, zone: str) -> datetime:
    return moment.replace(tzinfo=ZoneInfo(zone))


@pytest.fixture(params=ZONES, ids=[zone for zone, *_ in ZONES])
def certified(request):
    zone, completed, day_before, expiry_day = request.param
    person = UserFactory(email="cert@example.com", timezone=zone)
    track = CareerTrackFactory(slug="cloud", is_published=True)
    cert = MilestoneFactory(slug="cloud-cert", valid_for_months=12)
    LadderStepFactory(track=track, milestone=cert)
    plan = EnrollmentFactory(user=person, track=track)
    MilestoneProgress.objects.create(
        user=person,
        milestone=cert,
        status=Status.DONE,
        completed_at=local(completed, zone),
        earned_on=completed.date(),  # the day on the person's calendar, as marking it done records it
        expires_on=cert.expires_on(completed.date()),  # and the expiry it keeps
        earned_in=track,
    )
    return person, plan, cert, local(day_before, zone), local(expiry_day, zone)


def what_everyone_says(person, plan, cert):
    """The status as the plan's progress, the dashboard, the web page and the API each report it."""
    item = track_progress(plan).items[0]
    dashboard_next = [i.milestone.slug for i in Dashboard(person).plans[0].next_up]
    web = Client()
    web.force_login(person)
    page = web.get(f"/plans/{plan.pk}/").content.decode()
    panel = page[page.index('id="m-cloud-cert"') :][:3000]
    api = client_for(person)
    api_status = api.get("/api/v1/progress/cloud-cert/").json()["status"]
    api_next = [m["milestone"] for m in api.get("/api/v1/dashboard/").json()["enrollments"][0]["next_up"]]
    return {
        "progress": item.status,
        "dashboard lists it next": "cloud-cert" in dashboard_next,
        "page says expired": 'data-testid="status">Expired' in panel,
        "api": api_status,
        "api dashboard lists it next": "cloud-cert" in api_next,
    }


def test_at_23_30_on_the_day_before_expiry_everyone_says_valid_and_done_again_changes_nothing(certified):
    person, plan, cert, day_before, _ = certified
    with time_machine.travel(day_before, tick=False):
        assert what_everyone_says(person, plan, cert) == {
            "progress": Status.DONE,
            "dashboard lists it next": False,
            "page says expired": False,
            "api": "done",
            "api dashboard lists it next": False,
        }
        events = ProgressEvent.objects.count()
        MilestoneProgress.objects.set_status(person, cert, Status.DONE)
        assert ProgressEvent.objects.count() == events  # still valid: nothing to renew


def test_at_23_30_on_the_day_of_expiry_everyone_says_expired_and_done_again_renews(certified):
    person, plan, cert, _, expiry_day = certified
    with time_machine.travel(expiry_day, tick=False):
        assert what_everyone_says(person, plan, cert) == {
            "progress": EXPIRED,
            "dashboard lists it next": True,
            "page says expired": True,
            "api": "expired",
            "api dashboard lists it next": True,
        }
        renewed = MilestoneProgress.objects.set_status(person, cert, Status.DONE)
        assert renewed.completed_at == expiry_day
        assert ProgressEvent.objects.filter(user=person, to_status=Status.DONE).count() == 1
        assert what_everyone_says(person, plan, cert)["progress"] == Status.DONE
