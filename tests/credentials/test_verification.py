"""Checking Open Badges 2.0 assertions against the local issuer: each state a badge can end in.

The issuer (tests/credentials/issuer.py) is a real HTTP server serving the
JSON-LD documents issuers publish; nothing is mocked.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from credentials import baked, fetch, verification
from credentials.verification import State

from .issuer import OWNER_EMAIL, hashed, png, svg

EMAILS = [OWNER_EMAIL]


def test_a_hosted_assertion_for_the_person_is_verified(issuer):
    result = verification.check_url(issuer.url("/assertions/valid"), EMAILS)
    assert result.state == State.VERIFIED, result.problem
    assert result.problem == ""
    assert result.issuer_name == "Example ML Academy"
    assert result.badge_name == "Machine Learning Engineer - Associate"
    assert result.issued_on == issuer.issued.date()
    assert result.expires_on == (issuer.issued + timedelta(days=3 * 365)).date()
    assert result.assertion["id"] == issuer.url("/assertions/valid")


def test_a_plain_recipient_is_compared_without_regard_to_case(issuer):
    result = verification.check_url(issuer.url("/assertions/plain"), ["Owner@Example.com"])
    assert result.state == State.VERIFIED, result.problem


def test_a_hashed_recipient_matches_any_of_the_persons_verified_addresses(issuer):
    result = verification.check_url(issuer.url("/assertions/valid"), ["work@example.org", OWNER_EMAIL])
    assert result.state == State.VERIFIED


def test_an_md5_hashed_recipient_from_an_older_issuer_is_checked_too(issuer):
    import hashlib

    identity = "md5$" + hashlib.md5((OWNER_EMAIL + "pepper").encode(), usedforsecurity=False).hexdigest()
    recipient = {"type": "email", "hashed": True, "salt": "pepper", "identity": identity}
    issuer.publish("/assertions/md5", issuer.assertion("/assertions/md5", recipient=recipient))
    assert verification.check_url(issuer.url("/assertions/md5"), EMAILS).state == State.VERIFIED


def test_a_badge_for_another_recipient_is_not_the_persons(issuer):
    result = verification.check_url(issuer.url("/assertions/someone-else"), EMAILS)
    assert result.state == State.WRONG_RECIPIENT
    assert "not one of your confirmed addresses" in result.problem
    # What it is, is still recorded.
    assert result.badge_name == "Machine Learning Engineer - Associate"


def test_a_recipient_named_other_than_by_email_is_not_the_persons(issuer):
    recipient = {"type": "url", "hashed": False, "identity": "https://owner.example.com"}
    issuer.publish("/assertions/url-recipient", issuer.assertion("/assertions/url-recipient", recipient=recipient))
    result = verification.check_url(issuer.url("/assertions/url-recipient"), EMAILS)
    assert result.state == State.WRONG_RECIPIENT


def test_an_assertion_marked_revoked_is_revoked_with_its_reason(issuer):
    result = verification.check_url(issuer.url("/assertions/revoked"), EMAILS)
    assert result.state == State.REVOKED
    assert result.problem == "The issuer revoked this badge: Issued in error"


def test_an_assertion_gone_with_410_is_revoked(issuer):
    result = verification.check_url(issuer.url("/assertions/gone"), EMAILS)
    assert result.state == State.REVOKED
    assert "410" in result.problem


def test_an_expired_assertion_is_expired(issuer):
    result = verification.check_url(issuer.url("/assertions/expired"), EMAILS)
    assert result.state == State.EXPIRED
    assert result.problem.startswith("The badge expired on ")
    assert result.expires_on < timezone.now().date()


def test_an_assertion_issued_in_the_future_is_invalid(issuer):
    future = (timezone.now() + timedelta(days=3)).isoformat()
    issuer.publish("/assertions/future", issuer.assertion("/assertions/future", issuedOn=future))
    result = verification.check_url(issuer.url("/assertions/future"), EMAILS)
    assert result.state == State.INVALID
    assert "future" in result.problem


def test_a_copy_served_elsewhere_is_checked_as_published_at_its_id(issuer):
    """The pasted page says "valid"; what counts is the document at the assertion's own id."""
    issuer.publish("/assertions/valid", issuer.assertion("/assertions/valid", revoked=True))
    result = verification.check_url(issuer.url("/share/copy"), EMAILS)
    assert result.state == State.REVOKED
    assert "/assertions/valid" in issuer.requests


