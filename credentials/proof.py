"""The rules of proof, written once for the web pages, the API and the re-check task.

Attaching checks the badge at once and keeps whatever the check found
(verified or not, with why), so the person sees the result and can check
again; only what should never be fetched (a ``file:`` URL, a private
address) or is no badge at all (a photo) is refused outright.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from tracker.checklists import NotInPlan
from tracker.models import Enrollment, Milestone

from . import baked, fetch, notify, verification
from .models import BAD_NEWS, Badge

MAX_BADGES_PER_MILESTONE = 10


class AlreadyAttached(ValidationError):
    """The same badge is already on this milestone (the API's 409 ``already_attached``)."""

    http_status = 409
    error_code = "already_attached"

    def __init__(self, badge: Badge) -> None:
        super().__init__(_("This badge is already attached to this milestone."))
        self.badge = badge

    @property
    def error_extra(self) -> dict[str, Any]:
        return {"badge": self.badge.pk}


class TooManyBadges(ValidationError):
    http_status = 409
    error_code = "too_many_badges"

    def __init__(self) -> None:
        super().__init__(
            _("A milestone holds at most %(limit)s badges: remove one first.") % {"limit": MAX_BADGES_PER_MILESTONE}
        )


def verified_emails(user: User) -> list[str]:
    """The person's confirmed addresses: a badge's recipient must be one of them."""
    return list(EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True))


def attach(
    user: User, milestone: Milestone, *, url: str = "", image: bytes | None = None, now: datetime | None = None
) -> Badge:
    """Check the badge at ``url`` (or baked into ``image``) and attach it to ``milestone``, whatever the result.

    Refused with a ``ValidationError`` on ``url`` or ``image`` when there is
    nothing that may be fetched; ``NotInPlan`` (409) for a milestone in none
    of the person's current plans; ``AlreadyAttached`` (409) the second time.
    """
    if not Milestone.objects.in_current_plans_of(user).filter(pk=milestone.pk).exists():
        raise NotInPlan(milestone)
    if Badge.objects.of(user).filter(milestone=milestone).count() >= MAX_BADGES_PER_MILESTONE:
        raise TooManyBadges
    emails = verified_emails(user)
    jws = ""
    if image is not None:
        try:
            content = baked.assertion_in(image)
        except baked.NotABadgeImage as error:
            raise ValidationError({"image": ValidationError(str(error), code="not_a_badge_image")}) from None
        if verification.JWS.match(content):
            jws = content
            result = verification.check_baked(content, emails, now)
            source = result.assertion_id
        else:
            source = verification.hosted_url(content)
            result = _refusing_unsafe("image", lambda: verification.check_baked(content, emails, now))
    else:
        source = url.strip()
        result = _refusing_unsafe("url", lambda: verification.check_url(source, emails, now))
    if source:
        existing = Badge.objects.of(user).filter(milestone=milestone, source_url=source).first()
        if existing is not None:
            raise AlreadyAttached(existing)
    badge = Badge(user=user, milestone=milestone, source_url=source, baked=jws, from_image=image is not None)
    try:
        with transaction.atomic():
            badge.record(result, now)
    except IntegrityError:  # the same badge attached by a concurrent request
        raise AlreadyAttached(Badge.objects.of(user).get(milestone=milestone, source_url=source)) from None
    return badge


def _refusing_unsafe(field: str, check: Any) -> verification.Result:
    try:
        result: verification.Result = check()
    except fetch.UnsafeURL as error:
        raise ValidationError({field: ValidationError(error.translated(), code="unsafe_url")}) from None
    return result


def check(badge: Badge, now: datetime | None = None) -> verification.Result:
    """Check ``badge`` against its issuer again (nothing saved)."""
    emails = verified_emails(badge.user)
    if badge.baked:
        return verification.check_baked(badge.baked, emails, now)
    try:
        return verification.check_url(badge.source_url, emails, now)
    except fetch.UnsafeURL as error:
        # Once fine, now pointing somewhere the server does not go.
        return verification.Result(state=verification.State.INVALID, problem=str(error))


def check_again(badge: Badge, now: datetime | None = None) -> Badge:
    """Check ``badge`` again and keep the result; a badge that became revoked or expired tells its owner.

    Safe to run twice, or twice at once: the news is claimed in the delivery
    ledger once per badge and state (``notify``).
    """
    now = now or timezone.now()
    before = badge.record(check(badge, now), now)
    if badge.state != before and badge.state in BAD_NEWS:
        notify.tell_owner(badge, now)
    return badge


def recheck(badge_ids: Iterable[int], now: datetime | None = None) -> int:
    """Check the badges ``badge_ids`` again (those that still exist); returns how many were checked."""
    count = 0
    badges = Badge.objects.filter(pk__in=list(badge_ids)).select_related("user", "milestone").order_by("pk")
    for badge in badges:
        check_again(badge, now)
        count += 1
    return count


def badges_by_milestone(enrollment: Enrollment) -> dict[int, list[Badge]]:
    """The badges of the plan's owner, by milestone id, in one query (the plan and shared pages)."""
    found: dict[int, list[Badge]] = {}
    for badge in Badge.objects.filter(user_id=enrollment.user_id).defer("assertion", "baked").order_by("created_at"):
        found.setdefault(badge.milestone_id, []).append(badge)
    return found
