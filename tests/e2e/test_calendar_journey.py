"""The calendar feed in a real browser: make it in Settings, read it as a calendar app would, revoke it.

Drives headless Chromium against the live server; see conftest.py.
"""

from __future__ import annotations

from datetime import date
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from tests.factories import CareerTrackFactory, LadderStepFactory, MilestoneFactory
from tracker.models import Enrollment, MilestoneProgress

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def status_of(url: str) -> int:
    try:
        with urlopen(url, timeout=10) as response:
            return response.status
    except HTTPError as error:
        return error.code


def test_a_person_subscribes_sees_their_dates_and_revokes_the_address(new_context, login_as, live_server, owner):
    track = CareerTrackFactory(name="Machine Learning Engineer")
    milestone = MilestoneFactory(slug="python", title="Python")
    LadderStepFactory(track=track, milestone=milestone, order=1)
    Enrollment.objects.enroll(owner, track)
    MilestoneProgress.objects.update_state(owner, milestone, target_date=date(2027, 1, 15))

    context = new_context()
    login_as(context, owner)
    page = context.new_page()
    page.goto("/settings/")
    card = page.locator("#calendar")
    card.get_by_role("button", name="Make a calendar address").click()

    address = page.get_by_label("Calendar address")
    expect(address).to_have_attribute("readonly", "")
    url = address.input_value()
    assert url.startswith(f"{live_server.url}/calendar/")
    assert url.endswith(".ics")

    with urlopen(url, timeout=10) as response:
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        calendar = Calendar.from_ical(response.read())
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Target: Python"
    assert event.decoded("DTSTART") == date(2027, 1, 15)

    page.locator("#calendar").get_by_role("button", name="Revoke this address").click()
    expect(page.get_by_role("status")).to_contain_text("its address no longer works")
    expect(page.get_by_label("Calendar address")).to_have_count(0)
    assert status_of(url) == 404
