"""Progress: the user's state on milestones, with incremental sync for the app.

A list item is one milestone (progress is per milestone, shared by every
track that lists it). The list covers the milestones of the user's current
tracks, or of the track named by ``track``. No stored row means not started.

Incremental sync: with ``updated_since=T`` the list holds the milestones whose
state or content changed after T (or that arrived with a track enrolled or
changed after T), and the body adds ``removed``: every milestone slug the app
may hold that is not listed for the user any more (hidden, its step gone, its
track left or withdrawn), so the app drops whichever of them it holds.
``removed`` is complete each time; dropping a slug the app does not hold is a
no-op. It never names a milestone the user could not have been shown.

Conflicts: the user's state on a milestone carries ``version`` (0 before the
first change) and answers with it as its ETag; a PATCH may send the version it
started from (If-Match or ``base_version``, ``api.etags.precondition``) and
gets a 412 with the current state when it is stale. ``sync/`` (the ``sync``
app) is the cursor-based sync that never skips; ``updated_since`` stays for v1.

Only milestones a person may see (``Milestone.objects.visible_to``: the
published catalogue and their own personal milestones) are listed, read or
written here: any other slug is a 404, as an unknown one is.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, FilteredRelation, Q, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from api.etags import conflict_response, precondition, version_etag
from api.pagination import PagePagination
from api.query import TimeQueryFilter
from tracker import versions
from tracker.models import (
    CareerTrack,
    Category,
    Earning,
    Enrollment,
    LadderStep,
    Milestone,
    MilestoneProgress,
    Status,
    VersionConflict,
    acting_device,
    clean_device_id,
)

from .serializers.progress import EarningSerializer, ProgressSerializer, ProgressUpdateSerializer, RenewalSerializer

# The app installation behind a write (``RecordsDevice``).
DEVICE_HEADER = "Device-Id"


def progress_states(user: User) -> QuerySet[Milestone]:
    """The milestones a person may see, each annotated with ``user``'s row (``my_*``; None when no row), in one join."""
    return (
        Milestone.objects.visible_to(user)
        .select_related("successor")
        .annotate(mine=FilteredRelation("progress", condition=Q(progress__user=user)))
        .annotate(
            my_status=F("mine__status"),
            my_started_at=F("mine__started_at"),
            my_completed_at=F("mine__completed_at"),
            my_earned_on=F("mine__earned_on"),
            my_expires_on=F("mine__expires_on"),
            my_target_date=F("mine__target_date"),
            my_evidence_url=F("mine__evidence_url"),
            my_notes=F("mine__notes"),
            my_updated_at=F("mine__updated_at"),
            my_version=F("mine__version"),
        )
        .order_by("slug")
    )


# Every date-time query parameter parses alike: zone required, a "+" sent unencoded read as one.
SyncTimeFilter = TimeQueryFilter


class ProgressFilter(django_filters.FilterSet):
    track = django_filters.CharFilter(
        method="in_track", help_text="A track's slug: its milestones, enrolled or not (default: your current tracks)."
    )
    status = django_filters.ChoiceFilter(choices=Status.choices, method="with_status")
    category = django_filters.ChoiceFilter(choices=Category.choices)
    updated_since = SyncTimeFilter(
        method="changed_since", help_text="ISO 8601 time: only what changed after it (adds `removed`)."
    )

    class Meta:
        model = Milestone
        fields = ("track", "status", "category", "updated_since")

    def filter_queryset(self, queryset: QuerySet[Milestone]) -> QuerySet[Milestone]:
        if not self.form.cleaned_data.get("track"):
            queryset = queryset.filter(pk__in=Milestone.objects.in_current_plans_of(self.request.user).values("pk"))
        return super().filter_queryset(queryset)

    def in_track(self, queryset: QuerySet[Milestone], name: str, value: str) -> QuerySet[Milestone]:
        steps = LadderStep.objects.filter(track__in=CareerTrack.objects.published().filter(slug=value))
        return queryset.filter(pk__in=steps.values("milestone_id"))

    def with_status(self, queryset: QuerySet[Milestone], name: str, value: str) -> QuerySet[Milestone]:
        if value == Status.NOT_STARTED:
            return queryset.filter(Q(mine__status=value) | Q(mine__isnull=True))
        return queryset.filter(mine__status=value)  # type: ignore[misc]

    def changed_since(self, queryset: QuerySet[Milestone], name: str, value: Any) -> QuerySet[Milestone]:
        arrived = Milestone.objects.arrived_in_plans_of(self.request.user, value)  # type: ignore[arg-type]
        return queryset.filter(Q(mine__updated_at__gt=value) | Q(updated_at__gt=value) | Q(pk__in=arrived.values("pk")))  # type: ignore[misc]