def test_an_assertion_whose_id_serves_another_id_is_invalid(issuer):
    issuer.publish("/share/liar", issuer.assertion("/assertions/elsewhere"))
    issuer.publish("/assertions/elsewhere", issuer.assertion("/assertions/different"))
    result = verification.check_url(issuer.url("/share/liar"), EMAILS)
    assert result.state == State.INVALID
    assert "different id" in result.problem


def test_an_assertion_naming_an_issuer_on_another_origin_is_invalid(issuer):
    """Anyone can host an assertion naming a real issuer: it must be where that issuer publishes."""
    badge_class = issuer.badge_class() | {
        "issuer": {"type": "Issuer", "id": "https://credly.example/issuers/big-cloud", "name": "Big Cloud"}
    }
    issuer.publish("/forged", issuer.assertion("/forged", badge=badge_class))
    result = verification.check_url(issuer.url("/forged"), EMAILS)
    assert result.state == State.INVALID
    assert "not published where its issuer publishes" in result.problem


def test_the_issuers_allowed_origins_are_read_from_its_own_profile(issuer):
    issuer.publish("/issuer", issuer.issuer() | {"verification": {"allowedOrigins": "badges.academy.example"}})
    result = verification.check_url(issuer.url("/assertions/valid"), EMAILS)
    assert result.state == State.INVALID


def test_a_document_that_is_not_an_assertion_is_invalid(issuer):
    result = verification.check_url(issuer.url("/badgeclass"), EMAILS)
    assert result.state == State.INVALID
    assert result.problem == "This is not an Open Badges assertion."


def test_an_issuer_that_answers_500_is_unreachable(issuer):
    issuer.publish("/assertions/broken", {"error": "oops"}, 500)
    assert verification.check_url(issuer.url("/assertions/broken"), EMAILS).state == State.UNREACHABLE


def test_a_missing_assertion_is_invalid(issuer):
    result = verification.check_url(issuer.url("/assertions/never-issued"), EMAILS)
    assert result.state == State.INVALID
    assert "404" in result.problem


def test_an_unsafe_pasted_url_is_refused_not_recorded():
    with pytest.raises(fetch.UnsafeURL):
        verification.check_url("http://169.254.169.254/latest/meta-data/", EMAILS)


def test_a_redirect_into_a_private_network_makes_the_badge_invalid(issuer):
    result = verification.check_url(issuer.url("/redirect/private"), EMAILS)
    assert result.state == State.INVALID
    assert "private network" in result.problem


def test_a_badge_too_large_or_too_slow_is_not_verified(issuer, settings):
    assert verification.check_url(issuer.url("/too-large"), EMAILS).state == State.INVALID
    settings.CREDENTIALS_FETCH_TIMEOUT = 1
    assert verification.check_url(issuer.url("/too-slow"), EMAILS).state == State.UNREACHABLE


# --- Signed assertions ---------------------------------------------------------


def test_a_signed_assertion_with_a_good_signature_is_verified(issuer):
    result = verification.check_url(issuer.url("/signed/good"), EMAILS)
    assert result.state == State.VERIFIED, result.problem
    assert result.assertion["verification"] == {"type": "signed", "creator": issuer.url("/key")}
    assert result.assertion_id.startswith("urn:uuid:")


def test_a_signed_assertion_with_a_bad_signature_is_invalid(issuer):
    result = verification.check_url(issuer.url("/signed/bad"), EMAILS)
    assert result.state == State.INVALID
    assert result.problem == "The signature does not match the issuer's key."


def test_a_signed_assertion_whose_payload_was_changed_is_invalid(issuer):
    header, _, signature = issuer.signed().split(".")
    import base64
    import json

    forged = base64.urlsafe_b64encode(json.dumps(issuer.signed_assertion(recipient=issuer.recipient())).encode())
    token = f"{header}.{forged.decode().rstrip('=')}.{signature}"
    assert verification.check_baked(token, EMAILS).state == State.INVALID


def test_a_signed_assertion_on_the_issuers_revocation_list_is_revoked(issuer):
    token = issuer.signed(id="urn:uuid:11111111-2222-3333-4444-555555555555")
    issuer.publish(
        "/revocations",
        issuer.revocation_list([{"id": "urn:uuid:11111111-2222-3333-4444-555555555555", "revocationReason": "Fraud"}]),
    )
    result = verification.check_baked(token, EMAILS)
    assert result.state == State.REVOKED
    assert result.problem == "The issuer revoked this badge: Fraud"


