"""Settings for CareerPlan: the base every environment starts from.

Every setting that differs between a laptop and production comes from the
environment (12-factor, read with django-environ). The defaults are the
"embedded" ones `make run` uses: SQLite and a Celery broker on the file
system, so a newcomer needs no server. A bad value fails at start-up with the
variable's name, and it refuses to start without a secret key (debug or not).
Production runs careerplan.settings_production, which builds on this module.
"""

from __future__ import annotations

import ipaddress
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A local .env is a convenience for development; real deployments set the
# environment itself.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A strict boolean: "maybe" is an error naming the variable, not False."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int) -> int:
    """An integer, or an error naming the variable."""
    raw = env.str(name, default=str(default)).strip()
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


DEBUG = env_bool("DJANGO_DEBUG", default=False)

# No fallback, not even in debug: a key in the code is a key every clone knows.
# `make` writes a random one into each checkout's .env on first use.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is required: in a checkout, `make .env` writes a random one into .env; "
        "elsewhere set it to a new random value, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    "adminsortable2",  # drag-and-drop order of ladder steps in the admin
    "csp",
    # Local apps, each depending only on those listed before it: api
    # (plumbing), accounts, tracker, nudges, credentials (verified badges,
    # which tell people through the nudges' channels), sync (the mobile app's
    # cursor over plans, progress and notifications), growth (skill ratings,
    # the map of roles over time, company checks), mentoring (mentors who
    # comment, review evidence and rate skills) and demo (data spanning them
    # all). An import-linter contract in `make lint` keeps the arrows pointing
    # one way.
    "api",
    "accounts",
    "tracker",
    "nudges",
    "credentials",
    "calendars",  # a private calendar feed of each person's dates; nothing imports it
    "sync",
    "growth",
    "mentoring",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # django-csp's, with the policy built once per process (careerplan.content_security_policy).
    "careerplan.content_security_policy.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # API answers in the language of Accept-Language (English or German); web pages stay English.
    "api.languages.APILanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff's second factor in front of the admin and their sessions (STAFF_REQUIRE_MFA).
    "accounts.mfa.StaffSecondFactorMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Every API POST with an Idempotency-Key: after authentication, so it knows the caller.
    "api.idempotency.IdempotencyMiddleware",
    # Innermost, so a view's database error meets it first: 503, not 500.
    "careerplan.outage.DatabaseUnavailableMiddleware",
]

