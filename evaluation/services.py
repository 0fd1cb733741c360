"""Evaluation workflows: panel, conflicts, blind scoring, moderation, envelopes, clarifications, runs, award.

Each service checks who may act and at which stage, locks the rows it decides
on, takes the time once, and writes an audit entry for every step. Order of a
tender's evaluation:

    evaluation_assign -> conflict_declare (each panel member, before reading any bid)
    -> bids_assess_cqc (at opening) -> score_submit (blind) -> moderation_start
    -> consensus_record -> quality_lock -> price_envelope_open (commissioner)
    -> clarification_record (abnormally low prices) -> evaluation_run -> evaluation_award
"""
from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeGuard, cast

from django.db import transaction
from django.utils import timezone

from accounts import permissions
from accounts.models import Role, User
from common.audit import audit_record
from common.errors import PermissionDeniedError, RuleViolation, TransitionNotAllowed
from evaluation import selectors
from evaluation.assemble import results_from_inputs
from evaluation.models import (
    AssessmentOutcome,
    AssessmentStage,
    BidAssessment,
    ConflictDeclaration,
    ConsensusChangeProposal,
    ConsensusScore,
    EvaluationRun,
    EvaluatorAssignment,
    IndividualScore,
    PriceClarification,
    PriceClarificationStatus,
    ProposalStatus,
    TenderEvaluation,
)
from providers.models import Provider
from tenders.models import Bid, BidLotPrice, BidStatus, CqcGateScope, Lot, QualityQuestion, Tender, TieBreakRule
from tenders.receipts import content_digest
from tenders.transitions import TenderStatus

PANEL_ROLES = (Role.EVALUATOR, Role.MODERATOR)


# --------------------------------------------------------------------------
# Guards
# --------------------------------------------------------------------------


def _authenticated(user: User | None) -> TypeGuard[User]:
    """A person rather than the system (None: the evaluate command)."""
    return bool(getattr(user, "is_authenticated", False))


def _require_commissioner(user: User, what: str) -> None:
    """Separation of duties (`accounts.permissions`): never the IT admin, and `is_superuser` grants nothing."""
    if not permissions.is_commissioner(user):
        raise PermissionDeniedError(f"Only a commissioner can {what}.")


def _locked_tender(tender: Tender) -> Tender:
    return Tender.objects.select_for_update().get(pk=tender.pk)


def _fresh(tender: Tender) -> Tender:
    """The tender as stored now: callers may hold a copy from before an earlier step."""
    return Tender.objects.get(pk=tender.pk)


def _stages(tender: Tender, *, lock: bool = True) -> TenderEvaluation:
    """The tender's evaluation row, created on first use (and locked inside a transaction)."""
    stages, _ = TenderEvaluation.objects.get_or_create(tender=tender)
    if lock:
        stages = TenderEvaluation.objects.select_for_update().get(pk=stages.pk)
    return stages


def _require_working(tender: Tender, what: str) -> None:
    """Bids opened and the tender not yet awarded or cancelled."""
    if tender.opened_at is None or tender.status not in selectors.WORKING_STATUSES:
        raise TransitionNotAllowed(
            f"You cannot {what} while the tender is {TenderStatus(tender.status).label.lower()}: "
            "it must be opened and not yet awarded."
        )


def _require_assignment(user: User, tender: Tender) -> EvaluatorAssignment:
    assignment = selectors.assignment_for(user=user, tender=tender)
    if assignment is None:
        raise PermissionDeniedError("You are not on this tender's evaluation panel.")
    return assignment


def _require_moderator_or_commissioner(user: User, tender: Tender, what: str) -> None:
    if permissions.can_moderate(user, tender):
        return
    raise PermissionDeniedError(f"Only the tender's moderator or a commissioner can {what}.")


def _require_may_read(user: User, bid: Bid) -> None:
    if not selectors.evaluator_may_read(user=user, tender=bid.tender, provider=bid.provider):
        raise PermissionDeniedError(selectors.read_refusal(user=user, tender=bid.tender, provider=bid.provider))


def _require_scorable(bid: Bid) -> None:
    if bid.status != BidStatus.SUBMITTED or selectors.current_version(bid=bid) is None:
        raise RuleViolation(f"{bid.reference} is not a submitted bid, so it is not evaluated.")
    if selectors.is_excluded(bid=bid):
        raise RuleViolation(f"{bid.reference} is excluded (CQC); excluded bids are never scored.")


def _score_value(value: Any, question: QualityQuestion, field: str) -> int:
    if isinstance(value, bool):
        raise RuleViolation(f"Q{question.number}: the score must be a whole number.", field=field)
    try:
        number = Decimal(str(value).strip())
    except Exception:  # noqa: BLE001 - any unparsable input is the user's error
        raise RuleViolation(f"Q{question.number}: the score must be a whole number.", field=field) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise RuleViolation(f"Q{question.number}: the score must be a whole number.", field=field)
    score = int(number)
    if not 0 <= score <= question.max_score:
        raise RuleViolation(
            f"Q{question.number} is scored from 0 to {question.max_score}; {score} is outside that scale.", field=field
        )
    return score


def _question(tender: Tender, ref: Any) -> QualityQuestion:
    """A question of this tender, given as a QualityQuestion, its number, or 'Q<number>'."""
    if isinstance(ref, QualityQuestion):
        if ref.tender_id != tender.pk:
            raise RuleViolation(f"Q{ref.number} is not a question of {tender.reference}.", field="question")
        return ref
    text = str(ref).strip().upper().removeprefix("Q")
    if not (text.isascii() and text.isdigit()) or len(text) > 4:
        raise RuleViolation(f"Unknown question {ref!r}: give its number, e.g. 1 or Q1.", field="question")
    question = tender.questions.filter(number=int(text)).first()
    if question is None:
        raise RuleViolation(f"{tender.reference} has no question {int(text)}.", field="question")
    return question


