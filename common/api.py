"""DRF glue: domain errors become 4xx JSON answers, never 500s."""
from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.errors import DomainError

# The largest id a BigAutoField holds; serializers bound their id fields with it.
BIGINT_MAX = 2**63 - 1
OUT_OF_RANGE = "A number in the request is out of range (ids are whole numbers from 1 to 9223372036854775807)."


def wait_message(seconds: float | None) -> str:
    """The 429 message: what happened and when to try again."""
    if seconds is None:
        return "Too many requests. Try again later."
    minutes = max(1, math.ceil(seconds / 60))
    return f"Too many requests from your address or account. Try again in {minutes} minute{'s' if minutes != 1 else ''}."


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"detail": exc.message, "code": type(exc).__name__}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, OverflowError | DataError):
        # An id or number beyond the database's integer range reached a query (SQLite raises
        # OverflowError, PostgreSQL DataError): the request is wrong, not the server.
        return Response({"detail": OUT_OF_RANGE, "code": "out_of_range"}, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if isinstance(exc, Throttled) and response is not None:
        response.data = {"detail": wait_message(exc.wait), "code": "throttled",
                         "retry_after_seconds": None if exc.wait is None else math.ceil(exc.wait)}
    return response
