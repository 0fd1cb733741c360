"""Read paths for the provider portal and the sealed bid register, shaped to avoid N+1 queries."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet

from notifications.selectors import notifications_for as notifications_for  # re-exported for the portal pages
from notifications.selectors import unread_notification_count as unread_notification_count  # and the header
from pricing import conversion
from pricing.conversion import MinuteBasis
from tenders.bidding_rules import provider_check_message
from tenders.models import (
    Amendment,
    Bid,
    BidStatus,
    BidVersion,
    BidVersionStatus,
    Clarification,
    ClarificationStatus,
    LateSubmissionAttempt,
    Lot,
    Tender,
    TenderDocument,
)
from tenders.transitions import TenderStatus

if TYPE_CHECKING:
    from accounts.models import User


def open_tenders() -> QuerySet[Tender]:
    """Published tenders, soonest deadline first, with lots and zones."""
    return (
        Tender.objects.filter(status=TenderStatus.PUBLISHED.value)
        .prefetch_related(Prefetch("lots", queryset=Lot.objects.select_related("zone").order_by("number")))
        .order_by("submission_deadline", "reference")
    )


def provider_bids(*, provider_id: int) -> dict[int, Bid]:
    """The organisation's bids keyed by tender id."""
    return {bid.tender_id: bid for bid in Bid.objects.filter(provider_id=provider_id).select_related("tender")}


def bid_for_user(*, user: User | AnonymousUser, reference: str) -> Bid | None:
    """The user's own bid with this reference, or None (a rival's bid is indistinguishable from no bid)."""
    provider_id = getattr(user, "provider_id", None)
    if not provider_id:
        return None
    return (
        Bid.objects.filter(reference=reference, provider_id=provider_id)
        .select_related("tender", "provider", "tender__rate_preset")
        .first()
    )


def version_with_content(*, version_id: int) -> BidVersion:
    version = (
        BidVersion.objects.select_related("bid__tender", "bid__provider", "submitted_by")
        .prefetch_related("lot_prices__lot__zone", "answers__question", "documents")
        .get(pk=version_id)
    )
    _lots_know_their_tender(version, version.bid.tender)
    return version


def _lots_know_their_tender(version: BidVersion, tender: Tender) -> None:
    """A priced lot of the bid's tender is given that tender: a page checking each price against its lot reads it
    no more. Only when the ids agree: a price on another tender's lot must still be seen as one."""
    for price in version.lot_prices.all():
        if price.lot.tender_id == tender.pk:
            price.lot.tender = tender


@dataclass(frozen=True)
class BidState:
    bid: Bid
    draft: BidVersion | None
    live: BidVersion | None
    versions: list[BidVersion]

    @property
    def last_submitted(self) -> BidVersion | None:
        return next((v for v in reversed(self.versions) if v.submitted_at), None)


def bid_state(*, bid: Bid) -> BidState:
    versions = list(
        BidVersion.objects.filter(bid=bid)
        .select_related("submitted_by")
        .prefetch_related("lot_prices__lot__zone", "answers__question", "documents")
        .order_by("number")
    )
    for version in versions:
        version.bid = bid
        _lots_know_their_tender(version, bid.tender)
    draft = next((v for v in versions if v.status == BidVersionStatus.DRAFT), None)
    live = next((v for v in versions if v.status == BidVersionStatus.SUBMITTED), None)
    return BidState(bid=bid, draft=draft, live=live, versions=versions)


def published_clarifications(*, tender: Tender) -> QuerySet[Clarification]:
    """Answered questions as every bidder sees them; never who asked."""
    return Clarification.objects.filter(tender=tender, status=ClarificationStatus.PUBLISHED).order_by("number")


def own_pending_clarifications(*, tender: Tender, provider_id: int) -> QuerySet[Clarification]:
    return Clarification.objects.filter(
        tender=tender, asked_by_provider_id=provider_id, status=ClarificationStatus.PENDING
    ).order_by("number")


def all_clarifications(*, tender: Tender) -> QuerySet[Clarification]:
    """Commissioner's view, including who asked."""
    return Clarification.objects.filter(tender=tender).select_related("asked_by_provider", "asked_by").order_by(
        "status", "number"
    )


def amendments(*, tender: Tender) -> QuerySet[Amendment]:
    return Amendment.objects.filter(tender=tender).prefetch_related("documents").order_by("number")


def tender_documents(*, tender: Tender) -> QuerySet[TenderDocument]:
    return TenderDocument.objects.filter(tender=tender).select_related("amendment").order_by("uploaded_at", "id")


@dataclass(frozen=True)
class RegisterSummary:
    """What a commissioner may know about a tender's bids: counts while sealed, the list once opened."""

    sealed: bool
    submitted: int
    withdrawn: int
    in_progress: int
    late_attempts: int
    bids: list[Bid]
    late: list[LateSubmissionAttempt]


def bid_register(*, tender: Tender) -> RegisterSummary:
    counts = Bid.objects.filter(tender=tender).aggregate(
        submitted=Count("pk", filter=Q(status=BidStatus.SUBMITTED)),
        withdrawn=Count("pk", filter=Q(status=BidStatus.WITHDRAWN)),
        in_progress=Count("pk", filter=Q(status=BidStatus.DRAFT)),
    )
    late = LateSubmissionAttempt.objects.filter(tender=tender)
    sealed = tender.is_sealed
    bids = [] if sealed else list(Bid.objects.filter(tender=tender).select_related("provider").order_by("reference"))
    for bid in bids:
        bid.tender = tender  # readers name it (the API row): not one query per bid
    return RegisterSummary(
        sealed=sealed,
        submitted=counts["submitted"],
        withdrawn=counts["withdrawn"],
        in_progress=counts["in_progress"],
        late_attempts=late.count(),
        bids=bids,
        late=[] if sealed else list(late.select_related("provider", "user")),
    )


def contact_hour_price(*, tender: Tender, price: Decimal) -> Decimal | None:
    """The price per contact hour on the tender's minute basis, to the penny half up (display only)."""
    try:
        return conversion.contact_hour_price(price, MinuteBasis(tender.contact_minutes, tender.travel_minutes))
    except (TypeError, ValueError):
        return None


def lot_price_check(*, lot: Lot, price: Decimal) -> dict[str, Any] | None:
    """The cost-of-care check for a price, worded for the bidder; None when it cannot be made."""
    from pricing.selectors import lot_price_check as check

    return _bidder_check(lambda: check(lot=lot, price=price))


def lot_package_check(*, lot: Lot, package_price: Decimal) -> dict[str, Any] | None:
    """The same for a package price, over the lot's package hours; None when it cannot be made."""
    from pricing.selectors import lot_package_price_check as check

    if not lot.package_pricing or not lot.package_hours:
        return None
    return _bidder_check(lambda: check(lot=lot, package_price=package_price), package_hours=lot.package_hours)


def _bidder_check(check: Callable[[], Any], package_hours: Decimal | None = None) -> dict[str, Any] | None:
    try:
        result = check()
        message = provider_check_message(result, package_hours)
    except Exception:  # noqa: BLE001 - a missing preset or a bad figure must not break the bid page
        return None
    return {"status": result.status.value, "message": message, "needs_clarification": result.needs_clarification}
