"""Benchmark settings: the test settings (fast hashing, DEBUG off) plus bench-only URLs.

The bare endpoints the benchmarks use as baselines live in bench/bare_urls.py and are
served only under these settings, never by the real site.
"""
from config.settings.test import *  # noqa: F403

ROOT_URLCONF = "bench.bare_urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# Gunicorn workers log each request otherwise; the benchmark prints its own figures.
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# What-if runs only (docs/benchmarks.md): BENCH_CONN_MAX_AGE=60 keeps database connections open
# between requests; the real settings open one per request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("BENCH_CONN_MAX_AGE", default=DATABASES["default"].get("CONN_MAX_AGE", 0))  # noqa: F405
