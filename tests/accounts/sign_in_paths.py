"""The three ways to sign in with a password, as a visitor uses them: the web, the admin and the API.

Each makes one attempt from a new visitor at ``address`` (or, given
``forwarded_for``, from a client behind the proxy at ``address``) and says
how it ended: signed in, a wrong password, or refused unchecked by the
sign-in limits.
"""

from allauth.account.models import EmailAddress
from django.test import Client
from rest_framework.test import APIClient

SIGNED_IN, WRONG, REFUSED, RATE_LIMITED = "signed in", "wrong password", "refused", "rate limited"
HOME, CAFE, ELSEWHERE = "203.0.113.7", "198.51.100.9", "192.0.2.44"
# What the admin's login page says to an attempt it refuses unchecked.
ADMIN_REFUSAL = "Too many failed sign-ins; try again later."


def request_meta(address, forwarded_for=None):
    meta = {"REMOTE_ADDR": address}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return meta


def web(email, password, address=HOME, forwarded_for=None):
    """Sign in through allauth's page."""
    client = Client(**request_meta(address, forwarded_for))
    response = client.post("/accounts/login/", {"login": email, "password": password})
    if response.status_code == 429:  # allauth's own rate limit on the page
        return RATE_LIMITED
    if "_auth_user_id" in client.session:
        return SIGNED_IN
    body = response.content.decode()
    if "Too many failed login attempts" in body:
        return REFUSED
    assert "email address and password do not match an account" in body, body
    return WRONG


def admin(email, password, address=HOME, forwarded_for=None):
    """Sign in through the admin's login page."""
    client = Client(**request_meta(address, forwarded_for))
    response = client.post("/admin/login/", {"username": email, "password": password})
    if "_auth_user_id" in client.session:
        return SIGNED_IN
    body = response.content.decode()
    if ADMIN_REFUSAL in body:
        return REFUSED
    assert "Please enter the correct email address and password" in body, body
    return WRONG


def api(email, password, address=HOME, forwarded_for=None):
    """Ask the API for a token pair."""
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": email, "password": password}, **request_meta(address, forwarded_for)
    )
    outcome = {200: SIGNED_IN, 401: WRONG, 429: REFUSED}[response.status_code]
    if outcome == REFUSED:
        assert int(response["Retry-After"]) > 0
        assert response.json()["code"] == "throttled"
    return outcome


PATHS = {"web": web, "admin": admin, "api": api}


def verify(user):
    """Confirm the user's address, which the web sign-in needs."""
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
