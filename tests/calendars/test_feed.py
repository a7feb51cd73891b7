"""The private calendar feed: what it holds, how calendar apps match and update its events, who may read it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from icalendar import Calendar

from calendars.models import CalendarFeed
from tests.factories import CareerTrackFactory, LadderStepFactory, MilestoneFactory
from tracker.models import Enrollment, MilestoneProgress


def fetch(client, feed) -> Calendar:
    response = client.get(f"/calendar/{feed.token}.ics")
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict[str, dict]:
    """Each VEVENT by its summary: its UID, SEQUENCE, DTSTART (a date) and DESCRIPTION."""
    return {
        str(e["SUMMARY"]): {
            "uid": str(e["UID"]),
            "sequence": int(e["SEQUENCE"]),
            "day": e.decoded("DTSTART"),
            "description": str(e["DESCRIPTION"]),
        }
        for e in calendar.walk("VEVENT")
    }


@pytest.fixture
def dated(owner, plan, skill, certification):
    """A target date on Python, the plan's own target date, and the certification earned on 2 March 2026."""
    MilestoneProgress.objects.update_state(owner, skill, target_date=date(2027, 1, 15))
    MilestoneProgress.objects.update_state(owner, certification, status="done", earned_on=date(2026, 3, 2))
    plan.target_date = date(2027, 6, 1)
    plan.save()
    return plan


def test_it_holds_the_target_dates_and_a_certifications_renewal_window_and_expiry(client, feed, dated):
    """A certification valid 36 months, earned 2 March 2026: renewal opens 90 days before 2 March 2029, closes 14."""
    got = {summary: e["day"] for summary, e in events(fetch(client, feed)).items()}
    cert = "AWS Certified Machine Learning Engineer - Associate"
    assert got == {
        "Target: Python": date(2027, 1, 15),
        "Plan target: Machine Learning Engineer": date(2027, 6, 1),
        f"Renewal opens: {cert}": date(2028, 12, 2),
        f"14 days left to renew: {cert}": date(2029, 2, 16),
        f"Expires: {cert}": date(2029, 3, 2),
    }


def test_each_event_links_to_its_milestone_in_the_plan(client, feed, dated):
    """The description ends with the absolute address of the milestone's panel on the plan page."""
    calendar = fetch(client, feed)
    python = next(e for e in calendar.walk("VEVENT") if e["SUMMARY"] == "Target: Python")
    link = f"http://127.0.0.1:8000/plans/{dated.pk}/#m-python"
    assert str(python["DESCRIPTION"]).endswith(link)
    assert str(python["URL"]) == link


def test_uids_are_stable_across_two_fetches_and_never_name_the_person(client, owner, feed, dated):
    first = {e["uid"] for e in events(fetch(client, feed)).values()}
    second = {e["uid"] for e in events(fetch(client, feed)).values()}
    assert first == second
    assert len(first) == 5
    for uid in first:
        assert uid.startswith("careerplan-")
        assert uid.endswith("@127.0.0.1")
        assert owner.email not in uid
        assert "owner" not in uid


def test_the_sequence_grows_when_a_target_date_moves_and_stays_when_nothing_changed(client, owner, feed, dated, skill):
    before = events(fetch(client, feed))
    assert before["Target: Python"]["sequence"] == 0
    assert events(fetch(client, feed)) == before  # an unchanged refetch changes nothing

    MilestoneProgress.objects.update_state(owner, skill, target_date=date(2027, 2, 1))
    after = events(fetch(client, feed))
    assert after["Target: Python"]["day"] == date(2027, 2, 1)
    assert after["Target: Python"]["uid"] == before["Target: Python"]["uid"]  # updated, not duplicated
    assert after["Target: Python"]["sequence"] == 1
    # The other events did not change, nor did their SEQUENCE.
    assert after["Plan target: Machine Learning Engineer"]["sequence"] == 0

    assert events(fetch(client, feed))["Target: Python"]["sequence"] == 1
    MilestoneProgress.objects.update_state(owner, skill, target_date=date(2027, 3, 1))
    assert events(fetch(client, feed))["Target: Python"]["sequence"] == 2


