"""Hostile input through every write path: never a 500, every refusal names its field.

Property-based (hypothesis): arbitrary text (unicode, control characters, NUL
bytes, which PostgreSQL refuses in text columns, very long strings, SQL and
HTML injection) and arbitrary dates (year 1 to 9999) are pushed through the
domain (``set_status``, ``enroll`` + ``plan_dates``), the milestone panel's
form, the plan-dates form and the settings form. Whatever is accepted is
stored exactly as the form normalises it (surrounding whitespace trimmed) and
comes back HTML-escaped on the page that shows it. The API's write paths are
in ``tests/api/test_hostile_input.py``.

Runs are bounded (``max_examples``) so the file stays well under a minute.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st

from nudges.models import ReminderPreferences
from tests.factories import CareerTrackFactory, LadderStepFactory, MilestoneFactory
from tests.hostile import BOUNDED, hostile_date, hostile_text
from tracker.models import Enrollment, MilestoneProgress, ProgressEvent, Status
from tracker.planning import plan_dates


@pytest.fixture
def plan(owner):
    track = CareerTrackFactory(slug="data-engineer", name="Data Engineer")
    first = MilestoneFactory(slug="sql", title="SQL", effort_weeks=2)
    second = MilestoneFactory(slug="spark", title="Spark", effort_weeks=520)
    second.prerequisites.add(first)
    LadderStepFactory(track=track, milestone=first, order=1)
    LadderStepFactory(track=track, milestone=second, order=2)
    return Enrollment.objects.enroll(owner, track)[0]


@pytest.fixture
def browser(owner):
    client = Client()
    client.force_login(owner)
    return client


def form_errors(response, prefix_field_names):
    """The bound forms' errors on a re-rendered page, as {field: [messages]}."""
    errors = {}
    for form in _forms_in(response.context):
        errors.update(form.errors)
    assert set(errors) <= set(prefix_field_names), errors
    return errors


def _forms_in(context):
    forms = []
    for key in ("plan_form", "profile_form", "prefs_form"):
        if key in context:
            forms.append(context[key])
    for panel in context.get("panels", []):
        forms.append(panel.form)
    return [f for f in forms if f.is_bound]


# --------------------------------------------------------------------------
# The domain
# --------------------------------------------------------------------------


@BOUNDED
@given(status=st.one_of(st.sampled_from(Status.values), hostile_text))
def test_it_sets_only_known_statuses_and_names_the_field_otherwise(owner, plan, status):
    """Any text as a status: a change for a known one, else a ValidationError on ``status``; nothing else."""
    milestone = plan.track.steps.get(milestone__slug="sql").milestone
    before = ProgressEvent.objects.count()
    try:
        row = MilestoneProgress.objects.set_status(owner, milestone, status, track=plan.track)
    except ValidationError as exc:
        refused = set(exc.message_dict)
    else:
        refused = set()
        row.refresh_from_db()
        assert row.status == status
    if status in Status.values:
        assert not refused
    else:
        assert refused == {"status"}
        assert ProgressEvent.objects.count() == before


