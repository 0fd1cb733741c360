"""Re-authentication before the steps that cannot be undone.

Opening the bids, opening the price envelope and awarding a tender are the moments a
sealed-bid system is attacked through an unattended browser. Before them the signed-in
user confirms their password again (and a one-time code when they have a confirmed
TOTP device) unless they did so within `settings.REAUTH_MAX_AGE` seconds.

Use:

    from accounts.reauth import require_recent_authentication

    @login_required
    @require_recent_authentication            # or (max_age=120)
    def open_bids(request, reference): ...

    class OpenBids(RecentAuthenticationRequiredMixin, View): ...

    # DRF: permission_classes = [IsAuthenticated, RecentAuthentication]

    # Only some branches of a view (one button among several):
    if name in ("open-prices", "award") and (answer := reauthentication_redirect(request)):
        return answer
    # ... and in an API view: ensure_recent_authentication(request)  (403 when stale)

A GET is sent to the "confirm your password" page and then back to the same URL. A POST
cannot be replayed safely (its body is not kept), so the user is sent to the confirmation
and then back to the page the form was on (`next` in the form, else a same-site
Referer), where they press the button again.

The time of the last authentication lives in the session: set on every sign-in (the
`user_logged_in` signal, connected in `AccountsConfig.ready`) and by the confirmation page.
"""
from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.permissions import BasePermission

if TYPE_CHECKING:
    from accounts.models import User

SESSION_KEY = "accounts.authenticated_at"
DEFAULT_MAX_AGE = 5 * 60
MESSAGE = "For your security, confirm your password before you continue."
API_MESSAGE = (
    "Re-authentication required: confirm your password at /accounts/confirm-password/ "
    "(signed in more than {minutes} minutes ago), then try again."
)


def max_age_setting() -> int:
    return int(getattr(settings, "REAUTH_MAX_AGE", DEFAULT_MAX_AGE))


def mark_authenticated(request: HttpRequest, *, at: float | None = None) -> None:
    """Record that the user proved who they are now (sign-in or confirmation)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_KEY] = time.time() if at is None else at


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None:
        mark_authenticated(request)


def authenticated_at(request: HttpRequest) -> float | None:
    session = getattr(request, "session", None)
    value = session.get(SESSION_KEY) if session is not None else None
    return float(value) if isinstance(value, int | float) else None


def is_recently_authenticated(request: HttpRequest, max_age: int | None = None) -> bool:
    """True when the user signed in or confirmed their password within `max_age` seconds."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return False
    at = authenticated_at(request)
    if at is None:
        return False
    return time.time() - at <= (max_age_setting() if max_age is None else max_age)


def _safe(request: HttpRequest, url: str | None) -> str | None:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure()):
        return url
    return None


def return_url(request: HttpRequest) -> str:
    """Where to come back to after confirming: this URL for a GET, the form's page for a POST."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.META.get("HTTP_REFERER", "")
    return _safe(request, request.POST.get("next")) or _safe(request, referer) or "/"


def confirmation_url(request: HttpRequest) -> str:
    return f"{reverse('reauthenticate')}?{urlencode({'next': return_url(request)})}"


def reauthentication_redirect(request: HttpRequest, max_age: int | None = None) -> HttpResponse | None:
    """The redirect to the confirmation page when the last sign-in is too old, else None."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if is_recently_authenticated(request, max_age):
        return None
    messages.info(request, MESSAGE)
    return HttpResponseRedirect(confirmation_url(request))


def require_recent_authentication(
    view: Callable[..., HttpResponse] | None = None, *, max_age: int | None = None
) -> Any:
    """Decorator: send the user to confirm their password when their last sign-in is too old."""

    def decorate(func: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return reauthentication_redirect(request, max_age) or func(request, *args, **kwargs)

        wrapper.requires_recent_authentication = True  # type: ignore[attr-defined]
        return wrapper

    return decorate(view) if view is not None else decorate


class RecentAuthenticationRequiredMixin:
    """Class-based views: the same check as `require_recent_authentication`, before dispatch."""

    reauth_max_age: int | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return reauthentication_redirect(request, self.reauth_max_age) or super().dispatch(  # type: ignore[misc]
            request, *args, **kwargs
        )


def api_call_is_stale(request: Any, max_age: int | None = None) -> bool:
    """A DRF request authenticated by session whose sign-in is older than `max_age` seconds.

    A token is a credential presented on every call, so a token-authenticated call is never
    stale; tokens are issued only through the audited service (accounts/services.py).
    """
    if not isinstance(getattr(request, "successful_authenticator", None), SessionAuthentication):
        return False
    return not is_recently_authenticated(request._request, max_age)


def _api_message(max_age: int | None) -> str:
    return API_MESSAGE.format(minutes=max(1, (max_age_setting() if max_age is None else max_age) // 60))


class RecentAuthentication(BasePermission):
    """DRF permission: the same steps through the API answer 403 when the session sign-in is stale."""

    message = _api_message(DEFAULT_MAX_AGE)
    code = "reauthentication_required"

    def has_permission(self, request: Any, view: Any) -> bool:
        if api_call_is_stale(request):
            self.message = _api_message(None)
            return False
        return True


class ReauthenticationRequired(DRFPermissionDenied):
    default_code = "reauthentication_required"


def ensure_recent_authentication(request: Any, max_age: int | None = None) -> None:
    """In a DRF view, for one branch only: raise 403 `reauthentication_required` when stale."""
    if api_call_is_stale(request, max_age):
        raise ReauthenticationRequired(_api_message(max_age))
