"""The one access policy: may this user see or do this to this object, now?

Every page, API view, receipt, download, export, report, admin view and service asks
here; nobody writes `user.role == ...` anywhere else. Each function is small, named
for the question it answers, and decides from four things only:

* the user's **role** (`accounts.models.Role`);
* the tender's **stage** (`tender_stage`): sealed -> opened -> quality locked ->
  price envelope open -> awarded;
* **panel assignment** (`evaluation.models.EvaluatorAssignment`, evaluator or moderator);
* **declared conflicts** (`evaluation.models.ConflictDeclaration`).

Decisions (issue 13):

* **Two envelopes** are one function, `can_see_prices`. Nobody but the bidder itself sees a
  bid's prices (hourly price, price per contact hour, package price, price checks, price
  clarifications, price documents) until a commissioner has opened the price envelope;
  after that commissioners, legal and panel members without a conflict with that bidder do.
* **Separation of duties.** The IT administrator (role ``admin``) manages users and system
  settings. It never reads bid content, prices or scores and never moves a tender. Django's
  ``is_superuser`` flag grants nothing procurement-wise: a superuser is judged by its role
  like anyone else, so a superuser with role ``admin`` is an IT administrator.
* **Moving a tender** (publish, close, open, price envelope, award, contract, cancel) is for
  commissioners only (`can_manage_tender`).
* **Opening with two commissioners.** By default one commissioner may open a tender's bids:
  opening is re-authenticated, audited with who and when, and only unseals the quality
  envelope (prices stay closed until the price envelope is opened separately). A council
  that wants four eyes at opening sets ``Tender.opening_requires_two``; then
  `can_open_bids(user, tender, second_user=...)` needs a second, different commissioner.
* **Conflicts.** A panel member who declared a conflict with a bidder never sees that bidder's
  bid, prices, scores, rank or CQC locations; a panel member must declare about every bidder
  before reading any bid.
* **Four eyes after lock.** A consensus score changed after quality is locked is a proposal
  until a different person (the tender's moderator or a commissioner) approves it
  (`can_propose_consensus_change`, `can_approve_consensus_change`).

This module reads models only (never `evaluation.selectors`), so any layer may import it.
"""
from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, TypeGuard

from django.contrib.auth.models import AnonymousUser

from accounts.models import Role, User
from evaluation.models import ConflictDeclaration, EvaluatorAssignment, TenderEvaluation
from tenders.models import Bid, BidStatus, BidVersion, BidVersionStatus, Tender
from tenders.transitions import TenderStatus

if TYPE_CHECKING:
    from providers.models import Provider


class Stage(IntEnum):
    """How far a tender's bids have been unsealed; ordered, so `stage >= Stage.OPENED` reads naturally."""

    SEALED = 0  # draft, published, closed: nobody but each bidder sees any bid
    OPENED = 1  # quality envelope open: answers and locations, never prices
    QUALITY_LOCKED = 2  # consensus quality scores locked; changes need four eyes
    PRICES_OPEN = 3  # a commissioner opened the price envelope
    AWARDED = 4  # awarded or contracted


# Statuses in which a panel still works on bids (scoring, moderation).
WORKING_STATUSES = frozenset({TenderStatus.OPENED, TenderStatus.IN_EVALUATION})
# Statuses in which opened bids may be read at all (cancelled after opening keeps its record readable to legal).
_READABLE_STATUSES = frozenset(
    {TenderStatus.OPENED, TenderStatus.IN_EVALUATION, TenderStatus.AWARDED, TenderStatus.CONTRACTED}
)


# --------------------------------------------------------------------------
# Who the user is
# --------------------------------------------------------------------------


