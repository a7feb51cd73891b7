"""A plan's steps: its milestones in plan order, and the ones a person adds, moves, edits and removes.

``enrollments/{id}/steps/`` is the whole plan at once, the track's ladder with
the person's own steps merged in (``tracker.progress.plan_ladder``), as a
track's ladder is listed whole under ``tracks/{slug}/``. POST adds a step:
``{"milestone"}`` puts a catalogue milestone in (typically into a plan of
one's own), ``{"title", "category", ...}`` makes a personal milestone; either
goes ``after`` a milestone of the plan (null: first; left out: last).

``enrollments/{id}/steps/{slug}/`` is one of them. Only steps the person
added move (``after``) or go (DELETE); a step of a catalogue track's ladder is
a 409 ``ladder_step``: it is skipped on ``progress/{slug}/``, not removed.
Only a personal milestone's own fields change: editing a catalogue one is a
403 ``not_personal`` (the person sees it, as checklists' ``not_own_item``).
Refusals about the body (an unknown slug, a place or prerequisite outside the
plan, a milestone already in it) are 400s naming the field and its code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import Conflict
from api.etags import conflict_response, precondition, version_etag
from tracker.models import AT_END, Enrollment, Milestone, PlanStep, VersionConflict
from tracker.progress import StepState, track_progress

from .enrollments import UserEnrollments
from .serializers.plan_steps import (
    CatalogueStepCreateSerializer,
    InPlan,
    PersonalStepCreateSerializer,
    PlanStepSerializer,
    PlanStepsSerializer,
    PlanStepUpdateSerializer,
)

NOT_PERSONAL = _("Only a milestone of your own can be edited; this one comes from the catalogue.")
LADDER_STEP_MOVE = _("This milestone is on the track's ladder, in its editors' order: only steps you added move.")
LADDER_STEP_REMOVE = _(
    "This milestone is on the track's ladder and cannot be removed: skip it instead "
    "(PATCH progress/%(slug)s/ with status skipped)."
)


def plan_steps(enrollment: Enrollment) -> list[StepState]:
    """The plan's milestones in plan order, as every figure of the plan counts them."""
    return track_progress(enrollment).items


def step_of(enrollment: Enrollment, milestone: Milestone) -> StepState:
    """``milestone`` where the plan has it; 404 if the plan does not have it."""
    found = next((item for item in plan_steps(enrollment) if item.milestone.pk == milestone.pk), None)
    if found is None:
        raise NotFound()
    return found


