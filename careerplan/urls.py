"""Top-level URL map."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("careerplan.api_urls")),
    path("accounts/", include("allauth.urls")),
    path("settings/", include("accounts.urls")),
    path("", include("tracker.urls")),
    # One-click unsubscribe from reminder nudges (works logged out).
    path("", include("tracker.nudges.unsubscribe")),
]
