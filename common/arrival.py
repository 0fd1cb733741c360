"""When a request reached the server: stamped once, first thing, so deadlines are judged at arrival.

`ArrivalTimeMiddleware` (first in MIDDLEWARE) reads the server clock as the request enters
Django and keeps it on the request (`request.arrived_at`) and in a context variable for the
services that judge a deadline (`request_arrival()`; tenders.services.bid_submit). A submission
that reached the server before the deadline but waited for a worker thread, a database
connection or a row lock is therefore not refused as late (issue 17). The time is the
server's own clock; nothing the client sends can set it.

Waiting *before* Django, for a free worker thread, is covered when gunicorn runs the worker
class common.gunicorn_worker.ArrivalThreadWorker (gthread, stamping each request when its
bytes reach the worker process: `note_received`), or when a reverse proxy the council runs
stamps the request: set `ARRIVAL_TIME_HEADER` to the WSGI name of a
header that proxy always overwrites, e.g. nginx `proxy_set_header X-Request-Start "t=${msec}";`
with ARRIVAL_TIME_HEADER = "HTTP_X_REQUEST_START". Its time is used only when it is earlier than
our own stamp by at most MAX_PROXY_LEAD (so a forged or skewed value cannot move a deadline by
more than that). Off by default: without such a proxy the header would come from the client.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

MAX_PROXY_LEAD = timedelta(seconds=60)

_arrival: ContextVar[datetime | None] = ContextVar("request_arrival", default=None)
_received = threading.local()  # set by the gunicorn worker on the thread that will handle the request


def note_received(epoch_seconds: float | None) -> None:
    """Called by our gunicorn worker class just before it hands a request to Django on this thread."""
    _received.at = epoch_seconds


def _server_stamp(now: datetime) -> datetime | None:
    epoch = getattr(_received, "at", None)
    _received.at = None  # one request only
    if epoch is None:
        return None
    stamped = datetime.fromtimestamp(epoch, tz=UTC)
    return stamped if now - MAX_PROXY_LEAD <= stamped <= now else None


def request_arrival() -> datetime | None:
    """The arrival time of the request being handled on this thread, or None outside a request."""
    return _arrival.get()


def _proxy_stamp(request: Any, now: datetime) -> datetime | None:
    """The trusted proxy's stamp ("t=1767225600.123", seconds, milliseconds or microseconds), if sane."""
    name = getattr(settings, "ARRIVAL_TIME_HEADER", "")
    raw = (getattr(request, "META", {}) or {}).get(name, "") if name else ""
    raw = raw.strip().removeprefix("t=")
    try:
        value = float(raw)
    except ValueError:
        return None
    while value > 1e11:  # milliseconds or microseconds since the epoch
        value /= 1000
    try:
        stamped = datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return stamped if now - MAX_PROXY_LEAD <= stamped <= now else None


class ArrivalTimeMiddleware:
    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        arrived_at = timezone.now()
        arrived_at = _proxy_stamp(request, arrived_at) or _server_stamp(arrived_at) or arrived_at
        request.arrived_at = arrived_at
        token = _arrival.set(arrived_at)
        try:
            return self.get_response(request)
        finally:
            _arrival.reset(token)
