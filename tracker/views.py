"""Public pages: the landing page and a track's ladder.

The signed-in pages (dashboard, milestone panel, planning, sharing) come
with the web UI; these two are what a visitor sees first.
"""

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import CareerLevel, CareerTrack, Milestone, Resource
from .progress import steps_for_tracks


def home(request: HttpRequest) -> HttpResponse:
    """What CareerPlan is, and every published track grouped under its parent."""
    tracks = list(
        CareerTrack.objects.published()
        .filter(parent=None)
        .prefetch_related(Prefetch("specialisations", queryset=CareerTrack.objects.published()))
    )
    return render(request, "tracker/home.html", {"tracks": tracks})


def track_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A track's ladder by career level, with salary bands and milestones."""
    track = get_object_or_404(
        CareerTrack.objects.published()
        .select_related("parent")
        .prefetch_related(
            Prefetch("levels", queryset=CareerLevel.objects.order_by("order")),
            Prefetch("specialisations", queryset=CareerTrack.objects.published()),
        ),
        slug=slug,
    )
    steps = steps_for_tracks([track.pk])[track.pk]
    resources: dict[int, list[Resource]] = {}
    for res in Resource.objects.filter(milestone__in=[s.milestone_id for s in steps]):
        resources.setdefault(res.milestone_id, []).append(res)
    by_level: dict[int | None, list] = {}
    for step in steps:
        by_level.setdefault(step.level_id, []).append(
            {"step": step, "milestone": step.milestone, "resources": resources.get(step.milestone_id, [])}
        )
    levels = [{"level": lvl, "steps": by_level.pop(lvl.pk, [])} for lvl in track.levels.all()]
    return render(
        request,
        "tracker/track_detail.html",
        {
            "track": track,
            "levels": levels,
            "unlevelled": by_level.pop(None, []),
            "total_effort": sum(s.milestone.effort_weeks for s in steps),
            "step_count": len(steps),
            "Milestone": Milestone,
        },
    )
