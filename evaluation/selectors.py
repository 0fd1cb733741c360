"""Read paths for evaluation. The sealed-bid rules ask here whether an evaluator may read a bid.

Blind scoring is enforced here as much as in the services: a selector that
returns scores takes the reader and the stage into account, so a view cannot
show another evaluator's score before moderation by accident.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.db.models.fields.json import KeyTransform

from accounts import permissions
from evaluation.assemble import SCHEMA, score_spread
from evaluation.models import (
    BidAssessment,
    ConflictDeclaration,
    ConsensusChangeProposal,
    ConsensusScore,
    EvaluationRun,
    EvaluatorAssignment,
    IndividualScore,
    PriceClarification,
    TenderEvaluation,
)
from providers.models import Provider
from tenders.models import Bid, BidLotPrice, BidStatus, BidVersion, BidVersionStatus, Lot, QualityQuestion, Tender
from tenders.receipts import content_digest
from tenders.transitions import TenderStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# Statuses in which bids are unsealed and the panel works on them.
READABLE_STATUSES = frozenset(
    {TenderStatus.OPENED, TenderStatus.IN_EVALUATION, TenderStatus.AWARDED, TenderStatus.CONTRACTED}
)
WORKING_STATUSES = frozenset({TenderStatus.OPENED, TenderStatus.IN_EVALUATION})


def _is_commissioner(user: User | AnonymousUser) -> bool:
    return permissions.is_commissioner(user)


def tender_evaluation(*, tender: Tender) -> TenderEvaluation:
    """The tender's evaluation stages; an unsaved blank one before anything has happened."""
    found = TenderEvaluation.objects.filter(tender=tender).first()
    return found or TenderEvaluation(tender=tender)


def assignment_for(*, user: User | AnonymousUser, tender: Tender) -> EvaluatorAssignment | None:
    if not user.is_authenticated:
        return None
    return EvaluatorAssignment.objects.filter(tender=tender, user=user).first()


def assignments_of(*, user: User) -> QuerySet[EvaluatorAssignment]:
    """A panel member's tenders, newest first."""
    return (
        EvaluatorAssignment.objects.filter(user=user)
        .select_related("tender", "user")
        .order_by("-tender__submission_deadline", "tender__reference")
    )


def panel(*, tender: Tender) -> QuerySet[EvaluatorAssignment]:
    return (
        EvaluatorAssignment.objects.filter(tender=tender)
        .select_related("tender", "user")
        .prefetch_related("declarations")
    )


def submitted_bids(*, tender: Tender) -> QuerySet[Bid]:
    """Bids that count: submitted and not withdrawn (withdrawn bids are ignored entirely)."""
    return Bid.objects.filter(tender=tender, status=BidStatus.SUBMITTED).select_related("provider").order_by("reference")


def bidding_providers(*, tender: Tender) -> list[Provider]:
    return [bid.provider for bid in submitted_bids(tender=tender)]


def current_version(*, bid: Bid) -> BidVersion | None:
    """The live submission of a bid: what is evaluated."""
    return BidVersion.objects.filter(bid=bid, status=BidVersionStatus.SUBMITTED).first()


def declarations_of(*, assignment: EvaluatorAssignment) -> dict[int, ConflictDeclaration]:
    return {d.provider_id: d for d in assignment.declarations.all()}


def conflicts_outstanding(*, assignment: EvaluatorAssignment) -> list[Provider]:
    """Bidding providers this panel member has not yet declared about."""
    declared = set(assignment.declarations.values_list("provider_id", flat=True))
    return [p for p in bidding_providers(tender=assignment.tender) if p.pk not in declared]


def conflicted_user_ids(*, tender: Tender, provider: Provider | int) -> set[int]:
    provider_id = provider if isinstance(provider, int) else provider.pk
    return set(
        ConflictDeclaration.objects.filter(
            assignment__tender=tender, provider_id=provider_id, has_conflict=True
        ).values_list("assignment__user_id", flat=True)
    )


def conflicted_user_ids_by_provider(*, tender: Tender) -> dict[int, set[int]]:
    """`conflicted_user_ids` for every provider at once (one query, for a run's inputs over every bid)."""
    conflicted: defaultdict[int, set[int]] = defaultdict(set)
    for provider_id, user_id in ConflictDeclaration.objects.filter(
        assignment__tender=tender, has_conflict=True
    ).values_list("provider_id", "assignment__user_id"):
        conflicted[provider_id].add(user_id)
    return conflicted


def evaluator_may_read(*, user: User | AnonymousUser, tender: Tender | None, provider: Provider | int | None) -> bool:
    """Whether a panel member may open this provider's bid (the rule lives in `accounts.permissions.panel_may_read`).

    True only when the user is assigned to the tender (as evaluator or moderator), the
    bids are opened, the user has declared conflicts for every bidding provider, and
    has declared no conflict with this one.
    """
    if tender is None or provider is None:
        return False
    return permissions.panel_may_read(user, tender, provider)


def read_refusal(*, user: User | AnonymousUser, tender: Tender, provider: Provider) -> str:
    """Why `evaluator_may_read` says no, in words the user can act on ('' when it says yes)."""
    if tender.opened_at is None or tender.status not in READABLE_STATUSES:
        return "The bids for this tender are not open."
    assignment = assignment_for(user=user, tender=tender)
    if assignment is None:
        return "You are not on this tender's evaluation panel."
    outstanding = conflicts_outstanding(assignment=assignment)
    if outstanding:
        return "Declare any conflicts of interest with every bidder before reading bids."
    own = declarations_of(assignment=assignment).get(provider.pk)
    if own is None or own.has_conflict:
        return f"You declared a conflict of interest with {provider.name}, so you cannot read or score its bid."
    return ""


def latest_assessments(*, bids: list[Bid] | QuerySet[Bid]) -> dict[int, BidAssessment]:
    """The most recent CQC assessment of each bid (either stage)."""
    latest: dict[int, BidAssessment] = {}
    for assessment in (
        BidAssessment.objects.filter(bid__in=list(bids))
        .select_related("bid__provider")
        .order_by("bid_id", "-assessed_at", "-pk")
    ):
        latest.setdefault(assessment.bid_id, assessment)
    return latest


def scorable_bids(*, tender: Tender) -> list[Bid]:
    """Submitted bids not excluded by their latest CQC check: excluded bids are never scored."""
    bids = list(submitted_bids(tender=tender))
    latest = latest_assessments(bids=bids)
    return [b for b in bids if getattr(latest.get(b.pk), "outcome", None) != "excluded"]


def is_excluded(*, bid: Bid) -> bool:
    latest = latest_assessments(bids=[bid]).get(bid.pk)
    return latest is not None and latest.outcome == "excluded"


def scorers(*, tender: Tender) -> list[EvaluatorAssignment]:
    return list(panel(tender=tender).filter(is_moderator=False))


def bids_for_reader(*, user: User, tender: Tender) -> list[dict[str, Any]]:
    """The scorable bids with whether this user may read each and how far they have scored it."""
    questions = tender.questions.count()
    mine: defaultdict[int, int] = defaultdict(int)
    for bid_id in IndividualScore.objects.filter(bid__tender=tender, evaluator=user).values_list("bid_id", flat=True):
        mine[bid_id] += 1
    rows = []
    readable = permissions.panel_readable_provider_ids(user, tender)  # once for every bid
    for bid in scorable_bids(tender=tender):
        may = bid.provider_id in readable
        rows.append(
            {
                "bid": bid,
                "may_read": may,
                "refusal": "" if may else read_refusal(user=user, tender=tender, provider=bid.provider),
                "scored": mine[bid.pk],
                "questions": questions,
                "complete": mine[bid.pk] >= questions,
            }
        )
    return rows


def my_scores(*, user: User, bid: Bid) -> dict[int, IndividualScore]:
    """The user's own scores of a bid, by question id (never anyone else's)."""
    scores = IndividualScore.objects.filter(bid=bid, evaluator=user).select_related("question", "evaluator")
    return {s.question_id: s for s in scores}


