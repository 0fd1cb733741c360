"""Test settings: fast hashing, temporary media, no .env surprises."""
import os
import tempfile

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("AUDIT_HMAC_KEY", "test-only-audit-hmac-key-not-for-production-use")

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="homecare-test-media-"))  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
AXES_ENABLED = False  # tests that exercise throttling turn it on with override_settings
TASKS_RUN_IN_BACKGROUND = False  # tests run queued tasks eagerly, inside the caller (common/tasks.py)
# Tests sign in at the real time and then travel (time-machine) years either way; re-authentication tests set their own.
REAUTH_MAX_AGE = 60 * 60 * 24 * 365 * 30
SESSION_IDLE_TIMEOUT = 60 * 60 * 24 * 365 * 30  # the same for the idle timeout (tests/accounts/test_idle_timeout.py sets its own)
# The request hook that closes tenders at their deadline stays off so query counts are exact; its tests turn it on.
TENDERS_CLOSE_DUE_EVERY_SECONDS = None
