"""Provider-portal pages: tenders, bids, receipts, notifications and questions about prices.

Thin views over tenders.services and evaluation.price_clarifications; who may do what is the
access policy's (accounts.permissions).
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.permissions import can_read_document, is_own_bid, may_bid
from common.errors import DeadlinePassed, DomainError, PermissionDeniedError
from common.form_views import error_list, handle_action, handle_form
from common.http import AuthenticatedHttpRequest
from evaluation import price_clarifications as clarifications
from evaluation.forms import PriceExplanationForm
from evaluation.models import PriceClarification
from notifications.models import Notification
from providers.models import ProviderStatus
from reports.selectors import issued_documents
from tenders import bidding_selectors as sel
from tenders import services
from tenders.access import sealed_message
from tenders.bidding_rules import DECLARATIONS, word_count
from tenders.forms import (
    AnswerForm,
    ClarificationForm,
    DeclarationsForm,
    DocumentForm,
    LocationsForm,
    PricesForm,
    SubmitForm,
    WithdrawForm,
)
from tenders.models import (
    Bid,
    BidDocument,
    BidVersion,
    BidVersionStatus,
    Clarification,
    DocumentEnvelope,
    Lot,
    Tender,
    TenderDocument,
)
from tenders.page_support import (
    _bid_context,
    _content_rows,
    _draft_or_overview,
    _forbidden,
    _own_bid,
    _page,
    _visible_tender,
    change_lines,
    own_provider,
    problem_links,
    provider_required,
)
from tenders.receipts import canonical_json
from tenders.transitions import TenderStatus

# --- provider portal ---------------------------------------------------------


@provider_required
def portal(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A provider's home: open tenders with its bid status, its notifications."""
    provider = own_provider(request.user)
    bids = sel.provider_bids(provider_id=provider.pk)
    tenders = list(sel.open_tenders())
    rows = [{"tender": t, "bid": bids.get(t.pk)} for t in tenders]
    past = [b for b in bids.values() if b.tender.status != TenderStatus.PUBLISHED.value]
    latest = list(sel.notifications_for(user=request.user, limit=5))
    _mark_seen(request, latest)
    return _page(request, "bidding/portal.html", {
        "provider": provider, "rows": rows, "past_bids": past,
        "notifications": latest,
        "pending": provider.status != ProviderStatus.APPROVED,
    })


@provider_required
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.notification_mark_read(user=request.user)
        messages.success(request, "All notifications marked as read.")
        return redirect("bidding-notifications")
    shown = list(sel.notifications_for(user=request.user))
    _mark_seen(request, shown)
    return _page(request, "bidding/notifications.html", {"notifications": shown})


def _mark_seen(request: AuthenticatedHttpRequest, shown: list[Notification]) -> None:
    """Notifications shown on a page count as read; the page still tags them "New" this once."""
    unread = [n.pk for n in shown if n.read_at is None]
    if unread:
        services.notification_mark_read(user=request.user, notification_ids=unread)


