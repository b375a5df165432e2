"""Settings for the ATS, read from the environment.

Every variable has a safe development default and is listed in `.env.example`.
With DEBUG off, SECRET_KEY is required and the security settings switch on.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VERSION = "0.1.0"


def env(name, default=""):
    # An empty variable (as copied from .env.example) means "use the default".
    return os.environ.get(name) or default


def envbool(name, default):
    value = env(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name, default):
    value = env(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "true")
# Lets monitoring read /status/ (version, queue depth) without a staff login: Authorization: Bearer <token>.
OPS_TOKEN = env("OPS_TOKEN", "")

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "django_q",
    "channels",
    "rest_framework",
    "django_filters",
    "django_countries",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "jobs",
    "pipeline",
    "mail",
    "notifications",
    "ats",  # no models: admin add forms with defaults, cross-app management commands
]

MIDDLEWARE = [
    "ats.metrics.MetricsMiddleware",  # first: every request counted, its latency the whole stack's (/metrics/)
    "django.middleware.security.SecurityMiddleware",
    "ats.limits.RequestSizeLimitMiddleware",  # before anything reads a body (CsrfViewMiddleware does)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "ats.input.RefuseNullCharactersMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.OrganizationMiddleware",
]

ROOT_URLCONF = "ats.urls"
WSGI_APPLICATION = "ats.wsgi.application"
ASGI_APPLICATION = "ats.asgi.application"

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
                "accounts.context_processors.organization",
                "notifications.context_processors.live",
                "notifications.context_processors.bell",
                "pipeline.tasks.context_processors.due_tasks",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# SQLite by default. WAL, a busy timeout and IMMEDIATE transactions let the web
# process and the worker write at the same time without "database is locked".
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 10,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
}
# Served under ASGI (ats/asgi.py says so), each request's sync code runs in a thread that ends with it, so
# a persistent connection would leave with its thread: PostgreSQL takes psycopg 3's pool instead (Django
# refuses the pool with CONN_MAX_AGE). WSGI (gunicorn's threads, the bench) keeps persistent connections:
# opening one cost a third of a careers page. Health checks drop a connection the server closed.
DB_POOL = envbool("DB_POOL", env("ATS_ASGI", "false"))
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
if DB_POOL and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Per process: the web processes times DB_POOL_MAX_SIZE must stay under the server's max_connections.
    pool = {"min_size": 1, "max_size": envint("DB_POOL_MAX_SIZE", "10"), "timeout": 10}
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = pool
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and background work ---------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    # Servers a test starts under pytest-xdist keep their keys apart, as the channel layer does below.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("PYTEST_XDIST_WORKER"),
        }
    }
else:
    # Not the local memory cache: each gunicorn worker would keep its own, so allauth's login and 2FA
    # limits would count once per worker. The table is made by `createcachetable` (release step, make run).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "ats_cache",
            # Past MAX_ENTRIES (300 by default) every write culls a third of the keys, live or not: a flood
            # of keys (a login spray from many addresses) would wipe the counters of the others.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
# The apply limit counts in a table of its own (accounts.ratelimit), atomically, on any backend.
# This process's own memory, for copies that can't go stale: each key is a digest of everything its
# value shows (a board card, a careers page), so a change makes a new key, never an old copy wrong.
# A hit costs no query and no network; each gunicorn worker keeps its own.
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "ats-local",
    "TIMEOUT": 24 * 60 * 60,
    "OPTIONS": {"MAX_ENTRIES": 20_000},  # about 30 MB of cards and pages at most
}

Q_CLUSTER = {
    "name": "ats",
    "workers": envint("Q_WORKERS", "2"),
    "timeout": 120,
    "retry": 180,
    "max_attempts": 1,
    "catch_up": False,
    "save_limit": 1000,
    "label": "Background tasks",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = 1

# --- Live updates (ats/live.py, notifications/live.py) ------------------------------
# Board columns and the bell hear of changes over a WebSocket, from any process (the worker too), through
# Redis. Without REDIS_URL there is no socket: the bell and open boards poll. Each pytest-xdist worker gets
# keys of its own, so parallel runs against one Redis never hear each other.
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "ats-live" + env("PYTEST_XDIST_WORKER")},
        }
    }

# --- Accounts ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ONBOARDING_URL = "onboarding"  # where a signed-in user without an organisation is sent

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
# In ats: its emails go through the outbox (mail), which accounts may not import.
ACCOUNT_ADAPTER = "ats.adapters.AccountAdapter"
# Production asks new users to confirm their address, which is also what lets allauth answer a sign-up
# with a known email exactly like one with a new email (no enumeration). Development stays optional
# so `make run` needs no inbox.
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", "optional" if DEBUG else "mandatory")
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SIGNUP_REDIRECT_URL = "onboarding"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ALLOW_SIGNUPS = envbool("ALLOW_SIGNUPS", "true")
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_PRESERVE_USERNAME_CASING = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", "ATS")
INVITATION_VALID_DAYS = 7

# --- JSON API (docs/api.md) ---------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.ApiKeyAuthentication",
        "accounts.api.authentication.OrganizationJWTAuthentication",
        "accounts.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api.permissions.IsMember"],
    "DEFAULT_PAGINATION_CLASS": "accounts.api.pagination.Pagination",
    "PAGE_SIZE": 10,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["accounts.api.throttling.AnonThrottle", "accounts.api.throttling.UserThrottle"],
    "DEFAULT_PARSER_CLASSES": ["accounts.api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "accounts.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "accounts.api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Datetimes as ISO 8601 in UTC, whatever zone the caller's profile names.
    "DATETIME_FORMAT": "iso-8601",
}
API_THROTTLE = envbool("API_THROTTLE", "true")
API_THROTTLE_RATES = {
    "anon": env("API_THROTTLE_ANON", "60/min"),
    "user": env("API_THROTTLE_USER", "1200/min"),
    "strict": env("API_THROTTLE_STRICT", "10/min"),  # login, register, password reset, per address
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=envint("JWT_ACCESS_MINUTES", "15")),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=envint("JWT_REFRESH_DAYS", "7")),
    "AUTH_HEADER_TYPES": ("Bearer",),
    "UPDATE_LAST_LOGIN": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ATS API",
    "DESCRIPTION": "The applicant tracking system's JSON API: the original system's documented endpoints on one host.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/(v1/)?",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name ("status") get a name of their own, not a hash.
    "ENUM_NAME_OVERRIDES": {
        "EmailStatusEnum": "mail.models.EmailMessage.Status",
        # Notifications call it "type" (as the original) and "category" (preferences): one enum.
        "NotificationTypeEnum": "notifications.models.Category",
        # A job's status and a hiring team's roles beside tasks' statuses and members' roles.
        "JobStatusEnum": "jobs.models.Job.Status",
        "HiringTeamRoleEnum": "jobs.models.HiringTeamMember.Role",
        "MemberRoleEnum": "accounts.models.Membership.Role",
        "TaskStatusEnum": "pipeline.tasks.models.Task.Status",
        # jobs/ says remote_type, jobs/complete/ the original's remoteStatus: one set.
        "RemoteTypeEnum": "jobs.models.Job.RemoteType",
        "InterviewStatusEnum": "pipeline.interviews.models.Interview.Status",
        # jobs/ says salary_period, jobs/complete/ salary.period: one set.
        "SalaryPeriodEnum": "jobs.models.Job.SalaryPeriod",
    },
}
# Outgoing webhooks may reach private addresses only when this says so (tests and development).
WEBHOOKS_ALLOW_PRIVATE = envbool("WEBHOOKS_ALLOW_PRIVATE", "false")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Mail (the original system's variables) --------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "20")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "ATS <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Static and uploaded files ---------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads are private (resumes): MEDIA_ROOT is never served by URL, only
# through permission-checked views.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
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
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- Request size -------------------------------------------------------------
# A body past its route's limit is answered 413 before anything reads it (ats/limits.py). Each uploaded
# file may be 10 MB (jobs/uploads.py): routes that take files have room for them and the form around them.
REQUEST_MAX_BYTES = envint("REQUEST_MAX_BYTES", "2621440")  # 2.5 MB, Django's default form-data limit
REQUEST_MAX_BYTES_BY_ROUTE = {
    # A resume and two attached files (file questions), with the answers around them.
    "careers:apply": envint("APPLY_REQUEST_MAX_BYTES", str(31 * 1024 * 1024)),
    "pipeline:candidate_create": 11 * 1024 * 1024,  # one resume
    "accounts:organization_settings": 3 * 1024 * 1024,  # a logo of 2 MB at most
}
REQUEST_MAX_BYTES_BY_PREFIX = {
    "/admin/": 11 * 1024 * 1024,  # a resume or a logo at a time
    "/api/": 1024 * 1024,  # JSON only, no files (docs/api.md)
}
FILE_UPLOAD_HANDLERS = [
    "ats.limits.BoundedUploadHandler",  # counts the bytes that really arrive, whatever Content-Length said
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# One date format product-wide (issue 16): ats/formats/en/formats.py; times in the viewer's zone (middleware).
FORMAT_MODULE_PATH = ["ats.formats"]

# --- Security ---------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY", "false") else None
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", str(not DEBUG))
# Load balancers probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^api/(v1/)?health/$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", str(not DEBUG))
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", str(not DEBUG))
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", str(not DEBUG))
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", str(not DEBUG))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# No inline scripts or styles anywhere: htmx reads its config from a <meta> tag, app.js wires the
# rest, and an organisation's brand colours come from its own stylesheet (careers:brand).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO"), "propagate": False}},
}

# Applications per client address per window (count, seconds), counted in the database (accounts.ratelimit).
APPLY_RATE_LIMIT = (envint("APPLY_RATE_LIMIT_COUNT", "10"), envint("APPLY_RATE_LIMIT_SECONDS", "600"))

# --- Benchmark (`make bench`) -------------------------------------------------
# The production settings plus what lets the bench measure them over plain http on 127.0.0.1.
BENCH = envbool("BENCH", "false")
if BENCH:
    MIDDLEWARE = ["ats.querycount.QueryCountMiddleware", *MIDDLEWARE]  # outermost: counts every query
    APPLY_RATE_LIMIT = (1_000_000, APPLY_RATE_LIMIT[1])  # every apply comes from 127.0.0.1
    SECURE_SSL_REDIRECT = False
    SECURE_HSTS_SECONDS = 0
    SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = False
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