def my_scores_by_bid(*, user: User, tender: Tender) -> defaultdict[int, dict[int, IndividualScore]]:
    """`my_scores` of every bid of the tender in one query: bid id -> question id -> score."""
    by_bid: defaultdict[int, dict[int, IndividualScore]] = defaultdict(dict)
    scores = IndividualScore.objects.filter(bid__tender=tender, evaluator=user).select_related("question", "evaluator")
    for score in scores:
        by_bid[score.bid_id][score.question_id] = score
    return by_bid


def scoring_gaps(*, tender: Tender, hidden: set[int] | frozenset[int] = frozenset()) -> list[str]:
    """What stops moderation starting: each scorer's bids or questions still unscored.

    `hidden`: providers the reader may not see (a conflicted panel member); their bids are left out.
    """
    gaps = []
    questions = list(tender.questions.values_list("pk", flat=True))
    bids = scorable_bids(tender=tender)
    members = scorers(tender=tender)
    if not members:
        return ["No evaluators are assigned to score this tender."]
    scored = set(
        IndividualScore.objects.filter(bid__in=bids).values_list("evaluator_id", "bid_id", "question_id")
    )
    conflicts = conflicted_user_ids_by_provider(tender=tender)
    for bid in bids:
        if bid.provider_id in hidden:
            continue
        conflicted = conflicts.get(bid.provider_id, set())
        able = [m for m in members if m.user_id not in conflicted]
        if not able:
            gaps.append(f"No evaluator without a conflict of interest can score {bid.reference}.")
            continue
        for member in able:
            missing = [q for q in questions if (member.user_id, bid.pk, q) not in scored]
            if missing:
                gaps.append(f"{member.user.get_username()} has not finished scoring {bid.reference}.")
    return gaps


def consensus_gaps(*, tender: Tender) -> list[str]:
    questions = list(tender.questions.all())
    bids = scorable_bids(tender=tender)
    have = set(ConsensusScore.objects.filter(bid__in=bids).values_list("bid_id", "question_id"))
    gaps = []
    for bid in bids:
        missing = [f"Q{q.number}" for q in questions if (bid.pk, q.pk) not in have]
        if missing:
            gaps.append(f"{bid.reference} has no consensus score for {', '.join(missing)}.")
    return gaps


@dataclass
class BoardCell:
    """One question of one bid at moderation: individual scores, spread, consensus."""

    question: QualityQuestion
    individual: list[IndividualScore] = field(default_factory=list)
    consensus: ConsensusScore | None = None
    spread: int | None = None
    divergent: bool = False


@dataclass
class BoardRow:
    bid: Bid
    cells: list[BoardCell]
    may_moderate: bool = True

    @property
    def divergent_count(self) -> int:
        return sum(1 for c in self.cells if c.divergent)

    @property
    def complete(self) -> bool:
        return all(c.consensus is not None for c in self.cells)


def moderation_board(*, tender: Tender, user: User | AnonymousUser, bid: Bid | None = None) -> list[BoardRow]:
    """Individual and consensus scores per bid and question, divergence marked; only `bid`'s row when given
    (none if it is not being evaluated).

    Callers must first check `may_see_individual_scores`: before moderation starts
    individual scores are blind. Scores by an evaluator conflicted with the bidder are
    left out (they should not exist, and never count).
    """
    questions = list(tender.questions.order_by("number"))
    bids = [b for b in scorable_bids(tender=tender) if bid is None or b.pk == bid.pk]
    scores = defaultdict(list)
    for s in IndividualScore.objects.filter(bid__in=bids).select_related("evaluator").order_by("evaluator__username"):
        scores[(s.bid_id, s.question_id)].append(s)
    consensus = {
        (c.bid_id, c.question_id): c
        for c in ConsensusScore.objects.filter(bid__in=bids).select_related("moderator", "change_approved_by")
    }
    rows = []
    conflicts = conflicted_user_ids_by_provider(tender=tender)
    readable = permissions.panel_readable_provider_ids(user, tender)  # once for every bid
    for row_bid in bids:
        conflicted = conflicts.get(row_bid.provider_id, set())
        cells = []
        for q in questions:
            individual = [s for s in scores[(row_bid.pk, q.pk)] if s.evaluator_id not in conflicted]
            agreed = consensus.get((row_bid.pk, q.pk))
            for score in individual:  # readers name them (the API's board): no query per score
                score.bid, score.question = row_bid, q
            if agreed is not None:
                agreed.bid, agreed.question = row_bid, q
            spread, divergent = score_spread(s.score for s in individual)
            cells.append(BoardCell(q, individual, agreed, spread, divergent))
        rows.append(BoardRow(row_bid, cells, may_moderate=row_bid.provider_id in readable))
    return rows