def test_an_unchanged_event_keeps_its_dtstamp_and_a_changed_one_gets_a_new_one(client, owner, feed, dated, skill):
    """DTSTAMP is when the event last changed (RFC 5545 3.8.7.2, a calendar without METHOD)."""
    with time_machine.travel(datetime(2026, 11, 28, 9, 0, tzinfo=UTC)):
        fetch(client, feed)
    with time_machine.travel(datetime(2026, 11, 29, 9, 0, tzinfo=UTC)):
        MilestoneProgress.objects.update_state(owner, skill, target_date=date(2027, 2, 1))
        calendar = fetch(client, feed)
    stamps = {str(e["SUMMARY"]): e.decoded("DTSTAMP") for e in calendar.walk("VEVENT")}
    assert stamps["Target: Python"] == datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
    assert stamps["Plan target: Machine Learning Engineer"] == datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def test_a_milestone_done_leaves_the_calendar(client, owner, feed, dated, skill):
    """Only what is still to do has a target-date event; an event that goes is simply absent."""
    assert "Target: Python" in events(fetch(client, feed))
    MilestoneProgress.objects.update_state(owner, skill, status="done")
    assert "Target: Python" not in events(fetch(client, feed))


def test_it_is_valid_icalendar_with_every_required_property(client, feed, dated):
    calendar = fetch(client, feed)
    assert calendar.name == "VCALENDAR"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//CareerPlan//Calendar feed//EN"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["X-WR-CALNAME"]) == "CareerPlan: Olive Owner"
    assert calendar["REFRESH-INTERVAL"].to_ical() == b"PT4H"
    vevents = calendar.walk("VEVENT")
    assert len(vevents) == 5
    for event in vevents:
        for required in ("UID", "DTSTAMP", "DTSTART", "SUMMARY", "DESCRIPTION", "SEQUENCE"):
            assert required in event, (required, event["SUMMARY"])
        # All-day: dates, not times, and DTEND the next day.
        assert type(event.decoded("DTSTART")) is date
        assert (event.decoded("DTEND") - event.decoded("DTSTART")).days == 1
        assert event["DTSTART"].params["VALUE"] == "DATE"
    assert len({e["UID"] for e in vevents}) == len(vevents)


def test_lines_are_folded_at_75_octets_and_end_with_crlf(client, feed, dated):
    body = client.get(f"/calendar/{feed.token}.ics").content
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")
    assert body.endswith(b"END:VCALENDAR\r\n")
    lines = body.split(b"\r\n")
    assert b"\n" not in b"".join(lines)  # no bare LF anywhere
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # the long descriptions were folded


def test_it_is_served_as_a_private_uncached_calendar(client, feed, dated):
    response = client.get(f"/calendar/{feed.token}.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert "Set-Cookie" not in response


def test_it_holds_nothing_private(client, owner, feed, dated, skill):
    """Never the email, notes or evidence: only titles and dates."""
    MilestoneProgress.objects.update_state(
        owner, skill, notes="SECRET-NOTE", evidence_url="https://evidence.example.com/secret"
    )
    body = client.get(f"/calendar/{feed.token}.ics").content.decode()
    for private in (owner.email, "SECRET-NOTE", "evidence.example.com"):
        assert private not in body


def test_a_revoked_address_is_a_404_at_once_and_a_new_one_works(client, owner, feed, dated):
    old = feed.token
    assert client.get(f"/calendar/{old}.ics").status_code == 200
    assert CalendarFeed.objects.revoke(owner)
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    new, created = CalendarFeed.objects.open(owner)
    assert created
    assert new.token != old
    assert len(new.token) >= 43  # 32 random bytes
    assert client.get(f"/calendar/{new.token}.ics").status_code == 200
    assert client.get(f"/calendar/{old}.ics").status_code == 404


def test_an_unknown_token_is_a_404(client, feed):
    assert client.get("/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics").status_code == 404
    assert client.get(f"/calendar/{feed.token.swapcase()}.ics").status_code == 404
    assert client.get(f"/calendar/{feed.token[:-1]}.ics").status_code == 404


def test_a_deactivated_persons_feed_is_a_404(client, owner, feed):
    owner.is_active = False
    owner.save()
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 404


def test_someone_elses_dates_are_not_in_my_feed(client, owner, other, feed, dated, track, skill):
    """Each feed reads its owner's plans only."""
    Enrollment.objects.enroll(other, track, target_date=date(2030, 1, 1))
    MilestoneProgress.objects.update_state(other, skill, target_date=date(2030, 2, 2))
    days = {e["day"] for e in events(fetch(client, feed)).values()}
    assert date(2030, 1, 1) not in days
    assert date(2030, 2, 2) not in days


def test_all_day_dates_are_the_persons_own(client, owner, other, track, certification):
    """Done at 20:00 UTC on 28 Nov 2026 is 29 Nov in Auckland: each person's expiry is on their own calendar."""
    owner.timezone = "Pacific/Auckland"
    owner.save()
    expiries = {}
    with time_machine.travel(datetime(2026, 11, 28, 20, 0, tzinfo=UTC)):
        for person in (owner, other):
            Enrollment.objects.enroll(person, track)
            MilestoneProgress.objects.update_state(person, certification, status="done")
            feed, _ = CalendarFeed.objects.open(person)
            calendar = fetch(client, feed)
            [expiry] = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]).startswith("Expires")]
            assert "TZID" not in expiry["DTSTART"].params  # floating: the same date wherever the calendar is
            expiries[person.timezone] = expiry.decoded("DTSTART")
    assert expiries == {"Pacific/Auckland": date(2029, 11, 29), "UTC": date(2029, 11, 28)}


