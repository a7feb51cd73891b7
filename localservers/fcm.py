"""A stand-in for Firebase Cloud Messaging: Google's OAuth2 token endpoint and FCM's HTTP v1 send, on one loopback port.

What a real deployment talks to, as far as the push sender can tell:

- ``POST /token``: the JWT-bearer grant (RFC 7523) Google's token endpoint
  takes from a service account. The assertion must be signed (RS256) by the
  service account's key, name its key id, its email as issuer, Google's token
  URI as audience and the FCM scope, and live at most an hour. The answer is
  an access token that this server honours for ``token_lifetime`` seconds;
  it tells the client ``advertised_lifetime`` (the same unless a test makes
  the server expire tokens earlier than it said, as a revocation would).
- ``POST /v1/projects/<project>/messages:send``: FCM HTTP v1. A missing,
  unknown or expired access token is 401 ``UNAUTHENTICATED``; a message that
  breaks the v1 format (unknown fields, not exactly one target, ``data``
  values that are not strings, a reserved ``data`` key, a malformed
  ``android``/``apns``/``webpush`` block, over 4 KB) is 400
  ``INVALID_ARGUMENT``; a token in ``dead_tokens`` is 404 with FCM's
  ``UNREGISTERED`` error code. Accepted messages are kept in ``messages``.

The service account's key is made fresh for each stand-in (``cryptography``),
so nothing secret lives in the repository. Plain Python, no Django, like the
rest of ``localservers``.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from localservers.ports import HOST, free_port

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
# Google's token endpoint: the audience of every assertion, wherever the grant is posted.
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
MAX_ASSERTION_SECONDS = 3600
MAX_PAYLOAD_BYTES = 4096

MESSAGE_FIELDS = {
    "name",
    "data",
    "notification",
    "android",
    "webpush",
    "apns",
    "fcm_options",
    "token",
    "topic",
    "condition",
}
NOTIFICATION_FIELDS = {"title", "body", "image"}
ANDROID_FIELDS = {
    "collapse_key",
    "priority",
    "ttl",
    "restricted_package_name",
    "data",
    "notification",
    "fcm_options",
    "direct_boot_ok",
    "bandwidth_constrained_ok",
    "restricted_satellite_ok",
}
APNS_FIELDS = {"headers", "payload", "fcm_options", "live_activity_token"}
WEBPUSH_FIELDS = {"headers", "data", "notification", "fcm_options"}
DURATION = re.compile(r"^\d+(\.\d{1,9})?s$")


class FCMStandIn:
    """The server, its service account and what it saw; a context manager that starts and stops it."""

    def __init__(
        self, project_id: str = "careerplan-test", token_lifetime: float = 3600, advertised_lifetime: int | None = None
    ) -> None:
        self.project_id = project_id
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.key_id = uuid.uuid4().hex
        self.client_email = f"push-sender@{project_id}.iam.gserviceaccount.com"
        self.token_lifetime = token_lifetime
        self.advertised_lifetime = advertised_lifetime if advertised_lifetime is not None else int(token_lifetime)
        self.dead_tokens: set[str] = set()
        # A scripted answer for a device token (status, body), e.g. a 503 to test retries.
        self.answers: dict[str, tuple[int, dict[str, Any]]] = {}
        self.messages: list[dict[str, Any]] = []  # every message accepted, as sent
        self.refusals: list[tuple[int, str]] = []  # (status, FCM status or OAuth error) of every refusal
        self.grants = 0  # access tokens issued
        self._access_tokens: dict[str, tuple[float, str]] = {}  # token -> (monotonic expiry, scope)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((HOST, self.port), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, name="fcm-stand-in", daemon=True)

    # --- running --------------------------------------------------------------
    def start(self) -> FCMStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FCMStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what the app is configured with ---------------------------------------
    def service_account_info(self) -> dict[str, str]:
        """A service account key in Google's JSON layout, its token URI pointing here."""
        pem = self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        return {
            "type": "service_account",
            "project_id": self.project_id,
            "private_key_id": self.key_id,
            "private_key": pem,
            "client_email": self.client_email,
            "client_id": "100000000000000000001",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": f"{self.base}/token",
            "universe_domain": "googleapis.com",
        }

    def service_account_json(self) -> str:
        return json.dumps(self.service_account_info())

    def environment(self) -> dict[str, str]:
        """The environment variables that point CareerPlan's push sender here (for a server or worker started apart)."""
        return {
            "NUDGE_PUSH_SENDER": "fcm",
            "FCM_SERVICE_ACCOUNT_JSON": self.service_account_json(),
            "FCM_ENDPOINT": self.base,
        }

    # --- what tests look at and change -----------------------------------------
    def tokens_pushed(self) -> list[str]:
        """The device tokens of the accepted messages, in order."""
        with self._lock:
            return [m["token"] for m in self.messages]

    def expire_access_tokens(self) -> None:
        """Every access token handed out so far stops working now (as if Google had revoked them)."""
        with self._lock:
            self._access_tokens = {t: (0.0, scope) for t, (_, scope) in self._access_tokens.items()}

    # --- the endpoints -----------------------------------------------------------
    def grant(self, form: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        """Google's token endpoint, for the JWT-bearer grant only."""
        if form.get("grant_type") != [JWT_BEARER]:
            return self._oauth_refusal("unsupported_grant_type", "Only the JWT-bearer grant is served here.")
        [assertion] = form.get("assertion", [""])[:1] or [""]
        try:
            header = jwt.get_unverified_header(assertion)
            claims = jwt.decode(
                assertion,
                self.key.public_key(),
                algorithms=["RS256"],
                audience=GOOGLE_TOKEN_AUDIENCE,
                issuer=self.client_email,
                options={"require": ["iss", "aud", "iat", "exp", "scope"]},
                leeway=60,
            )
        except jwt.PyJWTError as error:
            return self._oauth_refusal("invalid_grant", f"Invalid JWT: {error}")
        if header.get("kid") != self.key_id:
            return self._oauth_refusal("invalid_grant", "Invalid JWT Signature: unknown key id.")
        if claims["exp"] - claims["iat"] > MAX_ASSERTION_SECONDS:
            return self._oauth_refusal("invalid_grant", "Invalid JWT: the assertion lives longer than an hour.")
        scope = str(claims["scope"])
        if not scope.split():
            return self._oauth_refusal("invalid_scope", "No scope was asked for.")
        token = "ya29.stand-in." + secrets.token_urlsafe(24)
        with self._lock:
            self._access_tokens[token] = (time.monotonic() + self.token_lifetime, scope)
            self.grants += 1
        return 200, {"access_token": token, "expires_in": self.advertised_lifetime, "token_type": "Bearer"}

    def send(self, path: str, authorization: str, body: bytes) -> tuple[int, dict[str, Any]]:
        """FCM HTTP v1 ``messages:send``."""
        match = re.fullmatch(r"/v1/projects/([^/]+)/messages:send", path)
        if match is None:
            return self._fcm_error(404, "NOT_FOUND", f"The URL {path} was not found on this server.")
        bearer = authorization[len("Bearer ") :] if authorization.startswith("Bearer ") else ""
        with self._lock:
            expires, scope = self._access_tokens.get(bearer, (0.0, ""))
        if not bearer or time.monotonic() >= expires:
            return self._fcm_error(
                401,
                "UNAUTHENTICATED",
                "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                "login cookie or other valid authentication credential.",
            )
        if SCOPE not in scope.split():
            return self._fcm_error(403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.")
        if match.group(1) != self.project_id:
            return self._fcm_error(403, "PERMISSION_DENIED", "Permission denied on the project.", "SENDER_ID_MISMATCH")
        try:
            request = json.loads(body)
        except ValueError:
            return self._fcm_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")
        problems = message_problems(request)
        if problems:
            field, description = problems[0]
            return self._fcm_error(400, "INVALID_ARGUMENT", description, "INVALID_ARGUMENT", field)
        message = request["message"]
        token = message.get("token")
        if token in self.dead_tokens:
            return self._fcm_error(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED")
        if token in self.answers:
            status, answer = self.answers[token]
            if status >= 400:
                with self._lock:
                    self.refusals.append((status, str(answer.get("error", {}).get("status", ""))))
            return status, answer
        with self._lock:
            self.messages.append(message)
            number = len(self.messages)
        return 200, {"name": f"projects/{self.project_id}/messages/{number}"}

    def _oauth_refusal(self, error: str, description: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.refusals.append((400, error))
        return 400, {"error": error, "error_description": description}

    def _fcm_error(
        self, status: int, code: str, message: str, fcm_code: str = "", field: str = ""
    ) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.refusals.append((status, code))
        details: list[dict[str, Any]] = []
        if fcm_code:
            details.append({"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": fcm_code})
        if field:
            details.append(
                {
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [{"field": field, "description": message}],
                }
            )
        error: dict[str, Any] = {"code": status, "message": message, "status": code}
        if details:
            error["details"] = details
        return status, {"error": error}


def message_problems(request: Any) -> list[tuple[str, str]]:
    """What FCM HTTP v1 would refuse in a ``messages:send`` body: (field, description) pairs, none if it is valid."""
    if not isinstance(request, dict):
        return [("", "The request body must be a JSON object.")]
    problems = _unknown(request, {"validate_only", "message"}, "")
    message = request.get("message")
    if not isinstance(message, dict):
        return [*problems, ("message", "A message is required.")]
    problems += _unknown(message, MESSAGE_FIELDS, "message")
    targets = [name for name in ("token", "topic", "condition") if name in message]
    if len(targets) != 1:
        problems.append(("message", "Exactly one of token, topic or condition is required."))
    for name in targets:
        if not isinstance(message[name], str) or not message[name]:
            problems.append((f"message.{name}", f"{name} must be a non-empty string."))
    if "data" in message:
        problems += _string_map(message["data"], "message.data", reserved=True)
    if "notification" in message:
        problems += _strings_only(message["notification"], NOTIFICATION_FIELDS, "message.notification")
    if "android" in message:
        problems += _android(message["android"])
    if "apns" in message:
        problems += _apns(message["apns"])
    if "webpush" in message:
        problems += _webpush(message["webpush"])
    size = len(json.dumps({k: message.get(k) for k in ("data", "notification")}, ensure_ascii=False).encode())
    if size > MAX_PAYLOAD_BYTES:
        problems.append(("message", f"Message is too big: {size} bytes of notification and data (at most 4096)."))
    return problems


def _unknown(obj: dict[str, Any], known: set[str], at: str) -> list[tuple[str, str]]:
    where = f"'{at}'" if at else "root"
    return [
        (
            f"{at}.{name}" if at else name,
            f'Invalid JSON payload received. Unknown name "{name}" at {where}: Cannot find field.',
        )
        for name in obj
        if name not in known
    ]


def _string_map(value: Any, at: str, *, reserved: bool = False) -> list[tuple[str, str]]:
    if not isinstance(value, dict):
        return [(at, f"{at} must be a map of strings to strings.")]
    problems = []
    for key, item in value.items():
        if not isinstance(item, str):
            problems.append((f"{at}[{key}]", f"Invalid value at '{at}[{key}]': expected a string, got {item!r}."))
        if reserved and (key in {"from", "message_type"} or key.lower().startswith(("google", "gcm"))):
            problems.append((f"{at}[{key}]", f"Invalid data payload key: {key} (a reserved word)."))
    return problems


def _strings_only(value: Any, known: set[str], at: str) -> list[tuple[str, str]]:
    if not isinstance(value, dict):
        return [(at, f"{at} must be an object.")]
    problems = _unknown(value, known, at)
    problems += [(f"{at}.{k}", f"{at}.{k} must be a string.") for k, v in value.items() if not isinstance(v, str)]
    return problems


def _android(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, dict):
        return [("message.android", "android must be an object.")]
    problems = _unknown(value, ANDROID_FIELDS, "message.android")
    if "priority" in value and str(value["priority"]).upper() not in {"NORMAL", "HIGH"}:
        problems.append(("message.android.priority", "priority must be NORMAL or HIGH."))
    if "ttl" in value and not (isinstance(value["ttl"], str) and DURATION.match(value["ttl"])):
        problems.append(("message.android.ttl", 'ttl must be a duration such as "3600s".'))
    if "data" in value:
        problems += _string_map(value["data"], "message.android.data", reserved=True)
    if "notification" in value and not isinstance(value["notification"], dict):
        problems.append(("message.android.notification", "android.notification must be an object."))
    return problems


def _apns(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, dict):
        return [("message.apns", "apns must be an object.")]
    problems = _unknown(value, APNS_FIELDS, "message.apns")
    if "headers" in value:
        problems += _string_map(value["headers"], "message.apns.headers")
    payload = value.get("payload", {})
    if not isinstance(payload, dict) or not isinstance(payload.get("aps", {}), dict):
        problems.append(("message.apns.payload", "apns.payload must be an object whose aps is an object."))
    return problems


def _webpush(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, dict):
        return [("message.webpush", "webpush must be an object.")]
    problems = _unknown(value, WEBPUSH_FIELDS, "message.webpush")
    for name in ("headers", "data"):
        if name in value:
            problems += _string_map(value[name], f"message.webpush.{name}")
    link = value.get("fcm_options", {}).get("link") if isinstance(value.get("fcm_options"), dict) else None
    if link is not None and not str(link).startswith("https://"):
        problems.append(("message.webpush.fcm_options.link", "The link must be an HTTPS URL."))
    return problems


def _handler(standin: FCMStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if self.path == "/token":
                form = parse_qs(body.decode(errors="replace"))
                status, answer = standin.grant(form)
            else:
                status, answer = standin.send(self.path, self.headers.get("Authorization", ""), body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            if status == 401:
                self.send_header(
                    "WWW-Authenticate", 'Bearer realm="https://accounts.google.com/", error="invalid_token"'
                )
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
