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
def test_the_export_is_never_kept_by_a_cache(api):
    """Personal data: neither a shared cache nor the browser's may store it."""
    directives = {d.strip() for d in api.get("/api/v1/me/export/")["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


@pytest.mark.django_db
def test_delete_erases_the_account_once_the_password_confirms_it_and_its_tokens_stop_working(api, owner, password):
    assert api.delete("/api/v1/me/", {"password": password}, format="json").status_code == 204
    assert not User.objects.filter(pk=owner.pk).exists()
    assert api.get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "said", "code"),
    [
        ({}, "This field is required.", "required"),
        ({"password": "not my password"}, "That is not your password.", "wrong_password"),
    ],
)
def test_delete_without_the_right_password_is_400_naming_the_field_and_erases_nothing(api, owner, body, said, code):
    """An access token alone (a phone left unlocked, a copied token) cannot erase the account."""
    response = api.delete("/api/v1/me/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "Check the highlighted fields.",
        "fields": {"password": [said]},
        "field_codes": {"password": [code]},
    }
    assert User.objects.filter(pk=owner.pk).exists()


@pytest.mark.django_db
def test_a_display_name_with_a_link_or_a_line_break_is_400(api, owner):
    for name in ("Olive\nOwner", "olive.example.com", "Olive www.x"):
        response = api.patch("/api/v1/me/", {"display_name": name}, format="json")
        assert response.status_code == 400, name
        assert set(response.json()["fields"]) == {"display_name"}
    owner.refresh_from_db()
    assert owner.display_name == "Olive Owner"


@pytest.mark.django_db
def test_put_is_not_allowed(api):
    response = api.put("/api/v1/me/", {})
    assert response.status_code == 405
    assert response.data["code"] == "method_not_allowed"