def may_see_individual_scores(*, user: User | AnonymousUser, tender: Tender) -> bool:
    """Blind scoring: nobody sees all individual scores until moderation has started (`accounts.permissions`)."""
    return permissions.can_see_individual_scores(user, tender)


def may_see_prices(*, user: User | AnonymousUser, tender: Tender) -> bool:
    """Two envelopes: prices and price checks stay closed to everyone until the commissioner opens them."""
    return permissions.can_see_prices(user, tender)


# Lot-level figures computed over every bid's price: hidden from a reader who may not see every bidder.
_LOT_AGGREGATES = ("lowest_acceptable_price", "mean_acceptable_price", "ties")


def _hidden(value: Any, refs: set[str], names: set[str], provider_ids: set[int]) -> bool:
    if isinstance(value, str):
        return value in refs or value.split("@", 1)[0] in refs
    if isinstance(value, dict):
        ref = value.get("bid_ref")
        return (
            (isinstance(ref, str) and ref.split("@", 1)[0] in refs)
            or value.get("provider_id") in provider_ids
            or value.get("provider_key") in names
        )
    return False


def _without(value: Any, refs: set[str], names: set[str], provider_ids: set[int]) -> Any:
    if isinstance(value, dict):
        out: dict[Any, Any] = {
            k: None if isinstance(v, str) and _hidden(v, refs, names, provider_ids) else _without(v, refs, names, provider_ids)
            for k, v in value.items()
        }
        if "sensitivity" in out:  # who would win at other weightings compares every bidder: not for this reader
            out.pop("sensitivity")
        if "bids" in value and "lot_key" in value and len(out["bids"]) != len(value["bids"]):
            for key in _LOT_AGGREGATES:
                out.pop(key, None)
        return out
    if isinstance(value, list):
        return [_without(v, refs, names, provider_ids) for v in value if not _hidden(v, refs, names, provider_ids)]
    return value


def without_bidders(data: Any, *, tender: Tender, provider_ids: set[int]) -> Any:
    """Evaluation data (a run's results, checks, clarifications) with every trace of these bidders removed.

    A conflicted panel member never sees the conflicted bidder's prices, scores, rank or CQC locations.
    """
    if not provider_ids:
        return data
    bids = list(Bid.objects.filter(tender=tender, provider_id__in=provider_ids).select_related("provider"))
    refs = {b.reference for b in bids}
    names = {b.provider.name for b in bids}
    return _without(data, refs, names, set(provider_ids))


def hidden_provider_ids(*, user: User | AnonymousUser, tender: Tender) -> set[int]:
    """Bidders this reader may not see in evaluation data (those a panel member is conflicted with)."""
    visible = permissions.visible_provider_ids(user, tender)
    if visible is None:
        return set()
    return set(Bid.objects.filter(tender=tender).values_list("provider_id", flat=True)) - visible


def consensus_change_proposals(*, tender: Tender, user: User | AnonymousUser) -> QuerySet[ConsensusChangeProposal]:
    """Proposed changes to locked consensus scores, newest first, without bidders this reader is conflicted with."""
    hidden = hidden_provider_ids(user=user, tender=tender)
    return (
        ConsensusChangeProposal.objects.filter(consensus__bid__tender=tender)
        .exclude(consensus__bid__provider_id__in=hidden)
        .select_related("consensus__bid__provider", "consensus__question", "proposed_by", "decided_by")
    )


def pending_consensus_changes(*, tender: Tender) -> list[str]:
    """Changes still waiting for a second person: what stops an award being made on the current scores."""
    return [
        f"{p.consensus.bid.reference} Q{p.consensus.question.number}"
        for p in ConsensusChangeProposal.objects.filter(consensus__bid__tender=tender, status="pending")
        .select_related("consensus__bid", "consensus__question").order_by("pk")
    ]


