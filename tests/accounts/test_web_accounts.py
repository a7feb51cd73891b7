"""Accounts in the browser: allauth sign-up with email verification, settings, export, deletion."""

import json
import re

from django.core import mail

from accounts.models import User
from nudges.models import Notification, ReminderPreferences, Rule
from tracker.models import CareerTrack, Enrollment, MilestoneProgress, Status


def test_sign_up_sends_a_verification_email_and_confirming_it_logs_in(client, db):
    response = client.post(
        "/accounts/signup/",
        {"email": "New.Person@example.com", "password1": "a long passphrase 42", "password2": "a long passphrase 42"},
    )
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="new.person@example.com").exists()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body).group(1)
    # Not verified yet: the dashboard is out of reach.
    assert client.get("/dashboard/").status_code == 302
    assert client.post(link).status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_log_in_lands_on_the_dashboard(client, owner, password):
    response = client.post("/accounts/login/", {"login": "OWNER@example.com", "password": password})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


def test_repeated_failed_log_ins_are_rate_limited(client, owner, password):
    from django.core.cache import cache

    cache.clear()
    for _ in range(5):
        client.post("/accounts/login/", {"login": owner.email, "password": "wrong"})
    # Five failures for this address in five minutes: even the right password waits.
    response = client.post("/accounts/login/", {"login": owner.email, "password": password})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()


def test_settings_save_display_name_timezone_and_reminders(client, owner):
    client.force_login(owner)
    prefs = ReminderPreferences.for_user(owner)
    data = {
        "profile-display_name": "Olive O.",
        "profile-timezone": "Europe/Paris",
        "reminders-enabled": "on",
        "reminders-email_enabled": "on",
        "reminders-stalled_after_days": "10",
        "reminders-digest_weekday": "4",
        "reminders-digest_hour": "18",
        "reminders-quiet_start": "22:00",
        "reminders-quiet_end": "07:30",
        "reminders-snoozed_until": "",
    }
    response = client.post("/settings/", data)
    assert response.status_code == 302
    owner.refresh_from_db()
    prefs.refresh_from_db()
    assert (owner.display_name, owner.timezone) == ("Olive O.", "Europe/Paris")
    assert (prefs.stalled_after_days, prefs.digest_weekday, prefs.digest_hour) == (10, 4, 18)
    assert prefs.push_enabled is False


def test_bad_settings_are_explained_next_to_the_field_and_nothing_is_saved(client, owner):
    client.force_login(owner)
    response = client.post(
        "/settings/",
        {
            "profile-display_name": "Changed",
            "profile-timezone": "Mars/Olympus",
            "reminders-stalled_after_days": "500",
            "reminders-digest_weekday": "0",
            "reminders-digest_hour": "9",
            "reminders-quiet_start": "21:00",
            "reminders-quiet_end": "08:00",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_profile-timezone_error"' in body
    assert 'id="id_reminders-stalled_after_days_error"' in body
    assert 'value="Changed"' in body
    owner.refresh_from_db()
    assert owner.display_name == "Olive Owner"


def test_export_downloads_everything_as_json(client, seeded, owner):
    track = CareerTrack.objects.get(slug="data-engineer")
    Enrollment.objects.enroll(owner, track)
    MilestoneProgress.objects.set_status(owner, track.steps.first().milestone, Status.IN_PROGRESS)
    client.force_login(owner)
    response = client.get("/settings/export/")
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == owner.email
    assert data["enrollments"][0]["track"] == "data-engineer"
    assert data["progress"][0]["status"] == "in_progress"


def test_the_export_is_never_kept_by_a_cache(client, owner):
    """Personal data: neither a shared cache nor the browser's may store the download."""
    client.force_login(owner)
    directives = {d.strip() for d in client.get("/settings/export/")["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


def test_a_display_name_with_a_link_or_a_line_break_is_explained_next_to_the_field(client, owner):
    client.force_login(owner)
    response = client.post(
        "/settings/",
        {"profile-display_name": "Prize at evil.example", "profile-timezone": "UTC", "reminders-enabled": "on"},
    )
    assert response.status_code == 200
    assert response.context["profile_form"].errors.as_data()["display_name"][0].code == "link"
    response = client.post("/settings/", {"profile-display_name": "Olive\r\nOwner", "profile-timezone": "UTC"})
    assert response.context["profile_form"].errors.as_data()["display_name"][0].code == "line_break"
    owner.refresh_from_db()
    assert owner.display_name == "Olive Owner"


def test_delete_needs_the_password_then_removes_everything_and_logs_out(client, seeded, owner, other, password):
    track = CareerTrack.objects.get(slug="data-engineer")
    Enrollment.objects.enroll(owner, track)
    Enrollment.objects.enroll(other, track)
    Notification.objects.create(user=owner, rule=Rule.STALLED, title="Hi")
    client.force_login(owner)
    wrong = client.post("/settings/delete/", {"password": "nope"})
    assert wrong.status_code == 200
    assert "That is not your password." in wrong.content.decode()
    assert User.objects.filter(pk=owner.pk).exists()
    response = client.post("/settings/delete/", {"password": password})
    assert response["Location"] == "/"
    assert not User.objects.filter(pk=owner.pk).exists()
    assert not Enrollment.objects.filter(user_id=owner.pk).exists()
    assert not Notification.objects.filter(user_id=owner.pk).exists()
    assert Enrollment.objects.filter(user=other).exists()
    assert client.get("/dashboard/").status_code == 302


def test_allauth_pages_use_the_site_layout(client, db):
    body = client.get("/accounts/signup/").content.decode()
    assert 'class="site-header"' in body
    assert 'href="/static/css/app.css"' in body


def test_password_reset_mails_a_link(client, owner):
    mail.outbox.clear()
    response = client.post("/accounts/password/reset/", {"email": owner.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_change_of_email_and_password_pages_open_for_a_signed_in_user(client, owner, password):
    client.force_login(owner)
    for url in ("/accounts/email/", "/accounts/password/change/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'class="site-header"' in response.content.decode()
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": "another long phrase 7", "password2": "another long phrase 7"},
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("another long phrase 7")
