"""Benchmark settings: the test settings (fast hashing, DEBUG off) plus bench-only URLs.

The bare endpoints the benchmarks use as baselines live in bench/bare_urls.py and are
served only under these settings, never by the real site.
"""
from config.settings.test import *  # noqa: F403

ROOT_URLCONF = "bench.bare_urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# Gunicorn workers log each request otherwise; the benchmark prints its own figures.
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# Connections as production keeps them (config/settings/production.py): open for up to CONN_MAX_AGE seconds
# across requests, checked before reuse. Not a what-if switch: the benchmark measures the production set-up.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