def removed_slugs(user: User, listed: QuerySet[Milestone]) -> list[str]:
    """The slugs ``user``'s app may hold that ``listed`` leaves out: what a syncing client must drop.

    The app can only hold what this API once listed for the user: a milestone
    on a step of a published track (visible then, perhaps hidden since), on a
    step of a track the user follows or followed (the web shows a followed
    track even once withdrawn), or one the user has a state on. Nothing else
    is named, so a draft's milestones stay unseen; the price is that an
    untouched milestone whose last step was deleted looks like a draft and is
    not named either (only a tombstone for deleted steps would tell them
    apart). Without tombstones a removed ladder step leaves no timestamp to
    compare, so the complement is sent whole; the catalogue is tens to a few
    hundred milestones, so this stays small.
    """
    published = LadderStep.objects.filter(track__in=CareerTrack.objects.published())
    followed = Milestone.objects.in_plans(Enrollment.objects.for_user(user))
    touched = MilestoneProgress.objects.filter(user=user)
    held = Milestone.objects.filter(
        Q(pk__in=published.values("milestone_id"))
        | Q(pk__in=followed.values("pk"))
        | Q(pk__in=touched.values("milestone_id"))
        | Q(owner=user)
    )
    return list(held.exclude(pk__in=listed.values("pk")).order_by("slug").values_list("slug", flat=True))


class SyncPagination(PagePagination):
    """The page shape plus ``removed`` when the request is an incremental sync."""

    removed: list[str] | None = None

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        if self.removed is not None:
            response.data["removed"] = self.removed
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        described = super().get_paginated_response_schema(schema)
        described["properties"]["removed"] = {
            "type": "array",
            "items": {"type": "string"},
            "description": "With updated_since only: milestone slugs to drop.",
        }
        return described


class ProgressList(generics.ListAPIView[Milestone]):
    """The user's state on the milestones of their tracks; see the module docstring for sync."""

    serializer_class = ProgressSerializer
    filterset_class = ProgressFilter
    pagination_class = SyncPagination

    def get_queryset(self) -> QuerySet[Milestone]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Milestone.objects.none()
        return progress_states(self.request.user)  # type: ignore[arg-type]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if "updated_since" in request.query_params:
            # Everything still listed for the user, whatever changed: the complement is what to drop.
            unfiltered = ProgressFilter(
                {"track": request.query_params.get("track", "")}, self.get_queryset(), request=request
            )
            self.paginator.removed = removed_slugs(request.user, unfiltered.qs)  # type: ignore[arg-type,union-attr]
        return super().list(request, *args, **kwargs)


class RecordsDevice:
    """For write views: the ``Device-Id`` header names the app installation, kept on the history it writes.

    Optional (the web sends none); when sent it must be 1 to 64 letters,
    digits or ``. _ : -`` (400 ``invalid_device_id`` on the header otherwise).
    It holds for the whole request (``acting_device``), so history written
    indirectly, as by a checklist tick that starts its milestone, names it too.
    """

    device_header = DEVICE_HEADER  # api.schema documents the header on the operations of these views

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return  # nothing is written, so nothing is recorded
        try:
            device = clean_device_id(request.headers.get(DEVICE_HEADER, ""))
        except DjangoValidationError as exc:
            raise ValidationError({DEVICE_HEADER: [ErrorDetail(exc.messages[0], code="invalid_device_id")]}) from None
        self._device_scope = ExitStack()
        self._device_scope.enter_context(acting_device(device))

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        scope = getattr(self, "_device_scope", None)
        if scope is not None:
            scope.close()
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc,no-any-return]


def with_state(milestone: Milestone, row: MilestoneProgress | None) -> Milestone:
    """``milestone`` carrying ``row``'s fields as the ``my_*`` attributes ``progress_states`` annotates."""
    for name in (
        "status",
        "started_at",
        "completed_at",
        "earned_on",
        "expires_on",
        "target_date",
        "evidence_url",
        "notes",
        "updated_at",
        "version",
    ):
        setattr(milestone, f"my_{name}", getattr(row, name) if row is not None else None)
    return milestone