# One backend, so every password sign-in (allauth's, which passes email=, the
# admin's and simplejwt's) costs exactly one password hash, found or not:
# ModelBackend looks the account up by USERNAME_FIELD (the email, without
# regard to case) and hashes the password anyway when there is none. A second
# backend would hash again after every failure, making a wrong password twice
# as slow as a right one. allauth's own backend adds nothing here: the login is
# the user's email, and an address not yet verified must not sign in.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "careerplan.urls"
WSGI_APPLICATION = "careerplan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "nudges.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# SQLite by default. web, worker and beat are separate processes on one file,
# so: WAL lets readers proceed while one writer writes; the busy timeout makes
# a writer wait instead of failing; IMMEDIATE takes the write lock when the
# transaction starts, so two transactions cannot both read and then deadlock
# upgrading to a write lock ("database is locked" with no wait at all).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # The suite's database is a file, not Django's default shared in-memory
    # one: threads of one process (a live server, a Celery worker in a thread)
    # share the in-memory database through SQLite's shared cache, whose table
    # locks fail at once ("database table is locked") instead of waiting out
    # the busy timeout, so a test could fail under load. One file per process,
    # so two runs side by side never share it; in memory-backed /dev/shm where
    # there is one, as fast as the in-memory database.
    _test_dir = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    DATABASES["default"].setdefault("TEST", {"NAME": str(_test_dir / f"careerplan-test-{os.getpid()}.sqlite3")})
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env_int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Django 6 makes https the scheme assumed by URL form fields; opt in now.
FORMS_URLFIELD_ASSUME_HTTPS = True

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# The languages the API answers in (api.languages): Django's and DRF's messages
# from their own catalogues, the project's from locale/.
LANGUAGES = [("en-gb", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Cache ----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "careerplan.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Fail fast when Redis is down: the cache is a speed-up, and a
            # request must not hang on it.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Seconds a cached answer (a track in the API, a user's dashboard) is kept;
# a change makes it stale at once whatever this says (tracker.versions). 0 turns
# that caching off, e.g. to compare (make bench does). Off by default without
# Redis: each process's memory cache would hold its own stamps, and a change
# made in one web process would not reach another.
READ_CACHE_SECONDS = env_int("READ_CACHE_SECONDS", default=600 if REDIS_URL else 0)

# --- Email ----------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env_int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CareerPlan <noreply@careerplan.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------
# Redis in production; with no REDIS_URL, kombu's filesystem transport, which
# needs no server, so `make run` works on a bare machine.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = Path(env.str("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker")))
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
    for _key in ("data_folder_in", "control_folder", "processed_folder"):
        Path(str(CELERY_BROKER_TRANSPORT_OPTIONS[_key])).mkdir(parents=True, exist_ok=True)
else:
    # Redis re-delivers an unacknowledged message after the visibility
    # timeout; it must exceed the longest task and any countdown/ETA. Set on
    # the result backend too, which otherwise keeps its own default.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = dict(CELERY_BROKER_TRANSPORT_OPTIONS)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Nudges ---------------------------------------------------------------
# Reminder nudges (nudges): push sender "console" (logs, development)
# or "fcm" (Firebase Cloud Messaging HTTP v1).
NUDGE_PUSH_SENDER = env.str("NUDGE_PUSH_SENDER", default="console")
if NUDGE_PUSH_SENDER not in {"console", "fcm"}:
    raise ImproperlyConfigured(f"NUDGE_PUSH_SENDER={NUDGE_PUSH_SENDER!r}: use console or fcm.")
# FCM authenticates with a service account's JSON key (a path, or the JSON
# itself): google-auth trades it for short-lived access tokens and refreshes
# them (nudges.push). The project is the key's unless FCM_PROJECT_ID says
# otherwise; the endpoint's base URL is overridable for the suite's stand-in.
FCM_SERVICE_ACCOUNT_FILE = env.str("FCM_SERVICE_ACCOUNT_FILE", default="")
FCM_SERVICE_ACCOUNT_JSON = env.str("FCM_SERVICE_ACCOUNT_JSON", default="")
FCM_PROJECT_ID = env.str("FCM_PROJECT_ID", default="")
FCM_ENDPOINT = env.str("FCM_ENDPOINT", default="https://fcm.googleapis.com")
FCM_TIMEOUT = env_int("FCM_TIMEOUT", default=10)
if NUDGE_PUSH_SENDER == "fcm" and not (FCM_SERVICE_ACCOUNT_FILE or FCM_SERVICE_ACCOUNT_JSON):
    raise ImproperlyConfigured("NUDGE_PUSH_SENDER=fcm needs FCM_SERVICE_ACCOUNT_FILE or FCM_SERVICE_ACCOUNT_JSON.")
if env.str("FCM_ACCESS_TOKEN", default=""):
    # A fixed access token expires after an hour and push then stopped without a word.
    raise ImproperlyConfigured(
        "FCM_ACCESS_TOKEN is no longer read: set FCM_SERVICE_ACCOUNT_FILE (or FCM_SERVICE_ACCOUNT_JSON) instead."
    )
if "{" in FCM_ENDPOINT:
    raise ImproperlyConfigured(
        f"FCM_ENDPOINT={FCM_ENDPOINT!r}: give the base URL only (https://fcm.googleapis.com); "
        "/v1/projects/<project>/messages:send is added."
    )
# Users per fan-out task: one task per user would cost a broker round trip each.
NUDGE_BATCH_SIZE = env_int("NUDGE_BATCH_SIZE", default=200)
# A claimed delivery not marked sent after this many seconds was left by a
# dead worker and is taken up again by the next scan.
NUDGE_CLAIM_TIMEOUT = env_int("NUDGE_CLAIM_TIMEOUT", default=600)
# Longest retry delay for a transient failure; kept under the visibility
# timeout, past which Redis would re-deliver the waiting task in a loop.
NUDGE_RETRY_MAX_DELAY = env_int("NUDGE_RETRY_MAX_DELAY", default=600)
NUDGE_MAX_RETRIES = env_int("NUDGE_MAX_RETRIES", default=8)
# Days an email's one-click unsubscribe link works on its own (nudges.unsubscribe);
# an older one shows a page that lets the person, signed in, stop the reminders.
NUDGE_UNSUBSCRIBE_LINK_DAYS = env_int("NUDGE_UNSUBSCRIBE_LINK_DAYS", default=60)
if NUDGE_UNSUBSCRIBE_LINK_DAYS < 1:
    raise ImproperlyConfigured(f"NUDGE_UNSUBSCRIBE_LINK_DAYS={NUDGE_UNSUBSCRIBE_LINK_DAYS}: use at least 1.")
# Absolute links in email (unsubscribe, the app) start with this. In development it
# follows WEB_PORT, the port `make run` serves on (Procfile.dev), which the worker
# that sends the nudges reads too, so a link in a nudge opens the running app.
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env_int('WEB_PORT', default=8000)}").rstrip("/")

# --- Verified badges (credentials) ------------------------------------------
# Fetching badge assertions, issuers and keys from the addresses people paste
# (credentials.fetch): seconds for a whole exchange, redirects included, and
# the largest answer read. Private, loopback and link-local addresses are
# refused unless listed here as networks (CIDR, comma-separated); the suite
# lists 127.0.0.1/32, where its issuer server runs. Never list the network
# your servers live on in production.
CREDENTIALS_FETCH_TIMEOUT = env_int("CREDENTIALS_FETCH_TIMEOUT", default=10)
CREDENTIALS_FETCH_MAX_BYTES = env_int("CREDENTIALS_FETCH_MAX_BYTES", default=1024 * 1024)
CREDENTIALS_FETCH_ALLOWED_NETWORKS = env.list("CREDENTIALS_FETCH_ALLOWED_NETWORKS", default=[])
for _network in CREDENTIALS_FETCH_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"CREDENTIALS_FETCH_ALLOWED_NETWORKS: {_network!r} is not a network, e.g. 127.0.0.1/32."
        ) from None
