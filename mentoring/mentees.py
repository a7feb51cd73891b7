"""A mentor's mentees at a glance: each shared plan's progress, who is stalled, and the reviews waiting.

"Stalled" is the nudges' own notion (``nudges.rules.stalled``): no progress
recorded (or, before any, no plan started) for as many days as the learner
chose to be nudged after (``ReminderPreferences.stalled_after_days``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Max, Q
from django.utils import timezone

from accounts.models import User
from nudges.models import ReminderPreferences
from tracker.models import ProgressEvent
from tracker.progress import TrackProgress, progress_for_enrollments

from .models import Mentorship


@dataclass
class Mentee:
    mentorship: Mentorship
    plans: list[TrackProgress] = field(default_factory=list)
    last_activity: datetime | None = None
    quiet_days: int | None = None
    stalled_after_days: int = 7
    reviews_waiting: int = 0

    @property
    def learner(self) -> User:
        return self.mentorship.learner

    @property
    def is_stalled(self) -> bool:
        return bool(self.plans) and self.quiet_days is not None and self.quiet_days >= self.stalled_after_days


def mentees_of(mentor: User, now: datetime | None = None) -> list[Mentee]:
    """The mentor's active mentorships with what each shows; a few queries per mentee, none per milestone."""
    now = now or timezone.now()
    mentorships = list(
        Mentorship.objects.active_for_mentor(mentor)
        .select_related("learner")
        .annotate(waiting=Count("reviews", filter=Q(reviews__verdict="")))
        .order_by("started_at", "id")
    )
    learner_ids = [m.learner_id for m in mentorships]
    last_event = dict(
        ProgressEvent.objects.filter(user_id__in=learner_ids)
        .order_by()
        .values("user_id")
        .annotate(last=Max("created_at"))
        .values_list("user_id", "last")
    )
    quiet_after = dict(
        ReminderPreferences.objects.filter(user_id__in=learner_ids).values_list("user_id", "stalled_after_days")
    )
    found = []
    for mentorship in mentorships:
        learner = mentorship.learner
        plans = list(mentorship.visible_plans())
        progress = progress_for_enrollments(learner, plans, today=timezone.localdate(now, learner.tzinfo))
        started = max((p.started_at for p in plans), default=None)
        last = max((t for t in (last_event.get(learner.pk), started) if t is not None), default=None)
        quiet = (now.astimezone(learner.tzinfo).date() - last.astimezone(learner.tzinfo).date()).days if last else None
        found.append(
            Mentee(
                mentorship=mentorship,
                plans=[progress[p.pk] for p in plans],
                last_activity=last,
                quiet_days=quiet,
                stalled_after_days=quiet_after.get(learner.pk, 7),
                reviews_waiting=mentorship.waiting,  # type: ignore[attr-defined]
            )
        )
    return found
