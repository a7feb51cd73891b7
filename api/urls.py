"""The REST API v1 root (/api/v1/): each app's resources, ping, the schema and its docs.

The apps' URLconfs are named as strings: ``api`` imports no app built on it.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import ping
from .errors import unknown_endpoint

app_name = "api"

urlpatterns = [
    # First: the app's reachability check is resolved without walking every app's patterns.
    path("ping/", ping.Ping.as_view(), name="ping"),
    path("", include("accounts.api.urls")),
    path("", include("tracker.api.urls")),
    path("", include("nudges.api.urls")),
    path("", include("credentials.api.urls")),
    path("", include("calendars.api.urls")),
    path("", include("sync.api.urls")),
    path("", include("growth.api.urls")),
    path("", include("mentoring.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        # The split view serves Swagger UI's start-up script from ?script instead of inline, as the
        # Content-Security-Policy requires. OPTIONS would ask the HTML renderer for a template it
        # lacks (500); the page only needs GET.
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html", http_method_names=["get", "head"]
        ),
        name="docs",
    ),
    # Last: any other path under /api/v1/ is a 404 in the API's error shape, not an HTML page.
    re_path(r"^", unknown_endpoint, name="unknown"),
]