if CREDENTIALS_FETCH_TIMEOUT < 1 or CREDENTIALS_FETCH_MAX_BYTES < 1024:
    raise ImproperlyConfigured("CREDENTIALS_FETCH_TIMEOUT must be at least 1 and CREDENTIALS_FETCH_MAX_BYTES 1024.")
# A badge is checked again when its last check is this old (beat looks hourly);
# one verified before keeps "verified" through failed checks for this many days.
CREDENTIALS_RECHECK_HOURS = env_int("CREDENTIALS_RECHECK_HOURS", default=24)
CREDENTIALS_UNREACHABLE_GRACE_DAYS = env_int("CREDENTIALS_UNREACHABLE_GRACE_DAYS", default=7)

# --- Client addresses and sign-in limits -----------------------------------
# Proxies in front of the app (load balancer, CDN) that each append to
# X-Forwarded-For: the client is the entry this many places from the right, and
# 0 trusts no header (the socket's address). The one setting for everything
# that tells clients apart by address: api.client_address, which the API's
# throttles, allauth's rate limits and the sign-in limits read, and DRF's
# NUM_PROXIES and allauth's ALLAUTH_TRUSTED_PROXY_COUNT below. It was called
# API_NUM_PROXIES, which is still read.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", default=env_int("API_NUM_PROXIES", default=0))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT={TRUSTED_PROXY_COUNT} cannot be negative.")
# Failed sign-ins (web, admin and the API's auth/token/ alike; accounts.signin_limits)
# allowed in a window of SIGNIN_FAILURE_WINDOW seconds: per address and account,
# per account from every address (more, so that no one address can lock an
# account), per address over every account (generous: many people share a
# carrier's or an office's address). The next attempt is refused, 429 with
# Retry-After in the API, until the window ends. The first two were
# API_LOGIN_FAILURE_LIMIT and API_LOGIN_FAILURE_WINDOW, which are still read.
SIGNIN_FAILURE_WINDOW = env_int("SIGNIN_FAILURE_WINDOW", default=env_int("API_LOGIN_FAILURE_WINDOW", default=900))
SIGNIN_FAILURES_PER_ADDRESS_AND_ACCOUNT = env_int(
    "SIGNIN_FAILURES_PER_ADDRESS_AND_ACCOUNT", default=env_int("API_LOGIN_FAILURE_LIMIT", default=5)
)
SIGNIN_FAILURES_PER_ACCOUNT = env_int("SIGNIN_FAILURES_PER_ACCOUNT", default=20)
SIGNIN_FAILURES_PER_ADDRESS = env_int("SIGNIN_FAILURES_PER_ADDRESS", default=100)
if min(SIGNIN_FAILURE_WINDOW, SIGNIN_FAILURES_PER_ADDRESS_AND_ACCOUNT) < 1:
    raise ImproperlyConfigured("SIGNIN_FAILURE_WINDOW and SIGNIN_FAILURES_PER_ADDRESS_AND_ACCOUNT must be at least 1.")
