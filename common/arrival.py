"""When a request reached the server: stamped once, first thing, so deadlines are judged at arrival.

`ArrivalTimeMiddleware` (first in MIDDLEWARE) reads the server clock as the request enters
Django and keeps it on the request (`request.arrived_at`) and in a context variable for the
services that judge a deadline (`request_arrival()`; tenders.services.bid_submit). A submission
that reached the server before the deadline but waited for a worker thread, a database
connection or a row lock is therefore not refused as late (issue 17). The time is the
server's own clock; nothing the client sends can set it.
"""
from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.utils import timezone

_arrival: ContextVar[datetime | None] = ContextVar("request_arrival", default=None)


def request_arrival() -> datetime | None:
    """The arrival time of the request being handled on this thread, or None outside a request."""
    return _arrival.get()


class ArrivalTimeMiddleware:
    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        arrived_at = timezone.now()
        request.arrived_at = arrived_at
        token = _arrival.set(arrived_at)
        try:
            return self.get_response(request)
        finally:
            _arrival.reset(token)
