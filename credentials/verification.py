"""Checking an Open Badges 2.0 assertion: hosted (fetched from its ``id``) or signed (a JWS).

Written here against the 1EdTech Open Badges 2.0 specification (sections
"Assertion", "Verification", "Recipient" and "Signed Badges"), because the
1EdTech validator (PyPI ``openbadges`` 1.1.2) does not run on Python 3.11: it
pins pycryptodome 3.6, whose code no longer compiles, and click 6,
jsonschema 2.6 and pytz 2017, which the rest of the project has moved past.
Only the checks a person's proof needs are made; JSON-LD is read as the plain
JSON that issuers publish (compacted against the v2 context), not expanded.

The checks, in order, each giving the state a badge ends in when it fails:

1. fetch (hosted) or decode (signed); an unreachable issuer is ``unreachable``;
   HTTP 410 Gone is ``revoked``;
2. the assertion's ``type`` and ``id``; for hosted verification the document
   is the one published at its own ``id``, on an origin the issuer allows
   (``verification.allowedOrigins``/``startsWith``, else the issuer's own);
   for a signed one, RS256 against the issuer's key (``verification.creator``,
   owned by the issuer and listed in its ``publicKey``): ``invalid``;
3. the BadgeClass and the Issuer, embedded or fetched by URL: ``invalid``;
4. ``revoked: true``, or the assertion on the issuer's ``revocationList``
   (signed badges): ``revoked``;
5. the recipient (``type: email``, hashed ``sha256$``/``md5$`` of email+salt,
   or plain) against the person's verified addresses: ``wrong_recipient``;
6. ``issuedOn`` (not in the future) and ``expires``: ``invalid``, ``expired``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

import jwt
from django.utils import timezone

from . import fetch

JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
HOSTED = {"hosted", "HostedBadge"}
SIGNED = {"signed", "SignedBadge"}
ACCEPT_KEY = "application/ld+json, application/json;q=0.9, application/x-pem-file;q=0.5, */*;q=0.1"


class State:
    """The values of ``models.BadgeState``, repeated here so the checks need no model."""

    VERIFIED = "verified"
    REVOKED = "revoked"
    EXPIRED = "expired"
    WRONG_RECIPIENT = "wrong_recipient"
    INVALID = "invalid"
    UNREACHABLE = "unreachable"


class Refused(Exception):
    """A check that failed: the state it leaves the badge in, and why, for the person."""

    def __init__(self, state: str, problem: str) -> None:
        super().__init__(problem)
        self.state = state
        self.problem = problem


@dataclass
class Result:
    """What one check found. ``assertion`` is the assertion as published (JSON), for the record."""

    state: str
    problem: str = ""
    assertion_id: str = ""
    issuer_name: str = ""
    badge_name: str = ""
    issued_on: date | None = None
    expires_on: date | None = None
    assertion: dict[str, Any] = field(default_factory=dict)

    @property
    def is_transient(self) -> bool:
        """A failure that may pass by itself (the issuer's server down): worth trying again later."""
        return self.state == State.UNREACHABLE


def check_url(url: str, emails: list[str], now: datetime | None = None) -> Result:
    """Check the badge published at ``url`` (a hosted assertion, or a signed one served as text).

    ``fetch.UnsafeURL`` from the URL itself goes to the caller (a refusal of
    what was typed); one met later, on a redirect or an issuer's URL, makes
    the badge ``invalid``.
    """
    _, host, port = fetch.check_url(url)
    # An unknown host is not refused: the check records it as unreachable, to be tried again later.
    with contextlib.suppress(fetch.Unreachable):
        fetch.resolve(host, port)
    return _checked(lambda: _from_url(url, emails, now or timezone.now()))


def check_baked(content: str, emails: list[str], now: datetime | None = None) -> Result:
    """Check what a baked image carries: an assertion (JSON), a signed one (JWS), or its URL."""
    return _checked(lambda: _from_baked(content.strip(), emails, now or timezone.now()))


def hosted_url(content: str) -> str:
    """Where a baked hosted badge is published: the URL baked in, or the baked assertion's ``id``; "" if none."""
    content = content.strip()
    if content.startswith(("http://", "https://")):
        return content
    try:
        value = json.loads(content)
    except ValueError:
        return ""
    assertion_id = value.get("id") if isinstance(value, dict) else None
    return assertion_id if isinstance(assertion_id, str) and assertion_id.startswith(("http://", "https://")) else ""


def _checked(run: Callable[[], Result]) -> Result:
    result = Result(state=State.INVALID)
    try:
        return run()
    except Refused as refusal:
        result.state, result.problem = refusal.state, refusal.problem
    except fetch.Unreachable as error:
        result.state, result.problem = State.UNREACHABLE, str(error)
    except fetch.FetchError as error:
        result.state, result.problem = State.INVALID, str(error)
    return result


def _from_url(url: str, emails: list[str], now: datetime) -> Result:
    answer = fetch.fetch(url)
    if answer.status == 410:
        raise Refused(State.REVOKED, "The issuer says this badge was revoked (410 Gone).")
    _require_ok(answer)
    text = answer.body.decode("utf-8", errors="replace").strip()
    if JWS.match(text):
        return _signed(text, emails, now)
    document = _json(answer.body, "The address does not lead to an Open Badges assertion.")
    return _hosted(document, answer.url, emails, now)


def _from_baked(content: str, emails: list[str], now: datetime) -> Result:
    if JWS.match(content):
        return _signed(content, emails, now)
    if content.startswith(("http://", "https://")):
        return _from_url(content, emails, now)
    assertion = _json(content.encode(), "The image holds no Open Badges assertion.")
    kind = _verification_type(assertion)
    if kind in SIGNED:
        raise Refused(State.INVALID, "The image says its badge is signed but carries no signature.")
    # A baked hosted assertion proves nothing by itself: it is checked as
    # published at its id, as for a pasted URL.
    assertion_id = assertion.get("id")
    if not isinstance(assertion_id, str) or not assertion_id.startswith(("http://", "https://")):
        raise Refused(State.INVALID, "The badge in the image has no web address to check it at.")
    return _from_url(assertion_id, emails, now)


# --- Hosted ----------------------------------------------------------------


def _hosted(document: dict[str, Any], fetched_from: str, emails: list[str], now: datetime) -> Result:
    """``document`` came from ``fetched_from`` (after redirects); the one that counts is at its own id."""
    _require_type(document, "Assertion", "This is not an Open Badges assertion.")
    assertion_id = _require_id(document)
    if not assertion_id.startswith(("http://", "https://")):
        raise Refused(State.INVALID, "A hosted badge must have a web address as its id.")
    published = document
    if fetched_from != assertion_id:
        # A copy served anywhere else (a share page, a mirror) could say
        # anything: what counts is what the issuer publishes at the id.
        answer = fetch.fetch(assertion_id)
        if answer.status == 410:
            raise Refused(State.REVOKED, "The issuer says this badge was revoked (410 Gone).")
        _require_ok(answer)
        published = _json(answer.body, "The badge's own address does not serve the assertion.")
        if published.get("id") != assertion_id:
            raise Refused(State.INVALID, "The assertion published at its id has a different id.")
    kind = _verification_type(published)
    if kind and kind not in HOSTED:
        raise Refused(State.INVALID, f"The badge asks for {kind} verification, which a web address cannot give.")
    badge_class, issuer, issuer_fetched = _badge_class_and_issuer(published)
    _require_allowed_origin(assertion_id, issuer, issuer_fetched)
    return _finish(published, badge_class, issuer, emails, now)


def _require_allowed_origin(assertion_id: str, issuer: dict[str, Any], issuer_fetched: bool) -> None:
    """The assertion must live where its issuer publishes badges.

    Without this anyone could host an assertion naming a real issuer and
    badge class on their own site. The issuer's policy (``verification`` in
    its profile) counts only when the profile was fetched from the issuer's
    own address; an embedded one could say anything, so then the origin of
    the issuer's id is the only one allowed (the specification's default).
    """
    policy = issuer.get("verification") if issuer_fetched else None
    policy = policy if isinstance(policy, dict) else {}
    origins = _strings(policy.get("allowedOrigins"))
    if not origins:
        origins = [urlsplit(str(issuer.get("id", ""))).netloc]
    if urlsplit(assertion_id).netloc not in origins:
        raise Refused(State.INVALID, "The assertion is not published where its issuer publishes badges.")
    starts = _strings(policy.get("startsWith"))
    if starts and not any(assertion_id.startswith(prefix) for prefix in starts):
        raise Refused(State.INVALID, "The assertion is not published where its issuer publishes badges.")


# --- Signed ----------------------------------------------------------------


def _signed(token: str, emails: list[str], now: datetime) -> Result:
    try:
        header = jwt.get_unverified_header(token)
        unverified = json.loads(_b64(token.split(".")[1]))
    except (jwt.InvalidTokenError, ValueError, binascii.Error):
        raise Refused(State.INVALID, "The signed badge could not be read.") from None
    if header.get("alg") != "RS256":
        raise Refused(State.INVALID, "The badge is signed with an algorithm other than RS256.")
    if not isinstance(unverified, dict):
        raise Refused(State.INVALID, "The signed badge holds no assertion.")
    _require_type(unverified, "Assertion", "The signed badge holds no assertion.")
    _require_id(unverified)
    if _verification_type(unverified) not in SIGNED:
        raise Refused(State.INVALID, "The assertion inside the signature does not ask for signed verification.")
    badge_class, issuer, issuer_fetched = _badge_class_and_issuer(unverified)
    key = _issuer_key(unverified, issuer, issuer_fetched)
    try:
        payload = jwt.PyJWS().decode(token, key=key, algorithms=["RS256"])
    except jwt.InvalidSignatureError:
        raise Refused(State.INVALID, "The signature does not match the issuer's key.") from None
    except (jwt.InvalidTokenError, ValueError, TypeError):
        raise Refused(State.INVALID, "The issuer's key could not check the signature.") from None
    assertion = json.loads(payload)
    _require_not_on_revocation_list(assertion, issuer)
    return _finish(assertion, badge_class, issuer, emails, now)


def _issuer_key(assertion: dict[str, Any], issuer: dict[str, Any], issuer_fetched: bool) -> str:
    """The PEM of the key that signed: ``verification.creator``, else the issuer's one ``publicKey``.

    The key must be the issuer's, or anyone could sign with a key of their
    own and name it: one the issuer lists in the profile fetched from its own
    address, or else a CryptographicKey on the issuer's origin naming the
    issuer as its ``owner``.
    """
    verification = assertion.get("verification")
    creator = verification.get("creator") if isinstance(verification, dict) else None
    listed = _strings(issuer.get("publicKey"), ids=True) if issuer_fetched else []
    if not creator:
        if len(listed) != 1:
            raise Refused(State.INVALID, "The signed badge does not say which key signed it.")
        creator = listed[0]
    if not isinstance(creator, str) or not creator.startswith(("http://", "https://")):
        raise Refused(State.INVALID, "The signing key has no web address.")
    if listed and creator not in listed:
        raise Refused(State.INVALID, "The signing key is not one its issuer lists.")
    if not listed and urlsplit(creator).netloc != urlsplit(str(issuer.get("id", ""))).netloc:
        raise Refused(State.INVALID, "The signing key is not published by the badge's issuer.")
    answer = fetch.fetch(creator, accept=ACCEPT_KEY)
    _require_ok(answer, "The signing key")
    text = answer.body.decode("utf-8", errors="replace")
    pem: Any
    if text.lstrip().startswith("-----BEGIN") and listed:
        pem = text  # a bare PEM says nothing of its owner: only one the issuer lists will do
    else:
        key = _json(answer.body, "The signing key could not be read.")
        if key.get("owner") != issuer.get("id"):
            raise Refused(State.INVALID, "The signing key belongs to someone other than the issuer.")
        pem = key.get("publicKeyPem")
    if not isinstance(pem, str) or "PUBLIC KEY" not in pem:
        raise Refused(State.INVALID, "The signing key could not be read.")
    return pem


def _require_not_on_revocation_list(assertion: dict[str, Any], issuer: dict[str, Any]) -> None:
    url = issuer.get("revocationList")
    if not isinstance(url, str) or not url:
        return
    answer = fetch.fetch(url)
    _require_ok(answer)
    listing = _json(answer.body, "The issuer's revocation list could not be read.")
    assertion_id = assertion.get("id")
    for entry in listing.get("revokedAssertions") or []:
        revoked = entry if isinstance(entry, str) else entry.get("id") if isinstance(entry, dict) else None
        uid = entry.get("uid") if isinstance(entry, dict) else None
        if revoked == assertion_id or (uid and uid == assertion.get("uid")):
            reason = entry.get("revocationReason") if isinstance(entry, dict) else None
            raise Refused(State.REVOKED, _revoked_problem(reason))


# --- What every assertion needs ----------------------------------------------


def _finish(
    assertion: dict[str, Any], badge_class: dict[str, Any], issuer: dict[str, Any], emails: list[str], now: datetime
) -> Result:
    result = Result(
        state=State.VERIFIED,
        assertion_id=str(assertion.get("id", "")),
        issuer_name=_text(issuer.get("name"), 200),
        badge_name=_text(badge_class.get("name"), 200),
        assertion=assertion,
    )
    issued = _when(assertion.get("issuedOn"), "issuedOn")
    if issued is None:
        return _fail(result, State.INVALID, "The badge has no issue date.")
    result.issued_on = issued.date()
    expires = _when(assertion.get("expires"), "expires")
    result.expires_on = expires.date() if expires else None
    if assertion.get("revoked") is True:
        return _fail(result, State.REVOKED, _revoked_problem(assertion.get("revocationReason")))
    problem = recipient_problem(assertion.get("recipient"), emails)
    if problem:
        return _fail(result, State.WRONG_RECIPIENT, problem)
    if issued > now:
        return _fail(result, State.INVALID, "The badge's issue date is in the future.")
    if expires is not None and expires <= now:
        return _fail(result, State.EXPIRED, f"The badge expired on {expires:%d %B %Y}.")
    return result


def _fail(result: Result, state: str, problem: str) -> Result:
    result.state, result.problem = state, problem
    return result


def recipient_problem(recipient: Any, emails: list[str]) -> str:
    """Why ``recipient`` is none of ``emails`` (the person's verified addresses); "" when it is one of them.

    Per the specification, a hashed identity is ``<algorithm>$<hex digest>``
    of the address followed by the salt (sha256, or md5 from older issuers),
    compared without regard to case.
    """
    if not isinstance(recipient, dict):
        return "The badge does not say whom it was issued to."
    kind, identity = recipient.get("type"), recipient.get("identity")
    if kind != "email":
        return "The badge was issued to someone named by other than an email address."
    if not isinstance(identity, str) or not identity:
        return "The badge does not say whom it was issued to."
    salt = str(recipient.get("salt") or "")
    # As typed and lower-cased: issuers hash the address as they hold it.
    candidates = {e.strip() for e in emails} | {e.strip().lower() for e in emails}
    if recipient.get("hashed") is True:
        algorithm, _, digest = identity.partition("$")
        algorithm = algorithm.lower()
        if algorithm not in ("sha256", "md5") or not digest:
            return "The badge's recipient is hashed in a way that cannot be checked."
        for email in candidates:
            if hashlib.new(algorithm, (email + salt).encode(), usedforsecurity=False).hexdigest() == digest.lower():
                return ""
    elif identity.strip().lower() in {e.lower() for e in candidates}:
        return ""
    return "The badge was issued to an email address that is not one of your confirmed addresses."


def _badge_class_and_issuer(assertion: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """The assertion's BadgeClass and Issuer (fetched where given by URL), and whether the issuer was fetched."""
    badge_class = _node(assertion.get("badge"), "BadgeClass", "The badge's description (BadgeClass)")
    issuer_ref = badge_class.get("issuer")
    issuer = _node(issuer_ref, ("Issuer", "Profile"), "The badge's issuer")
    if not _text(issuer.get("name"), 200):
        raise Refused(State.INVALID, "The badge's issuer has no name.")
    if not _text(badge_class.get("name"), 200):
        raise Refused(State.INVALID, "The badge has no name.")
    return badge_class, issuer, isinstance(issuer_ref, str)


def _node(ref: Any, kind: str | tuple[str, ...], what: str) -> dict[str, Any]:
    """An object given inline or by its URL (then fetched, and its ``id`` must be that URL)."""
    if isinstance(ref, str) and ref.startswith(("http://", "https://")):
        answer = fetch.fetch(ref)
        _require_ok(answer, what)
        node = _json(answer.body, f"{what} could not be read.")
        if node.get("id") != ref:
            raise Refused(State.INVALID, f"{what} published at its address has a different id.")
    elif isinstance(ref, dict):
        node = ref
    else:
        raise Refused(State.INVALID, f"{what} is missing.")
    kinds = (kind,) if isinstance(kind, str) else kind
    if not any(_has_type(node, k) for k in kinds):
        raise Refused(State.INVALID, f"{what} is not of type {kinds[0]}.")
    return node


def _require_ok(answer: fetch.Fetched, what: str = "The badge") -> None:
    if answer.status in (404, 410):
        raise Refused(State.INVALID, f"{what} is not published at its address any more ({answer.status}).")
    if answer.status >= 500 or answer.status == 429:
        raise Refused(State.UNREACHABLE, f"The issuer's server answered with an error ({answer.status}).")
    if not 200 <= answer.status < 300:
        raise Refused(State.INVALID, f"{what} could not be fetched ({answer.status}).")


def _require_type(node: dict[str, Any], kind: str, problem: str) -> None:
    if not _has_type(node, kind):
        raise Refused(State.INVALID, problem)


def _require_id(node: dict[str, Any]) -> str:
    value = node.get("id")
    if not isinstance(value, str) or not value:
        raise Refused(State.INVALID, "The assertion has no id.")
    return value


def _has_type(node: dict[str, Any], kind: str) -> bool:
    value = node.get("type", node.get("@type"))
    names = value if isinstance(value, list) else [value]
    # Compact names ("Assertion") or the full IRI of the v2 vocabulary.
    return any(isinstance(n, str) and (n == kind or n.endswith((f"#{kind}", f"/{kind}"))) for n in names)


def _verification_type(assertion: dict[str, Any]) -> str:
    verification = assertion.get("verification")
    if isinstance(verification, dict):
        return str(verification.get("type", ""))
    return ""


def _json(body: bytes, problem: str) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refused(State.INVALID, problem) from None
    if not isinstance(value, dict):
        raise Refused(State.INVALID, problem)
    return value


def _when(value: Any, name: str) -> datetime | None:
    """An ISO 8601 date or date-time (UTC if it names no zone); ``Refused`` for anything else."""
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        raise Refused(State.INVALID, f"The badge's {name} is not a date.") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _strings(value: Any, *, ids: bool = False) -> list[str]:
    """A JSON-LD value that may be one string or a list (of strings, or of objects with ``id``)."""
    values = value if isinstance(value, list) else [value] if value else []
    found = []
    for v in values:
        if isinstance(v, str):
            found.append(v)
        elif ids and isinstance(v, dict) and isinstance(v.get("id"), str):
            found.append(v["id"])
    return found


def _text(value: Any, limit: int) -> str:
    return " ".join(str(value).split())[:limit] if isinstance(value, str) else ""


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _revoked_problem(reason: Any) -> str:
    reason = _text(reason, 300)
    return f"The issuer revoked this badge: {reason}" if reason else "The issuer revoked this badge."