@BOUNDED
# ``today`` is the server's clock, not input: kept to this century.
@given(target=st.dates(), today=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_it_plans_dates_for_any_target_and_today_or_names_the_target_date(owner, plan, target, today):
    """Year 1 to 9999, either way round: planned dates lie in (today, target], or ``target_date`` is refused.

    Refused when the target is not after today, or too soon for the 522 weeks of effort left (``PlanDoesNotFit``,
    which offers a date that fits); nothing is planned then.
    """
    enrollment, _ = Enrollment.objects.enroll(owner, plan.track, target_date=target)
    assert enrollment.pk == plan.pk
    assert enrollment.target_date == target
    dates = MilestoneProgress.objects.filter(user=owner).values_list("milestone_id", "target_date")
    before = dict(dates)
    try:
        planned = plan_dates(enrollment, today=today).planned
    except ValidationError as exc:
        refused = set(exc.message_dict)
    else:
        refused = set()
    if target <= today or (target - today).days < 522 * 7:
        assert refused == {"target_date"}
        assert dict(dates.all()) == before
    else:
        assert not refused
        assert planned
        assert all(today < when <= target for when in planned.values())
        assert max(planned.values()) == target
        assert dict(dates.all()) == planned


# --------------------------------------------------------------------------
# The web forms
# --------------------------------------------------------------------------


@BOUNDED
@given(
    notes=hostile_text, evidence_url=st.one_of(hostile_text, st.just("https://example.com/cert")), target=hostile_date
)
def test_the_milestone_panel_stores_what_it_accepts_and_shows_it_escaped(
    browser, owner, plan, notes, evidence_url, target
):
    """Evidence link, notes, target date: saved exactly (trimmed), shown escaped, or a 400 naming the field."""
    milestone = plan.track.steps.get(milestone__slug="sql").milestone
    prefix = f"m{milestone.pk}"
    response = browser.post(
        f"/plans/{plan.pk}/milestones/sql/details/",
        {f"{prefix}-notes": notes, f"{prefix}-evidence_url": evidence_url, f"{prefix}-target_date": target},
    )
    if response.status_code == 400:
        errors = form_errors(response, ["notes", "evidence_url", "target_date"])
        assert errors
        return
    assert response.status_code == 302, response.status_code
    row = MilestoneProgress.objects.get(user=owner, milestone=milestone)
    assert row.notes == notes.strip()
    assert row.evidence_url == evidence_url.strip()
    assert str(row.target_date or "") == target.strip()
    page = browser.get(f"/plans/{plan.pk}/").content.decode()
    assert escape(row.notes) in page
    if row.evidence_url:
        assert f'href="{escape(row.evidence_url)}"' in page
    assert browser.get("/dashboard/").status_code == 200


@BOUNDED
@given(target=hostile_date)
def test_plan_my_dates_takes_any_date_or_names_the_field(browser, owner, plan, target):
    """The plan's target date: planned (302), or a 400 naming ``target_date`` and changing nothing."""
    before = plan.target_date
    response = browser.post(f"/plans/{plan.pk}/plan-dates/", {"target_date": target})
    plan.refresh_from_db()
    if response.status_code == 400:
        assert set(form_errors(response, ["target_date"])) == {"target_date"}
        assert plan.target_date == before
        return
    assert response.status_code == 302
    assert plan.target_date == date.fromisoformat(target.strip())
    assert browser.get(f"/plans/{plan.pk}/").status_code == 200
    assert browser.get("/dashboard/").status_code == 200


@BOUNDED
@given(display_name=hostile_text, tz=st.one_of(st.sampled_from(["Europe/London", "UTC", "Asia/Kolkata"]), hostile_text))
def test_the_settings_form_stores_what_it_accepts_and_shows_it_escaped(browser, owner, display_name, tz):
    """Display name and time zone: saved and shown escaped, or the form names the field; never a 500."""
    before = (owner.display_name, owner.timezone)
    response = browser.post(
        "/settings/",
        {
            "profile-display_name": display_name,
            "profile-timezone": tz,
            "reminders-stalled_after_days": "7",
            "reminders-digest_weekday": "0",
            "reminders-digest_hour": "9",
            "reminders-quiet_start": "21:00",
            "reminders-quiet_end": "08:00",
        },
    )
    owner.refresh_from_db()
    if response.status_code == 200:
        assert form_errors(response, ["display_name", "timezone"])
        assert (owner.display_name, owner.timezone) == before
        return
    assert response.status_code == 302
    assert owner.display_name == display_name.strip()
    assert owner.timezone == tz
    page = browser.get("/settings/").content.decode()
    assert f'value="{escape(owner.display_name)}"' in page if owner.display_name else True
    assert browser.get("/dashboard/").status_code == 200


# --------------------------------------------------------------------------
# Examples worth keeping whatever hypothesis draws
# --------------------------------------------------------------------------


def test_notes_with_a_script_tag_are_shown_as_text(browser, owner, plan):
    """An HTML injection in the notes is escaped on the page, never markup."""
    milestone = plan.track.steps.get(milestone__slug="sql").milestone
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    browser.post(f"/plans/{plan.pk}/milestones/sql/details/", {f"m{milestone.pk}-notes": payload})
    page = browser.get(f"/plans/{plan.pk}/").content.decode()
    assert escape(payload) in page
    assert payload not in page
    assert "<script>alert" not in page


def test_a_javascript_evidence_link_is_refused(browser, owner, plan):
    """Only web addresses are links: ``javascript:`` never reaches an href."""
    milestone = plan.track.steps.get(milestone__slug="sql").milestone
    response = browser.post(
        f"/plans/{plan.pk}/milestones/sql/details/", {f"m{milestone.pk}-evidence_url": "javascript:alert(1)"}
    )
    assert response.status_code == 400
    assert set(form_errors(response, ["evidence_url"])) == {"evidence_url"}
    assert not MilestoneProgress.objects.filter(user=owner).exclude(evidence_url="").exists()


def test_a_nul_byte_in_the_notes_is_a_400_naming_the_field(browser, owner, plan):
    """PostgreSQL cannot store NUL in text: the form refuses it before the database sees it."""
    milestone = plan.track.steps.get(milestone__slug="sql").milestone
    response = browser.post(f"/plans/{plan.pk}/milestones/sql/details/", {f"m{milestone.pk}-notes": "a\x00b"})
    assert response.status_code == 400
    assert set(form_errors(response, ["notes"])) == {"notes"}


@pytest.mark.parametrize("token", ["%00", "a%00b", "x" * 2000, "%F0%9F%98%80", "'%20OR%20'1'='1"])
def test_a_hostile_share_token_is_a_404(client, plan, token):
    """Whatever is in the token part of a shared link, a non-matching one is simply not found."""
    plan.share()
    assert client.get(f"/shared/{token}/").status_code == 404


@pytest.mark.parametrize("channel", ["email", "%00", "x" * 300])
@pytest.mark.parametrize("token", ["%00", "a%00b", "x" * 2000, "'%20OR%20'1'='1"])
def test_a_hostile_unsubscribe_link_is_a_400_and_changes_nothing(client, owner, channel, token):
    """A forged one-click unsubscribe link is refused, GET or POST, and every channel stays on."""
    assert client.get(f"/unsubscribe/{channel}/{token}/").status_code == 400
    assert client.post(f"/unsubscribe/{channel}/{token}/").status_code == 400
    prefs = ReminderPreferences.for_user(owner)
    assert prefs.email_enabled
    assert prefs.in_app_enabled
    assert prefs.push_enabled


def test_a_huge_web_form_post_is_a_400_not_a_500(browser, plan, settings):
    """Over DATA_UPLOAD_MAX_MEMORY_SIZE Django refuses the body: a 400, and nothing is saved."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    milestone = plan.track.steps.get(milestone__slug="sql").milestone
    response = browser.post(f"/plans/{plan.pk}/milestones/sql/details/", {f"m{milestone.pk}-notes": "x" * 20_000})
    assert response.status_code == 400
    assert not MilestoneProgress.objects.exists()


def test_a_date_at_the_edge_of_the_calendar_plans_without_overflow(browser, owner, plan):
    """Target 9999-12-31: the last step lands on it, and every page showing the dates still renders."""
    plan.target_date = date.max
    planned = plan_dates(plan, today=date(2026, 1, 1)).planned
    assert max(planned.values()) == date.max
    assert browser.get(f"/plans/{plan.pk}/").status_code == 200
    assert browser.get("/dashboard/").status_code == 200
