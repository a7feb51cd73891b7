"""Enrollments: follow a track or start a plan of one's own, rename, retarget, pause or archive it, plan its dates."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import Conflict
from api.etags import conflict_response, precondition, version_etag
from tracker.models import Enrollment, EnrollmentStatus, Milestone, VersionConflict
from tracker.planning import plan_dates

from .serializers.enrollments import (
    EnrollmentSerializer,
    EnrollmentUpdateSerializer,
    OwnPlanCreateSerializer,
    PlanSerializer,
    planned,
)


class EnrollmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=EnrollmentStatus.choices, help_text="Without it, archived enrollments are left out."
    )

    class Meta:
        model = Enrollment
        fields = ("status",)


class UserEnrollments(generics.GenericAPIView[Enrollment]):
    """The requesting user's enrollments only: another user's id is simply not found."""

    def get_queryset(self) -> QuerySet[Enrollment]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Enrollment.objects.none()
        return Enrollment.objects.for_user(self.request.user).select_related("track").order_by("started_at", "id")  # type: ignore[arg-type]


class EnrollmentList(UserEnrollments, generics.ListCreateAPIView[Enrollment]):
    """The user's enrollments (current ones unless filtered by status), and enrolling in a track."""

    serializer_class = EnrollmentSerializer
    filterset_class = EnrollmentFilter

    def filter_queryset(self, queryset: QuerySet[Enrollment]) -> QuerySet[Enrollment]:  # type: ignore[override]
        queryset = super().filter_queryset(queryset)
        return queryset if "status" in self.request.query_params else queryset.current()  # type: ignore[attr-defined]

    @extend_schema(responses={200: EnrollmentSerializer, 201: EnrollmentSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Enroll; enrolling again in a followed track returns that enrollment (200)."""
        serializer = EnrollmentSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        enrollment, created = Enrollment.objects.enroll(
            request.user,  # type: ignore[arg-type]
            serializer.validated_data["track"],
            target_date=serializer.validated_data.get("target_date"),
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(EnrollmentSerializer(enrollment).data, status=code)


class OwnPlanCreate(generics.GenericAPIView[Enrollment]):
    """Start a plan of one's own: empty, or with a published track's milestones to reorder and prune."""

    serializer_class = OwnPlanCreateSerializer

    @extend_schema(request=OwnPlanCreateSerializer, responses={201: EnrollmentSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        create = OwnPlanCreateSerializer(data=request.data, context=self.get_serializer_context())
        create.is_valid(raise_exception=True)
        # A blank title (400 required) reaches the exception handler.
        enrollment = Enrollment.objects.start_own(request.user, **create.validated_data)  # type: ignore[arg-type]
        return Response(EnrollmentSerializer(enrollment).data, status=status.HTTP_201_CREATED)


class EnrollmentDetail(UserEnrollments, generics.RetrieveUpdateDestroyAPIView[Enrollment]):
    """One enrollment. PATCH changes status, target date or an own plan's title; DELETE archives.

    Both may name the version they started from (If-Match or ``base_version``): 412 when stale.
    """

    serializer_class = EnrollmentUpdateSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrollment = self.get_object()
        return Response(self.get_serializer(enrollment).data, headers={"ETag": version_etag(enrollment.version)})

    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        expected, data = precondition(request)
        try:
            enrollment = update_plan(self.get_object(), data, expected)
        except VersionConflict:
            return self.conflict()
        return Response(self.get_serializer(enrollment).data, headers={"ETag": version_etag(enrollment.version)})

    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        expected, _ = precondition(request)
        enrollment = self.get_object()
        try:
            with transaction.atomic():
                Enrollment.objects.select_for_update().get(pk=enrollment.pk).check_version(expected)
                # Archiving keeps the enrollment and the user's progress history.
                enrollment.change_status(EnrollmentStatus.ARCHIVED)
        except VersionConflict:
            return self.conflict()
        return Response(status=status.HTTP_204_NO_CONTENT)

    def conflict(self) -> Response:
        enrollment = self.get_object()
        return conflict_response(self.get_serializer(enrollment).data, enrollment.version)


def update_plan(enrollment: Enrollment, data: Any, expected: int | None) -> Enrollment:
    """Apply a PATCH body to the user's ``enrollment``: status, target date, an own plan's title; the plan after.

    One transaction, the row locked: a stale ``expected`` version is refused
    (``VersionConflict``) before anything changes.
    """
    serializer = EnrollmentUpdateSerializer(enrollment, data=data, partial=True)
    serializer.is_valid(raise_exception=True)
    if enrollment.status == EnrollmentStatus.ARCHIVED and not enrollment.is_own:
        # Archived enrollments are history; reviving one could make a second
        # live plan for the track. The way back is enrolling again. A plan
        # of one's own has no track to enrol in: it comes back itself
        # (``Enrollment.change_status``).
        raise Conflict(_("An archived enrollment cannot change; enrol in the track again."), code="archived")
    title = serializer.validated_data.pop("title", None)
    # The status goes through the model, which keeps completed_at right.
    new_status = serializer.validated_data.pop("status", None)
    with transaction.atomic():
        locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        locked.check_version(expected)
        if title is not None:
            enrollment.rename(title)  # 400 not_own for a catalogue plan, before anything changes
        enrollment = serializer.save()
        if new_status is not None:
            enrollment.change_status(new_status)
    return enrollment


class EnrollmentPlan(UserEnrollments):
    """Spread target dates over the remaining milestones, up to the enrollment's target date."""

    serializer_class = PlanSerializer

    @extend_schema(request=None, responses={200: PlanSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Plans only the milestones still needed and keeps dates you set yourself.

        A plan whose effort does not fit before the target date is refused
        with 409 ``plan_does_not_fit``, the figures (``effort_weeks``,
        ``weeks_to_target``) and ``date_that_fits``; a missing or past target
        date is a 400 on ``target_date``.
        """
        # ValidationError (400) and PlanDoesNotFit (409) reach the exception handler.
        plan = plan_dates(self.get_object())
        slugs = dict(Milestone.objects.filter(pk__in=[*plan.planned, *plan.kept]).values_list("pk", "slug"))
        return Response(
            PlanSerializer(
                {
                    "planned": planned(plan.planned, slugs),
                    "kept": planned(plan.kept, slugs),
                    "effort_weeks": plan.effort_weeks,
                }
            ).data
        )
