"""The settings page: a searchable list of current time zones, an error summary, and no valid change dropped."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from accounts.models import QuizResult
from nudges.models import ReminderPreferences

GOOD_REMINDERS = {
    "reminders-enabled": "on",
    "reminders-email_enabled": "on",
    "reminders-stalled_after_days": "7",
    "reminders-digest_weekday": "0",
    "reminders-digest_hour": "9",
    "reminders-quiet_start": "21:00",
    "reminders-quiet_end": "08:00",
}


@pytest.fixture
def web(client, owner):
    client.force_login(owner)
    return client


def save(web, **changes):
    return web.post(
        "/settings/", {"profile-display_name": "Olive Owner", "profile-timezone": "UTC", **GOOD_REMINDERS, **changes}
    )


def test_the_time_zone_list_holds_current_places_and_no_traps(web):
    body = web.get("/settings/").content.decode()
    options = re.findall(r'<option value="([^"]+)">UTC[+\u2212]\d\d:\d\d</option>', body)
    assert {"Europe/London", "Asia/Kolkata", "America/New_York", "UTC"} <= set(options)
    assert not {"Etc/GMT+5", "US/Eastern", "Asia/Calcutta", "EST5EDT", "GB"} & set(options)
    assert 'list="timezone-choices"' in body


def test_an_old_zone_name_is_saved_under_its_current_one(web, owner):
    assert save(web, **{"profile-timezone": "US/Eastern"}).status_code == 302
    owner.refresh_from_db()
    assert owner.timezone == "America/New_York"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("Etc/GMT+5", "Etc/GMT+5 is a fixed offset, which ignores summer time."),
        ("Mars/Olympus", "Mars/Olympus is not a time zone we know."),
        ("", "This field is required."),
    ],
)
def test_a_time_zone_that_is_no_place_is_refused_with_a_clear_message(web, owner, typed, says):
    response = save(web, **{"profile-timezone": typed})
    assert response.status_code == 200
    body = response.content.decode()
    assert says in body
    assert 'id="id_profile-timezone_error"' in body
    owner.refresh_from_db()
    assert owner.timezone == "UTC"


def test_the_error_summary_at_the_top_links_to_each_field(web):
    body = save(web, **{"profile-timezone": "Mars/Olympus", "reminders-stalled_after_days": "500"}).content.decode()
    summary = body[body.index('data-testid="error-summary"') : body.index("<h1>Settings</h1>")]
    assert 'href="#id_profile-timezone"' in summary
    assert "Profile, time zone: Mars/Olympus" in summary
    assert 'href="#id_reminders-stalled_after_days"' in summary
    assert "Reminders, " in summary


def test_a_valid_section_is_saved_when_another_is_refused_and_the_page_says_which(web, owner):
    prefs = ReminderPreferences.for_user(owner)
    response = save(
        web, **{"profile-display_name": "Olive O.", "profile-timezone": "Europe/Paris", "reminders-digest_hour": "99"}
    )
    assert response.status_code == 200
    owner.refresh_from_db()
    prefs.refresh_from_db()
    assert (owner.display_name, owner.timezone) == ("Olive O.", "Europe/Paris")
    assert prefs.digest_hour == 9  # refused, unchanged
    body = response.content.decode()
    assert "Profile: saved." in body
    assert "Reminders: not saved. Correct what is marked below, then save again." in body
    assert 'name="reminders-digest_hour" value="99"' in body  # kept as typed, to correct


def test_a_saved_section_shows_what_was_stored(web, owner):
    body = save(web, **{"profile-timezone": "Asia/Calcutta", "reminders-digest_hour": "99"}).content.decode()
    assert 'name="profile-timezone" value="Asia/Kolkata"' in body


def test_a_zone_saved_under_an_old_name_shows_under_its_current_one(web, owner):
    owner.timezone = "Europe/Kiev"
    owner.save(update_fields=["timezone"])
    body = web.get("/settings/").content.decode()
    assert 'name="profile-timezone" value="Europe/Kyiv"' in body


def test_the_browser_zone_is_offered_unless_it_names_the_saved_one(web, owner):
    owner.timezone = "Asia/Kolkata"
    owner.save(update_fields=["timezone"])
    body = web.get("/settings/").content.decode()
    offer = re.search(r"<p class=\"timezone-offer\"[^>]*>", body).group(0)
    assert "hidden" in offer  # shown only by the script, when the browser's zone differs
    assert 'data-same-zones="Asia/Kolkata Asia/Calcutta"' in offer
    assert 'data-for="id_profile-timezone"' in offer
    assert 'src="/static/js/timezone.js"' in body


def test_the_quiz_result_kept_on_the_account_shows_in_settings_and_in_the_export(web, owner):
    QuizResult.objects.create(
        user=owner,
        answers={"se_skill": 5, "ml_knowledge": 1, "communication": 2, "produces": "deployed_systems"},
        ranking=[{"track": "mlops-engineer", "name": "ML DevOps / MLOps Engineer", "score": 90, "reasons": ["Close."]}],
        taken_at=timezone.now(),
    )
    body = web.get("/settings/").content.decode()
    assert '<a href="/tracks/mlops-engineer/">ML DevOps / MLOps Engineer</a>' in body
    exported = web.get("/settings/export/").json()
    assert exported["quiz_result"]["ranking"][0]["track"] == "mlops-engineer"
    assert exported["quiz_result"]["answers"]["se_skill"] == 5