if not SIGNIN_FAILURES_PER_ADDRESS_AND_ACCOUNT < SIGNIN_FAILURES_PER_ACCOUNT <= SIGNIN_FAILURES_PER_ADDRESS:
    raise ImproperlyConfigured(
        "Sign-in limits must grow: SIGNIN_FAILURES_PER_ADDRESS_AND_ACCOUNT < SIGNIN_FAILURES_PER_ACCOUNT"
        " <= SIGNIN_FAILURES_PER_ADDRESS, or one address could lock an account for everyone."
    )

# --- Accounts (django-allauth) ---------------------------------------------
# The user has no username: email is the login.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
# One address per account; changing it goes through verification of the new one.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Changing (or removing) the address asks for the password again, within
# ACCOUNT_REAUTHENTICATION_TIMEOUT (5 minutes); once confirmed, the old address
# is told, with a link that puts it back (accounts.emails).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# Sign-up answers the same for a taken address as for a new one (the mail says
# which); accounts.forms.SignupForm makes it take as long too.
ACCOUNT_PREVENT_ENUMERATION = True
# accounts.forms also puts allauth's forms in the product's words (and sign-up
# takes the browser's time zone).
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",
    "login": "accounts.forms.LoginForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
    "change_password": "accounts.forms.ChangePasswordForm",
}
# Verification mail goes through EMAIL_BACKEND: the console in development.
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[CareerPlan] "
# Throttles on the costly or guessable actions (allauth counts them in the cache;
# sign-in skips them while Redis is down: accounts.signin). Failed passwords are
# counted by the sign-in limits above, not by allauth's "login_failed", which
# its adapter (accounts.signin) no longer consults for passwords: allauth
# counts only second-factor codes under it, per account.
# accounts.signin.AccountAdapter, with the rules for confirming and changing an address added.
ACCOUNT_ADAPTER = "accounts.emails.EmailAddressAdapter"
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ACCOUNT_RATE_LIMITS = {
    "login": env.str("ACCOUNT_RATE_LIMIT_LOGIN", default="30/m/ip"),
    "login_failed": env.str("ACCOUNT_RATE_LIMIT_LOGIN_FAILED", default="5/5m/key"),
    "signup": env.str("ACCOUNT_RATE_LIMIT_SIGNUP", default="20/m/ip"),
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "change_password": "5/m/user",
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "tracker:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "tracker:home"

# --- Second factor (allauth.mfa) --------------------------------------------
# Staff can add an authenticator app (TOTP) with recovery codes, under
# /accounts/2fa/; accounts.mfa keeps the admin behind it and, with
# STAFF_REQUIRE_MFA, sends staff without one to set it up before the admin opens.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "CareerPlan"
STAFF_REQUIRE_MFA = env_bool("STAFF_REQUIRE_MFA", default=False)

# --- REST framework -------------------------------------------------------
# The mobile app's API (/api/v1/): JWT first, so a request without credentials
# gets 401 with WWW-Authenticate rather than 403; sessions for the browsable API.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # simplejwt's, with the person behind the token cached until they change (api.authentication).
        "api.authentication.CachedUserJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.LimitedJSONParser"],
    # The browsable API's HTML only where someone browses it (development, by default): in
    # production every answer is JSON and DRF negotiates between nothing else.
    "DEFAULT_RENDERER_CLASSES": [
        # DRF's JSON, encoded by orjson (api.renderers).
        "api.renderers.ORJSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if env_bool("API_BROWSABLE", default=DEBUG) else []),
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    # django-filter's, refusing a repeated or empty filter parameter (api.query).
    "DEFAULT_FILTER_BACKENDS": ["api.query.StrictFilterBackend"],
    # drf-spectacular's, plus security: [] and ETag headers from each view's classes (api.schema).
    "DEFAULT_SCHEMA_CLASS": "api.schema.APIAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonThrottle",
        "api.throttling.UserThrottle",
    ],
    # Counted in the default cache: Redis when REDIS_URL is set, so every
    # server process shares one count. They let requests through while Redis
    # is down (api.throttling).
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
        # register/ and token/, per client address: generous, since many
        # people share one address (failed passwords have their own limits).
        "auth": env.str("API_THROTTLE_AUTH", default="60/min"),
        # token/refresh/ and logout/, per refresh token, not per address.
        "refresh": env.str("API_THROTTLE_REFRESH", default="30/min"),
    },
    # Our throttles read the address from api.client_address; this is for DRF's own code.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# A retried POST with the same Idempotency-Key replays the first answer for
