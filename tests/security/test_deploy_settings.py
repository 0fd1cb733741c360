"""Production settings pass Django's deployment checks and fail loudly when misconfigured."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"}
             and not k.startswith("REPORT_AUTHORITY_")}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


# What production needs besides a secret key (nothing connects to them during `check`).
SERVICES = {"DATABASE_URL": "postgres://homecare:secret@db.internal:5432/homecare", "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
            "CACHE_URL": "redis://redis.internal:6379/1",
            "REPORT_AUTHORITY_NAME": "Borsetshire County Council", "REPORT_AUTHORITY_ADDRESS": "Shire Hall|Borchester|BC1 1AA",
            "REPORT_AUTHORITY_EMAIL": "care.procurement@borsetshire.example",
            "REPORT_AUTHORITY_SIGNATORY_NAME": "J. Archer", "REPORT_AUTHORITY_SIGNATORY_TITLE": "Director of Adult Services"}


def test_check_deploy_passes_with_production_settings():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="tenders.example.gov.uk",
        **SERVICES,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_missing_secret_key_with_debug_off_is_a_clear_start_up_error():
    result = _manage("check", DJANGO_SETTINGS_MODULE="config.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_start_on_sqlite():
    for database in ({}, {"DATABASE_URL": "sqlite:////tmp/homecare.sqlite3"}):
        result = _manage(
            "check", DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY=secrets.token_urlsafe(64),
            CELERY_BROKER_URL=SERVICES["CELERY_BROKER_URL"], **database,
        )
        assert result.returncode != 0
        assert "DATABASE_URL must name a PostgreSQL database in production" in result.stderr


def test_production_refuses_to_run_tasks_without_a_broker():
    result = _manage(
        "check", DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL=SERVICES["DATABASE_URL"],
    )
    assert result.returncode != 0
    assert "CELERY_BROKER_URL is not set" in result.stderr


def test_production_refuses_a_cache_each_process_keeps_to_itself():
    """Rate limits would count per gunicorn worker: each worker would allow the full limit."""
    without = {k: v for k, v in SERVICES.items() if k != "CACHE_URL"}
    for cache in ({}, {"CACHE_URL": "locmemcache://"}, {"CACHE_URL": "dummycache://"}):
        result = _manage("check", DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY=secrets.token_urlsafe(64),
                         ALLOWED_HOSTS="tenders.example.gov.uk", **without, **cache)
        assert result.returncode != 0
        assert "CACHE_URL must name a cache shared by every web process" in result.stderr


def test_production_refuses_to_send_letters_in_the_demos_name():
    """The authority's name, address, email and signatory default to the demo's fictional contact."""
    for missing in ("REPORT_AUTHORITY_NAME", "REPORT_AUTHORITY_SIGNATORY_TITLE"):
        others = {k: v for k, v in SERVICES.items() if k != missing}
        result = _manage("check", DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY=secrets.token_urlsafe(64),
                         ALLOWED_HOSTS="tenders.example.gov.uk", **others)
        assert result.returncode != 0
        assert f"{missing} not set" in result.stderr and "demo's fictional contact" in result.stderr


def test_a_worker_or_server_without_a_settings_module_gets_production_not_local_settings():
    code = "import config, os; print(os.environ['DJANGO_SETTINGS_MODULE'])"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "config.settings.production", result.stderr


def test_production_refuses_debug():
    result = _manage(
        "check", DJANGO_SETTINGS_MODULE="config.settings.production", DEBUG="true", SECRET_KEY=secrets.token_urlsafe(64)
    )
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr
