"""The profile: read, update with reminder preferences, export, delete."""

import pytest

from accounts.models import User
from nudges.models import ReminderPreferences


@pytest.mark.django_db
def test_it_updates_profile_timezone_and_reminder_preferences(api, owner):
    response = api.patch(
        "/api/v1/me/",
        {
            "display_name": "Olive",
            "timezone": "Asia/Tokyo",
            "reminder_preferences": {"digest_hour": 7},
            "email": "x@y.z",
        },
    )
    assert response.status_code == 200
    owner.refresh_from_db()
    assert (owner.display_name, owner.timezone, owner.email) == ("Olive", "Asia/Tokyo", "owner@example.com")
    prefs = ReminderPreferences.for_user(owner)
    assert (prefs.digest_hour, prefs.enabled) == (7, True)


@pytest.mark.django_db
def test_bad_values_are_400_per_field_including_nested_ones(api):
    response = api.patch("/api/v1/me/", {"timezone": "UTC+2", "reminder_preferences": {"digest_hour": 25}})
    assert response.status_code == 400
    assert set(response.data["fields"]) == {"timezone", "reminder_preferences"}
    assert "digest_hour" in response.data["fields"]["reminder_preferences"]


@pytest.mark.django_db
def test_export_is_everything_about_me(api, owner):
    response = api.get("/api/v1/me/export/")
    assert response.status_code == 200
    assert response.data["profile"]["email"] == owner.email
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.django_db
def test_delete_erases_the_account_and_its_tokens_stop_working(api, owner):
    assert api.delete("/api/v1/me/").status_code == 204
    assert not User.objects.filter(pk=owner.pk).exists()
    assert api.get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_put_is_not_allowed(api):
    response = api.put("/api/v1/me/", {})
    assert response.status_code == 405
    assert response.data["code"] == "method_not_allowed"