def is_authenticated(user: User | AnonymousUser) -> TypeGuard[User]:
    """Signed in and active; an anonymous visitor (`AnonymousUser`) never is, so the answer narrows to `User`."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def role_of(user: User | AnonymousUser) -> str | None:
    return getattr(user, "role", None) if is_authenticated(user) else None


def is_commissioner(user: User | AnonymousUser) -> bool:
    """A commissioner by role. `is_superuser` does not make anyone a commissioner."""
    return role_of(user) == Role.COMMISSIONER


def is_legal(user: User | AnonymousUser) -> bool:
    return role_of(user) == Role.LEGAL


def is_it_admin(user: User | AnonymousUser) -> bool:
    """The IT administrator: users and settings, nothing procurement-wise."""
    return role_of(user) == Role.ADMIN


def is_panel_role(user: User | AnonymousUser) -> TypeGuard[User]:
    return role_of(user) in (Role.EVALUATOR, Role.MODERATOR)


def is_provider_user(user: User | AnonymousUser) -> TypeGuard[User]:
    return role_of(user) == Role.PROVIDER and getattr(user, "provider_id", None) is not None


def is_commissioning_side(user: User | AnonymousUser) -> bool:
    """Council staff of any kind (including the IT admin): may see the council's own pages."""
    return role_of(user) in (Role.COMMISSIONER, Role.EVALUATOR, Role.MODERATOR, Role.LEGAL, Role.ADMIN)


def is_procurement_staff(user: User | AnonymousUser) -> bool:
    """Council staff who take part in the procurement: commissioning side minus the IT admin."""
    return role_of(user) in (Role.COMMISSIONER, Role.EVALUATOR, Role.MODERATOR, Role.LEGAL)


def can_manage_users(user: User | AnonymousUser) -> bool:
    """Create users, set roles, link provider users: the IT admin (and a superuser acting as one)."""
    return is_it_admin(user) or (is_authenticated(user) and bool(getattr(user, "is_superuser", False)))


def can_manage_settings(user: User | AnonymousUser) -> bool:
    """System settings (authority details, cost-of-care presets): commissioners and the IT admin."""
    return is_commissioner(user) or can_manage_users(user)


def can_import_cqc_data(user: User | AnonymousUser) -> bool:
    """Load a CQC ratings file (reference data, a setting of sorts): commissioners and the IT admin."""
    return can_manage_settings(user)


def can_view_market_data(user: User | AnonymousUser) -> bool:
    """Public-source data the council holds (CQC ratings directory, zones): council staff."""
    return is_commissioning_side(user)


def can_decide_registration(user: User | AnonymousUser) -> bool:
    """Approve or reject a provider organisation's registration (onboarding, not bidding): commissioners and the IT admin."""
    return is_commissioner(user) or can_manage_users(user)


# --------------------------------------------------------------------------
# Where the tender is
# --------------------------------------------------------------------------


def _evaluation(tender: Tender) -> TenderEvaluation | None:
    cached: TenderEvaluation | None | bool = getattr(tender, "_permissions_evaluation", False)
    if not isinstance(cached, bool):
        return cached
    found = TenderEvaluation.objects.filter(tender=tender).first()
    tender._permissions_evaluation = found  # type: ignore[attr-defined]
    return found


def is_sealed(tender: Tender) -> bool:
    return tender.opened_at is None


def quality_locked(tender: Tender) -> bool:
    evaluation = _evaluation(tender)
    return evaluation is not None and evaluation.quality_locked_at is not None


def price_envelope_open(tender: Tender) -> bool:
    return tender.opened_at is not None and tender.price_envelope_opened_at is not None


def tender_stage(tender: Tender) -> Stage:
    if is_sealed(tender):
        return Stage.SEALED
    if tender.status in (TenderStatus.AWARDED, TenderStatus.CONTRACTED):
        return Stage.AWARDED
    if price_envelope_open(tender):
        return Stage.PRICES_OPEN
    if quality_locked(tender):
        return Stage.QUALITY_LOCKED
    return Stage.OPENED


# --------------------------------------------------------------------------
# Panel and conflicts
# --------------------------------------------------------------------------


