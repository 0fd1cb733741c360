"""Closing at the deadline with no worker: a request hook that runs the same idempotent service as Celery beat.

Under `make run` there is no broker and no scheduler, yet a tender whose submission deadline has
passed must be closed, and shown as closed, within a minute. Every request (page or API) first calls
`close_due_tenders_now`, which runs `tenders_close_due` at most once every
`TENDERS_CLOSE_DUE_EVERY_SECONDS` per process (wall clock, so a test's time machine moves it too).
In production Celery beat calls the same service every minute (config/settings/base.py); running
both is harmless because closing is a conditional UPDATE that only one caller can win.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from tenders.services import tenders_close_due

log = logging.getLogger(__name__)
_lock = threading.Lock()
_last_run: float | None = None


def _interval() -> float | None:
    """Seconds between runs per process; None turns the hook off (the test settings do, for exact query counts)."""
    value = getattr(settings, "TENDERS_CLOSE_DUE_EVERY_SECONDS", 15)
    return None if value is None else float(value)


def close_due_tenders_now(*, force: bool = False) -> list[str]:
    """Run `tenders_close_due` unless this process ran it within the interval; returns what it closed."""
    global _last_run
    interval = _interval()
    if interval is None and not force:
        return []
    now = time.time()
    with _lock:
        # abs(): a clock moved backwards (a test's time travel) must not stop closing for good.
        if not force and _last_run is not None and interval is not None and abs(now - _last_run) < interval:
            return []
        _last_run = now
    try:
        return tenders_close_due()
    except DatabaseError:  # e.g. a locked SQLite file: the next request (or beat) tries again
        log.warning("Closing tenders due at their deadline failed; will retry", exc_info=True)
        with _lock:
            _last_run = None
        return []


def reset() -> None:
    """Forget when the hook last ran (tests)."""
    global _last_run
    with _lock:
        _last_run = None


class CloseDueTendersMiddleware:
    """Before every request, close tenders whose deadline has passed (throttled, see module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(getattr(settings, "STATIC_URL", "/static/") or "/static/"):
            close_due_tenders_now()
        return self.get_response(request)