# --------------------------------------------------------------------------
# Panel and conflicts
# --------------------------------------------------------------------------


@transaction.atomic
def evaluation_assign(
    *, tender: Tender, user: User, member: User, is_moderator: bool | None = None
) -> EvaluatorAssignment:
    """Put an evaluator or moderator on the tender's panel (commissioner; before moderation starts)."""
    _require_commissioner(user, "assign the evaluation panel")
    now = timezone.now()
    tender = _locked_tender(tender)
    if tender.status in (TenderStatus.AWARDED, TenderStatus.CONTRACTED, TenderStatus.CANCELLED):
        raise TransitionNotAllowed(f"The panel of a tender that is {tender.status_label.lower()} cannot change.")
    if getattr(member, "role", None) not in PANEL_ROLES:
        raise RuleViolation(
            f"{member.get_username()} is not an evaluator or moderator and cannot join the panel.", field="user"
        )
    moderator = member.role == Role.MODERATOR if is_moderator is None else bool(is_moderator)
    if moderator and member.role != Role.MODERATOR:
        raise RuleViolation(f"{member.get_username()} does not have the moderator role.", field="is_moderator")
    if not moderator and selectors.tender_evaluation(tender=tender).moderation_started:
        raise TransitionNotAllowed("Moderation has started: no more evaluators can join to score.")
    assignment, created = EvaluatorAssignment.objects.get_or_create(
        tender=tender, user=member, defaults={"is_moderator": moderator, "assigned_by": user, "assigned_at": now}
    )
    if not created:
        if assignment.is_moderator == moderator:
            return assignment
        raise RuleViolation(f"{member.get_username()} is already on the panel as {assignment.role_label.lower()}.")
    audit_record(
        actor=user, action="evaluation.assigned", obj=assignment,
        after={"tender": tender.reference, "user": member.get_username(), "is_moderator": moderator}, at=now,
    )
    return assignment


@transaction.atomic
def conflict_declare(
    *, tender: Tender, user: User, declarations: Sequence[Mapping[str, Any]]
) -> list[ConflictDeclaration]:
    """Declare, per bidding provider, whether the panel member has a conflict of interest.

    Each item: {"provider": Provider or id, "has_conflict": bool, "details": str}. A
    conflict needs details. A declared conflict cannot be withdrawn; a new conflict
    can be declared at any time (the member then loses access to that bid).
    """
    now = timezone.now()
    tender = _fresh(tender)
    assignment = _require_assignment(user, tender)
    if tender.status not in (TenderStatus.CLOSED, *selectors.WORKING_STATUSES):
        raise TransitionNotAllowed(
            "Conflicts are declared once the bidders are known: after the deadline and before the award."
        )
    if not declarations:
        raise RuleViolation("Declare for at least one bidding provider.", field="declarations")
    bidders = {p.pk: p for p in selectors.bidding_providers(tender=tender)}
    existing = {d.provider_id: d for d in ConflictDeclaration.objects.select_for_update().filter(assignment=assignment)}
    saved = []
    for item in declarations:
        raw = item.get("provider")
        provider_id: Any = raw.pk if isinstance(raw, Provider) else raw  # int() below rejects anything else
        try:
            provider = bidders[int(provider_id)]
        except (KeyError, TypeError, ValueError):
            raise RuleViolation(f"Provider {raw!r} has not bid for {tender.reference}.", field="provider") from None
        has_conflict = item.get("has_conflict")
        if not isinstance(has_conflict, bool):
            raise RuleViolation(f"Say whether you have a conflict with {provider.name} (yes or no).", field="has_conflict")
        details = str(item.get("details") or "").strip()
        if has_conflict and not details:
            raise RuleViolation(f"Describe your conflict of interest with {provider.name}.", field="details")
        current = existing.get(provider.pk)
        if current is not None:
            if current.has_conflict and not has_conflict:
                raise RuleViolation(
                    f"You declared a conflict with {provider.name}; a declared conflict cannot be withdrawn. "
                    "Ask the commissioner if it was declared in error.",
                    field="has_conflict",
                )
            if current.has_conflict == has_conflict and current.details == details:
                saved.append(current)
                continue
            before = {"has_conflict": current.has_conflict, "details": current.details}
            current.has_conflict, current.details, current.declared_at = has_conflict, details, now
            current.save(update_fields=["has_conflict", "details", "declared_at"])
            declaration = current
        else:
            before = None
            declaration = ConflictDeclaration.objects.create(
                assignment=assignment, provider=provider, has_conflict=has_conflict, details=details, declared_at=now
            )
            existing[provider.pk] = declaration
        audit_record(
            actor=user, action="evaluation.conflict_declared", obj=declaration, before=before,
            after={"tender": tender.reference, "provider": provider.name, "has_conflict": has_conflict, "details": details},
            at=now,
        )
        saved.append(declaration)
    return saved


# --------------------------------------------------------------------------
# CQC
# --------------------------------------------------------------------------


