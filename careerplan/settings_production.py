"""Production settings: the base (careerplan.settings) made safe for the internet.

Selected with DJANGO_SETTINGS_MODULE=careerplan.settings_production (the
Procfile sets it). Everything still comes from the environment as in the
base; this module turns debugging off whatever DJANGO_DEBUG says, refuses to
start without what it cannot guess (the secret key and the host names) or
with what is unsafe on the internet (a weak or published key, no shared
Redis, plaintext mail to a remote server), and adds HTTPS, HSTS, secure
cookies and JSON logs. `manage.py check --deploy --fail-level WARNING` passes
with it.
"""

from __future__ import annotations

import ipaddress

from django.core.exceptions import ImproperlyConfigured

from . import secret_key
from .settings import *  # noqa: F403
from .settings import EMAIL_HOST, EMAIL_USE_TLS, REDIS_URL, STORAGES, env, env_bool, env_int

# A .env copied from .env.example says DJANGO_DEBUG=1; a stray one on a
# server must not turn on debug pages or the base's development defaults
# (console email, unhashed static files), so each of those is decided again here.
DEBUG = False

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is required in production (careerplan.settings_production).")
# Whoever holds the key can forge sessions, password-reset and unsubscribe
# links: a short, startproject or committed key is as good as none.
if _unfit := secret_key.why_unfit(SECRET_KEY):
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY {_unfit}. Set it to a new random value of its own, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))' (then every session signs in again)."
    )

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is required in production: the comma-separated host names "
        "the site answers to, e.g. careerplan.example.com."
    )

# Throttles, sign-in lockouts and the answer cache are counted in the cache:
# in each process's own memory they are no limits at all (every gunicorn
# worker would allow the full count, and a restart forgets it).
if not REDIS_URL:
    raise ImproperlyConfigured(
        "REDIS_URL is required in production: the rate limits, sign-in lockouts and the Celery broker "
        "are shared through Redis, e.g. REDIS_URL=redis://redis.internal:6379/0."
    )

# --- Email ----------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
# Password-reset and confirmation links travel in these mails: not in clear text
# across a network, unless the operator says the path to the server is private.
EMAIL_ALLOW_PLAINTEXT = env_bool("EMAIL_ALLOW_PLAINTEXT", default=False)


def _is_local_host(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.lower().rstrip(".") == "localhost"


if (
    EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    and not EMAIL_USE_TLS
    and not EMAIL_ALLOW_PLAINTEXT
    and not _is_local_host(EMAIL_HOST)
):
    raise ImproperlyConfigured(
        f"EMAIL_USE_TLS is off for the SMTP server EMAIL_HOST={EMAIL_HOST!r}, which is not this machine: "
        "set EMAIL_USE_TLS=1 (STARTTLS, usually EMAIL_PORT=587), or EMAIL_ALLOW_PLAINTEXT=1 if the network "
        "to that server is private and trusted."
    )

# --- Static files ---------------------------------------------------------
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
