"""The shared plan: the page a person sends to a mentor or a recruiter, and its link-preview image.

Anyone with the link sees it; a revoked or unknown token is the site's 404
page, for the image as much as for the page. What it shows is
``tracker.sharing``'s, so the page and the image never disagree.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from . import share_image, versions
from .models import Enrollment
from .sharing import shared_plan as read_shared_plan
from .views import Block


def _shared(token: str) -> Enrollment:
    """The current enrollment shared under ``token``, or 404 (revoked, left, or never existed)."""
    enrollments = Enrollment.objects.current().select_related("track", "user")
    return get_object_or_404(enrollments, share_token=token)


@require_safe  # GET, and HEAD: link-preview crawlers may check a link before fetching it
@cache_control(no_store=True, private=True)  # a person's progress: no proxy or browser cache keeps it
def shared_plan(request: HttpRequest, token: str) -> HttpResponse:
    """A plan shared read-only by its owner: level, progress, certifications and evidence; never the email."""
    plan = read_shared_plan(_shared(token))
    page_url = request.build_absolute_uri(reverse("tracker:shared", args=[token]))
    return render(
        request,
        "tracker/shared_plan.html",
        {
            "plan": plan,
            "enrollment": plan.enrollment,
            "progress": plan.progress,
            "owner_name": plan.owner_name,
            # The plan's units as its owner sees them: a choice group once, with its state.
            "blocks": [Block(unit=unit, panels=[]) for unit in plan.progress.units],
            "page_url": page_url,
            "image_url": request.build_absolute_uri(reverse("tracker:shared-preview", args=[token])),
        },
    )


@require_safe  # GET, and HEAD: link-preview crawlers check an image before fetching it
@cache_control(no_store=True, private=True)  # the same progress, drawn: no more cacheable than the page
def shared_preview(request: HttpRequest, token: str) -> HttpResponse:
    """The shared plan's preview image (1200x630 PNG), for link previews in chats and social sites."""
    enrollment = _shared(token)
    owner = enrollment.user
    today = timezone.localdate(timezone.now(), owner.tzinfo)
    png = versions.cached(
        "shared-preview",
        lambda: share_image.render_preview(read_shared_plan(enrollment, today=today)),
        key=token,
        user_id=owner.pk,
        # Besides the plan's and the catalogue's stamps: the owner's name (on
        # the account, not the plan) and their day, on which validity turns.
        depends_on=f"{today.isoformat()}:{owner.display_name}",
    )
    response = HttpResponse(png, content_type="image/png")
    response["X-Robots-Tag"] = "noindex"  # as the page's <meta name="robots">: previews, not search results
    return response
