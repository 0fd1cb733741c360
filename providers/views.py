"""Provider registration, the organisation page, and the commissioner's approval queue."""
from __future__ import annotations

from typing import Any

from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import permissions
from accounts.throttling import RegistrationThrottle, throttle_page
from common.form_views import error_list, handle_form
from common.http import AuthenticatedHttpRequest
from providers import services
from providers.forms import AddUserForm, DecisionForm, RegistrationForm
from providers.models import Provider, ProviderStatus
from tenders.page_support import commissioner_required, own_provider, provider_required

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@throttle_page(RegistrationThrottle)  # issue 13: a few registrations an hour from one address
def register(request: HttpRequest) -> HttpResponse:
    """Public: register an organisation and its first user, then sign them in."""
    if permissions.is_provider_user(request.user):
        return redirect("bidding-portal")
    form = RegistrationForm(request.POST if request.method == "POST" else None)

    def register_and_sign_in(data: dict[str, Any]) -> None:
        registration = services.provider_register(data=data)
        login(request, registration.user, backend=MODEL_BACKEND)

    # No message: the next page says the organisation is registered and waits for approval.
    if request.method == "POST" and (done := handle_form(
        request, form, register_and_sign_in, success=None, redirect_to=reverse("providers-registered"),
    )):
        return done
    return render(request, "providers/register.html", {"form": form, "errors": error_list(form)},
                  status=400 if form.errors else 200)


@provider_required
def registered(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "providers/registered.html", {"provider": request.user.provider})


@provider_required
def organisation(request: AuthenticatedHttpRequest) -> HttpResponse:
    provider = own_provider(request.user)
    return render(request, "providers/organisation.html", {
        "provider": provider, "users": provider.users.order_by("username"),
    })


@provider_required
def add_user(request: AuthenticatedHttpRequest) -> HttpResponse:
    provider = own_provider(request.user)
    form = AddUserForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (done := handle_form(
        request, form, lambda data: services.provider_add_user(provider=provider, actor=request.user, data=data),
        success=lambda user: f"{user.get_username()} can now sign in and work on your organisation's bids.",
        redirect_to=reverse("providers-organisation"),
    )):
        return done
    return render(request, "providers/add_user.html", {"form": form, "errors": error_list(form)},
                  status=400 if form.errors else 200)


@commissioner_required
def pending(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "providers/pending.html", {
        "pending": Provider.objects.filter(status=ProviderStatus.PENDING).order_by("created_at"),
        "recent": Provider.objects.exclude(status=ProviderStatus.PENDING).exclude(decided_at=None).order_by("-decided_at")[:20],
    })


@commissioner_required
def decide(request: AuthenticatedHttpRequest, provider_id: int) -> HttpResponse:
    provider = Provider.objects.filter(pk=provider_id).first()
    if provider is None:
        raise Http404("No such provider.")
    form = DecisionForm(request.POST if request.method == "POST" else None)

    def decide_on(data: dict[str, Any]) -> str:
        if data["decision"] == "approve":
            services.provider_approve(provider=provider, user=request.user, note=data["reason"])
            return "approved"
        services.provider_reject(provider=provider, user=request.user, reason=data["reason"])
        return "rejected"

    if request.method == "POST" and (done := handle_form(
        request, form, decide_on, success=lambda outcome: f"{provider.name} has been {outcome}.",
        redirect_to=reverse("providers-pending"),
    )):
        return done
    return render(request, "providers/decide.html", {"provider": provider, "form": form, "errors": error_list(form),
                                                    "users": provider.users.order_by("username")},
                  status=400 if form.errors else 200)
