"""Sending one claimed delivery on its channel: email, in-app or push.

Each sender either returns (sent), or raises ``TransientError`` (try again
later: SMTP down, push 5xx, timeouts) or ``PermanentError`` (a refused
address: record it, never retry).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.template.loader import render_to_string

from accounts.models import User
from nudges.models import Channel, Delivery, DeliveryStatus, Device, Notification

from .push import PushMessage, PushOutcome, PushTarget, get_sender
from .unsubscribe import unsubscribe_url

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A send that did not happen; ``permanent`` says whether to give up."""

    permanent = False


class TransientError(DeliveryError):
    pass


class PermanentError(DeliveryError):
    permanent = True


def send(delivery: Delivery, user: User, *, connection: BaseEmailBackend | None = None) -> None:
    """Send ``delivery`` on its channel and mark it sent (in-app: both in one transaction).

    ``connection`` is an email connection shared by a batch (``mail_connection``).
    """
    if delivery.channel == Channel.IN_APP:
        send_in_app([delivery])
        return
    if delivery.channel == Channel.EMAIL:
        send_email(delivery, user, connection=connection)
    elif delivery.channel == Channel.PUSH:
        send_push(delivery, user)
    else:
        raise PermanentError(f"unknown channel {delivery.channel!r}")
    mark_sent(delivery)


def mark_sent(delivery: Delivery) -> None:
    """After the email or push went out."""
    Delivery.objects.mark_sent([delivery.pk])
    delivery.status = DeliveryStatus.SENT


def send_in_app(deliveries: Sequence[Delivery]) -> list[Delivery]:
    """Notifications for in-app claims, written with their "sent" in one transaction; returns those sent.

    Only claims still claimed get a notification: one that another worker
    took up after a timeout and sent meanwhile has its notification already.
    """
    with transaction.atomic():
        sent_ids = Delivery.objects.mark_sent([d.pk for d in deliveries])
        sent = [d for d in deliveries if d.pk in sent_ids]
        Notification.objects.bulk_create([notification_for(d) for d in sent])
    for d in sent:
        d.status = DeliveryStatus.SENT
    return sent


def notification_for(delivery: Delivery) -> Notification:
    """The inbox entry of an in-app delivery (unsaved)."""
    payload = delivery.payload
    return Notification(
        user_id=delivery.user_id,
        rule=delivery.rule,
        title=str(payload.get("title", ""))[:200],
        body=str(payload.get("body", "")),
        url=str(payload.get("url", ""))[:500],
        delivery_id=delivery.pk,
    )


