"""Forged, stale and revoked JWTs are refused with 401 in the API's error shape.

``test_auth_tokens`` covers rotation, logout and a deleted account's refresh
token; here: expired tokens, a changed signature or payload, ``alg: none``, a
token of the wrong type, the access token of a deleted or deactivated account,
and a new password revoking every refresh token handed out before it.
"""

import base64
import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

TOKEN, REFRESH, LOGOUT, ME = (
    "/api/v1/auth/token/",
    "/api/v1/auth/token/refresh/",
    "/api/v1/auth/logout/",
    "/api/v1/me/",
)
NEW_PASSWORD = "a brand new passphrase 77"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def forged(token: str, header: dict | None = None, **claims) -> str:
    """``token`` with its header or claims replaced and the original signature kept."""
    head, payload, signature = token.split(".")
    if header is not None:
        head = b64(json.dumps(header).encode())
    if claims:
        payload = b64(json.dumps({**json.loads(unb64(payload)), **claims}).encode())
    return f"{head}.{payload}.{signature}"


def assert_refused(response):
    assert response.status_code == 401, response.content
    body = response.json()
    assert set(body) == {"code", "message"}, body
    assert body["code"] in {"token_not_valid", "user_not_found", "user_inactive", "authentication_failed"}
    assert isinstance(body["message"], str)
    assert body["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def me(anon, access):
    return anon.get(ME, HTTP_AUTHORIZATION=f"Bearer {access}")


def pair(anon, owner, password):
    response = anon.post(TOKEN, {"email": owner.email, "password": password})
    assert response.status_code == 200
    return response.data


@pytest.mark.django_db
def test_it_accepts_an_untouched_access_token(anon, owner):
    """The baseline the forgeries below are measured against."""
    response = me(anon, RefreshToken.for_user(owner).access_token)
    assert response.status_code == 200
    assert response.json()["email"] == owner.email


@pytest.mark.django_db
def test_it_refuses_an_expired_access_token_and_an_expired_refresh_token(anon, owner):
    """Past its lifetime a token is refused, whatever else is right about it."""
    refresh = RefreshToken.for_user(owner)
    access = refresh.access_token
    with time_machine.travel(timezone.now() + settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"] + timedelta(seconds=5)):
        assert_refused(me(anon, access))
    with time_machine.travel(timezone.now() + settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"] + timedelta(seconds=5)):
        assert_refused(anon.post(REFRESH, {"refresh": str(refresh)}))


@pytest.mark.django_db
def test_it_refuses_a_token_whose_signature_was_changed(anon, owner):
    """One character of the signature changed, or a signature made with another key."""
    access = str(RefreshToken.for_user(owner).access_token)
    head, payload, signature = access.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert_refused(me(anon, f"{head}.{payload}.{flipped}"))
    assert_refused(me(anon, f"{head}.{payload}."))
    import jwt

    claims = json.loads(unb64(payload))
    assert_refused(me(anon, jwt.encode(claims, "not the server's key, though long enough", algorithm="HS256")))


@pytest.mark.django_db
def test_it_refuses_a_token_whose_payload_was_changed(anon, owner, other):
    """Pointing a signed token at another user, or stretching its expiry, breaks the signature."""
    access = str(RefreshToken.for_user(owner).access_token)
    assert_refused(me(anon, forged(access, user_id=str(other.pk))))
    assert_refused(me(anon, forged(access, exp=int((timezone.now() + timedelta(days=365)).timestamp()))))
    refresh = str(RefreshToken.for_user(owner))
    assert_refused(anon.post(REFRESH, {"refresh": forged(refresh, user_id=str(other.pk))}))


@pytest.mark.django_db
def test_it_refuses_alg_none(anon, owner, other):
    """An unsigned token (``alg: none``), with or without a signature part, for the API and for a refresh."""
    access = str(RefreshToken.for_user(owner).access_token)
    header = {"alg": "none", "typ": "JWT"}
    unsigned = forged(access, header=header, user_id=str(other.pk))
    head, payload, _ = unsigned.split(".")
    assert_refused(me(anon, f"{head}.{payload}."))
    assert_refused(me(anon, f"{head}.{payload}"))
    assert_refused(me(anon, forged(access, header={"alg": "None", "typ": "JWT"})))
    refresh = str(RefreshToken.for_user(owner))
    head, payload, _ = forged(refresh, header=header).split(".")
    assert_refused(anon.post(REFRESH, {"refresh": f"{head}.{payload}."}))


@pytest.mark.django_db
def test_it_refuses_a_token_of_the_wrong_type(anon, owner):
    """A refresh token is no access token, and an access token cannot be refreshed."""
    refresh = RefreshToken.for_user(owner)
    assert_refused(me(anon, refresh))
    assert_refused(anon.post(REFRESH, {"refresh": str(refresh.access_token)}))


@pytest.mark.django_db
def test_it_refuses_garbage_in_the_authorization_header(anon, owner):
    """Not a JWT at all: still a 401 in the error shape, never a 500."""
    for value in ("abc", "a.b.c", "....", "\u00e9.\u00e9.\u00e9", "x" * 5000):
        assert_refused(me(anon, value))


@pytest.mark.django_db
def test_it_refuses_a_revoked_refresh_token_in_the_error_shape(anon, owner, password):
    """After logout the refresh token is blacklisted: 401 with code and message."""
    tokens = pair(anon, owner, password)
    assert anon.post(LOGOUT, {"refresh": tokens["refresh"]}).status_code == 204
    assert_refused(anon.post(REFRESH, {"refresh": tokens["refresh"]}))


@pytest.mark.django_db
def test_it_refuses_the_access_token_of_a_deleted_account(anon, owner):
    """The signature is fine, but nobody is behind it any more."""
    access = RefreshToken.for_user(owner).access_token
    owner.delete()
    assert_refused(me(anon, access))


@pytest.mark.django_db
def test_it_refuses_the_tokens_of_a_deactivated_account(anon, owner):
    """Deactivating an account shuts both its access and its refresh tokens out."""
    refresh = RefreshToken.for_user(owner)
    access = refresh.access_token
    owner.is_active = False
    owner.save()
    assert_refused(me(anon, access))
    assert_refused(anon.post(REFRESH, {"refresh": str(refresh)}))


@pytest.mark.django_db
def test_the_message_of_a_refused_token_is_a_sentence(anon, owner):
    """The message is for people: "Token is invalid", not the repr of simplejwt's error dict."""
    for response in (
        me(anon, "a.b.c"),
        anon.post(REFRESH, {"refresh": "a.b.c"}),
    ):
        assert_refused(response)
        assert "ErrorDetail" not in response.json()["message"]
        assert not response.json()["message"].startswith("{")


def test_the_tokens_are_signed_with_hs256_only():
    """alg is pinned on the server; a token cannot pick its own algorithm."""
    assert settings.SIMPLE_JWT.get("ALGORITHM", "HS256") == "HS256"
    assert AccessToken.token_type == "access"


# --------------------------------------------------------------------------
# A new password revokes the refresh tokens handed out before it
# --------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_revokes_every_refresh_token_when_the_password_is_changed_on_the_web(anon, owner, password):
    """Two devices' refresh tokens die with the web password change; the new password gets working ones."""
    phone, tablet = pair(anon, owner, password), pair(anon, owner, password)
    browser = Client()
    browser.force_login(owner)
    response = browser.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert_refused(anon.post(REFRESH, {"refresh": phone["refresh"]}))
    assert_refused(anon.post(REFRESH, {"refresh": tablet["refresh"]}))
    fresh = pair(anon, owner, NEW_PASSWORD)
    assert anon.post(REFRESH, {"refresh": fresh["refresh"]}).status_code == 200


@pytest.mark.django_db
def test_a_failed_password_change_revokes_nothing(anon, owner, password):
    """A wrong current password changes nothing, tokens included."""
    tokens = pair(anon, owner, password)
    browser = Client()
    browser.force_login(owner)
    response = browser.post(
        "/accounts/password/change/",
        {"oldpassword": "not it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert anon.post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 200


@pytest.mark.django_db
def test_it_revokes_every_refresh_token_when_the_password_is_reset_by_email(anon, owner, other, password):
    """The emailed reset link, followed to the end, revokes the owner's tokens and nobody else's."""
    mine, theirs = pair(anon, owner, password), pair(anon, other, password)
    browser = Client()
    assert browser.post("/accounts/password/reset/", {"email": owner.email}).status_code == 302
    link = re.search(r"http://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)
    assert link is not None, mail.outbox[-1].body
    form = browser.get(link.group(1), follow=True)
    assert form.status_code == 200
    done = browser.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302, done.content
    assert_refused(anon.post(REFRESH, {"refresh": mine["refresh"]}))
    assert anon.post(REFRESH, {"refresh": theirs["refresh"]}).status_code == 200
    assert anon.post(TOKEN, {"email": owner.email, "password": NEW_PASSWORD}).status_code == 200