def missing_feedback(*, run: EvaluationRun | None) -> list[str]:
    """Scored questions of the run with no feedback to the bidder (reg 31), e.g. "Alpha Care Ltd, question 2".

    The assessment summaries are built from the run, so the run is what must carry the feedback:
    an award is refused while this is non-empty (evaluation.services.evaluation_award).
    """
    if run is None:
        return []
    missing: dict[str, None] = {}
    for lot in run.results["lots"]:
        for bid in lot["bids"]:
            for q in bid.get("questions") or ():
                if q.get("consensus") is not None and not str(q.get("feedback") or "").strip():
                    missing.setdefault(f"{bid['provider']}, question {q['number']}", None)
    return list(missing)


def clarifications(*, tender: Tender) -> QuerySet[PriceClarification]:
    return PriceClarification.objects.filter(bid__tender=tender).select_related("bid__provider", "lot__zone", "decided_by")


def current_run(*, tender: Tender) -> EvaluationRun | None:
    """The current run with its results; its inputs (as large, and read by recomputation only) load if touched."""
    return EvaluationRun.objects.filter(tender=tender, is_current=True).defer("inputs").first()


def runs(*, tender: Tender) -> QuerySet[EvaluationRun]:
    """The tender's runs, newest first, without their stored documents (each can be megabytes): a list shows
    number, time, digests and whether the results were provisional (`results_provisional`)."""
    return (
        EvaluationRun.objects.filter(tender=tender).select_related("run_by").defer(*EvaluationRun.DOCUMENTS)
        .annotate(results_provisional=KeyTransform("provisional", "results")).order_by("-number")
    )


# --------------------------------------------------------------------------
# The snapshot an evaluation run is computed from
# --------------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _price_check_dict(check: Any) -> dict[str, Any]:
    return {
        "status": str(check.status),
        "message": check.message,
        "needs_clarification": bool(check.needs_clarification),
        "price_per_contact_hour": str(check.price_per_contact_hour),
        "model_minimum": str(check.model_minimum),
        "statutory_floor": str(check.statutory_floor),
        "gap_amount": str(check.gap_amount),
        "gap_percent": str(check.gap_percent),
        "ceiling": None if check.ceiling is None else str(check.ceiling),
    }


def lot_price_check(*, lot: Lot, price: Any, models: dict[int, Any] | None = None) -> dict[str, Any] | None:
    """The pricing module's check of a price, as JSON; None when the tender has no cost model.

    `models`: a memo of each lot's cost model, for a caller checking every bid on every lot (the model
    is the same for all of a lot's bids; issue 17: working it out again was most of a check's time)."""
    if lot.tender.rate_preset_id is None:
        return None
    from pricing.selectors import lot_price_check as check_price  # pricing owns the model

    return _price_check_dict(check_price(lot=lot, price=price, benchmark=_lot_model(lot, models)))


def lot_package_check(*, lot: Lot, package_price: Any, models: dict[int, Any] | None = None) -> dict[str, Any] | None:
    """The package price checked against package hours x the model's rate (issue 15); None if not asked or no model."""
    if package_price is None or not lot.package_pricing or not lot.package_hours or lot.tender.rate_preset_id is None:
        return None
    from pricing.selectors import lot_package_price_check  # pricing owns the model

    return _price_check_dict(
        lot_package_price_check(lot=lot, package_price=package_price, benchmark=_lot_model(lot, models))
    )


def _lot_model(lot: Lot, models: dict[int, Any] | None) -> Any:
    """The lot's cost model, the figure its prices are checked against (visit-mix cost when the tender
    has a mix): from the memo when one is given (worked out on first use)."""
    from pricing.selectors import lot_benchmark as benchmark  # pricing owns the model

    if models is None:
        return benchmark(lot=lot)
    if lot.pk not in models:
        models[lot.pk] = benchmark(lot=lot)
    return models[lot.pk]


def lot_benchmark(*, lot: Lot, models: dict[int, Any] | None = None) -> str | None:
    """The lot's cost-of-care model minimum per contact hour (the banded formula's benchmark)."""
    if lot.tender.rate_preset_id is None:
        return None
    return str(_lot_model(lot, models).total)


