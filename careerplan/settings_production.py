"""Production settings: the base (careerplan.settings) made safe for the internet.

Selected with DJANGO_SETTINGS_MODULE=careerplan.settings_production (the
Procfile sets it). Everything still comes from the environment as in the
base; this module turns debugging off whatever DJANGO_DEBUG says, refuses to
start without what it cannot guess (the secret key and the host names), and
adds HTTPS, HSTS, secure cookies and JSON logs. `manage.py check --deploy
--fail-level WARNING` passes with it.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import STORAGES, env, env_bool, env_int

# A .env copied from .env.example says DJANGO_DEBUG=1; a stray one on a
# server must not turn on debug pages or the base's development fallbacks
# (a known secret key, console email), so each of those is decided again here.
DEBUG = False

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is required in production (careerplan.settings_production).")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is required in production: the comma-separated host names "
        "the site answers to, e.g. careerplan.example.com."
    )

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- HTTPS ----------------------------------------------------------------
# TLS ends at the proxy, which must set (never pass through) X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Load balancers probe over plain http; a redirect would read as "down".
# The patterns match the path without its leading slash.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", default=365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=False)
# Preloading is a promise about the whole domain that takes months to undo,
# so it is the operator's decision (DJANGO_HSTS_PRELOAD), not a default;
# check --deploy's reminder about it (W021) is therefore silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True

# --- Logging --------------------------------------------------------------
# One JSON object per line on stdout, for whatever collects the processes'
# output. The worker leaves the root logger to this configuration instead of
# installing its own plain-text handler.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            # ISO 8601 in UTC under "time", whatever the server's time zone.
            "timestamp": "time",
        },
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
