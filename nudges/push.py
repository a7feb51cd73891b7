"""Push senders: a console one for development and FCM HTTP v1 for production.

``NUDGE_PUSH_SENDER`` chooses. A sender answers each send with an outcome;
the caller deletes a device whose token the push service says is gone.

FCM authenticates with a Google service account: its key signs a JWT that
Google's token endpoint exchanges for an OAuth2 access token of about an hour
(the JWT-bearer grant, RFC 7523). google-auth does the exchange and keeps the
token: one set of credentials per process (``fcm_sender``), refreshed a few
minutes before the token expires, and once more when FCM answers 401 anyway
(a token revoked early, or a clock that drifted), then the send is retried.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from google.auth import exceptions as google_auth_errors
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account

logger = logging.getLogger(__name__)

FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging"

# FCM's notification title and body have no hard per-field limit but the whole
# message must stay under 4 KB, and phones show about this much anyway.
TITLE_LIMIT = 100
BODY_LIMIT = 240
# A reminder that reaches a phone days late is noise: FCM and APNs drop it after this.
TIME_TO_LIVE = timedelta(days=1)


class PushOutcome(Enum):
    SENT = "sent"
    UNREGISTERED = "unregistered"  # the token is dead: delete the device
    TRANSIENT = "transient"  # try again later (5xx, 429, timeouts)
    PERMANENT = "permanent"  # a bad request that will not improve


@dataclass(frozen=True)
class PushResult:
    outcome: PushOutcome
    detail: str = ""


@dataclass(frozen=True)
class PushTarget:
    """Where one push goes: a device's token and platform (which platform's options the message carries)."""

    token: str
    platform: str
    apns_environment: str = ""


@dataclass(frozen=True)
class PushMessage:
    """What a push says, and its ``data``: string keys to string values, as FCM requires.

    ``data`` is the app's deep link (README, "Push"): ``rule``, ``url`` (an
    absolute web address, the fallback), and where the nudge has them
    ``notification`` (the inbox entry's id), ``plan`` (enrollment id) and
    ``milestone`` (slug).
    """

    title: str
    body: str
    data: dict[str, str] = field(default_factory=dict)


class PushSender(Protocol):
    def send(self, target: PushTarget, message: PushMessage) -> PushResult: ...


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class ConsoleSender:
    """Logs each push instead of sending it: for development and `make run`."""

    def send(self, target: PushTarget, message: PushMessage) -> PushResult:
        logger.info(
            "push to %s…: %s | %s %s",
            target.token[:12],
            truncate(message.title, TITLE_LIMIT),
            message.body,
            json.dumps(message.data, sort_keys=True),
        )
        return PushResult(PushOutcome.SENT)


def fcm_message(target: PushTarget, message: PushMessage, now: datetime | None = None) -> dict[str, Any]:
    """The FCM HTTP v1 ``Message`` for one device, with the options of its platform.

    There is no per-message APNs environment in FCM: the Firebase SDK in the
    app files its APNs token under the sandbox or production gateway, and the
    FCM token stands for both. ``Device.apns_environment`` is what the app said
    about its build, kept for support, not sent.
    """
    fcm: dict[str, Any] = {
        "token": target.token,
        "notification": {"title": truncate(message.title, TITLE_LIMIT), "body": truncate(message.body, BODY_LIMIT)},
        "data": dict(message.data),
    }
    if target.platform == "android":
        fcm["android"] = {"ttl": f"{int(TIME_TO_LIVE.total_seconds())}s"}
    elif target.platform == "ios":
        expires = (now or datetime.now(UTC)) + TIME_TO_LIVE
        fcm["apns"] = {
            "headers": {"apns-push-type": "alert", "apns-expiration": str(int(expires.timestamp()))},
            # Notifications of one rule are grouped together in Notification Centre.
            "payload": {"aps": {"thread-id": message.data.get("rule", "careerplan")}},
        }
    elif target.platform == "web":
        fcm["webpush"] = {"headers": {"TTL": str(int(TIME_TO_LIVE.total_seconds()))}}
    return {"message": fcm}


class FCMSender:
    """Firebase Cloud Messaging HTTP v1: one POST per device token, with a service account's refreshed token."""

    def __init__(
        self, credentials: service_account.Credentials, project_id: str, endpoint: str, timeout: float = 10
    ) -> None:
        self.url = f"{endpoint.rstrip('/')}/v1/projects/{project_id}/messages:send"
        self.timeout = timeout
        # Refreshes the token when it is missing or within minutes of expiry,
        # and on a 401 refreshes once and sends again (max_refresh_attempts).
        self.session = AuthorizedSession(credentials, refresh_status_codes=(401,), max_refresh_attempts=1)

    def send(self, target: PushTarget, message: PushMessage) -> PushResult:
        try:
            response = self.session.post(self.url, json=fcm_message(target, message), timeout=self.timeout)
        except google_auth_errors.RefreshError as error:
            # Google refused the service account's grant: a revoked or deleted
            # key, or a wrong token endpoint. Retried on schedule only if
            # google-auth judged it passing (a 5xx or 429 from the endpoint).
            logger.error("FCM: could not get an access token for the service account: %s", error)
            outcome = PushOutcome.TRANSIENT if getattr(error, "retryable", False) else PushOutcome.PERMANENT
            return PushResult(outcome, f"access token refused: {error}")
        except (google_auth_errors.TransportError, requests.RequestException) as error:
            return PushResult(PushOutcome.TRANSIENT, f"{type(error).__name__}: {error}")
        if response.ok:
            return PushResult(PushOutcome.SENT)
        return self._classify(response.status_code, response.text)

    @staticmethod
    def _classify(status: int, text: str) -> PushResult:
        """FCM v1 says UNREGISTERED (usually with 404) for a token that is gone."""
        try:
            error = json.loads(text).get("error", {})
        except (ValueError, AttributeError):
            error = {}
        if not isinstance(error, dict):
            error = {}
        codes = {d.get("errorCode") for d in error.get("details", []) if isinstance(d, dict)}
        detail = f"{status} {error.get('status', '')} {error.get('message', text[:200])}".strip()
        if "UNREGISTERED" in codes or status == 404:
            return PushResult(PushOutcome.UNREGISTERED, detail)
        if status == 429 or status >= 500:
            return PushResult(PushOutcome.TRANSIENT, detail)
        return PushResult(PushOutcome.PERMANENT, detail)


def service_account_info() -> dict[str, Any]:
    """The service account's JSON key, from ``FCM_SERVICE_ACCOUNT_JSON`` or the file ``FCM_SERVICE_ACCOUNT_FILE``."""
    text = settings.FCM_SERVICE_ACCOUNT_JSON
    source = "FCM_SERVICE_ACCOUNT_JSON"
    if not text:
        source = f"FCM_SERVICE_ACCOUNT_FILE ({settings.FCM_SERVICE_ACCOUNT_FILE})"
        try:
            text = Path(settings.FCM_SERVICE_ACCOUNT_FILE).read_text()
        except OSError as error:
            raise ImproperlyConfigured(f"{source} cannot be read: {error}") from error
    try:
        info = json.loads(text)
    except ValueError as error:
        raise ImproperlyConfigured(f"{source} is not JSON: {error}") from error
    missing = {"type", "client_email", "private_key", "token_uri"} - set(info if isinstance(info, dict) else ())
    if not isinstance(info, dict) or info.get("type") != "service_account" or missing:
        raise ImproperlyConfigured(f"{source} is not a service account key (missing: {', '.join(sorted(missing))}).")
    return info


_senders: dict[tuple[str, str, str, float], FCMSender] = {}
_senders_lock = threading.Lock()


def fcm_sender() -> FCMSender:
    """This process's FCM sender for the configured service account, made once so its token is reused.

    Keyed on the settings that make it, so a test (or a reload) with other
    settings gets its own; each Celery worker process keeps one.
    """
    key = (
        settings.FCM_SERVICE_ACCOUNT_JSON,
        settings.FCM_SERVICE_ACCOUNT_FILE,
        settings.FCM_ENDPOINT,
        float(settings.FCM_TIMEOUT),
    )
    with _senders_lock:
        sender = _senders.get(key)
        if sender is None:
            info = service_account_info()
            try:
                credentials = service_account.Credentials.from_service_account_info(info, scopes=[FCM_SCOPE])
            except ValueError as error:  # a key that does not parse
                raise ImproperlyConfigured(f"The FCM service account key is unusable: {error}") from error
            project_id = settings.FCM_PROJECT_ID or info.get("project_id", "")
            if not project_id:
                raise ImproperlyConfigured("Set FCM_PROJECT_ID: the service account key names no project_id.")
            sender = _senders[key] = FCMSender(credentials, project_id, settings.FCM_ENDPOINT, settings.FCM_TIMEOUT)
        return sender


def get_sender() -> PushSender:
    """The sender ``NUDGE_PUSH_SENDER`` names."""
    if settings.NUDGE_PUSH_SENDER == "fcm":
        if not settings.FCM_SERVICE_ACCOUNT_JSON and not settings.FCM_SERVICE_ACCOUNT_FILE:
            raise ImproperlyConfigured(
                "NUDGE_PUSH_SENDER=fcm needs FCM_SERVICE_ACCOUNT_FILE or FCM_SERVICE_ACCOUNT_JSON."
            )
        return fcm_sender()
    return ConsoleSender()
