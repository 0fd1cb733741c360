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

DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=True)  # commissioning side signs in with a TOTP code (accounts/middleware.py)
