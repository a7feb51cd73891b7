"""Top-level URL map."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import signin
from careerplan import health

# The admin's sign-in counts failed passwords with every other sign-in (accounts.signin_limits).
admin.site.login_form = signin.AdminLoginForm

urlpatterns = [
    # For load balancers: no login, no throttle, no trailing slash (the usual probe paths).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    # allauth's sign-in, with rate limits that let people in while Redis is down.
    path("accounts/login/", signin.LoginView.as_view(), name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("settings/", include("accounts.urls")),
    path("", include("tracker.urls")),
    path("", include("nudges.urls")),
    path("", include("credentials.urls")),
    path("", include("calendars.urls")),
    path("", include("growth.urls")),
    path("", include("mentoring.urls")),
]

if settings.BENCHMARK_ENDPOINTS:
    # `make bench`'s plain Django view (benchmarks.settings only; never in production).
    from benchmarks import endpoints

    urlpatterns.insert(0, path(endpoints.PLAIN_PATH.lstrip("/"), endpoints.plain))
