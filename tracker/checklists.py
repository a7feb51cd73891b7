"""Checklists inside milestones: ticking items, and the items a person adds for themselves.

The rules every way in (the plan page, the API) goes through. A person sees
and ticks the editors' items and their own (``ChecklistItem.objects.visible_to``);
ticking is progress: it starts a milestone not started yet and counts as
activity for the streak. Ticks and own items are per person and milestone,
shared by every track that lists the milestone, as progress is. Editors'
items are content: nobody changes them here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import versions
from .models import (
    ActivityDay,
    ChecklistItem,
    ChecklistTick,
    Milestone,
    MilestoneProgress,
    Status,
)

if TYPE_CHECKING:
    from accounts.models import User

# A person's own items per milestone: room for a real plan of steps, while a
# runaway client cannot fill a milestone's panel without end.
MAX_OWN_ITEMS = 30
TITLE_MAX_LENGTH = 200  # ChecklistItem.title's max_length
MAX_ORDER = 2_147_483_647  # the largest value every database's PositiveIntegerField holds


class ChecklistFull(ValidationError):
    """Raised when a person adds an item to a milestone that already holds ``MAX_OWN_ITEMS`` of theirs."""

    http_status = 409
    error_code = "checklist_full"

    def __init__(self) -> None:
        super().__init__(
            {
                "title": ValidationError(
                    _("This milestone already has %(limit)s items of your own; remove one to add another.")
                    % {"limit": MAX_OWN_ITEMS},
                    code="checklist_full",
                )
            }
        )

    @property
    def error_extra(self) -> dict[str, Any]:
        return {"limit": MAX_OWN_ITEMS}


class NotInPlan(ValidationError):
    """Raised when a person adds an item to a milestone that is in none of their current plans."""

    http_status = 409
    error_code = "not_in_plan"

    def __init__(self, milestone: Milestone) -> None:
        super().__init__(
            _("%(title)s is in none of your plans: follow a track that lists it first.") % {"title": milestone.title}
        )


class NotOwnItem(ValidationError):
    """Raised when a person tries to rename, reorder or remove an editors' item: only their own items change.

    A 403, not a 404: the item is there for them to see and tick.
    """

    http_status = 403
    error_code = "not_own_item"

    def __init__(self) -> None:
        super().__init__(_("This item comes with the milestone: tick it, but only your own items can change."))


@dataclass(frozen=True)
class Ticked:
    """What ticking or unticking did: the person's tick (None if never ticked), and what changed."""

    tick: ChecklistTick | None
    changed: bool = False
    # The tick moved the milestone from not started to in progress.
    started: bool = False


def clean_title(title: str) -> str:
    """An item's title as stored: stripped, 1 to ``TITLE_MAX_LENGTH`` characters; else a ValidationError."""
    title = title.strip()
    if not title:
        raise ValidationError({"title": ValidationError(_("Give the item a title."), code="blank")})
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            {
                "title": ValidationError(
                    _("Keep the title to %(limit)d characters (it has %(length)d)."),
                    code="max_length",
                    params={"limit": TITLE_MAX_LENGTH, "length": len(title)},
                )
            }
        )
    try:
        # PostgreSQL refuses a NUL byte in text: turn it into a message, not a 500.
        ProhibitNullCharactersValidator()(title)
    except ValidationError as exc:
        raise ValidationError({"title": exc}) from None
    return title


def clean_order(order: int) -> int:
    """A place in the checklist: 0 or more, and small enough for the database."""
    if not 0 <= order <= MAX_ORDER:
        raise ValidationError(
            {
                "order": ValidationError(
                    _("Give a whole number from 0 to %(max)d."), code="out_of_range", params={"max": MAX_ORDER}
                )
            }
        )
    return order


def set_done(user: User, item: ChecklistItem, done: bool, *, now: datetime | None = None) -> Ticked:
    """Tick (``done``) or untick ``item`` for ``user``, in one transaction.

    Idempotent: ticking a ticked item (or unticking one never ticked)
    changes nothing and counts nothing, so a retried request is harmless.
    A change counts as activity once. A tick on a milestone not started yet
    moves it to in progress through ``MilestoneProgress.objects.update_state``
    (the one write path for progress, which writes its history and counts
    that activity itself, so it is not counted twice). Unticking never moves
    a milestone back. ``item`` must be one ``user`` may see (looked up with
    ``ChecklistItem.objects.visible_to``); another person's item or a removed
    one is not found.
    """
    if item.owner_id not in (None, user.pk) or item.removed_at is not None:
        raise ChecklistItem.DoesNotExist
    now = now or timezone.now()
    with transaction.atomic():
        tick = ChecklistTick.objects.select_for_update().filter(user=user, item=item).first()
        if (tick is not None and tick.done) == done:
            return Ticked(tick)
        tick = tick or ChecklistTick(user=user, item=item)
        tick.done, tick.done_at = done, now if done else None
        try:
            with transaction.atomic():
                tick.save()
        except IntegrityError:  # a parallel first tick inserted the row: that one counted
            return Ticked(ChecklistTick.objects.get(user=user, item=item))
        started = done and _start(user, item.milestone, now)
        if not started:
            ActivityDay.objects.record(user, now)
    versions.plans_changed([user.pk])
    return Ticked(tick, changed=True, started=started)


