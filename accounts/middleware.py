"""Idle session timeout: a session unused for `SESSION_IDLE_TIMEOUT` seconds is signed out.

The last-activity time is written at most once a minute (not on every request), so a busy
deadline does not turn every page view into a session write; the timeout is therefore
exact to within a minute. Token-authenticated API calls carry no session and are unaffected.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django_otp import devices_for_user

if TYPE_CHECKING:
    from accounts.models import User

LAST_ACTIVITY_KEY = "accounts.last_activity"
WRITE_EVERY = 60


def idle_timeout() -> int:
    return int(getattr(settings, "SESSION_IDLE_TIMEOUT", 30 * 60))


def touch(request: HttpRequest, now: float | None = None) -> None:
    request.session[LAST_ACTIVITY_KEY] = time.time() if now is None else now


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
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


# Pages a commissioning-side user may reach before two-step verification (to set it up or leave).
OTP_EXEMPT_URL_NAMES = frozenset({"login", "login-code", "logout", "two-factor-setup", "password_change",
                                  "password_change_done"})


class OTPRequiredMiddleware:
    """With `OTP_REQUIRED` (production), commissioning-side sessions must have passed a TOTP code.

    A user with no authenticator is sent to set one up; a session signed in without a code
    although the user has one (e.g. one from before the setting) is signed out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> HttpResponse | None:
        if not getattr(settings, "OTP_REQUIRED", False):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_commissioning_side or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OTP_EXEMPT_URL_NAMES:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "Two-step verification is required: sign in with your security code.",
                                 "code": "otp_required"}, status=403)
        if any(devices_for_user(user, confirmed=True)):
            logout(request)
            messages.info(request, "Sign in again with your security code.")
            return redirect_to_login(request.get_full_path())
        messages.info(request, "Set up two-step verification to continue.")
        return HttpResponseRedirect(f"{reverse('two-factor-setup')}?{urlencode({'next': request.get_full_path()})}")