def visible_milestone(request: Request, slug: str) -> Milestone:
    """The milestone ``slug`` as the requesting user may see it (404 otherwise), with its successor.

    ``Milestone.objects.visible_to`` decides, in two parts: the published
    catalogue's milestones (the same for everyone, so their ids by slug are
    held in memory while the catalogue stamp holds: compiling the visibility
    subqueries was a third of a PATCH's time) and the person's own.
    """
    query = Milestone.objects.select_related("successor")
    catalogue_id = versions.held("visible-milestone-ids", Milestone.objects.published_ids_by_slug).get(slug)
    if catalogue_id is not None:
        return generics.get_object_or_404(query, pk=catalogue_id)
    return generics.get_object_or_404(query.owned_by(request.user), slug=slug)  # type: ignore[arg-type]


@extend_schema_view(patch=extend_schema(request=ProgressUpdateSerializer, responses={200: ProgressSerializer}))
class ProgressDetail(RecordsDevice, generics.GenericAPIView[Milestone]):
    """The user's state on one milestone. PATCH creates it on first touch, so a retry is harmless."""

    serializer_class = ProgressSerializer
    lookup_field = "slug"
    lookup_url_kwarg = "milestone_slug"

    def get_queryset(self) -> QuerySet[Milestone]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Milestone.objects.none()
        return progress_states(self.request.user)  # type: ignore[arg-type]

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        milestone = self.get_object()
        return Response(self.get_serializer(milestone).data, headers=progress_etag(milestone))

    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        expected, data = precondition(request)
        milestone = visible_milestone(request, kwargs[self.lookup_url_kwarg])
        try:
            milestone = update_progress(request, milestone, data, expected)
        except VersionConflict:
            current = current_progress(request, milestone.slug)
            return conflict_response(self.get_serializer(current).data, current.my_version or 0)  # type: ignore[attr-defined]
        return Response(self.get_serializer(milestone).data, headers=progress_etag(milestone))


def progress_etag(milestone: Milestone) -> dict[str, str]:
    """The ETag of the user's state on ``milestone``: its version (0 before the first change)."""
    return {"ETag": version_etag(milestone.my_version or 0)}  # type: ignore[attr-defined]


def update_progress(request: Request, milestone: Milestone, data: Any, expected: int | None) -> Milestone:
    """Apply a progress PATCH body to ``milestone`` (one the user may see); the milestone with the new state.

    One domain call, one transaction: status and details are saved together
    or not at all. ValidationError (400), PrerequisitesMissing (409) and
    VersionConflict (412, when ``expected`` is stale) are raised for the
    caller to answer. An empty body changes nothing and gives the current state.
    """
    update = ProgressUpdateSerializer(data=data)
    update.is_valid(raise_exception=True)
    row = MilestoneProgress.objects.update_state(
        request.user,  # type: ignore[arg-type]
        milestone,
        expected_version=expected,
        **update.validated_data,
    )
    return with_state(milestone, row)


def current_progress(request: Request, slug: str) -> Milestone:
    """The user's state on the milestone ``slug`` as it stands (what a 412 carries)."""
    return generics.get_object_or_404(progress_states(request.user), slug=slug)  # type: ignore[arg-type]


@extend_schema_view(
    get=extend_schema(responses={200: EarningSerializer(many=True)}),
    post=extend_schema(request=RenewalSerializer, responses={201: ProgressSerializer}),
)
class ProgressRenewals(RecordsDevice, generics.GenericAPIView[Milestone]):
    """A certification's earnings, oldest first (GET), and recording a renewal (POST).

    A renewal is refused with 400 on ``status`` and a code: ``renewal_not_open``
    (before its window), ``retired`` (take its successor instead),
    ``not_done``, ``not_renewable`` (it never expires) or
    ``before_last_earning``; a date in the future is 400 ``in_future`` on
    ``earned_on``. Each renewal is kept: the history grows, never rewritten.
    """

    serializer_class = ProgressSerializer
    pagination_class = None
    queryset = Milestone.objects.none()  # read per request through visible_milestone

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        milestone = visible_milestone(request, kwargs["milestone_slug"])
        earnings = Earning.objects.filter(user=request.user, milestone=milestone).order_by("earned_on", "id")  # type: ignore[misc]
        return Response(EarningSerializer(earnings, many=True).data)

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        milestone = visible_milestone(request, kwargs["milestone_slug"])
        renewal = RenewalSerializer(data=request.data)
        renewal.is_valid(raise_exception=True)
        row = MilestoneProgress.objects.update_state(
            request.user,  # type: ignore[arg-type]
            milestone,
            renew=True,
            **renewal.validated_data,
        )
        return Response(self.get_serializer(with_state(milestone, row)).data, status=201)