def _ratings_relied_on(location_ids: Iterable[str]) -> list[dict[str, Any]]:
    """The named locations' ratings as held at this check, with their publication dates and source import."""
    from cqc.models import CQCLocation  # the CQC app owns the directory

    rows = {r.location_id: r for r in CQCLocation.objects.filter(location_id__in=list(location_ids))
            .select_related("changed_by_import")}
    out = []
    for location_id in location_ids:
        row = rows.get(location_id)
        if row is None:
            out.append({"location_id": location_id, "found": False})
            continue
        source = row.changed_by_import
        out.append({
            "location_id": location_id, "found": True, "location_name": row.location_name,
            "overall": row.overall_rating, "safe": row.safe, "effective": row.effective, "caring": row.caring,
            "responsive": row.responsive, "well_led": row.well_led,
            "publication_date": row.publication_date.isoformat() if row.publication_date else None,
            "source_file": source.filename if source else "",
            "source_imported": (source.finished_at or source.created_at).isoformat() if source else None,
        })
    return out


def _evidence_json(evidence: Iterable[Any]) -> list[dict[str, Any]]:
    rows = []
    for e in evidence:
        published = getattr(e, "publication_date", None)
        rows.append(
            {
                "location_id": getattr(e, "location_id", ""),
                "service_group": getattr(e, "service_group", ""),
                "domain": getattr(e, "domain", ""),
                "rating": getattr(e, "rating", None),
                "publication_date": None if published is None else published.isoformat(),
            }
        )
    return rows


@transaction.atomic
def bids_assess_cqc(
    *, tender: Tender, user: User | None = None, stage: str = AssessmentStage.OPENING, bids: Iterable[Bid] | None = None
) -> list[BidAssessment]:
    """Check each submitted bid against the loaded CQC ratings under the tender's published gate, and record why.

    Provider-wide (default): any location CQC lists under the bidder's provider ID, or any it
    names, rated Inadequate on any key question or overall excludes it; named-locations: only
    the named ones. A named location registered to another provider or unknown excludes it;
    not-yet-rated named locations follow the tender's unrated_policy. The reason names the
    rule applied. No user means the system (the evaluate command).
    """
    from cqc.gate import UnratedPolicy, assess_bidder  # the CQC app owns the gate
    from cqc.selectors import locations_by_id, locations_of_provider

    if user is not None:
        _require_commissioner(user, "check bids against CQC ratings")
    if stage not in AssessmentStage.values:
        raise RuleViolation(f"Unknown assessment stage {stage!r}.")
    now = timezone.now()
    tender = _fresh(tender)
    if tender.opened_at is None:
        raise TransitionNotAllowed("Bids are checked against CQC ratings once they are opened.")
    targets = list(bids) if bids is not None else list(selectors.submitted_bids(tender=tender))
    results = []
    for bid in targets:
        version = selectors.current_version(bid=bid)
        location_ids = list(version.cqc_location_ids or []) if version else []
        locations = locations_by_id(location_ids)
        provider_wide = tender.cqc_gate_scope == CqcGateScope.PROVIDER_WIDE
        assessment = assess_bidder(
            bid.provider.cqc_provider_id, location_ids, locations,
            locations_of_provider(bid.provider.cqc_provider_id) if provider_wide else [],
            cast(UnratedPolicy, tender.unrated_policy), tender.cqc_gate_scope,  # the field's choices are the Literal's values
        )
        row = BidAssessment.objects.create(
            bid=bid,
            stage=stage,
            outcome=AssessmentOutcome(str(assessment.outcome)),
            reason=assessment.reason,
            location_ids=location_ids,
            evidence=_evidence_json(assessment.evidence),
            ratings=_ratings_relied_on(location_ids),
            assessed_at=now,
            assessed_by=user if _authenticated(user) else None,
        )
        audit_record(
            actor=user or "system", action="evaluation.cqc_assessed", obj=row,
            after={"bid": bid.reference, "provider": bid.provider.name, "stage": stage, "outcome": row.outcome,
                   "reason": row.reason, "evidence": row.evidence, "cqc_rule": assessment.rule},
            at=now,
        )
        results.append(row)
    return results


def _ensure_assessed(tender: Tender, user: User | None) -> None:
    bids = list(selectors.submitted_bids(tender=tender))
    known = selectors.latest_assessments(bids=bids)
    missing = [b for b in bids if b.pk not in known]
    if missing:
        bids_assess_cqc(tender=tender, user=user, bids=missing)


# --------------------------------------------------------------------------
# Blind individual scoring and moderation
# --------------------------------------------------------------------------


@transaction.atomic
def score_submit(*, bid: Bid, user: User, scores: Sequence[Mapping[str, Any]]) -> list[IndividualScore]:
    """Record an evaluator's own scores for questions of one bid, each with a comment.

    Each item: {"question": number or "Q1", "score": 0..max_score, "comment": text}.
    Scores can be revised until moderation starts; then they are frozen.
    """
    now = timezone.now()
    tender = bid.tender = _fresh(bid.tender)
    assignment = _require_assignment(user, tender)
    if assignment.is_moderator:
        raise PermissionDeniedError("Moderators record consensus scores; only panel evaluators score individually.")
    _require_working(tender, "score bids")
    _require_may_read(user, bid)
    _require_scorable(bid)
    if selectors.tender_evaluation(tender=tender).moderation_started:
        raise TransitionNotAllowed("Moderation has started: individual scores are final.")
    if not scores:
        raise RuleViolation("Give at least one score.", field="scores")
    cleaned = {}
    for item in scores:
        question = _question(tender, item.get("question"))
        score = _score_value(item.get("score"), question, "score")
        comment = str(item.get("comment") or "").strip()
        if not comment:
            raise RuleViolation(f"Q{question.number}: a comment explaining the score is required.", field="comment")
        cleaned[question.pk] = (question, score, comment)
    existing = {
        s.question_id: s for s in IndividualScore.objects.select_for_update().filter(bid=bid, evaluator=user)
    }
    saved = []
    for question, score, comment in cleaned.values():
        current = existing.get(question.pk)
        before = None
        if current is not None:
            if current.score == score and current.comment == comment:
                saved.append(current)
                continue
            before = {"score": current.score, "comment": current.comment}
            current.score, current.comment, current.submitted_at = score, comment, now
            current.save(update_fields=["score", "comment", "submitted_at"])
            row = current
        else:
            row = IndividualScore.objects.create(
                bid=bid, question=question, evaluator=user, score=score, comment=comment, submitted_at=now
            )
        audit_record(
            actor=user, action="evaluation.score_submitted", obj=row, before=before,
            after={"bid": bid.reference, "question": question.number, "score": score, "comment": comment}, at=now,
        )
        saved.append(row)
    return saved