@login_required
def tender_page(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The specification as a bidder reads it: lots, minute basis, documents, amendments, clarifications."""
    tender = _visible_tender(request, reference)
    user = request.user
    bid = None
    pending_questions: list[Clarification] = []
    if permissions.is_provider_user(user) and user.provider_id is not None:  # is_provider_user checked it is set
        bid = Bid.objects.filter(tender=tender, provider_id=user.provider_id).first()
        pending_questions = list(sel.own_pending_clarifications(tender=tender, provider_id=user.provider_id))
    now = timezone.now()
    lots = list(tender.lots.all())
    closes = services.clarification_closes_at(tender)
    return _page(request, "bidding/tender.html", {
        "tender": tender, "lots": lots, "total_hours": sum(lot.hours_per_week for lot in lots),
        "documents": list(sel.tender_documents(tender=tender)),
        "amendments": [{"amendment": a, "lines": change_lines(a.changes)} for a in sel.amendments(tender=tender)],
        "clarifications": list(sel.published_clarifications(tender=tender)),
        "pending_questions": pending_questions,
        "clarifications_close": closes,
        # A published tender has its deadlines (a database constraint); a draft shown to a commissioner has none.
        "questions_open": tender.status == TenderStatus.PUBLISHED.value and closes is not None and now < closes,
        "open_for_bids": (tender.status == TenderStatus.PUBLISHED.value and tender.submission_deadline is not None
                          and now < tender.submission_deadline),
        "bid": bid, "may_bid": may_bid(user), "is_provider": permissions.is_provider_user(user),
    })


@login_required
def tender_document(request: AuthenticatedHttpRequest, reference: str, document_id: int) -> FileResponse:
    tender = _visible_tender(request, reference)
    document = TenderDocument.objects.filter(tender=tender, pk=document_id).first()
    if document is None:
        raise Http404("No such document.")
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name,
                        content_type=document.content_type)


@provider_required
def clarification_ask(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    tender = _visible_tender(request, reference)
    form = ClarificationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (done := handle_form(
        request, form,
        lambda data: services.clarification_ask(tender=tender, user=request.user, question=data["question"]),
        success="Your question has been sent. The answer will be published to every bidder without saying who asked.",
        redirect_to=reverse("bidding-tender", args=[tender.reference]) + "#clarifications",
    )):
        return done
    return _page(request, "bidding/ask.html", {
        "tender": tender, "form": form, "errors": error_list(form), "closes": services.clarification_closes_at(tender),
    }, status=400 if form.errors else 200)


@provider_required
@require_POST
def bid_start(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    tender = _visible_tender(request, reference)
    return handle_action(
        request, lambda: services.bid_start(tender=tender, user=request.user), success=None,
        redirect_to=lambda bid: reverse("bidding-bid", args=[bid.reference]),
        refused_to=reverse("bidding-tender", args=[tender.reference]),
    )


@provider_required
def bid_overview(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The task list: each part of the bid and whether it is done, then check and submit."""
    bid = _own_bid(request, reference)
    context = _bid_context(request, bid)
    draft = context["draft"]
    if draft is not None:
        questions = list(bid.tender.questions.all())
        answers = {a.question_id: a.text for a in draft.answers.all()}
        problems = services.bid_submission_problems(version=draft)
        fields_with_problems = {p.field for p in problems}
        context.update({
            "questions": [
                {"question": q, "answered": bool(answers.get(q.pk)), "words": word_count(answers.get(q.pk, "")),
                 "problem": f"answer-{q.number}" in fields_with_problems}
                for q in questions
            ],
            "prices_done": "prices" not in fields_with_problems,
            "locations_done": "locations" not in fields_with_problems,
            "declarations_done": "declarations" not in fields_with_problems,
            "document_count": len(draft.documents.all()),
            "problems": problems,
            "prices_hint": _lots_priced(len(draft.lot_prices.all())),
        })
    # The outcome at award (issue 14): the documents issued to this organisation.
    context["issued_documents"] = issued_documents(bid=bid) if bid.outcome else []
    return _page(request, "bidding/bid.html", context)


def _lots_priced(count: int) -> str:
    return "No lots chosen yet" if count == 0 else f"{count} lot{'' if count == 1 else 's'} priced"


def _price_rows(tender: Tender, lots: list[Lot], prices: dict[int, tuple[Any, Any]]) -> list[dict[str, Any]]:
    """Server-side price checks for re-rendered pages (the live ones come from bid_price_check.js).

    `prices`: each lot's (hourly price, package price), either of them None."""
    rows = []
    for lot in lots:
        price, package = prices.get(lot.pk, (None, None))
        rows.append({
            "lot": lot,
            "per_contact_hour": sel.contact_hour_price(tender=tender, price=price) if price else None,
            "check": sel.lot_price_check(lot=lot, price=price) if price else None,
            "package_check": sel.lot_package_check(lot=lot, package_price=package) if package else None,
        })
    return rows


@provider_required
def bid_prices(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    bid = _own_bid(request, reference)
    draft = _draft_or_overview(request, bid)
    if isinstance(draft, HttpResponse):
        return draft
    tender = bid.tender
    lots = list(tender.lots.select_related("zone").order_by("number"))  # each knows its tender: checked per lot
    saved = {p.lot_id: p for p in draft.lot_prices.all()}
    initial: dict[str, Any] = {}
    for lot_id, price in saved.items():
        initial[f"lot_{lot_id}"] = True
        initial[f"hourly_{lot_id}"] = price.hourly_price
        initial[f"package_{lot_id}"] = price.package_price if price.package_price is not None else ""
    form = PricesForm(request.POST if request.method == "POST" else None, lots=lots, initial=initial)
    if request.method == "POST" and (done := handle_form(
        request, form, lambda data: services.bid_update_draft(bid=bid, user=request.user, prices=data["prices"]),
        success="Your lots and prices have been saved.", redirect_to=reverse("bidding-bid", args=[bid.reference]),
    )):
        return done
    shown = {lot_id: (p.hourly_price, p.package_price) for lot_id, p in saved.items()}
    if form.is_bound:  # re-rendered with errors: check the prices just typed, not the saved ones
        shown = getattr(form, "cleaned_data", {}).get("prices", {})
    checks = {row["lot"].pk: row for row in _price_rows(tender, lots, shown)}
    rows = [{**row, **checks[row["lot"].pk]} for row in form.rows()]
    return _page(request, "bidding/prices.html", {
        **_bid_context(request, bid), "form": form, "rows": rows, "errors": error_list(form),
    }, status=400 if form.errors else 200)


@provider_required
def bid_locations(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    bid = _own_bid(request, reference)
    draft = _draft_or_overview(request, bid)
    if isinstance(draft, HttpResponse):
        return draft
    form = LocationsForm(request.POST if request.method == "POST" else None, initial={"locations": "\n".join(draft.cqc_location_ids or [])})
    if request.method == "POST" and (done := handle_form(
        request, form,
        lambda data: services.bid_update_draft(bid=bid, user=request.user, cqc_location_ids=data["locations"]),
        success="Your CQC locations have been saved.", redirect_to=reverse("bidding-bid", args=[bid.reference]),
        field_map={"cqc_location_ids": "locations"},
    )):
        return done
    return _page(request, "bidding/locations.html", {
        **_bid_context(request, bid), "form": form, "errors": error_list(form),
    }, status=400 if form.errors else 200)


@provider_required
def bid_answer(request: AuthenticatedHttpRequest, reference: str, number: int) -> HttpResponse:
    """One quality question per page, with its word limit shown and enforced."""
    bid = _own_bid(request, reference)
    draft = _draft_or_overview(request, bid)
    if isinstance(draft, HttpResponse):
        return draft
    questions = list(bid.tender.questions.all())
    question = next((q for q in questions if q.number == number), None)
    if question is None:
        raise Http404("No such question.")
    saved = draft.answers.filter(question=question).first()
    form = AnswerForm(request.POST if request.method == "POST" else None, question=question, initial={"answer": saved.text if saved else ""})
    later = [q for q in questions if q.number > question.number]
    onward = (reverse("bidding-answer", args=[bid.reference, later[0].number]) if later and "next" in request.POST
              else reverse("bidding-bid", args=[bid.reference]))
    if request.method == "POST" and (done := handle_form(
        request, form,
        lambda data: services.bid_update_draft(bid=bid, user=request.user, answers={question.pk: data["answer"]}),
        success=f"Your answer to question {question.number} has been saved.", redirect_to=onward,
        field_map={f"answer-{question.number}": "answer"},
    )):
        return done
    index = questions.index(question)
    return _page(request, "bidding/answer.html", {
        **_bid_context(request, bid), "form": form, "errors": error_list(form), "question": question,
        "position": index + 1, "count": len(questions), "has_next": index + 1 < len(questions),
    }, status=400 if form.errors else 200)


@provider_required
def bid_documents(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    bid = _own_bid(request, reference)
    draft = _draft_or_overview(request, bid)
    if isinstance(draft, HttpResponse):
        return draft
    form = DocumentForm(request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None)
    if request.method == "POST" and (done := handle_form(
        request, form,
        lambda data: services.bid_add_document(bid=bid, user=request.user, upload=data["document"],
                                               envelope=data["envelope"] or "quality"),
        success=lambda document: f"{document.original_name} has been uploaded.",
        redirect_to=reverse("bidding-documents", args=[bid.reference]),
    )):
        return done
    from django.conf import settings

    return _page(request, "bidding/documents.html", {
        **_bid_context(request, bid), "form": form, "errors": error_list(form),
        "documents": list(draft.documents.all()), "max_mb": settings.BID_DOCUMENT_MAX_BYTES // (1024 * 1024),
    }, status=400 if form.errors else 200)


@provider_required
@require_POST
def bid_document_remove(request: AuthenticatedHttpRequest, reference: str, document_id: int) -> HttpResponse:
    bid = _own_bid(request, reference)
    return handle_action(
        request, lambda: services.bid_remove_document(bid=bid, user=request.user, document_id=document_id),
        success="The document has been removed.", redirect_to=reverse("bidding-documents", args=[bid.reference]),
    )


@login_required
def bid_document_download(request: AuthenticatedHttpRequest, reference: str, document_id: int) -> HttpResponse | FileResponse:
    """A bid document, for its own provider, or for readers allowed once the tender is opened."""
    document = BidDocument.objects.select_related("version__bid__tender", "version__bid__provider").filter(
        pk=document_id, version__bid__reference=reference
    ).first()
    if document is None or not (is_own_bid(request.user, document.version.bid)
                                or permissions.is_commissioning_side(request.user)):
        raise Http404("No such document.")
    if not can_read_document(request.user, document.version,
                             is_price_document=document.envelope == DocumentEnvelope.PRICE):
        return _forbidden(request, sealed_message(document.version.bid.tender))
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name,
                        content_type=document.content_type)


@provider_required
def bid_declarations(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    bid = _own_bid(request, reference)
    draft = _draft_or_overview(request, bid)
    if isinstance(draft, HttpResponse):
        return draft
    form = DeclarationsForm(request.POST if request.method == "POST" else None, initial={"declarations": [k for k, v in (draft.declarations or {}).items() if v]})
    if request.method == "POST" and (done := handle_form(
        request, form,
        lambda data: services.bid_update_draft(bid=bid, user=request.user, declarations=data["declarations"]),
        success="Your declarations have been saved.", redirect_to=reverse("bidding-bid", args=[bid.reference]),
    )):
        return done
    chosen = set(form["declarations"].value() or [])
    return _page(request, "bidding/declarations.html", {
        **_bid_context(request, bid), "form": form, "errors": error_list(form),
        "statements": [{"key": k, "text": t, "checked": k in chosen} for k, t in DECLARATIONS.items()],
    }, status=400 if form.errors else 200)


@provider_required
def bid_check(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Check your answers, then submit. The submit button carries an idempotency key so a double click is harmless."""
    bid = _own_bid(request, reference)
    form = SubmitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, "Something went wrong with the form. Try again.")
            return redirect("bidding-check", reference=bid.reference)
        try:
            result = services.bid_submit(
                bid=bid, user=request.user, idempotency_key=form.cleaned_data["idempotency_key"], channel="web"
            )
        except PermissionDeniedError as exc:
            return _forbidden(request, exc.message)
        except DeadlinePassed as exc:
            return _page(request, "bidding/late.html", {**_bid_context(request, bid), "message": exc.message}, status=409)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("bidding-check", reference=bid.reference)
        # The receipt page's panel says "Bid submitted"; a flash message would only repeat it.
        return redirect("bidding-receipt", reference=bid.reference, number=result.version.number)
    draft = _draft_or_overview(request, bid)
    if isinstance(draft, HttpResponse):
        return draft
    version = sel.version_with_content(version_id=draft.pk)
    problems = services.bid_submission_problems(version=version)
    return _page(request, "bidding/check.html", {
        **_bid_context(request, bid), **_content_rows(version), "version": version,
        "problems": problem_links(bid, problems), "idempotency_key": uuid.uuid4().hex,
        "price_warnings": _price_warnings(version),
    })


def _price_warnings(version: BidVersion) -> list[dict[str, Any]]:
    """Every price warning the prices page gave, repeated before submission (issue 16)."""
    warnings = []
    for price in sorted(version.lot_prices.all(), key=lambda p: p.lot.number):
        checks = (
            sel.lot_price_check(lot=price.lot, price=price.hourly_price) if price.hourly_price else None,
            sel.lot_package_check(lot=price.lot, package_price=price.package_price) if price.package_price else None,
        )
        warnings += [{"lot": price.lot, "check": c} for c in checks if c and c["status"] != "within_range"]
    return warnings


def _own_version(request: HttpRequest, reference: str, number: int) -> BidVersion:
    bid = _own_bid(request, reference)
    version = BidVersion.objects.filter(bid=bid, number=number).exclude(status=BidVersionStatus.DRAFT).first()
    if version is None or not version.content:
        raise Http404("No such submission.")
    return sel.version_with_content(version_id=version.pk)


def _receipt_content(version: BidVersion) -> dict[str, Any]:
    """What the receipt's digest covers; `_own_version` answered 404 for a version without it."""
    content: dict[str, Any] | None = version.content
    assert content is not None
    return content


@provider_required
def bid_receipt(request: AuthenticatedHttpRequest, reference: str, number: int) -> HttpResponse:
    version = _own_version(request, reference, number)
    return _page(request, "bidding/receipt.html", {
        **_bid_context(request, version.bid), **_content_rows(version), "version": version,
        "canonical": canonical_json(_receipt_content(version)),
    })


@provider_required
def bid_receipt_pdf(request: AuthenticatedHttpRequest, reference: str, number: int) -> HttpResponse:
    """The receipt as a PDF (WeasyPrint), to file or print: the digest, the time received and the content."""
    from reports.pdf import html_to_pdf, render_html  # loads Pango only when a PDF is asked for

    version = _own_version(request, reference, number)
    html = render_html("bidding/receipt_pdf.html", {
        **_bid_context(request, version.bid), **_content_rows(version), "version": version,
        "generated_at": timezone.now(),
    })
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{version.bid.reference}-v{version.number}.pdf"'
    return response


@provider_required
def bid_receipt_json(request: AuthenticatedHttpRequest, reference: str, number: int) -> HttpResponse:
    """The exact bytes the digest covers: `sha256sum` of this file prints the receipt's digest."""
    version = _own_version(request, reference, number)
    response = HttpResponse(canonical_json(_receipt_content(version)).encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="receipt-{version.bid.reference}-v{version.number}.json"'
    return response


def _simple_post(request: HttpRequest, reference: str, action: Callable[[Bid], Any], success: str) -> HttpResponse:
    bid = _own_bid(request, reference)
    try:
        result = action(bid)
    except PermissionDeniedError as exc:
        return _forbidden(request, exc.message)
    except DeadlinePassed as exc:
        return _page(request, "bidding/late.html", {**_bid_context(request, bid), "message": exc.message}, status=409)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("bidding-bid", reference=bid.reference)
    messages.success(request, success)
    if isinstance(result, services.SubmitResult):
        return redirect("bidding-receipt", reference=bid.reference, number=result.version.number)
    return redirect("bidding-bid", reference=bid.reference)


@provider_required
@require_POST
def bid_revise(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    return _simple_post(
        request, reference, lambda bid: services.bid_revise(bid=bid, user=request.user),
        "A new draft has been started from your submitted bid. Your submitted bid stands until you submit the revision.",
    )


@provider_required
@require_POST
def bid_discard(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    return _simple_post(
        request, reference, lambda bid: services.bid_discard_draft(bid=bid, user=request.user),
        "Your unsubmitted changes have been discarded.",
    )


@provider_required
@require_POST
def bid_reconfirm(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    key = (request.POST.get("idempotency_key") or "")[:64]
    return _simple_post(
        request, reference,
        lambda bid: services.bid_reconfirm(bid=bid, user=request.user, idempotency_key=key, channel="web"),
        "Your bid has been re-confirmed against the amended tender.",
    )


@provider_required
def bid_withdraw(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    bid = _own_bid(request, reference)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (done := handle_form(
        request, form, lambda data: services.bid_withdraw(bid=bid, user=request.user, reason=data["reason"]),
        success="Your bid has been withdrawn. You can submit again before the deadline.",
        redirect_to=reverse("bidding-bid", args=[bid.reference]),
    )):
        return done
    return _page(request, "bidding/withdraw.html", {
        **_bid_context(request, bid), "form": form, "errors": error_list(form),
    }, status=400 if form.errors else 200)


# --- questions about prices ----------------------------------------------------


def _clarification(request: HttpRequest, reference: str, pk: int) -> PriceClarification:
    clarification = (
        PriceClarification.objects.select_related("bid__tender", "bid__provider", "lot__zone")
        .filter(pk=pk, bid__reference=reference, requested_at__isnull=False).first()
    )
    if clarification is None:
        raise Http404("No such question about a price.")
    return clarification


@login_required
def price_clarification(request: AuthenticatedHttpRequest, reference: str, pk: int) -> HttpResponse:
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
        # Asking a bidder sets reply_by, so a question awaiting the bidder always has one.
        "now": now, "may_answer": (clarification.stage == "awaiting_bidder" and clarification.reply_by is not None
                                   and now <= clarification.reply_by),
    }, status=400 if form.errors else 200)


@login_required
def price_clarification_document(
    request: AuthenticatedHttpRequest, reference: str, pk: int, document_id: int,
) -> FileResponse:
    """A document sent with an explanation: for the bidder, and for those who may see its prices."""
    clarification = _clarification(request, reference, pk)
    document = next((d for d in clarifications.readable_documents(user=request.user, clarification=clarification)
                     if d.pk == document_id), None)
    if document is None:
        raise Http404("No such document.")
    return FileResponse(document.file.open("rb"), as_attachment=document.content_type != "application/pdf",
                        filename=document.original_name, content_type=document.content_type)