def panel_assignment(user: User | AnonymousUser, tender: Tender) -> EvaluatorAssignment | None:
    if is_panel_role(user):
        return EvaluatorAssignment.objects.filter(tender=tender, user=user).first()
    return None


def is_on_panel(user: User | AnonymousUser, tender: Tender) -> bool:
    return panel_assignment(user, tender) is not None


def is_moderator_of(user: User | AnonymousUser, tender: Tender) -> bool:
    assignment = panel_assignment(user, tender)
    return assignment is not None and assignment.is_moderator


def _provider_id(provider: Provider | int | None) -> int | None:
    """A provider given as the object or as its id (callers holding a bid pass `bid.provider_id`)."""
    return provider if provider is None or isinstance(provider, int) else provider.pk


def _bidding_provider_ids(tender: Tender) -> set[int]:
    return set(Bid.objects.filter(tender=tender, status=BidStatus.SUBMITTED).values_list("provider_id", flat=True))


def conflicted_provider_ids(user: User | AnonymousUser, tender: Tender) -> set[int]:
    """Providers this user declared a conflict with on this tender (empty for anyone off the panel)."""
    if is_authenticated(user):
        return set(
            ConflictDeclaration.objects.filter(assignment__tender=tender, assignment__user=user, has_conflict=True)
            .values_list("provider_id", flat=True)
        )
    return set()


def has_conflict(user: User | AnonymousUser, tender: Tender, provider: Provider | int | None) -> bool:
    return _provider_id(provider) in conflicted_provider_ids(user, tender)


def panel_readable_provider_ids(user: User | AnonymousUser, tender: Tender) -> set[int]:
    """The bidders whose bids a panel member may open: assigned, bids opened, every bidder declared, no conflict.

    `panel_may_read` asks about one bidder; a page listing every bid asks this once (three queries, not
    three per bid).
    """
    if is_sealed(tender) or tender.status not in _READABLE_STATUSES:
        return set()
    assignment = panel_assignment(user, tender)
    if assignment is None:
        return set()
    conflict_by_provider = {d.provider_id: d.has_conflict for d in assignment.declarations.all()}
    if not _bidding_provider_ids(tender) <= set(conflict_by_provider):
        return set()
    return {provider_id for provider_id, conflict in conflict_by_provider.items() if not conflict}


def panel_may_read(user: User | AnonymousUser, tender: Tender, provider: Provider | int | None) -> bool:
    """A panel member may open this provider's bid (`panel_readable_provider_ids`)."""
    return _provider_id(provider) in panel_readable_provider_ids(user, tender)


def _sees_provider(user: User | AnonymousUser, tender: Tender, provider: Provider | int | None) -> bool:
    """Commissioners and legal see every bidder; a panel member only those it may read."""
    if is_commissioner(user) or is_legal(user):
        return True
    return panel_may_read(user, tender, provider)


# --------------------------------------------------------------------------
# Tenders: who moves them
# --------------------------------------------------------------------------


def can_manage_tender(user: User | AnonymousUser, tender: Tender | None = None) -> bool:
    """Create, edit, publish, close, cancel, award: commissioners only (never the IT admin)."""
    return is_commissioner(user)


def can_open_bids(user: User | AnonymousUser, tender: Tender, second_user: User | None = None) -> bool:
    """Unseal the quality envelope; a second, different commissioner where the tender asks for two."""
    if not is_commissioner(user):
        return False
    if getattr(tender, "opening_requires_two", False):
        return (
            second_user is not None
            and is_commissioner(second_user)
            and getattr(second_user, "pk", None) != getattr(user, "pk", None)
        )
    return True


def can_open_price_envelope(user: User | AnonymousUser, tender: Tender) -> bool:
    return is_commissioner(user)


def can_award(user: User | AnonymousUser, tender: Tender | None) -> bool:
    return is_commissioner(user)


def can_answer_clarifications(user: User | AnonymousUser, tender: Tender | None) -> bool:
    """None: asked before the question is looked up, so a stranger learns nothing about which exist."""
    return is_commissioner(user)