@transaction.atomic
def moderation_start(*, tender: Tender, user: User) -> TenderEvaluation:
    """Close individual scoring and open moderation, once every evaluator has scored every bid."""
    _require_moderator_or_commissioner(user, tender, "start moderation")
    now = timezone.now()
    tender = _locked_tender(tender)
    _require_working(tender, "start moderation")
    stages = _stages(tender)
    if stages.moderation_started:
        raise TransitionNotAllowed("Moderation has already started.")
    if not selectors.scorable_bids(tender=tender):
        raise RuleViolation("There are no bids to moderate.")
    gaps = selectors.scoring_gaps(tender=tender)
    if gaps:
        raise RuleViolation("Moderation cannot start yet: " + " ".join(gaps))
    stages.moderation_started_at, stages.moderation_started_by = now, user
    stages.save(update_fields=["moderation_started_at", "moderation_started_by"])
    audit_record(actor=user, action="evaluation.moderation_started", obj=tender,
                 after={"moderation_started_at": now}, at=now)
    return stages


@transaction.atomic
def consensus_record(
    *, bid: Bid, question: Any, user: User, score: Any, rationale: str, change_reason: str = "",
    feedback_to_bidder: str | None = None,
) -> ConsensusScore:
    """Record the panel's consensus score for one question of one bid, with its rationale.

    After quality is locked a change needs a reason, is marked on the score and
    shown (before and after) in the audit trail. `feedback_to_bidder` is what the bidder's
    assessment summary says about the score (reg 31): no evaluator named, no individual score;
    the rationale stays inside the council. None keeps the feedback already recorded.
    """
    now = timezone.now()
    tender = _locked_tender(bid.tender)
    assignment = _require_assignment(user, tender)
    if not assignment.is_moderator:
        raise PermissionDeniedError("Only the tender's moderator records consensus scores.")
    _require_working(tender, "record consensus scores")
    _require_may_read(user, bid)
    _require_scorable(bid)
    stages = _stages(tender)
    if not stages.moderation_started:
        raise TransitionNotAllowed("Moderation has not started: individual scoring is still blind.")
    q = _question(tender, question)
    value = _score_value(score, q, "score")
    rationale = str(rationale or "").strip()
    change_reason = str(change_reason or "").strip()
    if not rationale:
        raise RuleViolation("Write the rationale for the consensus score.", field="rationale")
    current = ConsensusScore.objects.select_for_update().filter(bid=bid, question=q).first()
    after_lock = stages.quality_locked
    if after_lock and current is None:
        raise RuleViolation("Quality is locked; every question already has a consensus score.")
    if after_lock and not change_reason:
        raise RuleViolation(
            "Quality moderation is locked: give the reason for changing this consensus score.", field="change_reason"
        )
    if after_lock:
        assert current is not None  # refused above when quality is locked and there is no score yet
        # Four eyes (issue 13): after the lock a change is only a proposal until a second person approves it.
        _propose_change(current=current, user=user, value=value, rationale=rationale, change_reason=change_reason,
                        feedback_to_bidder=feedback_to_bidder, now=now)
        return current
    individual = _unconflicted_scores(tender=tender, bid=bid, question=q)
    differs = bool(individual) and value not in {s.score for s in individual}
    before = None
    if current is not None:
        feedback = current.feedback_to_bidder if feedback_to_bidder is None else str(feedback_to_bidder).strip()
        if (current.score == value and current.rationale == rationale and current.feedback_to_bidder == feedback
                and not after_lock):
            return current
        before = {"score": current.score, "rationale": current.rationale, "feedback_to_bidder": current.feedback_to_bidder}
        current.score, current.rationale, current.moderator, current.recorded_at = value, rationale, user, now
        current.feedback_to_bidder = feedback
        current.differs_from_individuals = differs
        if after_lock:
            current.changed_after_lock, current.change_reason = True, change_reason
        current.save()
        row = current
    else:
        row = ConsensusScore.objects.create(
            bid=bid, question=q, score=value, rationale=rationale, moderator=user, recorded_at=now,
            differs_from_individuals=differs, feedback_to_bidder=str(feedback_to_bidder or "").strip(),
        )
    audit_record(
        actor=user,
        action="evaluation.consensus_changed_after_lock" if after_lock else "evaluation.consensus_recorded",
        obj=row, before=before,
        after={
            "bid": bid.reference, "question": q.number, "score": value, "rationale": rationale,
            "feedback_to_bidder": row.feedback_to_bidder,
            "individual_scores": sorted(s.score for s in individual), "differs_from_individuals": differs,
        },
        note=change_reason, at=now,
    )
    return row


