"""Production: PostgreSQL via DATABASE_URL, Celery on Redis, HTTPS only."""
from .base import *  # noqa: F403
from .base import env

if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("DEBUG must be off in production.")  # noqa: F405
if not AUDIT_HMAC_KEY:  # noqa: F405
    raise ImproperlyConfigured(  # noqa: F405
        "AUDIT_HMAC_KEY is not set. The audit trail's chain is keyed with it; set it in the environment "
        "(a long random value, kept outside the database and its backups)."
    )

# Never the development defaults: SQLite and tasks run in the web process are for a laptop.
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":  # noqa: F405
    raise ImproperlyConfigured(  # noqa: F405
        "DATABASE_URL must name a PostgreSQL database in production, e.g. postgres://user:password@host:5432/homecare "
        "(SQLite is for local development and tests only)."
    )
if not CELERY_BROKER_URL:  # noqa: F405
    raise ImproperlyConfigured(  # noqa: F405
        "CELERY_BROKER_URL is not set, e.g. redis://host:6379/0. Production never runs tasks eagerly or on the "
        "web server's threads; start a Celery worker and beat on that broker."
    )
# The rate limits (API, registration, API token, password reset) count in the cache: a per-process memory
# cache would give every gunicorn worker its own count, so a client would get workers x the limit.
# Production shares one (Redis; django-environ maps redis:// to Django's own RedisCache).
if CACHES["default"]["BACKEND"] in {  # noqa: F405
    "django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache",
}:
    raise ImproperlyConfigured(  # noqa: F405
        "CACHE_URL must name a cache shared by every web process in production, e.g. redis://host:6379/1 "
        "(a local-memory cache counts the rate limits per process)."
    )
# Award letters, assessment summaries and notices name the council, where bidders write and who signs. The
# defaults are the demo's fictional Lancashire contact: production never sends documents in that name.
_AUTHORITY = ("REPORT_AUTHORITY_NAME", "REPORT_AUTHORITY_ADDRESS", "REPORT_AUTHORITY_EMAIL",
              "REPORT_AUTHORITY_SIGNATORY_NAME", "REPORT_AUTHORITY_SIGNATORY_TITLE")
if _unset := [name for name in _AUTHORITY if not env.str(name, default="").strip()]:
    raise ImproperlyConfigured(  # noqa: F405
        f"{', '.join(_unset)} not set. Award letters and notices name the council, its address and email, "
        "and who signs: set them for your council (the defaults are the demo's fictional contact)."
    )
CELERY_TASK_ALWAYS_EAGER = False
TASKS_RUN_IN_BACKGROUND = False

# Persistent connections: a PostgreSQL connect per request cost more than a whole bare request in the deadline
# burst (issue 17). Each gunicorn thread keeps its own for up to a minute; a health check before reuse replaces
# one the database dropped instead of failing the request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=True)  # commissioning side signs in with a TOTP code (accounts/middleware.py)