# --------------------------------------------------------------------------
# Bids: the sealed-bid rules
# --------------------------------------------------------------------------


def is_own_bid(user: User | AnonymousUser, bid: Bid) -> bool:
    """The user acts for the provider that made this bid."""
    return is_provider_user(user) and user.provider_id == bid.provider_id


def can_see_bid_counts(user: User | AnonymousUser, tender: Tender) -> bool:
    """How many bids (no names): commissioners, legal and the tender's panel, at any stage."""
    return is_commissioner(user) or is_legal(user) or is_on_panel(user, tender)


def can_see_bid_register(user: User | AnonymousUser, tender: Tender) -> bool:
    """Who bid and when (no content): commissioners, legal and the tender's panel, once the tender is opened.

    Before opening, commissioners see only counts, so nobody can tell a favoured bidder who
    else has bid. The IT admin and evaluators off this tender's panel never see it.
    """
    return can_see_bid_counts(user, tender) and not is_sealed(tender)


def can_read_bid(user: User | AnonymousUser, bid: Bid) -> bool:
    """The bid's quality content (answers, locations, non-price documents). Prices: `can_see_prices`."""
    if not is_authenticated(user):
        return False
    if is_own_bid(user, bid):
        return True
    tender = bid.tender
    if is_sealed(tender) or bid.status == BidStatus.DRAFT:
        return False
    return _sees_provider(user, tender, bid.provider_id)


def can_read_version(user: User | AnonymousUser, version: BidVersion) -> bool:
    """A version's content: drafts for the bidder only, submissions for whoever may read the bid."""
    bid = version.bid
    if is_own_bid(user, bid):
        return True
    if version.status == BidVersionStatus.DRAFT:
        return False
    return can_read_bid(user, bid)


def can_see_prices(user: User | AnonymousUser, tender: Tender, provider: Provider | int | None = None) -> bool:
    """THE two-envelope rule.

    With `provider`: may this user see that bidder's prices? Without: may this user see the
    tender's prices at all (a caller listing several bidders must still drop those this user
    is conflicted with, e.g. via `visible_provider_ids`).

    * The bidder's own users always see their own prices.
    * Everyone else, only once the price envelope is open, and then only commissioners,
      legal, and panel members (assigned, no declared conflict with that bidder).
    * The IT admin and superusers by flag alone never do.
    """
    if not is_authenticated(user):
        return False
    if provider is not None and is_provider_user(user) and user.provider_id == _provider_id(provider):
        return True
    if not price_envelope_open(tender):
        return False
    if is_commissioner(user) or is_legal(user):
        return True
    if provider is None:
        return is_on_panel(user, tender)
    return panel_may_read(user, tender, provider)


def can_see_bid_prices(user: User | AnonymousUser, bid: Bid) -> bool:
    return can_see_prices(user, bid.tender, bid.provider_id)


def can_read_receipt(user: User | AnonymousUser, version: BidVersion) -> bool:
    """A submission receipt: the bidder always; others as for the version's content."""
    return can_read_version(user, version)


def can_read_document(user: User | AnonymousUser, version: BidVersion, *, is_price_document: bool = False) -> bool:
    """A bid document: as its version, and a price document only when prices may be seen."""
    if not can_read_version(user, version):
        return False
    return not is_price_document or can_see_bid_prices(user, version.bid)


def may_bid(user: User | AnonymousUser) -> bool:
    """A provider user whose organisation has been approved."""
    from providers.models import ProviderStatus

    return is_provider_user(user) and user.provider is not None and user.provider.status == ProviderStatus.APPROVED


# --------------------------------------------------------------------------
# Evaluation: scores, results, moderation
# --------------------------------------------------------------------------


def can_read_evaluation(user: User | AnonymousUser, tender: Tender) -> bool:
    """The tender's evaluation pages and API at all: commissioners, legal, the tender's panel; once opened."""
    if is_sealed(tender):
        return False
    return is_commissioner(user) or is_legal(user) or is_on_panel(user, tender)