def _unconflicted_scores(*, tender: Tender, bid: Bid, question: QualityQuestion) -> list[IndividualScore]:
    conflicted = selectors.conflicted_user_ids(tender=tender, provider=bid.provider_id)
    return [s for s in IndividualScore.objects.filter(bid=bid, question=question) if s.evaluator_id not in conflicted]


def _propose_change(
    *, current: ConsensusScore, user: User, value: int, rationale: str, change_reason: str,
    feedback_to_bidder: str | None, now: datetime,
) -> ConsensusChangeProposal:
    """Record a proposed change to a locked consensus score (caller holds the locks and has checked the moderator)."""
    if ConsensusChangeProposal.objects.filter(consensus=current, status=ProposalStatus.PENDING).exists():
        raise RuleViolation(
            "A change to this consensus score is already waiting for approval: have it approved or rejected first."
        )
    feedback = current.feedback_to_bidder if feedback_to_bidder is None else str(feedback_to_bidder).strip()
    if current.score == value and current.rationale == rationale and current.feedback_to_bidder == feedback:
        raise RuleViolation("The proposed change is the same as the consensus score already recorded.")
    proposal = ConsensusChangeProposal.objects.create(
        consensus=current, score=value, rationale=rationale, feedback_to_bidder=feedback,
        change_reason=change_reason, previous_score=current.score, previous_rationale=current.rationale,
        proposed_by=user, proposed_at=now,
    )
    audit_record(
        actor=user, action="evaluation.consensus_change_proposed", obj=proposal,
        before={"score": current.score, "rationale": current.rationale},
        after={"bid": current.bid.reference, "question": current.question.number, "score": value,
               "rationale": rationale, "proposal": proposal.pk},
        note=change_reason, at=now,
    )
    return proposal


@transaction.atomic
def consensus_change_propose(
    *, bid: Bid, question: Any, user: User, score: Any, rationale: str, change_reason: str,
    feedback_to_bidder: str | None = None,
) -> ConsensusChangeProposal:
    """After quality is locked, the tender's moderator proposes a change; nothing changes until it is approved."""
    now = timezone.now()
    tender = _locked_tender(bid.tender)
    if not permissions.can_propose_consensus_change(user, tender, bid.provider_id):
        raise PermissionDeniedError("Only the tender's moderator, without a conflict with this bidder, can propose this.")
    _require_working(tender, "change a consensus score")
    if not _stages(tender).quality_locked:
        raise TransitionNotAllowed("Quality is not locked yet: record the consensus score directly.")
    q = _question(tender, question)
    value = _score_value(score, q, "score")
    rationale, change_reason = str(rationale or "").strip(), str(change_reason or "").strip()
    if not rationale:
        raise RuleViolation("Write the rationale for the consensus score.", field="rationale")
    if not change_reason:
        raise RuleViolation(
            "Quality moderation is locked: give the reason for changing this consensus score.", field="change_reason"
        )
    current = ConsensusScore.objects.select_for_update().filter(bid=bid, question=q).first()
    if current is None:
        raise RuleViolation("Quality is locked; every question already has a consensus score.")
    return _propose_change(current=current, user=user, value=value, rationale=rationale, change_reason=change_reason,
                           feedback_to_bidder=feedback_to_bidder, now=now)


@transaction.atomic
def consensus_change_decide(
    *, proposal: ConsensusChangeProposal, user: User, approve: bool, note: str = ""
) -> ConsensusChangeProposal:
    """A second person (the tender's moderator or a commissioner, never the proposer) approves or rejects.

    Only an approval changes the consensus score, and so the evaluation; both names are kept on the
    score (`moderator` proposed, `change_approved_by` approved) and in the audit trail.
    """
    now = timezone.now()
    found = ConsensusChangeProposal.objects.filter(pk=proposal.pk).select_related("consensus__bid").first()
    if found is None:
        raise RuleViolation("There is no such proposed change.")
    bid = found.consensus.bid
    tender = _locked_tender(bid.tender)
    proposal = ConsensusChangeProposal.objects.select_for_update().select_related(
        "consensus__bid__provider", "consensus__question", "proposed_by"
    ).get(pk=found.pk)
    if not permissions.can_approve_consensus_change(user, tender, proposed_by=proposal.proposed_by_id,
                                                    provider=bid.provider_id):
        raise PermissionDeniedError(
            "A second person must decide: the tender's moderator or a commissioner, not the person who proposed it."
        )
    if not proposal.is_pending:
        raise TransitionNotAllowed(f"This change was already {proposal.get_status_display().lower()}.")
    _require_working(tender, "change a consensus score")
    note = str(note or "").strip()
    if not approve and not note:
        raise RuleViolation("Give the reason for rejecting the change.", field="note")
    consensus = ConsensusScore.objects.select_for_update().get(pk=proposal.consensus_id)
    proposal.status = ProposalStatus.APPROVED if approve else ProposalStatus.REJECTED
    proposal.decided_by, proposal.decided_at, proposal.decision_note = user, now, note
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    names = {"proposed_by": proposal.proposed_by.get_username(), "decided_by": user.get_username()}
    if not approve:
        audit_record(actor=user, action="evaluation.consensus_change_rejected", obj=proposal,
                     after={"bid": bid.reference, "question": consensus.question.number, "proposal": proposal.pk,
                            **names}, note=note, at=now)
        return proposal
    before = {"score": consensus.score, "rationale": consensus.rationale,
              "feedback_to_bidder": consensus.feedback_to_bidder}
    individual = _unconflicted_scores(tender=tender, bid=bid, question=consensus.question)
    consensus.score, consensus.rationale = proposal.score, proposal.rationale
    consensus.feedback_to_bidder = proposal.feedback_to_bidder
    consensus.moderator, consensus.recorded_at = proposal.proposed_by, now
    consensus.differs_from_individuals = bool(individual) and proposal.score not in {s.score for s in individual}
    consensus.changed_after_lock, consensus.change_reason = True, proposal.change_reason
    consensus.change_approved_by, consensus.change_approved_at = user, now
    consensus.save()
    audit_record(
        actor=user, action="evaluation.consensus_changed_after_lock", obj=consensus, before=before,
        after={"bid": bid.reference, "question": consensus.question.number, "score": consensus.score,
               "rationale": consensus.rationale, "feedback_to_bidder": consensus.feedback_to_bidder,
               "individual_scores": sorted(s.score for s in individual),
               "differs_from_individuals": consensus.differs_from_individuals, "proposal": proposal.pk, **names},
        note=proposal.change_reason, at=now,
    )
    return proposal