def _start(user: User, milestone: Milestone, now: datetime) -> bool:
    """Move ``milestone`` to in progress for ``user`` if not started yet; True when it moved."""
    # Locked, so a "done" from another tab cannot land between reading the
    # status and writing it, to be undone by this tick.
    row = MilestoneProgress.objects.select_for_update().filter(user=user, milestone=milestone).first()
    if row is not None and row.status != Status.NOT_STARTED:
        return False
    MilestoneProgress.objects.update_state(user, milestone, status=Status.IN_PROGRESS, now=now)
    return True


def in_plans(user: User, milestone: Milestone) -> bool:
    """Whether ``milestone`` is an active milestone of one of ``user``'s current plans."""
    return Milestone.objects.in_current_plans_of(user).filter(pk=milestone.pk).exists()


def add_item(user: User, milestone: Milestone, title: str, *, order: int | None = None) -> ChecklistItem:
    """Add ``user``'s own item to ``milestone``, by default after every item they see there.

    The milestone must be in one of their current plans (``NotInPlan``), the
    title 1 to 200 characters once stripped, and the milestone may hold at
    most ``MAX_OWN_ITEMS`` of their items (``ChecklistFull``).
    """
    title = clean_title(title)
    if order is not None:
        order = clean_order(order)
    if not in_plans(user, milestone):
        raise NotInPlan(milestone)
    own = ChecklistItem.objects.filter(owner=user, milestone=milestone, removed_at__isnull=True)
    # Two adds at the same instant may both pass and leave one item over the
    # limit: it guards the page against a runaway client, it is no quota.
    if own.count() >= MAX_OWN_ITEMS:
        raise ChecklistFull()
    if order is None:
        last = ChecklistItem.objects.for_user(user).filter(milestone=milestone).aggregate(last=models.Max("order"))
        order = min(last["last"] + 1, MAX_ORDER) if last["last"] is not None else 0
    item = ChecklistItem.objects.create(milestone=milestone, owner=user, title=title, order=order)
    versions.plans_changed([user.pk])
    return item


def update_item(
    user: User,
    item: ChecklistItem,
    *,
    done: bool | None = None,
    title: str | None = None,
    order: int | None = None,
    now: datetime | None = None,
) -> Ticked | None:
    """Rename or reorder ``user``'s own ``item`` and tick or untick it, all or nothing, in one transaction.

    A title or an order on an editors' item is refused (``NotOwnItem``)
    before anything is saved; ``done`` alone works on any item ``user`` sees.
    Returns what ticking did (None when ``done`` was not given).
    """
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = clean_title(title)
    if order is not None:
        changes["order"] = clean_order(order)
    if changes:
        _check_own(user, item)
    with transaction.atomic():
        changes = {name: value for name, value in changes.items() if getattr(item, name) != value}
        if changes:
            for name, value in changes.items():
                setattr(item, name, value)
            item.save(update_fields=[*changes, "updated_at"])
            versions.plans_changed([user.pk])
        return set_done(user, item, done, now=now) if done is not None else None


def remove_item(user: User, item: ChecklistItem, *, now: datetime | None = None) -> None:
    """Remove ``user``'s own ``item``: stamped ``removed_at`` (its ticks stay) so a syncing app learns it went.

    Editors' items are refused (``NotOwnItem``); removing a removed item changes nothing.
    """
    _check_own(user, item, removed_ok=True)
    if item.removed_at is not None:
        return
    item.removed_at = now or timezone.now()
    item.save(update_fields=["removed_at", "updated_at"])
    versions.plans_changed([user.pk])


def _check_own(user: User, item: ChecklistItem, *, removed_ok: bool = False) -> None:
    """Refuse an editors' item (``NotOwnItem``); another person's item, or a removed one, is not found."""
    if not item.is_own:
        raise NotOwnItem()
    if item.owner_id != user.pk or (item.removed_at is not None and not removed_ok):
        raise ChecklistItem.DoesNotExist
