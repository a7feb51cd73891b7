"""Certifications as they live: a renewal window, renewals kept as history, retired exams and their successors."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.factories import UserFactory
from tracker.models import (
    CURRENT,
    LAPSED,
    RENEWAL_OPEN,
    Earning,
    Enrollment,
    Milestone,
    MilestoneProgress,
    RenewalCountsFrom,
    Status,
)
from tracker.progress import EXPIRED, track_progress

from .cloud_ladder import cloud_ladder

pytestmark = pytest.mark.django_db


@pytest.fixture
def ladder():
    data = cloud_ladder()
    for slug in ("aws", "gcp"):
        data[slug].valid_for_months = 24
        data[slug].save()
    return data


def earn(user, milestone, on, now=None):
    return MilestoneProgress.objects.update_state(
        user, milestone, status=Status.DONE, earned_on=on, now=now or datetime(2026, 11, 28, 12, tzinfo=UTC)
    )


def certified(user, ladder, on=date(2024, 12, 1)):
    earn(user, ladder["python"], on)
    return earn(user, ladder["aws"], on)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Honolulu"])
def test_the_window_opens_ninety_days_before_expiry_on_the_persons_own_calendar(ladder, zone):
    """Earned on 3 Dec 2024 and valid 24 months: it expires on 3 Dec 2026, and renewal opens on 4 Sept."""
    person = UserFactory(timezone=zone)
    row = certified(person, ladder, on=date(2024, 12, 3))
    assert row.expires_on == date(2026, 12, 3)
    assert row.validity(date(2026, 9, 3)).state == CURRENT
    assert row.validity(date(2026, 9, 4)).state == RENEWAL_OPEN
    assert row.validity(date(2026, 9, 4)).renewal_opens_on == date(2026, 9, 4)
    assert row.validity(date(2026, 12, 3)).state == LAPSED
    # What each person sees at one instant depends on their own date.
    plan, _ = Enrollment.objects.enroll(person, ladder["track"])
    instant = datetime(2026, 9, 3, 10, 30, tzinfo=UTC)  # 4 Sept in Kiritimati, 3 Sept in Honolulu
    with time_machine.travel(instant, tick=False):
        item = next(i for i in track_progress(plan).items if i.milestone.slug == "aws")
    expected = RENEWAL_OPEN if zone == "Pacific/Kiritimati" else CURRENT
    assert item.validity.state == expected


def test_a_renewal_adds_a_history_row_and_counts_from_its_own_date(owner, ladder):
    certified(owner, ladder)
    with time_machine.travel(datetime(2026, 10, 1, 12, tzinfo=UTC), tick=False):
        row = MilestoneProgress.objects.update_state(owner, ladder["aws"], renew=True)
    history = list(Earning.objects.filter(user=owner, milestone=ladder["aws"]).order_by("earned_on"))
    assert [(e.earned_on, e.expires_on, e.is_renewal) for e in history] == [
        (date(2024, 12, 1), date(2026, 12, 1), False),
        (date(2026, 10, 1), date(2028, 10, 1), True),
    ]
    assert (row.earned_on, row.expires_on, row.status) == (date(2026, 10, 1), date(2028, 10, 1), Status.DONE)


def test_an_issuer_counting_from_the_old_expiry_keeps_the_time_left(owner, ladder):
    ladder["aws"].renewal_counts_from = RenewalCountsFrom.EXPIRY
    ladder["aws"].save()
    certified(owner, ladder)
    with time_machine.travel(datetime(2026, 10, 1, 12, tzinfo=UTC), tick=False):
        row = MilestoneProgress.objects.update_state(owner, ladder["aws"], renew=True)
    assert row.expires_on == date(2028, 12, 1)
    # Once expired, nothing is left to extend: a late renewal counts from its own date.
    with time_machine.travel(datetime(2029, 1, 10, 12, tzinfo=UTC), tick=False):
        late = MilestoneProgress.objects.set_status(owner, ladder["aws"], Status.DONE)
    assert late.expires_on == date(2031, 1, 10)
    assert Earning.objects.filter(user=owner, milestone=ladder["aws"], is_renewal=True).count() == 2


@pytest.mark.parametrize(
    ("when", "earned_on", "code"),
    [
        (datetime(2026, 8, 1, 12, tzinfo=UTC), None, "renewal_not_open"),
        (datetime(2026, 10, 1, 12, tzinfo=UTC), date(2024, 11, 1), "before_last_earning"),
    ],
)
def test_a_renewal_before_its_window_or_dated_before_the_last_earning_is_refused(owner, ladder, when, earned_on, code):
    certified(owner, ladder)
    details = {"earned_on": earned_on} if earned_on else {}
    with time_machine.travel(when, tick=False), pytest.raises(ValidationError) as refused:
        MilestoneProgress.objects.update_state(owner, ladder["aws"], renew=True, **details)
    assert refused.value.error_dict["status"][0].code == code
    assert Earning.objects.filter(user=owner, milestone=ladder["aws"]).count() == 1


def test_something_that_never_expires_cannot_be_renewed(owner, ladder):
    earn(owner, ladder["python"], date(2024, 1, 1))
    with pytest.raises(ValidationError) as refused:
        MilestoneProgress.objects.update_state(owner, ladder["python"], renew=True)
    assert refused.value.error_dict["status"][0].code == "not_renewable"


def test_undoing_done_takes_back_the_latest_earning_and_a_new_date_moves_it(owner, ladder):
    certified(owner, ladder)
    row = MilestoneProgress.objects.update_state(owner, ladder["aws"], earned_on=date(2025, 3, 1))
    assert row.expires_on == date(2027, 3, 1)
    assert list(Earning.objects.filter(user=owner, milestone=ladder["aws"]).values_list("earned_on", "expires_on")) == [
        (date(2025, 3, 1), date(2027, 3, 1))
    ]
    row = MilestoneProgress.objects.set_status(owner, ladder["aws"], Status.IN_PROGRESS)
    assert row.expires_on is None
    assert not Earning.objects.filter(user=owner, milestone=ladder["aws"]).exists()


@pytest.fixture
def retired(ladder):
    """AWS ML retired on 31 March 2026, replaced by GCP ML for the sake of the test."""
    aws = ladder["aws"]
    aws.retired_on, aws.successor = date(2026, 3, 31), ladder["gcp"]
    aws.save()
    return aws


def test_a_retired_certification_points_a_newcomer_to_its_successor_and_is_not_counted(owner, ladder, retired):
    plan, _ = Enrollment.objects.enroll(owner, ladder["track"])
    progress = track_progress(plan)
    aws = next(i for i in progress.items if i.milestone.slug == "aws")
    assert aws.retired_unheld
    assert not aws.is_needed
    assert aws not in progress.to_do
    # The group's pick is the successor, whatever the retired one's effort.
    gcp = next(i for i in progress.items if i.milestone.slug == "gcp")
    assert gcp.is_needed
    earn(owner, ladder["python"], date(2026, 5, 1))
    with pytest.raises(ValidationError) as refused:
        earn(owner, retired, date(2026, 5, 1))
    assert refused.value.error_dict["earned_on"][0].code == "retired"
    assert "Take GCP ML instead." in refused.value.messages[0]


def test_a_holder_keeps_a_retired_certification_until_it_expires_and_cannot_renew_it(owner, ladder, retired):
    certified(owner, ladder, on=date(2025, 6, 1))  # earned before the retirement: accepted
    plan, _ = Enrollment.objects.enroll(owner, ladder["track"])
    with time_machine.travel(datetime(2027, 4, 1, 12, tzinfo=UTC), tick=False):
        aws = next(i for i in track_progress(plan).items if i.milestone.slug == "aws")
        assert aws.status == Status.DONE
        assert aws.validity.state == RENEWAL_OPEN
        with pytest.raises(ValidationError) as refused:
            MilestoneProgress.objects.update_state(owner, retired, renew=True)
    assert refused.value.error_dict["status"][0].code == "retired"
    with time_machine.travel(datetime(2027, 6, 2, 12, tzinfo=UTC), tick=False):
        aws = next(i for i in track_progress(plan).items if i.milestone.slug == "aws")
        assert aws.status == EXPIRED
        with pytest.raises(ValidationError):
            MilestoneProgress.objects.set_status(owner, retired, Status.DONE)


def test_the_migration_gives_existing_done_rows_their_first_earning():
    """Checked in test_migrating_to_date_earned's style: the data migration's function on historical models."""
    import importlib

    from django.apps import apps

    module = importlib.import_module("tracker.migrations.0010_certification_lifecycle")
    person = UserFactory()
    cert = Milestone.objects.create(slug="c", title="C", description="", category="certification", valid_for_months=12)
    MilestoneProgress.objects.create(user=person, milestone=cert, status=Status.DONE, earned_on=date(2025, 2, 28))
    module.earnings_from_done_rows(apps, None)
    row = MilestoneProgress.objects.get(user=person, milestone=cert)
    assert row.expires_on == date(2026, 2, 28)
    assert list(Earning.objects.filter(user=person).values_list("earned_on", "expires_on", "is_renewal")) == [
        (date(2025, 2, 28), date(2026, 2, 28), False)
    ]


# --- the API ----------------------------------------------------------------------------


def test_the_api_tells_where_a_certification_stands_and_records_a_renewal(owner, ladder):
    from tests.api_clients import client_for

    Enrollment.objects.enroll(owner, ladder["track"])
    ladder["track"].is_published = True
    ladder["track"].save()
    certified(owner, ladder)
    with time_machine.travel(datetime(2026, 10, 1, 12, tzinfo=UTC), tick=False):
        api = client_for(owner)  # a token issued on the day the test stands on
        body = api.get("/api/v1/progress/aws/").json()
        assert body["expires_on"] == "2026-12-01"
        assert body["renewal"] == {
            "state": "renewal_open",
            "expires_on": "2026-12-01",
            "renewal_opens_on": "2026-09-02",
            "days_left": 61,
            "is_closing": False,
        }
        renewed = api.post("/api/v1/progress/aws/renewals/", {"earned_on": "2026-09-30"}, format="json")
        assert renewed.status_code == 201, renewed.content
        assert renewed.json()["expires_on"] == "2028-09-30"
        assert renewed.json()["renewal"]["state"] == "current"
        history = api.get("/api/v1/progress/aws/renewals/").json()
        assert [(e["earned_on"], e["is_renewal"]) for e in history] == [("2024-12-01", False), ("2026-09-30", True)]
        # Too early now: the new earning's window opens in 2028.
        again = api.post("/api/v1/progress/aws/renewals/", {}, format="json")
        assert again.status_code == 400
        assert again.json()["field_codes"]["status"] == ["renewal_not_open"]
    assert Earning.objects.filter(user=owner, milestone=ladder["aws"]).count() == 2


def test_the_api_names_a_retired_certifications_successor(owner, ladder, retired):
    from tests.api_clients import client_for

    ladder["track"].is_published = True
    ladder["track"].save()
    Enrollment.objects.enroll(owner, ladder["track"])
    body = client_for(owner).get("/api/v1/progress/aws/").json()
    assert body["retired_on"] == "2026-03-31"
    assert body["successor"] == "gcp"
    assert body["renewal"] is None
