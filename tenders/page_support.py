"""Shared pieces of the tender pages, below every page module (provider portal: tenders/portal_views.py;
commissioner pages: tenders/manage_views.py, tenders/views.py; providers/views.py): access decorators, the page
renderer, error lists, display rows, a tender's next actions. Page modules import this, never each other
(.importlinter: interfaces-apart).

Pages follow GOV.UK Design System patterns: an error summary linking to each field,
one question per page for quality answers, plain words. Every rule is enforced by
the services (server clock, sealed bids); the pages only show and collect.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts import permissions
from accounts.permissions import may_bid
from common.timezone import uk_minute_text
from evaluation.models import PriceClarification
from tenders import bidding_selectors as sel
from tenders.bidding_rules import DECLARATIONS
from tenders.models import (
    Bid,
    BidVersion,
    Tender,
)
from tenders.selectors import tender_list
from tenders.services.drafting import may_configure_tenders
from tenders.transitions import TenderStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from providers.models import Provider

View = Callable[..., HttpResponse]


# --- helpers ----------------------------------------------------------------


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "bidding/forbidden.html", {"message": message}, status=403)


def provider_required(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.is_provider_user(request.user):
            return _forbidden(request, "This page is for providers' users.")
        return view(request, *args, **kwargs)

    return wrapper


def commissioner_required(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.is_commissioner(request.user):
            return _forbidden(request, "This page is for commissioners.")
        return view(request, *args, **kwargs)

    return wrapper


def own_provider(user: User) -> Provider:
    """The organisation a provider user acts for, on a page behind `provider_required`."""
    provider = user.provider
    assert provider is not None  # is_provider_user checked provider_id (a database constraint requires it too)
    return provider


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context.setdefault("now", timezone.now())
    return render(request, template, context, status=status)


def _visible_tender(request: HttpRequest, reference: str) -> Tender:
    tender = tender_list(user=request.user).filter(reference=reference).first()
    if tender is None:
        raise Http404("No such tender.")
    return tender


def _own_bid(request: HttpRequest, reference: str) -> Bid:
    """The user's own bid, else 404: a rival cannot tell a bid exists."""
    bid = sel.bid_for_user(user=request.user, reference=reference)
    if bid is None:
        raise Http404("No such bid.")
    return bid


def _bid_context(request: HttpRequest, bid: Bid, **extra: Any) -> dict[str, Any]:
    state = sel.bid_state(bid=bid)
    tender = bid.tender
    now = timezone.now()
    deadline = tender.submission_deadline
    assert deadline is not None  # a bid is only started on a published tender, which has its deadline
    return {
        "bid": bid,
        "tender": tender,
        "state": state,
        "draft": state.draft,
        "live": state.live,
        "deadline_passed": now >= deadline,
        "open_for_bids": tender.status == TenderStatus.PUBLISHED.value and now < deadline,
        "may_bid": may_bid(request.user),
        # Questions about abnormally low prices sent to this bidder through the portal.
        "price_questions": list(PriceClarification.objects.filter(bid=bid, requested_at__isnull=False)
                                .select_related("lot").order_by("lot__number")),
        **extra,
    }


def _when(value: Any) -> str:
    """An ISO timestamp from an amendment's change list, in UK time."""
    if not value:
        return "none"
    parsed = parse_datetime(str(value))
    if parsed is None:
        return str(value)
    return uk_minute_text(parsed)


def change_lines(changes: list[dict[str, Any]]) -> list[str]:
    """An amendment's changes in words a bidder reads."""
    lines = []
    for change in changes:
        field, before, after = change.get("field"), change.get("before"), change.get("after")
        if field == "submission_deadline":
            lines.append(f"Submission deadline moved from {_when(before)} to {_when(after)} (UK time).")
        elif field == "clarification_deadline":
            lines.append(f"Clarification questions now close at {_when(after)} (UK time); before: {_when(before)}.")
        elif field == "description":
            lines.append("The specification text was revised: read the description above.")
        elif field == "hours_per_week":
            lines.append(f"Lot {change.get('lot')}: hours a week changed from {before} to {after}.")
        elif field == "ceiling_price":
            shown = [f"£{v}" if v else "no ceiling" for v in (before, after)]
            lines.append(f"Lot {change.get('lot')}: ceiling price changed from {shown[0]} to {shown[1]}.")
        elif field == "document":
            lines.append(f"New document: {after}.")
        else:
            lines.append(f"{field} changed.")
    return lines


