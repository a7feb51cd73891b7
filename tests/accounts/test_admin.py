"""The user admin: email login, no username, reminder preferences inline."""

from datetime import time

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.models import User
from nudges.models import ReminderPreferences
from tests.factories import UserFactory
from tests.tracker.test_admin import admin_form_data

ADD_URL = reverse("admin:accounts_user_add")
LIST_URL = reverse("admin:accounts_user_changelist")


def change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


@pytest.fixture
def signed_in(client, staff):
    client.force_login(staff)
    return client


def test_the_add_form_asks_for_an_email_and_a_password_twice(signed_in):
    form = signed_in.get(ADD_URL).context["adminform"].form
    assert set(form.fields) == {"email", "display_name", "timezone", "password1", "password2"}


def test_a_superuser_adds_a_user_by_email_and_password(signed_in, password):
    response = signed_in.post(
        ADD_URL,
        {
            "email": "New.Person@Example.COM",
            "display_name": "Nia",
            "timezone": "Europe/Paris",
            "password1": password,
            "password2": password,
        },
    )

    user = User.objects.get(email="new.person@example.com")
    assert response.status_code == 302
    assert response["Location"] == change_url(user)
    assert user.check_password(password)
    assert (user.display_name, user.timezone, user.is_staff) == ("Nia", "Europe/Paris", False)


def test_the_add_form_refuses_mismatched_passwords_and_duplicate_emails(signed_in, owner, password):
    mismatch = signed_in.post(
        ADD_URL, {"email": "x@example.com", "timezone": "UTC", "password1": password, "password2": password + "!"}
    )
    duplicate = signed_in.post(
        ADD_URL, {"email": "OWNER@example.com", "timezone": "UTC", "password1": password, "password2": password}
    )

    assert mismatch.status_code == duplicate.status_code == 200
    assert "password2" in mismatch.context["adminform"].form.errors
    assert duplicate.context["adminform"].form.errors["email"] == ["A user with this email address already exists."]
    assert User.objects.filter(email__iexact="owner@example.com").count() == 1
    assert not User.objects.filter(email="x@example.com").exists()


def test_the_add_form_refuses_an_unknown_time_zone(signed_in, password):
    response = signed_in.post(
        ADD_URL, {"email": "tz@example.com", "timezone": "GMT+2", "password1": password, "password2": password}
    )
    assert response.status_code == 200
    assert "timezone" in response.context["adminform"].form.errors


def test_the_change_page_has_the_profile_and_reminder_preferences_but_no_username(signed_in, owner):
    ReminderPreferences.for_user(owner)
    page = signed_in.get(change_url(owner))

    fields = set(page.context["adminform"].form.fields)
    assert {"email", "display_name", "timezone", "is_active", "is_staff", "groups"} <= fields
    assert not fields & {"username", "first_name", "last_name"}
    assert [f.formset.prefix for f in page.context["inline_admin_formsets"]] == ["reminder_preferences"]


def test_a_superuser_edits_a_user_and_their_reminder_preferences(signed_in, owner):
    ReminderPreferences.for_user(owner)
    url = change_url(owner)
    data = admin_form_data(signed_in.get(url))
    data["display_name"] = "Olive O."
    data["reminder_preferences-0-quiet_start"] = "22:30"
    data.pop("reminder_preferences-0-email_enabled")

    response = signed_in.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    owner.refresh_from_db()
    prefs = ReminderPreferences.objects.get(user=owner)
    assert owner.display_name == "Olive O."
    assert prefs.quiet_start == time(22, 30)
    assert not prefs.email_enabled


def test_preferences_can_be_created_from_the_user_page(signed_in, owner):
    url = change_url(owner)
    data = admin_form_data(signed_in.get(url))
    data.update(
        {
            "reminder_preferences-TOTAL_FORMS": "1",
            "reminder_preferences-0-user": str(owner.pk),
            "reminder_preferences-0-enabled": "on",
            "reminder_preferences-0-stalled_after_days": "3",
            "reminder_preferences-0-digest_weekday": "4",
            "reminder_preferences-0-digest_hour": "8",
            "reminder_preferences-0-quiet_start": "21:00",
            "reminder_preferences-0-quiet_end": "07:00",
        }
    )

    response = signed_in.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert ReminderPreferences.objects.get(user=owner).stalled_after_days == 3


def test_users_are_searched_by_email(signed_in, owner, other):
    response = signed_in.get(LIST_URL, {"q": "other@"})
    assert [u.email for u in response.context["cl"].result_list] == ["other@example.com"]


def test_support_staff_view_users_but_cannot_change_them(client, owner):
    support = UserFactory(email="support@example.com", is_staff=True)
    support.groups.add(Group.objects.get(name="Support staff"))
    client.force_login(support)

    assert client.get(LIST_URL).status_code == 200
    page = client.get(change_url(owner))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change_url(owner), {"email": "hijack@example.com"}).status_code == 403
    assert client.get(ADD_URL).status_code == 403
    owner.refresh_from_db()
    assert owner.email == "owner@example.com"


def test_content_editors_cannot_open_the_user_admin(client, owner):
    editor = UserFactory(email="editor@example.com", is_staff=True)
    editor.groups.add(Group.objects.get(name="Content editors"))
    client.force_login(editor)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(change_url(owner)).status_code == 403


def test_only_a_superuser_hands_out_privileges(client, owner):
    manager = UserFactory(email="manager@example.com", is_staff=True)
    manager.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="accounts", codename__in=["view_user", "change_user"])
    )
    client.force_login(manager)
    url = change_url(manager)
    data = admin_form_data(client.get(url))
    data["display_name"] = "Still me"
    data["is_superuser"] = "on"
    data["groups"] = [str(Group.objects.get(name="Content editors").pk)]

    response = client.post(url, data)

    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.display_name == "Still me"
    assert not manager.is_superuser
    assert not manager.groups.exists()