def email_message(delivery: Delivery, user: User) -> EmailMultiAlternatives:
    """The nudge as a message: subject, text and HTML from ``email/<rule>/``, with one-click unsubscribe."""
    # Bound to the address this mail goes to: it stops working once the account's email changes.
    link = unsubscribe_url(user, Channel.EMAIL, address=user.email)
    context: dict[str, Any] = {
        **delivery.payload,
        "name": user.name,
        "rule": delivery.rule,
        "link": settings.SITE_URL + str(delivery.payload.get("url", "/")),
        "unsubscribe_url": link,
        "site_url": settings.SITE_URL,
    }
    subject = " ".join(render_to_string(f"nudges/email/{delivery.rule}/subject.txt", context).split())
    text = render_to_string(f"nudges/email/{delivery.rule}/body.txt", context)
    html = render_to_string(f"nudges/email/{delivery.rule}/body.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[user.email],
        headers={
            # RFC 8058: a mail client may POST to the link with this body, no login.
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


@contextmanager
def mail_connection() -> Iterator[BaseEmailBackend]:
    """One EMAIL_BACKEND connection for a batch's emails: opened by the first send, closed at the end.

    A batch of emails then costs one SMTP handshake (and TLS, and login), not one each.
    """
    mail = get_connection(fail_silently=False)
    try:
        yield mail
    finally:
        _close(mail)


def _close(mail: BaseEmailBackend) -> None:
    try:
        mail.close()
    except Exception:
        # The messages were accepted or recorded already; a failed QUIT changes nothing.
        logger.info("could not close the email connection cleanly", exc_info=True)


def send_email(delivery: Delivery, user: User, connection: BaseEmailBackend | None = None) -> None:
    """Send through EMAIL_BACKEND (on ``connection`` when given), sorting SMTP failures into transient and permanent."""
    message = email_message(delivery, user)
    try:
        if connection is None:
            message.send(fail_silently=False)
        else:
            _send_on(connection, message)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        if codes and all(400 <= code < 500 for code in codes):
            raise TransientError(f"recipient deferred: {error.recipients}") from error
        raise PermanentError(f"recipient refused: {error.recipients}") from error
    except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, smtplib.SMTPAuthenticationError) as error:
        raise TransientError(f"{type(error).__name__}: {error}") from error
    except smtplib.SMTPResponseException as error:
        # 4xx means "try again later"; 5xx is final.
        cls = TransientError if 400 <= error.smtp_code < 500 else PermanentError
        raise cls(f"SMTP {error.smtp_code}: {error.smtp_error!r}") from error
    except OSError as error:  # connection refused, timeouts, DNS
        raise TransientError(f"{type(error).__name__}: {error}") from error


def _send_on(mail: BaseEmailBackend, message: EmailMultiAlternatives) -> None:
    try:
        mail.open()  # once per batch: a no-op while the connection is up
        mail.send_messages([message])
    except Exception:
        # The session may be dead or mid-transaction: the next message opens a fresh one.
        _close(mail)
        raise


def push_message(delivery: Delivery) -> PushMessage:
    """The push of ``delivery``: its words, and the ids the app deep-links with (README, "Push").

    ``notification`` is the inbox entry written for the same nudge (its
    in-app delivery goes first in a batch), when there is one by now.
    """
    payload = delivery.payload
    url = str(payload.get("url") or "/")
    data = {"rule": str(delivery.rule), "url": settings.SITE_URL + url if url.startswith("/") else url}
    notification = (
        Notification.objects.filter(
            delivery__user_id=delivery.user_id, delivery__rule=delivery.rule, delivery__period=delivery.period
        )
        .values_list("pk", flat=True)
        .first()
    )
    if notification is not None:
        data["notification"] = str(notification)
    if payload.get("plan") is not None:
        data["plan"] = str(payload["plan"])
    if payload.get("milestone"):
        data["milestone"] = str(payload["milestone"])
    return PushMessage(title=str(payload.get("title", "")), body=str(payload.get("body", "")), data=data)


def send_push(delivery: Delivery, user: User) -> None:
    """Push to each of the user's devices; a dead token's device is deleted.

    Tokens already reached are kept in the payload, so a retry after a 5xx
    from one device does not push twice to the others.
    """
    sender = get_sender()
    payload = delivery.payload
    message = push_message(delivery)
    reached: list[str] = list(payload.get("pushed", []))
    transient: list[str] = []
    permanent: list[str] = []
    for device in Device.objects.filter(user=user).order_by("pk"):
        if device.token in reached:
            continue
        result = sender.send(PushTarget(device.token, device.platform, device.apns_environment), message)
        if result.outcome is PushOutcome.SENT:
            reached.append(device.token)
        elif result.outcome is PushOutcome.UNREGISTERED:
            device.delete()
        elif result.outcome is PushOutcome.TRANSIENT:
            transient.append(result.detail)
        else:
            permanent.append(result.detail)
    if reached != payload.get("pushed", []):
        Delivery.objects.filter(pk=delivery.pk).update(payload={**payload, "pushed": reached})
        delivery.payload = {**payload, "pushed": reached}
    if transient:
        raise TransientError("; ".join(transient + [f"permanent: {d}" for d in permanent]))
    if permanent and not reached:
        raise PermanentError("; ".join(permanent))
