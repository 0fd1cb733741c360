"""Settings shared by every environment, read from the environment.

SQLite and eager Celery by default, so a fresh clone needs nothing running;
DATABASE_URL and CELERY_BROKER_URL switch to PostgreSQL and Redis.
"""
from __future__ import annotations

from pathlib import Path

import environ
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

from common.timezone import UK_TZ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(or DEBUG=true for local development only)."
        )
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

# WSGI name of an arrival-time header set by the council's own reverse proxy (common/arrival.py); off when empty.
ARRIVAL_TIME_HEADER = env.str("ARRIVAL_TIME_HEADER", default="")
# Key of the audit trail's HMAC chain (common/audit.py): environment only, never the database; a fixed one only with DEBUG.
AUDIT_HMAC_KEY = env.str("AUDIT_HMAC_KEY", default="") or ("insecure-local-audit-key-do-not-use-in-production" if DEBUG else "")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "accounts.cli",  # first: its audited createsuperuser/changepassword win over django.contrib.auth's
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "django_otp",  # time-based one-time passwords for the commissioning side (accounts/otp.py)
    "django_otp.plugins.otp_totp",
    "common",
    "notifications",  # in-app notifications to provider organisations; every app may send them (issue 18)
    "accounts",
    "zones",
    "providers",
    "cqc",
    "pricing",
    "tenders",
    "evaluation",
    "reports",
    "demo",  # the Lancashire demo and its load_demo command (on top: no other app imports it)
]

MIDDLEWARE = [
    "common.arrival.ArrivalTimeMiddleware",  # first: deadlines are judged at arrival (common/arrival.py)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "tenders.closing.CloseDueTendersMiddleware",  # closes tenders past their deadline with no worker (issue 12)
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified() for TOTP
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",  # signs out a session idle for SESSION_IDLE_TIMEOUT
    "accounts.middleware.OTPRequiredMiddleware",  # with OTP_REQUIRED, commissioning side must pass a TOTP code
    "common.middleware.OutOfRangeMiddleware",  # an id beyond the database's range is a 400, not a 500
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "csp.context_processors.nonce",
                "common.navigation.navigation",  # header links by the access policy, on every page
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Reusing connections saves a PostgreSQL connect per request (the deadline burst profile showed it).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers on the default SQLite (issue 13): WAL lets reads run beside the one writer, a writer waits
    # up to 20 s for the lock instead of failing "database is locked", and BEGIN IMMEDIATE takes the write lock at
    # the start of a transaction, so a reader never fails upgrading to a writer half-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "transaction_mode": "IMMEDIATE", "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    })
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Throttle counters live here: per process locally; set CACHE_URL (e.g. redis://host:6379/1) with several workers.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: 5 failures lock the username from that address for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Opening bids, the price envelope and award ask for the password again after this many seconds (accounts/reauth.py).
REAUTH_MAX_AGE = env.int("REAUTH_MAX_AGE", default=5 * 60)
# Two-step verification (TOTP) for commissioning-side users: optional locally, required in production.
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=False)
OTP_TOTP_ISSUER = "Homecare tenders"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = UK_TZ.key  # "Europe/London": UK time, named once in common/timezone.py
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.DigestTokenAuthentication",  # DRF's tokens, stored as digests (accounts/tokens.py)
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "common.schema.AutoSchema",  # drf-spectacular's, pages documented for GET only
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Every list answers {count, next, previous, results}: 50 a page, ?page_size= up to 200 (common/pagination.py).
    "DEFAULT_PAGINATION_CLASS": "common.pagination.DefaultPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "common.api.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    # Rate limits (accounts/throttling.py): generous per user and per address, tight for registration and tokens.
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle", "rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="120/minute"),
        "user": env.str("THROTTLE_USER", default="1200/minute"),
        "registration": env.str("THROTTLE_REGISTRATION", default="10/hour"),
        "token": env.str("THROTTLE_TOKEN", default="10/minute"),
        "password_reset": env.str("THROTTLE_PASSWORD_RESET", default="10/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Homecare tender evaluation API",
    "DESCRIPTION": "Tenders, lots, sealed bids, cost-of-care checks and evaluation for council homecare procurement.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Name the enums that share a field name, so generated clients get stable names (tests/common/test_openapi_clients.py).
    "ENUM_NAME_OVERRIDES": {"TenderStatusEnum": "tenders.models.TenderStatusChoices"},
}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_IMPORTS = ["common.audit_tasks"]  # the audit sealer's periodic task (not in a tasks.py module)
# No broker: queued tasks run on the local server's own threads after commit (common/tasks.py).
TASKS_RUN_IN_BACKGROUND = env.bool("TASKS_RUN_IN_BACKGROUND", default=not CELERY_BROKER_URL)
# How many of those threads run at once (common/tasks.py).
TASKS_BACKGROUND_THREADS = env.int("TASKS_BACKGROUND_THREADS", default=2)
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE

# Uploaded bid documents: checked by content, not extension.
BID_DOCUMENT_MAX_BYTES = env.int("BID_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# CQC ratings files: refused above this size; up to the inline size imported during the request,
# larger ones queued for the worker (cqc/services.py).
CQC_IMPORT_MAX_BYTES = env.int("CQC_IMPORT_MAX_BYTES", default=200 * 1024 * 1024)
CQC_IMPORT_INLINE_MAX_BYTES = env.int("CQC_IMPORT_INLINE_MAX_BYTES", default=1024 * 1024)
# A valid provider registration whose name matches no registered organisation is approved at once;
# False makes a commissioner decide every one (providers/services.py, README "Provider registration").
PROVIDER_AUTO_APPROVE = env.bool("PROVIDER_AUTO_APPROVE", default=True)
# The contracting authority on award reports, assessment summaries and letters (read once, in
# reports.building._authority): its name, postal address (lines separated by "|"), the contact
# email bidders write to, and who signs. The defaults are the demo's fictional contact details.
REPORT_AUTHORITY_NAME = env.str("REPORT_AUTHORITY_NAME", default="Lancashire County Council")
REPORT_AUTHORITY_ADDRESS = env.str("REPORT_AUTHORITY_ADDRESS", default="County Hall|Fishergate|Preston|PR1 8XJ")
REPORT_AUTHORITY_EMAIL = env.str("REPORT_AUTHORITY_EMAIL", default="homecare.procurement@lancashire.example")
REPORT_AUTHORITY_SIGNATORY_NAME = env.str("REPORT_AUTHORITY_SIGNATORY_NAME", default="A. N. Officer")
REPORT_AUTHORITY_SIGNATORY_TITLE = env.str(
    "REPORT_AUTHORITY_SIGNATORY_TITLE", default="Head of Commissioning, Adult Social Care"
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
# Signed out after this many seconds without a request (accounts/middleware.py); 30 minutes by default.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
# Password-reset mail: printed on the console unless EMAIL_URL is set (e.g. smtp+tls://user:password@host:587).
vars().update({k: v for k, v in env.email_url("EMAIL_URL", default="consolemail://").items() if v is not None})
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="homecare-tenders@localhost")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# How often (seconds, per process) a request runs the deadline-closing service when no worker does.
TENDERS_CLOSE_DUE_EVERY_SECONDS = env.int("TENDERS_CLOSE_DUE_EVERY_SECONDS", default=15)

CELERY_BEAT_SCHEDULE = {
    "close-due-tenders": {"task": "tenders.tasks.close_due_tenders", "schedule": 60.0},
    "audit-seal-pending": {"task": "common.audit_tasks.audit_seal_pending", "schedule": 5.0},  # common/audit.py
}