def can_manage_panel(user: User | AnonymousUser, tender: Tender) -> bool:
    """Assign evaluators and the moderator: commissioners."""
    return is_commissioner(user)


def visible_provider_ids(user: User | AnonymousUser, tender: Tender) -> set[int] | None:
    """Bidders whose rows this user may see in evaluation data; None means all of them.

    A conflicted panel member loses the conflicted bidders entirely (prices, scores, rank,
    CQC locations).
    """
    if is_commissioner(user) or is_legal(user):
        return None
    if not is_on_panel(user, tender):
        return set()
    return _bidding_provider_ids(tender) - conflicted_provider_ids(user, tender)


def can_see_scores(user: User | AnonymousUser, tender: Tender, provider: Provider | int | None = None) -> bool:
    """Quality scores (consensus, weighted, rank) of a bidder, or of the tender when `provider` is None.

    Consensus scores exist once moderation has begun; until the price envelope is open they
    are shown without prices. Individual scores have their own, stricter, blind rule
    (`can_see_individual_scores`).
    """
    if not can_read_evaluation(user, tender):
        return False
    if provider is None:
        return True
    return _sees_provider(user, tender, provider)


def can_see_individual_scores(user: User | AnonymousUser, tender: Tender) -> bool:
    """Blind scoring: nobody sees all individual scores until moderation has started."""
    evaluation = _evaluation(tender)
    if evaluation is None or evaluation.moderation_started_at is None:
        return False
    return can_read_evaluation(user, tender)


def can_see_results(user: User | AnonymousUser, tender: Tender) -> bool:
    """The evaluation result (price and quality, ranking): needs the price envelope open."""
    return can_read_evaluation(user, tender) and can_see_prices(user, tender)


def can_score(user: User | AnonymousUser, bid: Bid) -> bool:
    """Score a bid blind: an assigned evaluator (not the moderator) who may read it, before quality is locked."""
    tender = bid.tender
    assignment = panel_assignment(user, tender)
    if assignment is None or assignment.is_moderator:
        return False
    if tender.status not in WORKING_STATUSES or quality_locked(tender):
        return False
    return panel_may_read(user, tender, bid.provider_id)


def can_moderate(user: User | AnonymousUser, tender: Tender, provider: Provider | int | None = None) -> bool:
    """Start moderation, record consensus, lock quality: the tender's moderator (not conflicted) or a commissioner."""
    if is_commissioner(user):
        return True
    if not is_moderator_of(user, tender):
        return False
    return provider is None or panel_may_read(user, tender, provider)


def can_propose_consensus_change(user: User | AnonymousUser, tender: Tender, provider: Provider | int | None = None) -> bool:
    """After quality is locked a consensus change is only a proposal: the tender's moderator (not conflicted) makes it."""
    if not is_moderator_of(user, tender):
        return False
    return provider is None or panel_may_read(user, tender, provider)


def can_approve_consensus_change(user: User | AnonymousUser, tender: Tender, *, proposed_by: User | int | None, provider: Provider | int | None = None) -> bool:
    """Four eyes: a second, different person (the tender's moderator or a commissioner) approves."""
    if getattr(user, "pk", None) is None or getattr(user, "pk", None) == getattr(proposed_by, "pk", proposed_by):
        return False
    return can_moderate(user, tender, provider)


def can_decide_price_clarification(user: User | AnonymousUser, tender: Tender) -> bool:
    return is_commissioner(user) and price_envelope_open(tender)


def can_run_evaluation(user: User | AnonymousUser, tender: Tender) -> bool:
    return is_commissioner(user)


def can_read_reports(user: User | AnonymousUser, tender: Tender | None = None) -> bool:
    """Award reports, assessment summaries, exports: commissioners and legal."""
    return is_commissioner(user) or is_legal(user)
