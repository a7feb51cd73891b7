"""A person's private calendar feed, and the revisions of the events it has handed out."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from accounts.models import User


class CalendarFeedManager(models.Manager["CalendarFeed"]):
    def open(self, user: User) -> tuple[CalendarFeed, bool]:
        """``user``'s feed, made with a new unguessable token when they have none; says whether it was made."""
        return self.get_or_create(user=user, defaults={"token": secrets.token_urlsafe(32)})

    def revoke(self, user: User) -> bool:
        """Delete ``user``'s feed: its URL is a 404 from the next request on. Says whether there was one."""
        deleted, _ = self.filter(user=user).delete()
        return bool(deleted)


class CalendarFeed(models.Model):
    """A person's private iCalendar subscription: whoever holds the token in its URL reads their dates.

    The token is the only credential (a calendar app cannot sign in), so it is
    as long as a share link's (32 random bytes) and kept readable: Settings
    and the API show the URL again. Revoking deletes the row; a new feed gets
    a new token, never the old one.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=43, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CalendarFeedManager()

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


class EventRevisionManager(models.Manager["EventRevision"]):
    def revise(self, user: User, digests: dict[str, str], now: datetime | None = None) -> dict[str, EventRevision]:
        """The revision of each event (``{uid: digest of its content}``), a new one where the content changed.

        One read and, when anything is new or changed, one upsert of those
        rows alone: the cost of a fetch does not grow with what did not
        change. Two fetches at once compute the same next revision, so the
        race is harmless. Rows of events no longer in the calendar are kept:
        should one come back changed, its SEQUENCE still goes up.
        """
        now = now or timezone.now()
        known = {r.uid: r for r in self.filter(user=user, uid__in=list(digests))}
        changed: list[EventRevision] = []
        for uid, digest in digests.items():
            row = known.get(uid)
            if row is None:
                row = known[uid] = EventRevision(user=user, uid=uid, digest=digest, sequence=0, changed_at=now)
            elif row.digest != digest:
                row.digest, row.sequence, row.changed_at = digest, row.sequence + 1, now
            else:
                continue
            changed.append(row)
        if changed:
            self.bulk_create(
                changed,
                update_conflicts=True,
                unique_fields=["user", "uid"],
                update_fields=["digest", "sequence", "changed_at"],
            )
        return known


class EventRevision(models.Model):
    """What a person's calendar last received for one event: its content's digest, SEQUENCE and when it changed.

    A calendar app matches events by UID and takes a higher SEQUENCE as an
    update (RFC 5545 3.8.7.4), so a moved date replaces the event instead of
    adding a second one. Kept per person, not per feed: the feed and a single
    event's download agree, and a new feed continues where the old one was.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_events")
    uid = models.CharField(max_length=200)
    digest = models.CharField(max_length=64)
    sequence = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField()

    objects = EventRevisionManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "uid"], name="one_revision_per_user_and_event")]

    def __str__(self) -> str:
        return f"{self.uid} #{self.sequence}"