def _assessment_dict(assessment: BidAssessment | None) -> dict[str, Any]:
    if assessment is None:
        return {"outcome": "eligible", "reason": "not checked against CQC data", "stage": None,
                "assessed_at": None, "location_ids": [], "evidence": []}
    return {
        "outcome": assessment.outcome,
        "reason": assessment.reason,
        "stage": assessment.stage,
        "assessed_at": _iso(assessment.assessed_at),
        "location_ids": list(assessment.location_ids),
        "evidence": list(assessment.evidence),
        "ratings": list(assessment.ratings),
    }


def _clarification_dict(c: PriceClarification | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "status": c.status,
        "explanation": c.explanation,
        "decision_reason": c.decision_reason,
        "decided_by": c.decided_by.get_username() if c.decided_by is not None else None,
        "decided_at": _iso(c.decided_at),
        "raised_at": _iso(c.raised_at),
        # Asked and answered through the portal (evaluation.price_clarifications); absent otherwise,
        # so runs of clarifications recorded by hand keep their inputs digest.
        **({
            "question": c.question,
            "reply_by": _iso(c.reply_by),
            "requested_at": _iso(c.requested_at),
            "requested_by": c.requested_by.get_username() if c.requested_by is not None else None,
            "answered_at": _iso(c.answered_at),
            "documents": [{"name": d.original_name, "sha256": d.sha256} for d in c.documents.all()],
        } if c.requested_at else {}),
    }