def test_a_key_owned_by_someone_else_does_not_verify(issuer):
    issuer.publish("/key", issuer.crypto_key() | {"owner": "https://someone.example/issuer"})
    result = verification.check_url(issuer.url("/signed/good"), EMAILS)
    assert result.state == State.INVALID
    assert "belongs to someone other than the issuer" in result.problem


def test_a_key_the_issuer_does_not_list_does_not_verify(issuer):
    issuer.publish("/issuer", issuer.issuer() | {"publicKey": issuer.url("/other-key")})
    result = verification.check_url(issuer.url("/signed/good"), EMAILS)
    assert result.state == State.INVALID
    assert "not one its issuer lists" in result.problem


def test_a_signed_assertion_for_another_recipient_is_not_the_persons(issuer):
    token = issuer.signed(recipient=issuer.recipient("someone@elsewhere.example"))
    assert verification.check_baked(token, EMAILS).state == State.WRONG_RECIPIENT


def test_a_token_signed_with_another_algorithm_is_invalid(issuer):
    import jwt

    token = jwt.PyJWS().encode(b'{"type": "Assertion"}', "a shared secret of enough length", algorithm="HS256")
    result = verification.check_baked(token, EMAILS)
    assert result.state == State.INVALID
    assert "RS256" in result.problem


# --- Baked images --------------------------------------------------------------


def test_a_baked_png_with_a_hosted_assertion_is_checked_at_its_id(issuer):
    image = png(baked=issuer.routes["/assertions/valid"].body.decode())
    content = baked.assertion_in(image)
    assert verification.hosted_url(content) == issuer.url("/assertions/valid")
    result = verification.check_baked(content, EMAILS)
    assert result.state == State.VERIFIED, result.problem
    assert "/assertions/valid" in issuer.requests


def test_a_baked_png_made_by_the_bakery_is_read(issuer, tmp_path):
    from openbadges_bakery import bake

    source = tmp_path / "plain.png"
    source.write_bytes(png())
    with source.open("rb") as image:
        baked_file = bake(image, issuer.url("/assertions/valid"))
    content = baked.assertion_in(baked_file.read())
    assert content == issuer.url("/assertions/valid")
    assert verification.check_baked(content, EMAILS).state == State.VERIFIED


def test_a_baked_png_with_a_signed_assertion_is_verified(issuer):
    content = baked.assertion_in(png(baked=issuer.signed()))
    assert verification.check_baked(content, EMAILS).state == State.VERIFIED


def test_a_baked_svg_with_a_signed_assertion_is_verified(issuer):
    content = baked.assertion_in(svg(baked=issuer.signed()))
    assert verification.check_baked(content, EMAILS).state == State.VERIFIED


def test_a_baked_assertion_claiming_a_signature_it_lacks_is_invalid(issuer):
    claim = issuer.assertion("/assertions/valid", verification={"type": "signed"})
    import json

    result = verification.check_baked(json.dumps(claim), EMAILS)
    assert result.state == State.INVALID


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"GIF89a\x01\x00\x01\x00", "a PNG or SVG file"),
        (b"%PDF-1.7 not an image", "a PNG or SVG file"),
        (b"", "a PNG or SVG file"),
        (png(), "no badge baked"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "could not be read"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "no badge baked"),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            b"<svg><openbadges:assertion>&b;</openbadges:assertion></svg>",
            "could not be read",
        ),
    ],
)
def test_an_image_without_a_readable_badge_is_refused_with_a_reason(data, why):
    with pytest.raises(baked.NotABadgeImage, match=why):
        baked.assertion_in(data)


def test_a_hashed_identity_is_the_sha256_of_the_address_and_salt():
    recipient = {"type": "email", "hashed": True, "salt": "s", "identity": hashed("a@b.example", "s").upper()}
    assert verification.recipient_problem(recipient, ["a@b.example"]) == ""
    assert verification.recipient_problem(recipient, ["c@b.example"]) != ""


def test_a_signed_badge_naming_a_real_issuer_with_a_key_of_its_own_is_invalid(issuer):
    """A forger embeds the real issuer's id and points at a key on their own site that claims the issuer owns it."""
    real = "https://academy.example/issuer"
    badge_class = issuer.badge_class() | {"issuer": {"type": "Issuer", "id": real, "name": "Example ML Academy"}}
    issuer.publish("/key", issuer.crypto_key() | {"owner": real})
    token = issuer.signed(badge=badge_class)
    result = verification.check_baked(token, EMAILS)
    assert result.state == State.INVALID
    assert result.problem == "The signing key is not published by the badge's issuer."
