"""Planning a track's dates: target dates spread over what is left, in proportion to effort.

Only what the person needs is planned (a choice group's picks, not its
alternatives; nothing done or skipped), a date the person chose is never
moved, and a plan that cannot fit before the target is refused with the
figures and the first date it would fit by, rather than squeezed in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Enrollment, MilestoneProgress, day_in_words
from .progress import WEEKS_PER_YEAR, effort_in_words, track_progress


def check_target_date(target: date, user: Any, today: date | None = None) -> None:
    """Refuse a plan's target date that is not after today on ``user``'s calendar (code ``not_after_today``).

    The one rule for every way a target is set: enrolling, a plan of one's
    own, changing it, and "Plan my dates" (web and API alike).
    """
    today = today or timezone.localdate(timezone.now(), user.tzinfo)
    if target <= today:
        raise ValidationError(_("The target date must be after today."), code="not_after_today")


@dataclass(frozen=True)
class Plan:
    """What "Plan my dates" did: the dates it set, and the chosen dates it kept."""

    planned: dict[int, date]  # milestone id → target date
    kept: dict[int, date]  # milestone id → the person's own date, left as it was
    effort_weeks: int


class PlanDoesNotFit(ValidationError):
    """The effort left does not fit before the target date; nothing is planned.

    The API answers a 409 with the figures and the date that fits.
    """

    http_status = 409
    error_code = "plan_does_not_fit"

    def __init__(self, effort_weeks: int, target: date, today: date) -> None:
        self.effort_weeks = effort_weeks
        self.weeks_to_target = (target - today).days // 7
        self.date_that_fits = today + timedelta(weeks=effort_weeks)
        effort = effort_in_words(effort_weeks)
        if effort_weeks >= WEEKS_PER_YEAR:
            effort = _("%(effort)s (%(weeks)s weeks)") % {"effort": effort, "weeks": effort_weeks}
        fits = self.date_that_fits
        super().__init__(
            {
                "target_date": [
                    ValidationError(
                        _(
                            "What is left is about %(effort)s of effort, and your target is %(away)s away. "
                            "A target of %(fits)s fits, or skip what is not for you."
                        )
                        % {
                            "effort": effort,
                            "away": effort_in_words(self.weeks_to_target),
                            "fits": day_in_words(fits),
                        },
                        code="does_not_fit",
                    )
                ]
            }
        )

    @property
    def error_extra(self) -> dict[str, Any]:
        return {
            "effort_weeks": self.effort_weeks,
            "weeks_to_target": self.weeks_to_target,
            "date_that_fits": self.date_that_fits.isoformat(),
        }


def plan_dates(enrollment: Enrollment, target_date: date | None = None, today: date | None = None) -> Plan:
    """Spread target dates over the milestones still needed, up to the track's target date.

    ``target_date``, when given, becomes the enrollment's target date in the
    same transaction (the web's "Plan my dates" form sets both at once).
    The steps still to do (``TrackProgress.to_do``: needed, not done or
    skipped, or done but lapsed) share the time in ladder order, each in
    proportion to its estimated effort; the last lands on the target date. A
    step whose date the person set keeps it (its effort still takes its share
    of the time). Each planned date can be moved afterwards, which makes it
    the person's own. Raises ``PlanDoesNotFit`` when the effort left is longer
    than the time to the target.
    """
    today = today or timezone.localdate(timezone.now(), enrollment.user.tzinfo)
    target = target_date or enrollment.target_date
    if target is None:
        raise ValidationError({"target_date": _("Set a target date for the track first.")})
    try:
        check_target_date(target, enrollment.user, today)
    except ValidationError as refused:
        raise ValidationError({"target_date": refused}) from None
    to_do = track_progress(enrollment, today=today).to_do
    effort = sum(item.milestone.effort_weeks for item in to_do)
    span = (target - today).days
    if effort * 7 > span:
        raise PlanDoesNotFit(effort, target, today)
    weights = [max(item.milestone.effort_weeks, 1) for item in to_do]
    total = sum(weights)
    planned: dict[int, date] = {}
    kept: dict[int, date] = {}
    running = 0
    for item, weight in zip(to_do, weights, strict=True):
        running += weight
        row = item.progress
        if row is not None and row.target_date is not None and not row.target_date_planned:
            kept[item.milestone.pk] = row.target_date
            continue
        planned[item.milestone.pk] = today + timedelta(days=max(1, math.floor(span * running / total)))
    with transaction.atomic():
        if target_date is not None and target_date != enrollment.target_date:
            enrollment.target_date = target_date
            enrollment.save(update_fields=["target_date", "updated_at"])
        MilestoneProgress.objects.set_target_dates(enrollment.user, planned)
    return Plan(planned=planned, kept=kept, effort_weeks=effort)


def summary(plan: Plan) -> str:
    """What the web says after planning: how many dates were set and how many of the person's own were kept."""
    text = f"Planned {len(plan.planned)} target date{'s' if len(plan.planned) != 1 else ''}"
    if plan.kept:
        text += f" and kept the {len(plan.kept)} you set yourself"
    return text + "."