def test_a_retired_certification_points_to_its_successor(client, owner, feed, plan, certification, track):
    successor = MilestoneFactory(slug="new-cert", title="The New Certification", category="certification")
    LadderStepFactory(track=track, milestone=successor, order=3)
    MilestoneProgress.objects.update_state(owner, certification, status="done", earned_on=date(2026, 1, 5))
    certification.retired_on, certification.successor = date(2026, 3, 31), successor
    certification.save()
    expiry = next(e for e in fetch(client, feed).walk("VEVENT") if str(e["SUMMARY"]).startswith("Expires"))
    assert "Renew it by taking The New Certification" in str(expiry["DESCRIPTION"])


def test_a_milestone_in_two_plans_is_one_event(client, owner, feed, plan, skill):
    """Its target date is the person's, not a plan's: one event, linking to the first plan."""
    second_track = CareerTrackFactory(slug="data-scientist", name="Data Scientist")
    LadderStepFactory(track=second_track, milestone=skill, order=1)
    Enrollment.objects.enroll(owner, second_track)
    MilestoneProgress.objects.update_state(owner, skill, target_date=date(2027, 1, 15))
    got = [e for e in fetch(client, feed).walk("VEVENT") if e["SUMMARY"] == "Target: Python"]
    assert len(got) == 1
    assert str(got[0]["URL"]).endswith(f"/plans/{plan.pk}/#m-python")


def _build(owner, plans: int, milestones: int) -> None:
    """``plans`` plans of ``milestones`` steps each, every step dated, one certification held per plan."""
    for p in range(plans):
        track = CareerTrackFactory()
        Enrollment.objects.enroll(owner, track, target_date=date(2028, 1, 1 + p))
        cert = MilestoneFactory(category="certification", valid_for_months=24)
        LadderStepFactory(track=track, milestone=cert, order=0)
        dates = {}
        for m in range(milestones):
            milestone = MilestoneFactory()
            LadderStepFactory(track=track, milestone=milestone, order=m + 1)
            dates[milestone.pk] = date(2027, 1 + m % 12, 1 + p)
        MilestoneProgress.objects.set_target_dates(owner, dates)
        MilestoneProgress.objects.update_state(owner, cert, status="done", earned_on=date(2026, 1, 1 + p))


def _move_every_target_date(owner) -> None:
    for row in MilestoneProgress.objects.filter(user=owner, target_date__isnull=False):
        row.target_date = row.target_date.replace(year=2029)
        row.save(update_fields=["target_date"])


@pytest.mark.parametrize("with_changes", [False, True])
def test_a_fetch_costs_the_same_queries_whatever_the_number_of_plans_and_milestones(
    client, owner, feed, django_assert_num_queries, with_changes
):
    """1 plan of 4 milestones, then 10 more: the same queries, whether events changed (one upsert) or not.

    (Changed events are written in one statement; only SQLite, whose limit of
    999 parameters Django keeps to, splits an upsert of more than 199 rows.)
    """

    def prepare(plans: int, milestones: int) -> None:
        _build(owner, plans, milestones)
        fetch(client, feed)  # warm: the process's ladder cache, and every event's first revision
        if with_changes:
            _move_every_target_date(owner)

    # The feed with its person, their plans, the plans' own steps, their progress rows, checklists, the
    # revisions; and, when anything changed, one upsert of the changed ones.
    queries = 6 + with_changes
    # Each plan: 4 target dates, the plan's own, and the certification's three.
    prepare(1, 4)
    with django_assert_num_queries(queries):
        assert len(fetch(client, feed).walk("VEVENT")) == 8
    prepare(10, 4)
    with django_assert_num_queries(queries):
        assert len(fetch(client, feed).walk("VEVENT")) == 11 * 8
