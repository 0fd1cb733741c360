"""Rate limits (issue 13: 25 anonymous registrations in 5 s were all auto-approved).

DRF's throttles with the rates in `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`, counted in the
default cache (Redis in production through CACHE_URL). Every API call has a generous
per-user and per-address rate; registration and token requests have tight per-address ones.
The HTML registration page uses the same throttle through `throttle_page`.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.throttling import SimpleRateThrottle

from common.api import wait_message


class AddressRateThrottle(SimpleRateThrottle):
    """Counts requests from one address (signed in or not) for one scope."""

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class RegistrationThrottle(AddressRateThrottle):
    scope = "registration"


class TokenThrottle(AddressRateThrottle):
    scope = "token"


class PasswordResetThrottle(AddressRateThrottle):
    scope = "password_reset"  # each request can send an email: no flooding someone's inbox from one address


def throttle_page(throttle_class: type[SimpleRateThrottle], *, methods: tuple[str, ...] = ("POST",)) -> Callable[..., Any]:
    """For an HTML view: count `methods` requests with `throttle_class`; over the rate, a 429 page."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                throttle = throttle_class()
                if not throttle.allow_request(request, None):
                    wait = throttle.wait()
                    response = render(request, "429.html", {"message": wait_message(wait)}, status=429)
                    if wait is not None:
                        response["Retry-After"] = str(math.ceil(wait))
                    return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
