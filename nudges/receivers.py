"""Reactions to the other apps' signals.

Celebrations: a progress change, once committed, enqueues a check for a
completed level or track. Push devices: signing out on a device forgets it,
and a new password forgets them all.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from accounts.signals import credentials_changed, signed_out
from tracker.models import Status
from tracker.signals import progress_changed

from .models import Device, ReminderPreferences
from .tasks import celebrate, enqueue_from_request


@receiver(progress_changed, dispatch_uid="nudges.celebrate_on_commit")
def celebrate_on_commit(sender: Any, user: Any, milestone: Any, to_status: str, **kwargs: Any) -> None:
    """After the change commits, ask a worker to celebrate; a rolled-back change enqueues nothing.

    The database is the outbox: the user's next check is moved to now inside
    the same transaction, so if the broker is down the next scan still finds
    the completion (the celebration rule looks back two days).
    """
    if to_status != Status.DONE:
        return
    ReminderPreferences.objects.filter(user=user).update(next_check_at=None)
    user_id = user.pk
    transaction.on_commit(lambda: enqueue_celebration(user_id))


def enqueue_celebration(user_id: int) -> None:
    """Enqueue the celebration task; a broker failure is logged, never raised into the request."""
    enqueue_from_request(celebrate, user_id)


@receiver(signed_out, dispatch_uid="nudges.forget_the_device_signed_out_on")
def forget_the_device_signed_out_on(sender: Any, user: Any, device_token: str = "", **kwargs: Any) -> None:
    """The app signed out naming its push token: no more nudges there, and the token is free for the next account."""
    if device_token:
        Device.objects.filter(user=user, token=device_token).delete()


@receiver(credentials_changed, dispatch_uid="nudges.forget_devices_on_new_password")
def forget_devices_on_new_password(sender: Any, user: Any, **kwargs: Any) -> None:
    """A new password signs the person out of every app, so every device stops getting pushes (and is free)."""
    Device.objects.filter(user=user).delete()
