"""Tracks: the published catalogue, with ETags so the app revalidates cheaply."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from rest_framework import generics
from rest_framework.filters import SearchFilter
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from api.etags import ETagMixin, etag_of
from api.query import StrictFilterBackend
from api.renderers import prerender
from tracker import versions
from tracker.models import CareerTrack, CareerTrackQuerySet, LadderStep

from .serializers.tracks import TrackDetailSerializer, TrackSerializer


class TrackFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(
        field_name="parent__slug", help_text="Slug of a broader track: its specialisations only."
    )

    class Meta:
        model = CareerTrack
        fields = ("parent",)


def track_details() -> CareerTrackQuerySet:
    """Published tracks with all their detail shows, in a fixed number of queries (the detail, the catalogue sync)."""
    steps = LadderStep.objects.ladder().prefetch_related("milestone__resources")
    return (
        CareerTrack.objects.published()
        .select_related("parent")
        .prefetch_related(
            "levels",
            Prefetch("steps", queryset=steps),
            Prefetch("specialisations", queryset=CareerTrack.objects.published().order_by("order", "name")),
        )
    )


class TrackList(ETagMixin, generics.ListAPIView[CareerTrack]):
    """Published tracks in catalogue order; ``search`` matches the name."""

    permission_classes = (AllowAny,)
    serializer_class = TrackSerializer
    filterset_class = TrackFilter
    filter_backends = (StrictFilterBackend, SearchFilter)
    search_fields = ("name",)

    def get_queryset(self) -> QuerySet[CareerTrack]:
        return CareerTrack.objects.published().select_related("parent").order_by("order", "name", "id")


class TrackDetail(ETagMixin, generics.RetrieveAPIView[CareerTrack]):
    """A published track: levels with salary bands, and its visible milestones in ladder order.

    The same for every caller and read far more often than editors change
    it, so the rendered body and its ETag are cached until the catalogue
    changes (tracker.versions).
    """

    permission_classes = (AllowAny,)
    serializer_class = TrackDetailSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[CareerTrack]:
        return track_details()

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        def compute() -> dict[str, Any] | None:
            try:
                data = self.get_serializer(self.get_object()).data
            except Http404:
                return None  # not cached: an unknown slug must not fill the cache
            # Kept rendered (api.renderers.prerender): a hit is sent as stored, nothing to unpickle or encode.
            return {"body": prerender(data), "etag": etag_of(data)}

        answer = versions.cached("track-body", compute, key=kwargs[self.lookup_field])
        if answer is None:
            raise Http404
        response = Response(answer["body"])
        response.precomputed_etag = answer["etag"]  # type: ignore[attr-defined]
        return response
