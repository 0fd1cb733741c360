"""The single rule for sealed bids: who may read what, and when.

Pages, the API and the admin all ask here, so there is one place to audit.

* The bidding provider's own users may always read their own bid, drafts included.
* Nobody else may read a bid's prices, answers, locations or documents while the
  tender is sealed, i.e. until a commissioner has performed the opening
  (`Tender.opened_at`, set by `tenders.services.tender_open`). That includes
  commissioners, evaluators, legal, administrators and superusers.
* After opening: commissioners and legal may read submitted content; an evaluator
  or moderator only where `evaluation.selectors.evaluator_may_read` allows it
  (assigned to the tender and no declared conflict with this provider). Administrators (IT) never read content.
* Drafts are only ever visible to the bidding provider.
"""
from __future__ import annotations

from typing import Any

from accounts.models import Role
from tenders.models import Bid, BidVersion, BidVersionStatus, Tender
from tenders.transitions import TenderStatus

# Roles that may read opened bids without a per-tender panel check.
_OPENED_READERS = frozenset({Role.COMMISSIONER, Role.LEGAL})


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def is_own_bid(user: Any, bid: Bid) -> bool:
    """The user acts for the provider that made this bid."""
    return (
        _authenticated(user)
        and getattr(user, "role", None) == Role.PROVIDER
        and user.provider_id is not None
        and user.provider_id == bid.provider_id
    )


def can_read_bid(user: Any, bid: Bid) -> bool:
    """Whether `user` may read the content (prices, answers, locations, documents) of `bid`."""
    if not _authenticated(user):
        return False
    if is_own_bid(user, bid):
        return True
    tender = bid.tender
    if tender.is_sealed:
        return False
    role = getattr(user, "role", None)
    if role in _OPENED_READERS:
        return True
    if role in (Role.EVALUATOR, Role.MODERATOR):
        # Imported here so the evaluation app can replace the seam without an import cycle.
        from evaluation import selectors as evaluation_selectors

        return bool(evaluation_selectors.evaluator_may_read(user=user, tender=tender, provider=bid.provider))
    return False


def can_read_version(user: Any, version: BidVersion) -> bool:
    """A version's content: drafts for the bidder only, submissions for whoever may read the bid."""
    bid = version.bid
    if is_own_bid(user, bid):
        return True
    if version.status == BidVersionStatus.DRAFT:
        return False
    return can_read_bid(user, bid)


def can_see_bid_register(user: Any, tender: Tender) -> bool:
    """Bid metadata (who bid, when, status): commissioning side, and only once the tender is opened.

    Before opening, commissioners see only counts, so nobody can tell a favoured
    bidder who else has bid.
    """
    if not _authenticated(user) or not getattr(user, "is_commissioning_side", False):
        return False
    return not tender.is_sealed


def may_bid(user: Any) -> bool:
    """A provider user whose organisation has been approved."""
    from providers.models import ProviderStatus

    return (
        _authenticated(user)
        and getattr(user, "role", None) == Role.PROVIDER
        and user.provider_id is not None
        and user.provider.status == ProviderStatus.APPROVED
    )


def tender_open_for_bids(tender: Tender) -> bool:
    """Published (not yet closed) status; the deadline itself is checked by the services on the server clock."""
    return tender.status == TenderStatus.PUBLISHED.value


def sealed_message(tender: Tender) -> str:
    return (
        f"Bids for {tender.reference} are sealed until a commissioner opens them after the submission deadline."
        if tender.is_sealed
        else "You do not have access to this bid."
    )
