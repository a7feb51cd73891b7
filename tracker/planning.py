"""Planning a track's dates: target dates spread over what is left, in proportion to effort."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Enrollment, MilestoneProgress
from .progress import track_progress


def plan_dates(enrollment: Enrollment, target_date: date | None = None, today: date | None = None) -> dict[int, date]:
    """Spread target dates over the remaining milestones up to the track's target date.

    ``target_date``, when given, becomes the enrollment's target date in the
    same transaction (the web's "Plan my dates" form sets both at once).
    Remaining milestones (not done and not skipped, or done but expired) get
    dates in ladder order, each step's share of the time in proportion to its
    estimated effort; the last lands on the target date. Returns
    ``{milestone_id: date}``. Each date can be moved afterwards.
    """
    today = today or timezone.localdate(timezone.now(), enrollment.user.tzinfo)
    target = target_date or enrollment.target_date
    if target is None:
        raise ValidationError({"target_date": "Set a target date for the track first."})
    if target <= today:
        raise ValidationError({"target_date": "The target date must be after today."})
    remaining = [item.step.milestone for item in track_progress(enrollment, today=today).items if not item.is_settled]
    span = (target - today).days
    weights = [max(m.effort_weeks, 1) for m in remaining]
    total = sum(weights)
    plan: dict[int, date] = {}
    running = 0
    for milestone, weight in zip(remaining, weights, strict=True):
        running += weight
        plan[milestone.pk] = today + timedelta(days=max(1, round(span * running / total)))
    with transaction.atomic():
        if target_date is not None and target_date != enrollment.target_date:
            enrollment.target_date = target_date
            enrollment.save(update_fields=["target_date", "updated_at"])
        MilestoneProgress.objects.set_target_dates(enrollment.user, plan)
    return plan