def evaluation_inputs(*, tender: Tender) -> dict[str, Any]:
    """Everything a run is computed from, as JSON (shape in `evaluation.assemble`)."""
    questions = list(tender.questions.order_by("number"))
    lots = list(tender.lots.select_related("zone").order_by("number"))
    bids = list(submitted_bids(tender=tender))
    # Rows as the run needs them (issue 17, measured by bench/evaluation_run.py): not a version's frozen
    # content, which a price row joined to its version would decode once per lot, and scores as tuples.
    versions = {
        v.bid_id: v
        for v in BidVersion.objects.filter(bid__in=bids, status=BidVersionStatus.SUBMITTED).only(
            "bid", "number", "digest", "submitted_at"
        )
    }
    bid_of_version = {v.pk: bid_id for bid_id, v in versions.items()}
    prices: defaultdict[int, dict[int, BidLotPrice]] = defaultdict(dict)
    for p in BidLotPrice.objects.filter(version__in=list(versions.values())):
        prices[p.lot_id][bid_of_version[p.version_id]] = p
    assessments = latest_assessments(bids=bids)
    clar = {(c.bid_id, c.lot_id): c for c in PriceClarification.objects.filter(bid__in=bids).select_related("decided_by")}
    consensus: defaultdict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for (bid_id, number, score, rationale, feedback, moderator, recorded_at, changed_after_lock, change_reason,
         approver) in ConsensusScore.objects.filter(bid__in=bids).values_list(
            "bid_id", "question__number", "score", "rationale", "feedback_to_bidder", "moderator__username",
            "recorded_at", "changed_after_lock", "change_reason", "change_approved_by__username",
    ):
        late = {}
        if changed_after_lock and approver is not None:
            # Four eyes (issue 13): who proposed the change after lock and who approved it, for the award report.
            # Only present on changed scores, so the digest of inputs without late changes is as before.
            late = {"change_proposed_by": moderator, "change_approved_by": approver}
        consensus[bid_id][f"Q{number}"] = {
            **late,
            "score": score,
            "rationale": rationale,
            # What the bidder is told (Procurement Regulations 2024 reg 31); the rationale stays internal.
            "feedback": feedback,
            "moderator": moderator,
            "recorded_at": _iso(recorded_at),
            "changed_after_lock": changed_after_lock,
            "change_reason": change_reason,
        }
    conflicts = conflicted_user_ids_by_provider(tender=tender)  # one query, not one per bid
    conflicted = {b.pk: conflicts.get(b.provider_id, set()) for b in bids}
    individual: dict[int, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for bid_id, evaluator_id, evaluator_name, number, score, comment in (
        IndividualScore.objects.filter(bid__in=bids)
        .order_by("question__number", "evaluator__username")
        .values_list("bid_id", "evaluator_id", "evaluator__username", "question__number", "score", "comment")
    ):
        if evaluator_id in conflicted[bid_id]:
            continue
        individual[bid_id][f"Q{number}"].append({"evaluator": evaluator_name, "score": score, "comment": comment})

    lots_out = []
    models: dict[int, Any] = {}  # each lot's cost model, worked out once for all its bids
    for lot in lots:
        lot.tender = tender
        bids_out = []
        for bid in bids:
            price = prices[lot.pk].get(bid.pk)
            if price is None or bid.pk not in versions:
                continue
            version = versions[bid.pk]
            cqc = _assessment_dict(assessments.get(bid.pk))
            excluded = cqc["outcome"] == "excluded"
            bids_out.append(
                {
                    "bid_ref": bid.reference,
                    "provider": bid.provider.name,
                    "provider_id": bid.provider_id,
                    "cqc_provider_id": bid.provider.cqc_provider_id,
                    # The supplier as assessment summaries name it (reg 31): kept with the run.
                    "supplier": {
                        "companies_house_number": bid.provider.companies_house_number,
                        "registered_address": bid.provider.registered_address,
                        "contact_name": bid.provider.contact_name,
                        "contact_email": bid.provider.contact_email,
                    },
                    "version": version.number,
                    "digest": version.digest,
                    "submitted_at": _iso(version.submitted_at or bid.submitted_at),
                    "hourly_price": str(price.hourly_price),
                    "package_price": None if price.package_price is None else str(price.package_price),
                    "cqc": cqc,
                    "price_check": None if excluded else lot_price_check(
                        lot=lot, price=price.hourly_price, models=models
                    ),
                    "package_check": None if excluded else lot_package_check(
                        lot=lot, package_price=price.package_price, models=models
                    ),
                    "clarification": _clarification_dict(clar.get((bid.pk, lot.pk))),
                    "consensus": {} if excluded else dict(consensus[bid.pk]),
                    "individual_scores": {} if excluded else {k: v for k, v in individual[bid.pk].items()},
                }
            )
        lots_out.append(
            {
                "key": f"Lot {lot.number}",
                "number": lot.number,
                "zone": lot.zone.code,
                "zone_name": lot.zone.name,
                "hours_per_week": str(lot.hours_per_week),
                "cost_of_care_benchmark": lot_benchmark(lot=lot, models=models),
                "ceiling_price": None if lot.ceiling_price is None else str(lot.ceiling_price),
                "package_hours": None if lot.package_hours is None else str(lot.package_hours),
                "package_price_weight": str(lot.package_price_weight),
                "bids": bids_out,
            }
        )
    return {
        "schema": SCHEMA,
        "tender": {
            "reference": tender.reference,
            "title": tender.title,
            "service_type": tender.service_type,
            "contact_minutes": tender.contact_minutes,
            "travel_minutes": tender.travel_minutes,
            "minute_basis": tender.minute_basis_label,
            "unrated_policy": tender.unrated_policy,
            "cqc_gate_scope": tender.cqc_gate_scope,
        },
        "rules": {
            "quality_weight": str(tender.quality_weight),
            "price_weight": str(tender.price_weight),
            "price_formula": tender.price_formula,
            "max_providers_per_lot": tender.max_providers_per_lot,
            "max_lots_per_provider": tender.max_lots_per_provider,
            "fail_on_zero_score": tender.fail_on_zero_score,
            "quality_threshold_percent": (
                None if tender.quality_threshold_percent is None else str(tender.quality_threshold_percent)
            ),
            "ceiling_rule": tender.ceiling_rule,
            "tie_break_rule": tender.tie_break_rule,
            "tie_break_seed": tender.tie_break_seed,
        },
        "questions": [
            {"key": f"Q{q.number}", "number": q.number, "text": q.text, "weight": str(q.weight), "max_score": q.max_score}
            for q in questions
        ],
        "lots": lots_out,
    }


def run_is_stale(*, run: EvaluationRun) -> bool:
    """True when the inputs have changed since the run (e.g. a consensus changed after lock)."""
    return content_digest(evaluation_inputs(tender=run.tender)) != run.inputs_digest
