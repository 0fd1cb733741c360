"""The audit chain's key comes from the environment: production refuses to start without it."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "AUDIT_HMAC_KEY",
                          "CELERY_BROKER_URL", "CACHE_URL"}}
    # Production also refuses SQLite and eager tasks; `check` connects to neither, so these need not exist.
    clean.update(DATABASE_URL="postgres://postgres@127.0.0.1:5432/homecare_check", CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
                 CACHE_URL="redis://127.0.0.1:6379/1")
    clean.update(env)
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=120)


def test_production_refuses_to_start_without_the_audit_key():
    result = _check(DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY=secrets.token_urlsafe(64),
                    ALLOWED_HOSTS="tenders.example.gov.uk")
    assert result.returncode != 0
    assert "AUDIT_HMAC_KEY is not set" in result.stderr

