"""Account pages: confirm your password (re-authentication)."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from accounts.forms import ConfirmPasswordForm
from accounts.reauth import mark_authenticated


def _next(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return "/"


@login_required
def reauthenticate(request: HttpRequest) -> HttpResponse:
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
