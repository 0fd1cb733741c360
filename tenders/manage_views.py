"""The commissioner's bidding pages: clarification answers, amendments (with their check step),
the bid register and its opening, an opened bid. Thin views over tenders.services.
"""
from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.core.files import File
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.permissions import can_read_bid, can_see_bid_prices, can_see_bid_register, is_own_bid
from accounts.reauth import reauthentication_redirect
from common.errors import RuleViolation
from common.form_views import error_list, handle_form
from common.http import AuthenticatedHttpRequest
from tenders import bidding_selectors as sel
from tenders import services
from tenders.access import sealed_message
from tenders.forms import (
    AmendmentForm,
    ClarificationAnswerForm,
    OpenBidsForm,
)
from tenders.models import (
    Bid,
    BidVersion,
    BidVersionStatus,
    Clarification,
    DocumentEnvelope,
    Lot,
    Tender,
)
from tenders.page_support import (
    _content_rows,
    _forbidden,
    _page,
    commissioner_required,
)
from tenders.transitions import TenderStatus

# --- commissioner pages ------------------------------------------------------


def _commissioned_tender(reference: str) -> Tender:
    tender = Tender.objects.filter(reference=reference).first()
    if tender is None:
        raise Http404("No such tender.")
    return tender


@commissioner_required
def manage_clarifications(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    tender = _commissioned_tender(reference)
    return _page(request, "bidding/manage_clarifications.html", {
        "tender": tender, "clarifications": list(sel.all_clarifications(tender=tender)),
        "closes": services.clarification_closes_at(tender),
    })


@commissioner_required
def manage_clarification_answer(request: AuthenticatedHttpRequest, reference: str, number: int) -> HttpResponse:
    tender = _commissioned_tender(reference)
    clarification = Clarification.objects.filter(tender=tender, number=number).select_related("asked_by_provider").first()
    if clarification is None:
        raise Http404("No such clarification.")
    form = ClarificationAnswerForm(request.POST if request.method == "POST" else None, initial={"published_question": clarification.question})
    if request.method == "POST" and (done := handle_form(
        request, form,
        lambda data: services.clarification_answer(
            clarification=clarification, user=request.user, answer=data["answer"],
            published_question=data["published_question"],
        ),
        success=f"Clarification {clarification.number} has been answered and published to every bidder.",
        redirect_to=reverse("bidding-manage-clarifications", args=[tender.reference]),
    )):
        return done
    return _page(request, "bidding/manage_answer.html", {
        "tender": tender, "clarification": clarification, "form": form, "errors": error_list(form),
    }, status=400 if form.errors else 200)


_STAGING = "amendment-staging"


def _stage_amendment_documents(request: HttpRequest) -> list[dict[str, str]]:
    """Keep the chosen addendum files while the commissioner checks the amendment (this session only)."""
    from django.core.files.storage import default_storage

    staged = []
    for upload in request.FILES.getlist("documents"):
        original = upload.name or ""  # Django's parser only keeps a file part that has a filename
        name = "".join(ch for ch in original.replace("\\", "/").rsplit("/", 1)[-1] if ch.isalnum() or ch in "._- ")
        path = default_storage.save(f"{_STAGING}/{uuid.uuid4().hex}/{name or 'document'}", upload)
        staged.append({"path": path, "name": original})
    request.session["amendment_staged"] = [s["path"] for s in staged]
    return staged


def _staged_uploads(request: HttpRequest) -> dict[str, File[Any]]:
    """The files kept at the check step (staged path -> the file opened again, named as uploaded);
    only paths this session staged are accepted."""
    from django.core.files.storage import default_storage

    allowed = set(request.session.pop("amendment_staged", []))
    uploads = {}
    for path in request.POST.getlist("staged"):
        if path in allowed and path.startswith(f"{_STAGING}/") and default_storage.exists(path):
            handle = default_storage.open(path, "rb")
            handle.name = path.rsplit("/", 1)[-1]
            uploads[path] = handle
    return uploads


def _discard_staged(staged: dict[str, File[Any]]) -> None:
    from django.core.files.storage import default_storage

    for path, handle in staged.items():
        handle.close()
        default_storage.delete(path)


def _lot_changes(lots: list[Lot], data: dict[str, Any]) -> list[str]:
    changes = []
    for lot in lots:
        if lot.pk in data.get("lot_hours", {}):
            changes.append(f"Lot {lot.number}: {lot.hours_per_week:g} → {data['lot_hours'][lot.pk]:g} hours a week")
        if lot.pk in data.get("lot_ceilings", {}):
            changes.append(f"Lot {lot.number}: ceiling price £{data['lot_ceilings'][lot.pk]}")
    return changes


@commissioner_required
def manage_amend(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    tender = _commissioned_tender(reference)
    lots = list(Lot.objects.filter(tender=tender).select_related("zone").order_by("number"))
    form = AmendmentForm(request.POST if request.method == "POST" else None, lots=lots, initial={"description": tender.description})
    if request.method == "POST" and form.is_valid() and request.POST.get("confirmed") != "yes":
        # GOV.UK confirmation pattern: show what will happen and what cannot be undone before publishing.
        staged = _stage_amendment_documents(request)
        return _page(request, "bidding/amend_confirm.html", {
            "tender": tender, "form": form, "data": form.cleaned_data, "staged": staged,
            "lot_changes": _lot_changes(lots, form.cleaned_data),
            "hidden": [(k, v) for k in request.POST if k not in ("csrfmiddlewaretoken", "confirmed", "staged")
                       for v in request.POST.getlist(k)],
            "submitted_bids": Bid.objects.filter(tender=tender, status="submitted").count(),
        })
    if request.method == "POST" and form.is_valid():
        kept = _staged_uploads(request)
        uploads = [(f.name or "", f) for f in request.FILES.getlist("documents")] + [(f.name or "", f) for f in kept.values()]
        try:
            done = handle_form(
                request, form,
                lambda data: services.amendment_create(
                    tender=tender, user=request.user, summary=data["summary"],
                    submission_deadline=data["submission_deadline"],
                    clarification_deadline=data["clarification_deadline"],
                    description=data["description"] if data["description"].strip() != tender.description.strip() else None,
                    lot_hours=data["lot_hours"], lot_ceilings=data["lot_ceilings"], documents=uploads,
                ),
                success=lambda amendment: (f"Amendment {amendment.number} has been published. "
                                           "Bidders have been notified in the app."),
                redirect_to=reverse("bidding-tender", args=[tender.reference]),
                field_map={"documents": "summary"},
            )
        finally:
            _discard_staged(kept)  # published copies are stored by the service; the kept ones go either way
        if done is not None:
            return done
    return _page(request, "bidding/amend.html", {
        "tender": tender, "form": form, "errors": error_list(form), "lot_rows": form.lot_rows(),
    }, status=400 if form.errors else 200)


@commissioner_required
def manage_register(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The bid register: counts while sealed; the opening (after the deadline); the list once opened."""
    tender = _commissioned_tender(reference)
    form = OpenBidsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (answer := reauthentication_redirect(request)):
        return answer  # opening the bids cannot be undone: the password again if signed in long ago

    def open_bids(data: dict[str, Any]) -> None:
        second = None
        if tender.opening_requires_two:
            second = authenticate(request, username=data["second_username"], password=data["second_password"])
            if second is None:
                raise RuleViolation("The second commissioner's username or password is not right.",
                                    field="second_username")
        services.tender_open(tender=tender, user=request.user, second_user=second)

    if request.method == "POST" and (done := handle_form(
        request, form, open_bids,
        success="The bids have been opened. The opening is recorded in the audit trail.",
        redirect_to=reverse("bidding-register", args=[tender.reference]),
    )):
        return done
    tender.refresh_from_db()
    now = timezone.now()
    # A draft may have no deadline yet: its register is empty, and nothing can be opened.
    deadline_passed = tender.submission_deadline is not None and now >= tender.submission_deadline
    return _page(request, "bidding/register.html", {
        "tender": tender, "register": sel.bid_register(tender=tender), "form": form, "errors": error_list(form),
        "can_open": tender.status == TenderStatus.CLOSED.value and deadline_passed,
        "deadline_passed": deadline_passed,
    }, status=400 if form.errors else 200)


@login_required
def opened_bid(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """A bid's live submission for the commissioning side, only once opened (and for evaluators, if allowed)."""
    bid = Bid.objects.filter(reference=reference).select_related("tender", "provider").first()
    if bid is None or not (permissions.is_commissioning_side(request.user) or is_own_bid(request.user, bid)):
        raise Http404("No such bid.")
    if not can_read_bid(request.user, bid):
        return _forbidden(request, sealed_message(bid.tender))
    live = BidVersion.objects.filter(bid=bid).exclude(status=BidVersionStatus.DRAFT).order_by("-number").first()
    version = sel.version_with_content(version_id=live.pk) if live else None
    rows = _content_rows(version) if version else {}
    if version and not can_see_bid_prices(request.user, bid):  # two envelopes: prices and price documents stay sealed
        rows.update(prices=[], prices_withheld=True,
                    documents=[d for d in rows["documents"] if d.envelope != DocumentEnvelope.PRICE])
    return _page(request, "bidding/opened_bid.html", {
        "bid": bid, "tender": bid.tender, "version": version, **rows,
        "late": list(bid.late_attempts.all()), "can_see_register": can_see_bid_register(request.user, bid.tender),
    })
