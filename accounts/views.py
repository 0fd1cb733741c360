"""Account pages: sign in (with a security code when set up), confirm your password, two-step set-up."""
from __future__ import annotations

import time
from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.forms import (
    CodeForm,
    ConfirmPasswordForm,
    GovukPasswordChangeForm,
    GovukPasswordResetForm,
    confirmed_devices,
)
from accounts.models import User
from accounts.reauth import mark_authenticated
from accounts.throttling import PasswordResetThrottle, throttle_page
from common.form_views import handle_form
from common.http import AuthenticatedHttpRequest

# Between the password and the code: who passed the password step, and when.
PENDING_KEY = "accounts.otp_pending"
PENDING_MAX_AGE = 5 * 60


def _next(request: HttpRequest, default: str = "/") -> str:
    url = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return default


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, audited (the user's own change; no secret recorded)."""

    form_class = GovukPasswordChangeForm
    request: AuthenticatedHttpRequest  # Django's PasswordChangeView lets only signed-in users in (login_required)

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        services.user_password_changed(user=self.request.user)
        return response


password_reset = throttle_page(PasswordResetThrottle)(
    auth_views.PasswordResetView.as_view(form_class=GovukPasswordResetForm)
)


class SignInView(auth_views.LoginView):
    """Password first; a user with a confirmed authenticator then gives a code before being signed in."""

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        user = form.get_user()
        if not confirmed_devices(user):
            return super().form_valid(form)
        self.request.session[PENDING_KEY] = {"user": user.pk, "backend": user.backend, "at": time.time()}
        return redirect(f"{reverse('login-code')}?{urlencode({'next': self.get_success_url()})}")


def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Second step of signing in: the code from the authenticator app."""
    pending = request.session.get(PENDING_KEY)
    user = None
    if isinstance(pending, dict) and time.time() - float(pending.get("at", 0)) <= PENDING_MAX_AGE:
        user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None or not isinstance(pending, dict):  # a user is only found from a pending dict
        request.session.pop(PENDING_KEY, None)
        messages.info(request, "Sign in again: the security code must follow the password within 5 minutes.")
        return redirect("login")
    form = CodeForm(request.POST if request.method == "POST" else None, devices=confirmed_devices(user))
    if request.method == "POST" and form.is_valid():
        del request.session[PENDING_KEY]
        auth_login(request, user, backend=pending["backend"])
        otp_login(request, form.device)
        return HttpResponseRedirect(_next(request, reverse("home")))
    return render(request, "registration/login_code.html", {"form": form, "next": _next(request, "")},
                  status=400 if form.errors else 200)


@login_required
def reauthenticate(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Confirm your password (and security code) before a step that cannot be undone, then go back."""
    form = ConfirmPasswordForm(request.POST if request.method == "POST" else None, request=request)
    if request.method == "POST" and form.is_valid():
        mark_authenticated(request)
        if form.device is not None:
            otp_login(request, form.device)
        return HttpResponseRedirect(_next(request))
    return render(
        request, "registration/reauthenticate.html",
        {"form": form, "next": _next(request)}, status=400 if form.errors else 200,
    )


@login_required
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), then give one code to confirm."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST if request.method == "POST" else None, devices=[device])

    def confirm(data: dict[str, Any]) -> None:
        services.user_totp_confirm(user=user, device=device, actor=user)
        otp_login(request, device)

    if request.method == "POST" and (done := handle_form(
        request, form, confirm,
        success="Two-step verification is on. You will be asked for a code each time you sign in.",
        redirect_to=_next(request, reverse("home")),
    )):
        return done
    uri = device.config_url
    return render(request, "registration/two_factor_setup.html", {
        "form": form,
        "next": _next(request, ""),
        "otpauth_uri": uri,
        "key": " ".join(b32encode(device.bin_key).decode()[i:i + 4] for i in range(0, 32, 4)),
        "qr": segno.make(uri, error="m").svg_data_uri(scale=5, border=2),
        "already_on": bool(confirmed_devices(user)),
    }, status=400 if form.errors else 200)
