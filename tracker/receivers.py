"""Receivers that must run however the data is changed (admin, shell, import): guards and cache stamps."""

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import versions
from .models import (
    ActivityDay,
    CareerLevel,
    CareerTrack,
    ChecklistItem,
    ChecklistTick,
    ChoiceGroup,
    Enrollment,
    LadderStep,
    Milestone,
    MilestoneProgress,
    PlanStep,
    Resource,
    RestWeek,
    check_prerequisite_cycle,
)


@receiver(m2m_changed, sender=Milestone.prerequisites.through)
def refuse_prerequisite_cycles(
    sender: Any, instance: Milestone, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """Reject, before it is written, any prerequisite edge that closes a loop.

    The forms check this too, to show the error next to the field; this is
    the backstop for every other way in (shell, fixtures, the API).
    """
    if action != "pre_add" or not pk_set:
        return
    if not reverse:
        check_prerequisite_cycle(instance, sorted(pk_set))
    else:
        # ``instance`` is being added as a prerequisite of each milestone in
        # pk_set: check each new edge from that side.
        for milestone in Milestone.objects.filter(pk__in=pk_set):
            check_prerequisite_cycle(milestone, [instance.pk])


# Cached answers (tracker.versions) go stale when the catalogue or a user's
# plan changes. Bulk writes that bypass these signals renew the stamps
# themselves (the admin's publish and activate actions, Enrollment.plan_dates).
versions.connect_receivers(
    catalogue_models=[CareerLevel, ChoiceGroup, LadderStep, Resource],
    plan_models=[Enrollment, MilestoneProgress, ChecklistTick, ActivityDay, RestWeek],
)


@receiver([post_save, post_delete], sender=CareerTrack)
@receiver([post_save, post_delete], sender=Milestone)
def track_or_milestone_changed(sender: Any, instance: CareerTrack | Milestone, **kwargs: Any) -> None:
    """An editors' track or milestone is catalogue content; a person's own is part of their plans only.

    So a personal milestone's edit leaves everyone else's cached catalogue alone.
    """
    if instance.owner_id is None:
        versions.catalogue_changed()
    else:
        versions.plans_changed([instance.owner_id])


@receiver([post_save, post_delete], sender=PlanStep)
def plan_step_changed(sender: Any, instance: PlanStep, **kwargs: Any) -> None:
    # A deleted account's steps go with their enrollment: then no owner is
    # left to find, nor any cached plan worth renewing.
    owner = Enrollment.objects.filter(pk=instance.enrollment_id).values_list("user_id", flat=True).first()
    if owner is not None:
        versions.plans_changed([owner])


@receiver([post_save, post_delete], sender=ChecklistItem)
def checklist_item_changed(sender: Any, instance: ChecklistItem, **kwargs: Any) -> None:
    """An editors' item is catalogue content; a person's own item is part of their plan."""
    if instance.owner_id is None:
        versions.catalogue_changed()
    else:
        versions.plans_changed([instance.owner_id])


@receiver(m2m_changed, sender=Milestone.prerequisites.through)
def prerequisites_changed(sender: Any, instance: Milestone, action: str, reverse: bool, **kwargs: Any) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse and instance.owner_id is not None:
        versions.plans_changed([instance.owner_id])  # a personal milestone's own prerequisites
    else:
        versions.catalogue_changed()