class PlanStepsBase(UserEnrollments):
    def plan(self) -> Enrollment:
        """The requesting user's enrollment (404 for anyone else's), with its user at hand for its progress."""
        enrollment = self.get_object()
        enrollment.user = self.request.user  # type: ignore[assignment]
        return enrollment

    def body(self, serializer_class: type[InPlan], enrollment: Enrollment) -> dict[str, Any]:
        serializer = serializer_class(
            data=self.request.data, context={"enrollment": enrollment, "user": self.request.user}
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


@extend_schema_view(
    get=extend_schema(operation_id="enrollments_steps_list", responses={200: PlanStepsSerializer}),
    post=extend_schema(
        request=PolymorphicProxySerializer(
            component_name="PlanStepCreate",
            serializers=[CatalogueStepCreateSerializer, PersonalStepCreateSerializer],
            resource_type_field_name=None,
        ),
        responses={201: PlanStepSerializer},
    ),
)
class PlanSteps(PlanStepsBase):
    """The plan's milestones in plan order; POST puts a catalogue milestone or a new one of your own in it."""

    serializer_class = PlanStepsSerializer

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrollment = self.plan()
        return Response(PlanStepsSerializer({"enrollment": enrollment.pk, "steps": plan_steps(enrollment)}).data)

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrollment = self.plan()
        catalogue = isinstance(request.data, Mapping) and "milestone" in request.data
        data = self.body(CatalogueStepCreateSerializer if catalogue else PersonalStepCreateSerializer, enrollment)
        after = data.pop("after", AT_END)
        # A milestone already in the plan, a place or prerequisite outside it,
        # a bad field (400 by field) reach the exception handler.
        if catalogue:
            step = PlanStep.objects.add(enrollment, data["milestone"], after=after)
        else:
            step = PlanStep.objects.add_personal(enrollment, after=after, **data)
        return Response(PlanStepSerializer(step_of(enrollment, step.milestone)).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(responses={200: PlanStepSerializer}),
    patch=extend_schema(request=PlanStepUpdateSerializer, responses={200: PlanStepSerializer}),
    delete=extend_schema(responses={204: OpenApiResponse(description="Removed from the plan.")}),
)
class PlanStepDetail(PlanStepsBase):
    """One milestone of the plan: PATCH moves a step you added or edits a milestone of your own, DELETE removes it."""

    def step(self, enrollment: Enrollment) -> tuple[Milestone, PlanStep | None]:
        """The plan's milestone named in the URL and its own step (None: a step of the track's ladder); else 404."""
        return find_step(enrollment, self.kwargs["milestone_slug"])

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrollment = self.plan()
        milestone, _ = self.step(enrollment)
        return answer(step_of(enrollment, milestone))

    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        expected, data = precondition(request)
        enrollment = self.plan()
        milestone, step = self.step(enrollment)
        try:
            update_step(request, enrollment, milestone, step, data, expected)
        except VersionConflict:
            return conflict(enrollment, milestone)
        return answer(step_of(enrollment, milestone))

    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        expected, _ = precondition(request)
        enrollment = self.plan()
        milestone, step = self.step(enrollment)
        if step is None:
            raise Conflict(str(LADDER_STEP_REMOVE) % {"slug": milestone.slug}, code="ladder_step")
        try:
            with transaction.atomic():
                if milestone.is_personal:
                    Milestone.objects.select_for_update().get(pk=milestone.pk).check_version(expected)
                step.remove()
        except VersionConflict:
            return conflict(enrollment, milestone)
        return Response(status=status.HTTP_204_NO_CONTENT)


def find_step(enrollment: Enrollment, slug: str) -> tuple[Milestone, PlanStep | None]:
    """The plan's milestone ``slug`` and its own step (None: a step of the track's ladder); else 404."""
    try:
        step = enrollment.own_step(slug)
        return step.milestone, step
    except PlanStep.DoesNotExist:
        pass
    try:
        return enrollment.milestone_in_plan(slug), None
    except Milestone.DoesNotExist:
        raise NotFound() from None


def answer(item: StepState) -> Response:
    """A step of the plan, with the ETag of its personal milestone's version (none for a catalogue one)."""
    data = PlanStepSerializer(item).data
    headers = {"ETag": version_etag(data["version"])} if data["version"] is not None else None
    return Response(data, headers=headers)


def conflict(enrollment: Enrollment, milestone: Milestone) -> Response:
    """412 with the step as it stands now."""
    data = PlanStepSerializer(step_of(enrollment, milestone)).data
    return conflict_response(data, data["version"] or 0)


def update_step(
    request: Request,
    enrollment: Enrollment,
    milestone: Milestone,
    step: PlanStep | None,
    data: Any,
    expected: int | None,
) -> None:
    """Apply a PATCH body to the plan's ``milestone``: move a step the user added, edit a milestone of their own.

    A stale ``expected`` version of the personal milestone is refused
    (``VersionConflict``, checked on the locked row) before anything changes.
    """
    serializer = PlanStepUpdateSerializer(data=data, context={"enrollment": enrollment, "user": request.user})
    serializer.is_valid(raise_exception=True)
    fields = dict(serializer.validated_data)
    moving = "after" in fields
    after = fields.pop("after", None)
    if fields and not milestone.is_personal:
        raise PermissionDenied(NOT_PERSONAL, code="not_personal")
    if moving and step is None:
        raise Conflict(str(LADDER_STEP_MOVE), code="ladder_step")
    if step is not None:
        with transaction.atomic():
            if milestone.is_personal:
                Milestone.objects.select_for_update().get(pk=milestone.pk).check_version(expected)
            if fields:
                edit(step, fields)
            if moving:
                step.move(after)


def edit(step: PlanStep, data: dict[str, Any]) -> None:
    """Edit the step's personal milestone; a prerequisite loop is reported on ``prerequisites``, where it was made."""
    try:
        step.update_personal(**data)
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict") or "prerequisites" not in data:
            raise
        # The domain's cycle check (tracker.receivers) names no field: only new prerequisites can close a loop.
        raise DjangoValidationError({"prerequisites": exc.error_list}) from exc