@transaction.atomic
def quality_lock(*, tender: Tender, user: User) -> TenderEvaluation:
    """Lock quality moderation once every question of every bid has a consensus score."""
    _require_moderator_or_commissioner(user, tender, "lock quality moderation")
    now = timezone.now()
    tender = _locked_tender(tender)
    _require_working(tender, "lock quality moderation")
    stages = _stages(tender)
    if not stages.moderation_started:
        raise TransitionNotAllowed("Moderation has not started yet.")
    if stages.quality_locked:
        raise TransitionNotAllowed("Quality moderation is already locked.")
    gaps = selectors.consensus_gaps(tender=tender)
    if gaps:
        raise RuleViolation("Quality cannot be locked yet: " + " ".join(gaps))
    stages.quality_locked_at, stages.quality_locked_by = now, user
    stages.save(update_fields=["quality_locked_at", "quality_locked_by"])
    audit_record(actor=user, action="evaluation.quality_locked", obj=tender, after={"quality_locked_at": now}, at=now)
    return stages


# --------------------------------------------------------------------------
# Price envelope and clarifications
# --------------------------------------------------------------------------


def _raise_clarifications(tender: Tender, now: datetime, user: User | None) -> list[PriceClarification]:
    """Open a clarification for every abnormally low price of a scorable bid that has none."""
    raised = []
    scorable = selectors.scorable_bids(tender=tender)
    bids = {bid.pk: bid for bid in scorable}
    existing = set(PriceClarification.objects.filter(bid__in=scorable).values_list("bid_id", "lot_id"))
    lots = {lot.pk: lot for lot in tender.lots.select_related("zone")}
    for lot in lots.values():
        lot.tender = tender
    models: dict[int, Any] = {}  # each lot's cost model, worked out once for all its prices
    # Each price as plain values: a large tender has 20,000, and a run checks them every time (issue 17).
    prices = BidLotPrice.objects.filter(
        version__bid__in=scorable, version__status="submitted"
    ).values_list("version__bid_id", "lot_id", "hourly_price", "package_price")
    for bid_id, lot_id, hourly_price, package_price in prices:
        if (bid_id, lot_id) in existing:
            continue
        lot = lots[lot_id]
        check = selectors.lot_price_check(lot=lot, price=hourly_price, models=models)
        if not check or not check["needs_clarification"]:
            # An abnormally low package price needs explaining as much as an hourly one (issue 15).
            check = selectors.lot_package_check(lot=lot, package_price=package_price, models=models)
        if not check or not check["needs_clarification"]:
            continue
        bid = bids[bid_id]
        clarification = PriceClarification.objects.create(
            bid=bid, lot=lot, hourly_price=hourly_price, check_status=check["status"],
            price_check=check, raised_at=now,
        )
        audit_record(
            actor=user or "system", action="evaluation.clarification_raised", obj=clarification,
            after={"bid": bid.reference, "lot": lot.number, "hourly_price": hourly_price,
                   "check": check["message"]},
            at=now,
        )
        raised.append(clarification)
    return raised


@transaction.atomic
def price_envelope_open(*, tender: Tender, user: User) -> Tender:
    """Open the price envelope once quality is locked; abnormally low prices get a clarification.

    Moves an opened tender to in evaluation.
    """
    if not permissions.can_open_price_envelope(user, tender):
        raise PermissionDeniedError("Only a commissioner can open the price envelope.")
    now = timezone.now()
    tender = _locked_tender(tender)
    _require_working(tender, "open the price envelope")
    if tender.price_envelope_opened_at is not None:
        raise TransitionNotAllowed("The price envelope is already open.")
    stages = _stages(tender)
    if not stages.quality_locked:
        raise TransitionNotAllowed(
            "Two envelopes: prices stay sealed until quality moderation is complete and locked."
        )
    if tender.status == TenderStatus.OPENED:
        from tenders.services import tender_start_evaluation

        tender_start_evaluation(tender=tender, user=user)
        tender.refresh_from_db(fields=["status"])
    tender.price_envelope_opened_at = now
    tender.save(update_fields=["price_envelope_opened_at"])
    raised = _raise_clarifications(tender, now, user)
    audit_record(
        actor=user, action="evaluation.price_envelope_opened", obj=tender,
        before={"price_envelope_opened_at": None},
        after={"price_envelope_opened_at": now, "clarifications_raised": len(raised)}, at=now,
    )
    return tender


