"""The person behind an API token is read from the cache, and every change to them is seen on the very next request.

api.authentication keeps the user row in the cache under a per-person stamp;
the suite runs with the answer cache on (READ_CACHE_SECONDS, tests/conftest.py),
so every other API test goes through it too.
"""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from api import authentication, user_stamps

PING, ME = "/api/v1/ping/", "/api/v1/me/"


def refused(response):
    return response.status_code == 401 and response.json()["code"] in {"user_not_found", "user_inactive"}


@pytest.mark.django_db
def test_a_known_caller_costs_no_query_at_all(api):
    """The first request reads the row; the next ones read nothing (the floor of every API request)."""
    assert api.get(PING).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert api.get(PING).status_code == 200
    assert queries.captured_queries == []


@pytest.mark.django_db
def test_the_password_hash_is_never_cached(api, owner):
    assert api.get(PING).status_code == 200
    _, entry = cache.get(user_stamps.keys(owner.pk)[1])
    assert entry.pk == owner.pk
    assert "password" not in entry.__dict__


@pytest.mark.django_db
def test_deactivating_the_account_is_refused_on_the_very_next_request(api, owner):
    assert api.get(PING).status_code == 200
    owner.is_active = False
    owner.save()
    assert refused(api.get(PING))


@pytest.mark.django_db
def test_an_admin_deactivating_the_account_is_refused_on_the_very_next_request(api, owner, staff):
    """The admin's change form for the person, with "active" unticked (the form the admin page saves)."""
    from django.contrib import admin
    from django.test import RequestFactory

    assert api.get(PING).status_code == 200
    request = RequestFactory().post("/")
    request.user = staff
    user_admin = admin.site._registry[User]
    form_class = user_admin.get_form(request, owner, change=True)
    initial = form_class(instance=owner).initial
    data = {k: v for k, v in initial.items() if v is not None and k not in {"password", "is_active"}}
    form = form_class(data={**data, "groups": [], "user_permissions": []}, instance=owner)
    assert form.is_valid(), form.errors
    user_admin.save_model(request, form.save(commit=False), form, change=True)
    assert not User.objects.get(pk=owner.pk).is_active
    assert refused(api.get(PING))


@pytest.mark.django_db
def test_the_admins_bulk_delete_action_is_refused_on_the_very_next_request(api, owner, staff):
    assert api.get(PING).status_code == 200
    admin = Client()
    admin.force_login(staff)
    response = admin.post(
        "/admin/accounts/user/", {"action": "delete_selected", "_selected_action": [owner.pk], "post": "yes"}
    )
    assert response.status_code == 302, response.content
    assert not User.objects.filter(pk=owner.pk).exists()
    assert refused(api.get(PING))


@pytest.mark.django_db
def test_deleting_my_account_is_refused_on_the_very_next_request(api, owner, password):
    assert api.get(PING).status_code == 200
    assert api.delete(ME, {"password": password}).status_code == 204
    assert refused(api.get(PING))


@pytest.mark.django_db
def test_a_bulk_update_that_says_so_is_refused_on_the_very_next_request(api, owner):
    """``QuerySet.update`` sends no signal: code that deactivates that way calls ``users_changed``."""
    assert api.get(PING).status_code == 200
    User.objects.filter(pk=owner.pk).update(is_active=False)
    user_stamps.users_changed([owner.pk])
    assert refused(api.get(PING))


@pytest.mark.django_db
def test_a_new_password_or_a_profile_edit_is_seen_on_the_very_next_request(api, owner):
    assert api.get(ME).json()["display_name"] == "Olive Owner"
    person = User.objects.get(pk=owner.pk)
    person.display_name = "Olive Renamed"
    person.set_password("a brand new passphrase 77")
    person.save()
    assert api.get(ME).json()["display_name"] == "Olive Renamed"


@pytest.mark.django_db
def test_signing_out_renews_the_stamp(anon, owner, password):
    pair = anon.post("/api/v1/auth/token/", {"email": owner.email, "password": password}).json()
    stamp_key = user_stamps.keys(owner.pk)[0]
    assert anon.get(PING, HTTP_AUTHORIZATION=f"Bearer {pair['access']}").status_code == 200
    before = cache.get(stamp_key)
    assert anon.post("/api/v1/auth/logout/", {"refresh": pair["refresh"]}).status_code == 204
    assert cache.get(stamp_key) != before


@pytest.mark.django_db
def test_a_row_read_while_a_change_commits_is_never_served(api, owner):
    """The reader takes the stamp first; a change renewing it meanwhile leaves that read uncounted."""
    real_read = authentication._read_user

    def read_then_deactivate(user_id):
        user = real_read(user_id)  # the row as it was
        User.objects.filter(pk=owner.pk).update(is_active=False)
        user_stamps.users_changed([owner.pk])
        return user

    with mock.patch.object(authentication, "_read_user", read_then_deactivate):
        assert api.get(PING).status_code == 200  # answered from the row it read, as simplejwt would
    assert refused(api.get(PING))


@pytest.mark.django_db
def test_with_the_cache_unreachable_the_row_is_read_and_the_refusals_hold(api, owner):
    owner.is_active = False
    owner.save()
    with mock.patch.object(cache, "get_many", side_effect=ConnectionError("redis is down")):
        assert refused(api.get(PING))
