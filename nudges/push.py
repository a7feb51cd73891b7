"""Push senders: a console one for development and FCM HTTP v1 for production.

``NUDGE_PUSH_SENDER`` chooses. A sender answers each send with an outcome;
the caller deletes a device whose token the push service says is gone.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

# FCM's notification title and body have no hard per-field limit but the whole
# message must stay under 4 KB, and phones show about this much anyway.
TITLE_LIMIT = 100
BODY_LIMIT = 240


class PushOutcome(Enum):
    SENT = "sent"
    UNREGISTERED = "unregistered"  # the token is dead: delete the device
    TRANSIENT = "transient"  # try again later (5xx, 429, timeouts)
    PERMANENT = "permanent"  # a bad request that will not improve


@dataclass(frozen=True)
class PushResult:
    outcome: PushOutcome
    detail: str = ""


class PushSender(Protocol):
    def send(self, token: str, title: str, body: str, url: str) -> PushResult: ...


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class ConsoleSender:
    """Logs each push instead of sending it: for development and `make run`."""

    def send(self, token: str, title: str, body: str, url: str) -> PushResult:
        logger.info("push to %s…: %s | %s (%s)", token[:12], truncate(title, TITLE_LIMIT), body, url)
        return PushResult(PushOutcome.SENT)


class FCMSender:
    """Firebase Cloud Messaging HTTP v1: one POST per device token."""

    def __init__(self, endpoint: str, access_token: str, timeout: float = 10) -> None:
        self.endpoint = endpoint
        self.access_token = access_token
        self.timeout = timeout

    def send(self, token: str, title: str, body: str, url: str) -> PushResult:
        message = {
            "message": {
                "token": token,
                "notification": {"title": truncate(title, TITLE_LIMIT), "body": truncate(body, BODY_LIMIT)},
                "data": {"url": url},
            }
        }
        request = urllib.request.Request(
            self.endpoint,
            data=json.dumps(message).encode(),
            method="POST",
            headers={"Authorization": f"Bearer {self.access_token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
            return PushResult(PushOutcome.SENT)
        except urllib.error.HTTPError as error:
            return self._classify(error.code, error.read().decode(errors="replace"))
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            return PushResult(PushOutcome.TRANSIENT, str(error))

    @staticmethod
    def _classify(status: int, text: str) -> PushResult:
        """FCM v1 says UNREGISTERED (usually with 404) for a token that is gone."""
        try:
            error = json.loads(text).get("error", {})
        except ValueError:
            error = {}
        codes = {d.get("errorCode") for d in error.get("details", []) if isinstance(d, dict)}
        detail = f"{status} {error.get('status', '')} {error.get('message', text[:200])}".strip()
        if "UNREGISTERED" in codes or status == 404:
            return PushResult(PushOutcome.UNREGISTERED, detail)
        if status == 429 or status >= 500:
            return PushResult(PushOutcome.TRANSIENT, detail)
        return PushResult(PushOutcome.PERMANENT, detail)


def get_sender() -> PushSender:
    """The sender ``NUDGE_PUSH_SENDER`` names."""
    if settings.NUDGE_PUSH_SENDER == "fcm":
        if not settings.FCM_PROJECT_ID or not settings.FCM_ACCESS_TOKEN:
            raise ImproperlyConfigured("NUDGE_PUSH_SENDER=fcm needs FCM_PROJECT_ID and FCM_ACCESS_TOKEN.")
        endpoint = settings.FCM_ENDPOINT.format(project_id=settings.FCM_PROJECT_ID)
        return FCMSender(endpoint, settings.FCM_ACCESS_TOKEN, timeout=settings.FCM_TIMEOUT)
    return ConsoleSender()