@transaction.atomic
def clarification_record(
    *, bid: Bid, lot: Lot, user: User, explanation: str, decision: str, reason: str
) -> PriceClarification:
    """Record the bidder's explanation of an abnormally low price and the decision, with its reason."""
    _require_commissioner(user, "decide on price clarifications")
    now = timezone.now()
    tender = _locked_tender(bid.tender)
    _require_working(tender, "decide on price clarifications")
    if tender.price_envelope_opened_at is None:
        raise TransitionNotAllowed("The price envelope is not open yet.")
    if lot.tender_id != tender.pk:
        raise RuleViolation(f"Lot {lot.number} is not a lot of {tender.reference}.", field="lot")
    clarification = PriceClarification.objects.select_for_update().filter(bid=bid, lot=lot).first()
    if clarification is None:
        _raise_clarifications(tender, now, user)
        clarification = PriceClarification.objects.select_for_update().filter(bid=bid, lot=lot).first()
    if clarification is None:
        raise RuleViolation(
            f"{bid.reference}'s price for lot {lot.number} is not flagged as abnormally low; no clarification is needed."
        )
    if decision not in (PriceClarificationStatus.ACCEPTED, PriceClarificationStatus.REJECTED):
        raise RuleViolation("The decision is either 'accepted' or 'rejected'.", field="decision")
    explanation, reason = str(explanation or "").strip(), str(reason or "").strip()
    if not explanation:
        raise RuleViolation("Record the bidder's explanation of the price.", field="explanation")
    if not reason:
        raise RuleViolation("Give the reason for the decision.", field="reason")
    before = {"status": clarification.status, "explanation": clarification.explanation,
              "decision_reason": clarification.decision_reason}
    clarification.status, clarification.explanation, clarification.decision_reason = decision, explanation, reason
    clarification.decided_by, clarification.decided_at = user, now
    clarification.save()
    audit_record(
        actor=user, action="evaluation.clarification_decided", obj=clarification, before=before,
        after={"bid": bid.reference, "lot": lot.number, "status": decision, "explanation": explanation,
               "decision_reason": reason},
        at=now,
    )
    return clarification


# --------------------------------------------------------------------------
# Runs and award
# --------------------------------------------------------------------------


def _actor_label(user: User | None) -> str:
    return user.get_username() if _authenticated(user) else "system (manage.py evaluate)"


@transaction.atomic
def evaluation_run(*, tender: Tender, user: User | None = None) -> EvaluationRun:
    """Score, rank and recommend from a snapshot of the inputs, and store it as the current run.

    Needs quality locked and the price envelope open. No user means the system (the
    evaluate command). The same inputs always give identical results.
    """
    if user is not None and not permissions.can_run_evaluation(user, tender):
        raise PermissionDeniedError("Only a commissioner can run the evaluation.")
    now = timezone.now()
    tender = _locked_tender(tender)
    _require_working(tender, "run the evaluation")
    stages = selectors.tender_evaluation(tender=tender)
    if not stages.quality_locked:
        raise TransitionNotAllowed("Quality moderation must be complete and locked before the evaluation runs.")
    if tender.price_envelope_opened_at is None:
        raise TransitionNotAllowed("Open the price envelope before running the evaluation.")
    _ensure_assessed(tender, user)
    _raise_clarifications(tender, now, user)
    _ensure_tie_break_seed(tender, now, user)
    inputs = selectors.evaluation_inputs(tender=tender)
    try:
        results = results_from_inputs(inputs)
    except ValueError as exc:
        raise RuleViolation(f"The evaluation cannot run: {exc}.") from None
    previous = (  # its number and digest, not its stored inputs and results (megabytes for a large tender)
        EvaluationRun.objects.select_for_update().filter(tender=tender).order_by("-number")
        .only("number", "inputs_digest").first()
    )
    EvaluationRun.objects.filter(tender=tender, is_current=True).update(is_current=False)
    run = EvaluationRun.objects.create(
        tender=tender,
        number=(previous.number + 1) if previous else 1,
        run_by=user if _authenticated(user) else None,
        run_by_label=_actor_label(user),
        run_at=now,
        inputs=inputs,
        inputs_digest=content_digest(inputs),
        results=results,
        results_digest=content_digest(results),
        is_current=True,
    )
    audit_record(
        actor=user or "system", action="evaluation.run", obj=run,
        after={
            "tender": tender.reference, "run": run.number, "inputs_digest": run.inputs_digest,
            "results_digest": run.results_digest, "provisional": results["provisional"],
            "same_inputs_as_previous": bool(previous and previous.inputs_digest == run.inputs_digest),
            "recommended": [b for lot in results["awards"]["lots"] for b in lot["recommended"]],
        },
        at=now,
    )
    for lot in results["lots"]:
        for tie in lot.get("ties", []):
            if tie["drawn"]:
                audit_record(
                    actor=user or "system", action="evaluation.lots_drawn", obj=run,
                    after={"tender": tender.reference, "run": run.number, "lot": lot["lot_key"], "seed": tie["seed"],
                           "order": tie["bids"], "decided_by": tie["decided_by"], "draws": tie["draws"]},
                    at=now,
                )
    return run


def _ensure_tie_break_seed(tender: Tender, now: datetime, user: User | None) -> None:
    """Store the drawing-of-lots seed once, at the first run, so every re-run and anyone else repeats the draw.

    Drawn after the bids are sealed and opened, from the OS's random source, and never changed.
    Call with the tender row locked.
    """
    if tender.tie_break_rule != TieBreakRule.QUALITY_PRICE_LOTS or tender.tie_break_seed:
        return
    tender.tie_break_seed = secrets.token_hex(16)
    tender.save(update_fields=["tie_break_seed"])
    audit_record(
        actor=user or "system", action="tender.tie_break_seed_stored", obj=tender,
        after={"tender": tender.reference, "tie_break_seed": tender.tie_break_seed}, at=now,
    )


