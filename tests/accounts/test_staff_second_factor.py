"""Staff's second factor (accounts.mfa over allauth.mfa): set up, required, and never skipped.

Everything goes through the real pages (allauth's sign-in and 2FA pages, the
admin's own login) with codes computed by tests/totp.py from the secret the
setup page shows, as a phone would.
"""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.test import Client

from tests.factories import PASSWORD, UserFactory
from tests.totp import current_code

# Real transactions: allauth tells that an authenticator was added once its
# transaction commits, inside the request as in production; a test wrapped in
# one transaction would hold that back until after the response.
pytestmark = pytest.mark.django_db(transaction=True)

SETUP = "/accounts/2fa/totp/activate/"
ENTER_CODE = "/accounts/2fa/reauthenticate/"


@pytest.fixture
def staff_member(db: Any) -> Any:
    """A content editor with a verified address, who signs in through allauth like anyone."""
    return confirmed(UserFactory(email="editor@example.com", is_staff=True))


def confirmed(user: Any) -> Any:
    """``user`` with a confirmed primary address, which allauth's sign-in asks for."""
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


def sign_in(client: Client, user: Any) -> None:
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]


def set_up_authenticator_app(client: Client) -> tuple[str, str]:
    """Set up an authenticator app on the signed-in account; returns its secret and the code used.

    allauth asks for the password again first, as for every change to the sign-in itself.
    """
    first = client.get(SETUP)
    assert first.status_code == 302, f"the setup page answered {first.status_code}"
    assert first["Location"] == "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    page = client.get(SETUP)
    assert page.status_code == 200
    secret = page.context["form"].secret
    assert secret in page.content.decode()  # shown, for typing into the app by hand
    code = current_code(secret)
    response = client.post(SETUP, {"code": code})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    return secret, code


def test_a_staff_member_sets_up_an_authenticator_app_and_sign_in_then_asks_for_its_code(staff_member):
    """After setup (which took a code) the admin opens at once; the next sign-in asks for a code
    after the password, and only the right one lets the person in."""
    client = Client()
    sign_in(client, staff_member)
    secret, used = set_up_authenticator_app(client)
    assert client.get("/admin/").status_code == 200

    client.post("/accounts/logout/")
    response = client.post("/accounts/login/", {"login": staff_member.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/admin/").status_code == 302  # not signed in yet
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000" if used != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "Incorrect code." in wrong.content.decode()
    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_form_does_not_skip_the_second_factor(staff_member):
    """Signed in with the password alone through /admin/login/, a staff member with an authenticator
    reaches neither the admin nor any other page until they type a code."""
    elsewhere = Client()
    sign_in(elsewhere, staff_member)
    secret, _ = set_up_authenticator_app(elsewhere)

    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": staff_member.email, "password": PASSWORD})
    assert response.status_code == 302
    for page in ("/admin/", "/admin/password_change/", "/dashboard/", "/settings/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"] == f"{ENTER_CODE}?next={page.replace('/', '%2F')}", page

    form = client.get(ENTER_CODE + "?next=/admin/")
    assert form.status_code == 200
    assert "Enter the code from your authenticator app to go on." in form.content.decode()
    response = client.post(ENTER_CODE + "?next=/admin/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/dashboard/").status_code == 200


@pytest.mark.parametrize("required", [False, True])
def test_with_staff_require_mfa_the_admin_waits_for_an_authenticator_app(settings, staff_member, required):
    """STAFF_REQUIRE_MFA=1 sends a staff member without an authenticator from the admin to set one up
    (the rest of the site still opens); once it is set up the admin opens. Without it the admin opens as before."""
    settings.STAFF_REQUIRE_MFA = required
    client = Client()
    sign_in(client, staff_member)

    response = client.get("/admin/password_change/")
    if not required:
        assert response.status_code == 200
        return
    assert response.status_code == 302
    page = client.get(response["Location"], follow=True).content.decode()
    assert "Staff need an authenticator app to use the admin" in page
    assert client.get("/dashboard/").status_code == 200

    set_up_authenticator_app(client)
    assert client.get("/admin/password_change/").status_code == 200


def test_the_first_admin_made_by_createsuperuser_sets_up_the_app_from_the_admin_login(settings, monkeypatch):
    """The README's first-admin path with STAFF_REQUIRE_MFA=1: `createsuperuser` (no confirmed address),
    /admin/login/, sent to set up the app (password, then a code), the admin opens; the next
    admin login asks for a code before anything."""
    settings.STAFF_REQUIRE_MFA = True
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", interactive=False, email="ops@example.com", verbosity=0)

    client = Client()
    client.post("/admin/login/", {"username": "ops@example.com", "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302, "the admin opened without an authenticator app"
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2F"
    secret, _ = set_up_authenticator_app(client)
    assert client.get("/admin/").status_code == 200

    later = Client()
    later.post("/admin/login/", {"username": "ops@example.com", "password": PASSWORD})
    assert later.get("/admin/")["Location"] == f"{ENTER_CODE}?next=%2Fadmin%2F"
    later.post(ENTER_CODE, {"code": current_code(secret)})
    assert later.get("/admin/").status_code == 200


def test_only_staff_can_turn_on_a_second_factor(staff_member, owner):
    """The 2FA pages are 404 to an ordinary account (the API would not ask for the code), open to staff;
    the settings page links to them for staff only."""
    ordinary = Client()
    sign_in(ordinary, confirmed(owner))
    for page in ("/accounts/2fa/", SETUP, "/accounts/2fa/recovery-codes/generate/"):
        assert ordinary.get(page).status_code == 404, page
    assert "/accounts/2fa/" not in ordinary.get("/settings/").content.decode()

    staff = Client()
    sign_in(staff, staff_member)
    assert staff.get("/accounts/2fa/").status_code == 200
    assert staff.get(SETUP)["Location"].startswith("/accounts/reauthenticate/")  # the password first
    settings_page = staff.get("/settings/").content.decode()
    assert '<a href="/accounts/2fa/">Two-factor authentication (authenticator app)</a>' in settings_page
