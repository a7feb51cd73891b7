"""The tracker's part of an account: plans, progress, history, checklists and activity (``accounts.parts``)."""

from __future__ import annotations

from typing import Any

from accounts import parts
from accounts.export import iso
from accounts.models import User

from .models import (
    ActivityDay,
    ChecklistItem,
    ChecklistTick,
    Earning,
    Enrollment,
    Milestone,
    MilestoneProgress,
    PlanStep,
    ProgressEvent,
    RestWeek,
)
from .progress import progress_for_enrollments


def export(user: User) -> dict[str, Any]:
    """Every enrollment (with its progress, as every page counts it), progress row and history event of ``user``."""
    enrollments = list(Enrollment.objects.filter(user=user).select_related("track").order_by("started_at", "id"))
    progress = progress_for_enrollments(user, enrollments)
    added: dict[int, list[PlanStep]] = {}
    for step in PlanStep.objects.filter(enrollment__user=user).select_related("milestone", "after__milestone"):
        added.setdefault(step.enrollment_id, []).append(step)
    return {
        "enrollments": [
            {
                "track": e.track.slug,
                "title": e.track.name,
                "own_plan": e.is_own,
                # In plan order, as every page shows them (ladder and added steps merged).
                "milestones_in_order": [item.milestone.slug for item in progress[e.pk].items],
                # The steps the person added: where they put them, removed ones included.
                "added_steps": [
                    {
                        "milestone": step.milestone.slug,
                        "after": step.after.milestone.slug if step.after else None,
                        "order": step.order,
                        "removed": not step.milestone.is_active,
                        "added_at": iso(step.created_at),
                    }
                    for step in sorted(added.get(e.pk, []), key=lambda s: (s.order, s.pk))
                ],
                "status": e.status,
                "started_at": iso(e.started_at),
                "target_date": iso(e.target_date),
                "completed_at": iso(e.completed_at),
                "shared": bool(e.share_token),
                "percent": progress[e.pk].percent,
                "done": progress[e.pk].done,
                "counted": progress[e.pk].counted,
                "skipped": progress[e.pk].skipped,
            }
            for e in enrollments
        ],
        # Milestones of the person's own, private to them (removed ones kept, marked).
        "personal_milestones": [
            {
                "slug": m.slug,
                "title": m.title,
                "description": m.description,
                "category": m.category,
                "effort_weeks": m.effort_weeks,
                "prerequisites": sorted(p.slug for p in m.prerequisites.all()),
                "removed": not m.is_active,
                "updated_at": iso(m.updated_at),
            }
            for m in Milestone.objects.filter(owner=user).prefetch_related("prerequisites").order_by("id")
        ],
        "progress": [
            {
                "milestone": p.milestone.slug,
                "status": p.status,
                "started_at": iso(p.started_at),
                "completed_at": iso(p.completed_at),
                "earned_on": iso(p.earned_on),
                "expires_on": iso(p.expires_on),
                "target_date": iso(p.target_date),
                "target_date_planned": p.target_date_planned,
                "evidence_url": p.evidence_url,
                "notes": p.notes,
                "earned_in": p.earned_in.slug if p.earned_in else None,
                "updated_at": iso(p.updated_at),
            }
            for p in MilestoneProgress.objects.filter(user=user)
            .select_related("milestone", "earned_in")
            .order_by("milestone__slug")
        ],
        # Every earning and renewal, oldest first: what "valid until" was counted from.
        "earnings": [
            {
                "milestone": e.milestone.slug,
                "earned_on": iso(e.earned_on),
                "expires_on": iso(e.expires_on),
                "renewal": e.is_renewal,
                "evidence_url": e.evidence_url,
            }
            for e in Earning.objects.filter(user=user).select_related("milestone").order_by("earned_on", "id")
        ],
        "history": [
            {
                "milestone": ev.milestone.slug,
                "track": ev.track.slug if ev.track else None,
                "from": ev.from_status,
                "to": ev.to_status,
                "earned_on": iso(ev.earned_on),
                "at": iso(ev.created_at),
                "device": ev.device,  # the installation id the app sent (Device-Id), empty from the web
            }
            for ev in ProgressEvent.objects.filter(user=user)
            .select_related("milestone", "track")
            .order_by("created_at", "id")
        ],
        # The person's own checklist items (removed ones too, with when) and their ticks on any item.
        "checklist_items": [
            {
                "id": item.pk,
                "milestone": item.milestone.slug,
                "title": item.title,
                "order": item.order,
                "created_at": iso(item.created_at),
                "removed_at": iso(item.removed_at),
            }
            for item in ChecklistItem.objects.filter(owner=user).select_related("milestone").order_by("id")
        ],
        "checklist_ticks": [
            {
                "milestone": tick.item.milestone.slug,
                "item": tick.item.title,
                "own_item": tick.item.owner_id is not None,
                "done": tick.done,
                "done_at": iso(tick.done_at),
                "updated_at": iso(tick.updated_at),
            }
            for tick in ChecklistTick.objects.filter(user=user).select_related("item__milestone").order_by("id")
        ],
        "activity_days": [
            {"day": iso(day), "count": count}
            for day, count in ActivityDay.objects.filter(user=user).order_by("day").values_list("day", "count")
        ],
        "rest_weeks": [iso(monday) for monday in RestWeek.objects.filter(user=user).values_list("monday", flat=True)],
    }


parts.register(parts.AccountPart(name="plans", export=export))