def evaluation_award(*, tender: Tender, user: User, note: str = "") -> Tender:
    """Award the current run's recommendations, after checking CQC ratings again: the one award decision.

    Every entry point (the confirmation page, the evaluation API, the tender transition API) calls this.

    All or nothing. Who may award and every precondition (stage, a current non-provisional run
    that is not stale, no consensus change awaiting its second person, feedback to the bidder on
    every consensus score) are checked before anything is written, so a refusal writes nothing.
    Then, in one transaction under the tender lock, the recommended bids' CQC ratings are checked
    again and the award decision is recorded (`tenders.services.tender_award`) with its audit
    entries; any failure in that block rolls all of it back, re-check included.

    The one deliberate exception (issue 14: a CQC re-check at award is a new recorded event, not
    a silent change): when the re-check finds a recommended provider now excluded (e.g. rated
    Inadequate), the re-check rows and their audit entries are committed as the evidence, nothing
    of the award is written, and the award is refused. A re-run then excludes that provider.
    """
    _require_commissioner(user, "award the tender")
    tender = _fresh(tender)
    run = _award_preconditions(tender)
    recommended = {ref for lot in run.results["awards"]["lots"] for ref in lot["recommended"]}
    with transaction.atomic():
        tender = _locked_tender(tender)
        run = EvaluationRun.objects.select_for_update().get(pk=run.pk)
        if not run.is_current or tender.status != TenderStatus.IN_EVALUATION:
            raise TransitionNotAllowed("The evaluation changed while awarding; reload and try again.")
        _refuse_unsettled_scores(tender, run)  # again under the lock: a proposal may have arrived meanwhile
        bids = list(Bid.objects.filter(tender=tender, reference__in=recommended).select_related("provider"))
        checks = bids_assess_cqc(tender=tender, user=user, stage=AssessmentStage.AWARD, bids=bids)
        dropped = [c for c in checks if c.outcome == AssessmentOutcome.EXCLUDED]
        if not dropped:
            return _award(tender=tender, user=user, note=note, run=run, checks=checks)
    # Outside the block: the re-check alone has been committed, as the recorded evidence.
    names = "; ".join(f"{c.bid.provider.name} ({c.bid.reference}): {c.reason}" for c in dropped)
    raise RuleViolation(
        f"Cannot award: CQC ratings checked again now exclude {names}. "
        "Re-run the evaluation so the next-ranked bidders are recommended."
    )


def _award_preconditions(tender: Tender) -> EvaluationRun:
    if tender.status != TenderStatus.IN_EVALUATION:
        raise TransitionNotAllowed(
            f"A tender that is {TenderStatus(tender.status).label.lower()} cannot be awarded; it must be in evaluation."
        )
    run = selectors.current_run(tender=tender)
    if run is None:
        raise RuleViolation("Run the evaluation before awarding.")
    if run.results.get("provisional"):
        pending = sorted({ref for lot in run.results["lots"] for ref in lot["unresolved_clarifications"]})
        raise RuleViolation(
            "The evaluation is provisional: decide the price clarifications of " + ", ".join(pending) + " and re-run it."
        )
    _refuse_unsettled_scores(tender, run)
    if selectors.run_is_stale(run=run):
        raise RuleViolation("The evaluation's inputs have changed since it was run: re-run it before awarding.")
    _refuse_missing_feedback(run)
    if not any(lot["recommended"] for lot in run.results["awards"]["lots"]):
        raise RuleViolation("The evaluation recommends no provider for any lot.")
    return run


def _refuse_unsettled_scores(tender: Tender, run: EvaluationRun) -> None:
    """Four eyes: no award while a change to a consensus score after the lock awaits its second person (409)."""
    pending = selectors.pending_consensus_changes(tender=tender)
    if pending:
        raise TransitionNotAllowed(
            "Not yet: changes to consensus scores are waiting for a second person's decision ("
            + ", ".join(pending) + "). Approve or reject them on the consensus changes page, re-run the evaluation, "
            "then award."
        )


def _refuse_missing_feedback(run: EvaluationRun) -> None:
    """Regulation 31: every consensus score in the run needs its feedback to the bidder before the award (409)."""
    missing = selectors.missing_feedback(run=run)
    if missing:
        shown = "; ".join(missing[:5]) + ("; …" if len(missing) > 5 else "")
        raise TransitionNotAllowed(
            f"Not yet: {len(missing)} consensus score{'s have' if len(missing) != 1 else ' has'} no feedback to the "
            f"bidder ({shown}). Regulation 31 needs the reasons in each assessment summary: record the feedback "
            "at consensus and re-run the evaluation before awarding."
        )


def _award(*, tender: Tender, user: User, note: str, run: EvaluationRun, checks: list[BidAssessment]) -> Tender:
    """Record the decision; called inside evaluation_award's transaction with the tender and run locked."""
    now = timezone.now()
    from tenders.services import tender_award

    tender_award(tender=tender, user=user, note=note)
    audit_record(
        actor=user, action="evaluation.awarded", obj=run,
        after={
            "tender": tender.reference, "run": run.number, "results_digest": run.results_digest,
            "awards": [
                {"lot": lot["lot_key"], "recommended": lot["recommended"], "providers": lot["recommended_providers"]}
                for lot in run.results["awards"]["lots"]
            ],
            "cqc_rechecked": {c.bid.reference: c.outcome for c in checks},
        },
        note=note, at=now,
    )
    tender.refresh_from_db()
    return tender
