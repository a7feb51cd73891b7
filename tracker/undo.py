"""Taking back a status change: "Saved · Undo" on the plan page and the dashboard.

An undo is not a rewrite of history. It is one more change, through the one
write path (``MilestoneProgressManager.update_state``), back to the status and
date earned the milestone had just before: the history (``ProgressEvent``)
keeps both events, the earnings history is kept consistent by the same rule
that keeps it for every change, and the prerequisites still hold (undoing a
"done" that something built on since is refused like any other).

The state before is captured when the change is made (``before``) and carried
to the undo by the page (hidden fields, or the session after a redirect). An
undo names the event it takes back and is refused once that is no longer the
latest change to the milestone, so an old "Undo" left on a page, or a second
click, cannot undo something else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import CareerTrack, Milestone, MilestoneProgress, ProgressEvent, Status

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class Undo:
    """How to take back one status change: the event that recorded it and the state before it."""

    milestone_id: int
    event_id: int
    status: str
    earned_on: date | None

    def as_session(self) -> dict[str, Any]:
        """A JSON-safe form, kept in the session across the redirect of a plain POST."""
        return {
            "milestone": self.milestone_id,
            "event": self.event_id,
            "status": self.status,
            "earned_on": self.earned_on.isoformat() if self.earned_on else "",
        }

    @classmethod
    def from_session(cls, data: dict[str, Any]) -> Undo:
        earned = data.get("earned_on") or ""
        return cls(
            milestone_id=int(data["milestone"]),
            event_id=int(data["event"]),
            status=str(data["status"]),
            earned_on=date.fromisoformat(earned) if earned else None,
        )


class UndoRefused(ValidationError):
    """The change to take back is no longer the latest one (or never was): nothing is undone."""

    def __init__(self) -> None:
        super().__init__(
            {"status": [_("This change can no longer be undone: the milestone has changed since.")]}, code="stale"
        )


def before(user: User, milestone: Milestone) -> tuple[str, date | None]:
    """``user``'s status and date earned on ``milestone`` now, before a change (no row: not started)."""
    row = MilestoneProgress.objects.filter(user=user, milestone=milestone).values("status", "earned_on").first()
    return (row["status"], row["earned_on"]) if row else (Status.NOT_STARTED, None)


def _latest_event(user: User, milestone: Milestone) -> ProgressEvent | None:
    return ProgressEvent.objects.filter(user=user, milestone=milestone).order_by("-created_at", "-id").first()


def undo_for(user: User, milestone: Milestone, state_before: tuple[str, date | None]) -> Undo | None:
    """The undo of the change just made to ``milestone``, or None when its status did not change.

    Only a change of status is offered an undo: a renewal ("done" again on a
    lapsed certification) adds an earning that is history, not a slip.
    """
    status, earned_on = state_before
    event = _latest_event(user, milestone)
    if event is None or event.from_status != status or event.to_status == status:
        return None
    return Undo(milestone_id=milestone.pk, event_id=event.pk, status=status, earned_on=earned_on)


def undo(user: User, milestone: Milestone, change: Undo, *, track: CareerTrack | None = None) -> MilestoneProgress:
    """Take back ``change``: back to its status (and date earned, if it was done), as a new event.

    Refused (``UndoRefused``) unless ``change.event_id`` is still the latest
    event of ``user`` on ``milestone``; the domain's own refusals
    (``DependantsDone``, ``PrerequisitesMissing``) pass through unchanged.
    """
    latest = _latest_event(user, milestone)
    if latest is None or latest.pk != change.event_id or change.milestone_id != milestone.pk:
        raise UndoRefused()
    details: dict[str, Any] = {}
    if change.status == Status.DONE and change.earned_on is not None:
        details["earned_on"] = change.earned_on
    progress = MilestoneProgress.objects.update_state(user, milestone, status=change.status, track=track, **details)
    assert progress is not None  # a status always leaves a row
    return progress
