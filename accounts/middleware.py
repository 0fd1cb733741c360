"""Idle session timeout: a session unused for `SESSION_IDLE_TIMEOUT` seconds is signed out.

The last-activity time is written at most once a minute (not on every request), so a busy
deadline does not turn every page view into a session write; the timeout is therefore
exact to within a minute. Token-authenticated API calls carry no session and are unaffected.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

LAST_ACTIVITY_KEY = "accounts.last_activity"
WRITE_EVERY = 60


def idle_timeout() -> int:
    return int(getattr(settings, "SESSION_IDLE_TIMEOUT", 30 * 60))


def touch(request: HttpRequest, now: float | None = None) -> None:
    request.session[LAST_ACTIVITY_KEY] = time.time() if now is None else now


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """The idle timeout counts from the sign-in."""
    if request is not None and getattr(request, "session", None) is not None:
        touch(request)


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            last = request.session.get(LAST_ACTIVITY_KEY)
            timeout = idle_timeout()
            if isinstance(last, int | float) and now - last > timeout:
                logout(request)  # the view then sees an anonymous user and asks them to sign in
                messages.info(
                    request, f"You were signed out after {timeout // 60} minutes without activity. Sign in again."
                )
            elif not isinstance(last, int | float) or not 0 <= now - last < WRITE_EVERY:
                touch(request, now)
        return self.get_response(request)