# this many hours (then a beat task forgets the key); a key whose request died
# before answering is free again after this many seconds.
IDEMPOTENCY_KEY_HOURS = env_int("IDEMPOTENCY_KEY_HOURS", default=24)
IDEMPOTENCY_LOCK_SECONDS = env_int("IDEMPOTENCY_LOCK_SECONDS", default=60)
# Largest JSON body the API reads (413 beyond). Django's own form limit
# (DATA_UPLOAD_MAX_MEMORY_SIZE) stays as it is for the web and admin imports.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", default=256 * 1024)

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", default=30)),
    # Each refresh hands out a new refresh token and revokes the one used; a
    # used one presented again revokes its whole family (accounts/api/tokens.py).
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "TOKEN_REFRESH_SERIALIZER": "accounts.api.tokens.TokenRefreshSerializer",
    # Refuses an account whose address is not confirmed yet (403 email_not_verified).
    "TOKEN_OBTAIN_SERIALIZER": "accounts.api.serializers.TokenObtainSerializer",
}

# A used refresh token presented again revokes its whole sign-in (its family),
# except within this many seconds of its rotation: an app refreshing twice at
# once is refused, not signed out (accounts/api/tokens.py). 0 is strict.
JWT_REFRESH_REUSE_GRACE_SECONDS = env_int("JWT_REFRESH_REUSE_GRACE_SECONDS", default=10)

SPECTACULAR_SETTINGS = {
    "TITLE": "CareerPlan API",
    "DESCRIPTION": "The REST API the CareerPlan mobile app is built against (v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's files come from drf-spectacular-sidecar: no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ProgressStatusEnum": "tracker.models.Status",
        "ProgressStateEnum": ["not_started", "in_progress", "done", "skipped", "expired"],
        "EnrollmentStatusEnum": "tracker.models.EnrollmentStatus",
        "EnrollmentWritableStatusEnum": ["active", "paused", "completed"],
        # A company check's three answers share one choice set (growth.models.Answer).
        "CompanyCheckAnswerEnum": "growth.models.Answer",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
        "api.schema.document_preconditions",
        # Last: every enum is a component by now, and every response is described.
        "api.schema.open_enums_in_responses",
    ],
}

# --- Browser security ----------------------------------------------------
# In every environment, so development and the suite meet the policy
# production sends: a page that breaks under it breaks on a laptop first.
# Every script and stylesheet is a file the app serves: no inline <script>,
# no on* handler, no style="" attribute, and htmx is told not to inject its
# own <style> (the htmx-config meta tag in templates/base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Swagger UI's stylesheet draws its icons as data: URIs.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# No script reads the CSRF cookie: htmx sends the token from the page
# (hx-headers on <body>), the admin and allauth post it in their forms, and
# DRF's browsable API and Swagger UI are given it in their templates.
CSRF_COOKIE_HTTPONLY = True

# --- Benchmark -------------------------------------------------------------
# The reference endpoints `make bench` measures every endpoint against
# (benchmarks.endpoints: a bare WSGI callable and a plain Django view). Off
# here and not read from the environment, so no deployment can switch them on
# with a variable; only benchmarks.settings, which the benchmark serves with,
# turns them on.
BENCHMARK_ENDPOINTS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
