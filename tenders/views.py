from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from common.http import AuthenticatedHttpRequest
from tenders.page_support import next_actions
from tenders.selectors import tender_list
from tenders.services.drafting import may_configure_tenders


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    tenders = tender_list(user=request.user)
    return render(request, "tenders/home.html", {"tenders": tenders, "can_create": may_configure_tenders(request.user)})


@login_required
def tender_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    tender = tender_list(user=request.user).filter(reference=reference).first()
    if tender is None:
        raise Http404("No such tender.")
    lots = list(tender.lots.all())
    return render(
        request,
        "tenders/detail.html",
        {
            "tender": tender, "lots": lots, "total_hours": sum(lot.hours_per_week for lot in lots),
            "actions": next_actions(request.user, tender),
        },
    )
