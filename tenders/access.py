"""The sealed-bid rules, kept importable from here; the policy itself is `accounts.permissions`.

* The bidding provider's own users may always read their own bid, drafts included.
* Nobody else reads a bid while the tender is sealed (until a commissioner opens it).
* After opening: commissioners and legal read submitted content; a panel member only when
  assigned, every bidder declared, and no conflict with this bidder. The IT admin never.
* Prices (the second envelope): `can_see_prices`, see `accounts.permissions`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accounts.permissions import (  # noqa: F401  (re-exported for existing imports)
    can_read_bid,
    can_read_document,
    can_read_receipt,
    can_read_version,
    can_see_bid_prices,
    can_see_bid_register,
    can_see_prices,
    is_own_bid,
    may_bid,
)
from tenders.models import BidVersion, DocumentEnvelope, Tender

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def sealed_message(tender: Tender) -> str:
    return (
        f"Bids for {tender.reference} are sealed until a commissioner opens them after the submission deadline."
        if tender.is_sealed
        else "You do not have access to this bid."
    )


# Keys that carry a price in any representation of a bid (API, receipt, page context, export).
PRICE_KEYS = frozenset({
    "hourly_price", "package_price", "price_per_contact_hour", "price", "prices", "price_check",
    "price_score", "price_points", "lowest_price", "clarification", "price_clarification",
})


def strip_prices(value: Any) -> Any:
    """A copy of JSON-like data with every price key removed, at any depth (the second envelope closed)."""
    if isinstance(value, dict):
        return {k: strip_prices(v) for k, v in value.items() if k not in PRICE_KEYS}
    if isinstance(value, list):
        return [strip_prices(v) for v in value]
    return value


def version_content_for(user: User | AnonymousUser, version: BidVersion) -> dict[str, Any]:
    """A submitted version's frozen content as this reader may see it: prices dropped unless `can_see_prices`."""
    content = dict(version.content or {})
    if can_see_bid_prices(user, version.bid):
        return content
    sealed = set(version.documents.filter(envelope=DocumentEnvelope.PRICE).values_list("sha256", flat=True))
    content["documents"] = [d for d in content.get("documents", []) if d.get("sha256") not in sealed]
    stripped: dict[str, Any] = strip_prices(content)
    return stripped
