"""Provider-portal pages for price clarifications: the bidder reads the question and answers it.

Thin: the services in evaluation.price_clarifications decide and audit; who may read what is
the access policy's (accounts.permissions).
"""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from common.form_views import handle_form
from evaluation import price_clarifications as clarifications
from evaluation.forms import PriceExplanationForm
from evaluation.models import PriceClarification
from tenders.models import Bid


def _clarification(request: HttpRequest, reference: str, pk: int) -> PriceClarification:
    clarification = (
        PriceClarification.objects.select_related("bid__tender", "bid__provider", "lot__zone")
        .filter(pk=pk, bid__reference=reference, requested_at__isnull=False).first()
    )
    if clarification is None:
        raise Http404("No such question about a price.")
    return clarification


@login_required
def price_clarification(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """The question about the bidder's price, its deadline, and the answer form (or the answer given)."""
    clarification = _clarification(request, reference, pk)
    bid: Bid = clarification.bid
    if not permissions.is_own_bid(request.user, bid):
        raise PermissionDenied("Only the bidder's own users can read questions about its prices.")
    form = PriceExplanationForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        response = handle_form(
            request, form,
            lambda data: clarifications.price_clarification_answer(
                clarification=clarification, user=request.user, explanation=data["explanation"],
                uploads=[data["document"]] if data.get("document") else []),
            success="Your explanation has been sent. The commissioner will decide and tell you here.",
            redirect_to=reverse("bidding-price-clarification", args=[reference, pk]),
        )
        if response is not None:
            return response
    now = timezone.now()
    return render(request, "bidding/price_clarification.html", {
        "bid": bid, "tender": bid.tender, "clarification": clarification, "form": form,
        "errors": [(f"id_{name}" if name != "__all__" else "main-content", m)
                   for name, ms in form.errors.items() for m in ms],
        "documents": clarifications.readable_documents(user=request.user, clarification=clarification),
        "now": now, "may_answer": clarification.stage == "awaiting_bidder" and now <= clarification.reply_by,
    }, status=400 if form.errors else 200)


@login_required
def price_clarification_document(request: HttpRequest, reference: str, pk: int, document_id: int) -> HttpResponse:
    """A document sent with an explanation: for the bidder, and for those who may see its prices."""
    clarification = _clarification(request, reference, pk)
    document = next((d for d in clarifications.readable_documents(user=request.user, clarification=clarification)
                     if d.pk == document_id), None)
    if document is None:
        raise Http404("No such document.")
    return FileResponse(document.file.open("rb"), as_attachment=document.content_type != "application/pdf",
                        filename=document.original_name, content_type=document.content_type)
