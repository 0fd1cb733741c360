"""Pages: a number in the address or form beyond the database's range is the request's fault (400), not a 500.

The API's twin is `common.api.exception_handler`. SQLite raises OverflowError for integers
beyond 64 bits; PostgreSQL raises DataError (numeric value out of range).
"""
from __future__ import annotations

from collections.abc import Callable

from django.db import DataError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from common.api import OUT_OF_RANGE


class OutOfRangeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OverflowError | DataError):
            return render(request, "400.html", {"message": OUT_OF_RANGE}, status=400)
        return None