def _draft_or_overview(request: HttpRequest, bid: Bid) -> BidVersion | HttpResponse:
    """The draft to edit, or a redirect to the overview explaining why there is none."""
    state = sel.bid_state(bid=bid)
    deadline = bid.tender.submission_deadline
    assert deadline is not None  # a bid is only started on a published tender, which has its deadline
    if timezone.now() >= deadline or bid.tender.status != TenderStatus.PUBLISHED.value:
        messages.error(request, "The submission deadline has passed, so this bid can no longer be changed.")
        return redirect("bidding-bid", reference=bid.reference)
    if state.draft is None:
        messages.info(request, "Your bid has been submitted. Start a revision to change it.")
        return redirect("bidding-bid", reference=bid.reference)
    return state.draft


def _content_rows(version: BidVersion) -> dict[str, Any]:
    """A version's rows for display (check page, receipt, commissioner view)."""
    tender = version.bid.tender
    prices = sorted(version.lot_prices.all(), key=lambda p: p.lot.number)
    return {
        "prices": [
            {"price": p, "per_contact_hour": sel.contact_hour_price(tender=tender, price=p.hourly_price)} for p in prices
        ],
        "answers": sorted(version.answers.all(), key=lambda a: a.question.number),
        "documents": list(version.documents.all()),
        "declarations": [text for key, text in DECLARATIONS.items() if (version.declarations or {}).get(key)],
    }


def problem_links(bid: Bid, problems: list[Any]) -> list[tuple[str, str]]:
    """(address of the page that fixes it, message) for each problem: pairs for templates/_error_summary.html."""
    links = []
    for problem in problems:
        field = problem.field
        if field == "prices" or field.startswith("lot-"):
            url = reverse("bidding-prices", args=[bid.reference])
        elif field == "locations":
            url = reverse("bidding-locations", args=[bid.reference])
        elif field == "declarations":
            url = reverse("bidding-declarations", args=[bid.reference])
        elif field.startswith("answer-"):
            url = reverse("bidding-answer", args=[bid.reference, int(field.removeprefix("answer-"))])
        else:
            url = reverse("bidding-bid", args=[bid.reference])
        links.append((url, problem.message))
    return links


def _url(name: str, reference: str) -> str | None:
    """The page's address, or None where that page is not installed (an action is then not offered)."""
    try:
        return reverse(name, args=[reference])
    except NoReverseMatch:
        return None


def next_actions(user: User | AnonymousUser, tender: Tender) -> list[tuple[str, str]]:
    """(label, url) of what this commissioner may do next with the tender, in the order they come."""
    if not may_configure_tenders(user):
        return []
    ref, status = tender.reference, TenderStatus(tender.status)
    items: list[tuple[str, str | None]] = []
    if status == TenderStatus.DRAFT:
        items += [("Continue setting up", _url("builder-tasks", ref)), ("Check and publish", _url("builder-check", ref))]
    elif status == TenderStatus.PUBLISHED:
        items += [("Amend the tender", _url("bidding-amend", ref))]
    elif status == TenderStatus.CLOSED:
        items += [("Open the bids", _url("bidding-register", ref))]
    elif status == TenderStatus.OPENED:
        items += [("Start the evaluation", reverse("tender-action", args=[ref, "start-evaluation"]))]
    elif status == TenderStatus.IN_EVALUATION:
        # The award sequence lives on the award page (reports app): decision, summaries, notices, contract.
        items.append(("Award the tender", _url("reports-award", ref)))
    elif status == TenderStatus.AWARDED:
        items.append(("Record the contract award notice or mark the tender contracted", _url("reports-award", ref)))
    if status not in (TenderStatus.CONTRACTED, TenderStatus.CANCELLED):
        items.append(("Cancel this tender", reverse("tender-action", args=[ref, "cancel"])))
    items.append(("Copy this tender", reverse("tender-copy", args=[ref])))
    return [(label, url) for label, url in items if url]
