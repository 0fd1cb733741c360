"""Building the award report's context from the stored evaluation run and the recorded award events.

`award_report_context(tender=..., generated_at=...)` fills `reports.context.ReportContext`
(read that module's docstring for what each part means). Every score, rank, total, price
check, weighted contribution, recommendation, sensitivity and the CQC ratings relied on come
from the stored `EvaluationRun` the award relies on (or the current one before the award):
nothing is recomputed here, so a report regenerated from the same run shows the same figures
(and `context_digest` proves it). Besides the run it reads the tender and its lots, the
panel and its declarations, price and tender clarifications and the audit trail up to the
generation time.

Dates of the award sequence (decision, summaries issued, contract award notice and the
standstill from it, contract, details notice) come from the recorded `tenders.TenderAward`,
never from the generation time: before the notice is recorded documents say it is pending.
Reads for pages and the API are in `reports.selectors`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q

from common.errors import RuleViolation
from common.models import AuditEntry
from common.timezone import UK_TZ
from cqc.models import CQCLocation
from evaluation.assemble import question_contribution  # one formula; runs store its result
from evaluation.models import (
    BidAssessment,
    ConsensusScore,
    EvaluationRun,
    EvaluatorAssignment,
    TenderEvaluation,
)
from evaluation.models import (
    ConflictDeclaration as ConflictDeclarationRow,
)
from evaluation.models import (
    IndividualScore as IndividualScoreRow,
)
from evaluation.models import (
    PriceClarification as PriceClarificationRow,
)
from pricing.checks import shown_gap
from reports.context import (
    AuditRow,
    Authority,
    AwardEvents,
    Bidder,
    BidRow,
    ClarificationDecision,
    ConflictDeclaration,
    CqcEvidence,
    CqcSnapshotRow,
    Exclusion,
    IndividualScore,
    LotSection,
    LotSensitivity,
    PriceClarification,
    Question,
    QuestionScore,
    ReportContext,
    RowStatus,
    SensitivityRow,
    TenderClarification,
    TenderSummary,
    TimelineEvent,
)
from reports.selectors import current_run
from tenders.models import Bid, Clarification, ClarificationStatus, Lot, PriceFormula, Tender, TenderAward
from tenders.services.award import details_notice_due_on

if TYPE_CHECKING:
    from accounts.models import User

NOT_SCORED_CONFLICT = "Did not score: declared an interest in this bidder"
NOT_SCORED = "No score recorded"


def _dec(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def _dt(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _stored_dt(value: Any) -> datetime:
    """A timestamp the caller checked the run holds (`_dt` answers None only for a missing one)."""
    moment = _dt(value)
    assert moment is not None
    return moment


def _stored_dec(value: Any) -> Decimal:
    """A figure every stored bid has (its prices): `_dec` answers None only for a missing one."""
    figure = _dec(value)
    assert figure is not None
    return figure


def _submission_deadline(tender: Tender) -> datetime:
    """A tender with an evaluation run was published, so it has its deadline (a database constraint says so)."""
    deadline = tender.submission_deadline
    assert deadline is not None
    return deadline


def _date(value: Any) -> date | None:
    if not value:
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


class _People:
    """Usernames to the names a report prints (full name, else the username)."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}

    def load(self, usernames: Iterable[str]) -> None:
        wanted = {u for u in usernames if u and u not in self._names}
        if not wanted:
            return
        for user in get_user_model().objects.filter(username__in=wanted):
            self._names[user.username] = user.get_full_name() or user.username
        for name in wanted:
            self._names.setdefault(name, name)

    def name(self, username: str | None) -> str:
        if not username:
            return ""
        return self._names.get(username, username)

    def of(self, user: User | None) -> str:
        if user is None:
            return ""
        return user.get_full_name() or user.get_username()


def _authority(tender: Tender, lots: list[Lot]) -> Authority:
    """The authority from the REPORT_AUTHORITY_* settings (the one place letters take it from).

    With no name set, the lots' local authority; with no signatory, the letter is signed for the
    authority by title alone, never with the council's name twice.
    """
    name = settings.REPORT_AUTHORITY_NAME or next(
        (lot.zone.local_authority for lot in lots if lot.zone.local_authority), ""
    )
    return Authority(
        name=name or "The contracting authority",
        address_lines=tuple(line.strip() for line in settings.REPORT_AUTHORITY_ADDRESS.split("|") if line.strip()),
        contact_name=settings.REPORT_AUTHORITY_SIGNATORY_NAME,
        contact_email=settings.REPORT_AUTHORITY_EMAIL,
        signatory_name=settings.REPORT_AUTHORITY_SIGNATORY_NAME,
        signatory_title=settings.REPORT_AUTHORITY_SIGNATORY_TITLE,
    )


def _formula_explanation(formula: str, quality_weight: Decimal, price_weight: Decimal) -> str:
    qw, pw = f"{quality_weight.normalize():f}", f"{price_weight.normalize():f}"
    quality = f"Quality score = {qw} × the weighted sum of consensus scores / the maximum available."
    if formula == "relative_to_mean":
        price = (
            f"Price score = {pw} × (1 − (price − mean acceptable price) / mean), per contact hour: {pw} at or below"
            " the lot's mean acceptable price, 0 at twice the mean or more."
        )
    elif formula == "banded_cost_of_care":
        price = (
            f"Price score = {pw} × the share of the band the price per contact hour falls in, measured above the"
            " zone's cost-of-care benchmark."
        )
    else:
        price = f"Price score = {pw} × lowest acceptable price per contact hour in the lot / the bid's price per contact hour."
    return f"{price} {quality}"


def _tender_summary(tender: Tender, run: EvaluationRun, stages: TenderEvaluation | None) -> TenderSummary:
    rules = run.results.get("rules") or {}
    quality_weight = _dec(rules.get("quality_weight")) or tender.quality_weight
    price_weight = _dec(rules.get("price_weight")) or tender.price_weight
    formula = rules.get("price_formula") or tender.price_formula
    threshold = rules.get("quality_threshold_percent", tender.quality_threshold_percent)
    return TenderSummary(
        reference=tender.reference,
        title=tender.title,
        service_label=tender.get_service_type_display(),
        description=tender.description,
        quality_weight=quality_weight,
        price_weight=price_weight,
        price_formula=formula,
        price_formula_label=dict(PriceFormula.choices).get(formula, formula),  # the field's choices
        price_formula_explanation=_formula_explanation(formula, quality_weight, price_weight),
        contact_minutes=int(run.inputs["tender"]["contact_minutes"]),
        travel_minutes=int(run.inputs["tender"]["travel_minutes"]),
        submission_deadline=_submission_deadline(tender),
        cost_model_name=tender.rate_preset.name if tender.rate_preset else "",
        published_at=tender.published_at,
        clarification_deadline=tender.clarification_deadline,
        opened_at=tender.opened_at,
        price_envelope_opened_at=tender.price_envelope_opened_at,
        awarded_at=tender.awarded_at,
        contract_start=tender.contract_start,
        contract_end=tender.contract_end,
        max_providers_per_lot=int(rules.get("max_providers_per_lot", tender.max_providers_per_lot)),
        max_lots_per_provider=rules.get("max_lots_per_provider", tender.max_lots_per_provider),
        unrated_policy_label=tender.get_unrated_policy_display(),
        fail_on_zero_score=bool(rules.get("fail_on_zero_score", tender.fail_on_zero_score)),
        quality_threshold_percent=_dec(threshold),
        standstill_mandatory=tender.standstill_mandatory,
        contract_conditions=tender.contract_conditions,
    )


def _questions(run: EvaluationRun, guidance: Mapping[int, str]) -> tuple[Question, ...]:
    return tuple(
        Question(
            number=int(q["number"]),
            title=q["text"],
            text="",
            weight=Decimal(str(q["weight"])),
            max_score=int(q["max_score"]),
            guidance=guidance.get(int(q["number"]), ""),
        )
        for q in run.results["questions"]
    )


@dataclass(frozen=True)
class _Rated:
    """A location's ratings as the evaluation relied on them (the shape of the CQCLocation fields read)."""

    location_id: str
    location_name: str = ""
    overall_rating: str = ""
    safe: str = ""
    effective: str = ""
    caring: str = ""
    responsive: str = ""
    well_led: str = ""
    publication_date: date | None = None
    source_file: str = ""
    source_imported: datetime | None = None


def _locations(run: EvaluationRun) -> dict[str, _Rated]:
    """The named locations' ratings as stored with the run's CQC checks, never the directory as it is now.

    Runs stored before the checks kept ratings (issue 14) fall back to the directory.
    """
    rated: dict[str, _Rated] = {}
    missing: set[str] = set()
    for lot in run.results["lots"]:
        for bid in lot["bids"]:
            cqc = bid.get("cqc") or {}
            ratings = cqc.get("ratings")
            if ratings is None:
                missing.update(str(i) for i in cqc.get("location_ids") or ())
                continue
            for r in ratings:
                if r.get("found"):
                    rated[r["location_id"]] = _Rated(
                        location_id=r["location_id"], location_name=r.get("location_name", ""),
                        overall_rating=r.get("overall") or "", safe=r.get("safe") or "",
                        effective=r.get("effective") or "", caring=r.get("caring") or "",
                        responsive=r.get("responsive") or "", well_led=r.get("well_led") or "",
                        publication_date=_date(r.get("publication_date")), source_file=r.get("source_file", ""),
                        source_imported=_dt(r.get("source_imported")),
                    )  # fmt: skip
    missing -= set(rated)
    for row in CQCLocation.objects.filter(location_id__in=missing).select_related("changed_by_import"):
        source = row.changed_by_import
        rated[row.location_id] = _Rated(
            location_id=row.location_id, location_name=row.location_name, overall_rating=row.overall_rating,
            safe=row.safe, effective=row.effective, caring=row.caring, responsive=row.responsive,
            well_led=row.well_led, publication_date=row.publication_date,
            source_file=source.filename if source else "",
            source_imported=(source.finished_at or source.created_at) if source else None,
        )  # fmt: skip
    return rated


def _overall(location_ids: Iterable[str], locations: Mapping[str, _Rated]) -> str:
    ratings = []
    for location_id in location_ids:
        row = locations.get(location_id)
        # The same words as the pages: a location missing from the CQC data is "not found", not "not yet rated".
        rating = ((row.overall_rating or "Not yet rated") if row else "Not found in CQC data")
        if rating not in ratings:
            ratings.append(rating)
    return " / ".join(ratings)


def _question_scores(
    bid: Mapping[str, Any],
    *,
    quality_weight: Decimal,
    total_weight: Decimal,
    evaluators: tuple[str, ...],
    conflicted: set[str],
    people: _People,
) -> tuple[QuestionScore, ...]:
    out = []
    for q in bid.get("questions") or ():
        by_evaluator = {s["evaluator"]: s for s in q.get("individual") or ()}
        individual = []
        for username in evaluators:
            scored = by_evaluator.get(username)
            if scored is not None:
                individual.append(IndividualScore(people.name(username), _dec(scored["score"]), scored.get("comment", "")))
            else:
                note = NOT_SCORED_CONFLICT if username in conflicted else NOT_SCORED
                individual.append(IndividualScore(people.name(username), None, note))
        consensus = _dec(q.get("consensus"))
        weight = _dec(q["weight"]) or Decimal(0)
        weighted = _dec(q.get("weighted"))  # stored with the run (runs before issue 14: worked out here)
        if weighted is None and consensus is not None and total_weight:
            weighted = question_contribution(
                quality_weight=quality_weight, question_weight=weight, total_question_weight=total_weight,
                score=consensus, max_score=int(q["max_score"]),
            )  # fmt: skip
        rationale = q.get("rationale", "")
        if q.get("changed_after_lock") and q.get("change_reason"):
            rationale = f"{rationale} (Changed after quality was locked: {q['change_reason']})"
        out.append(
            QuestionScore(
                question_number=int(q["number"]),
                consensus=consensus,
                max_score=int(q["max_score"]),
                weighted=weighted,
                rationale=rationale,
                individual=tuple(individual),
                feedback=q.get("feedback", ""),
            )
        )
    return tuple(out)


def _status_reason(bid: Mapping[str, Any]) -> str:
    if bid.get("recommended"):
        return "Recommended for award"
    if bid.get("passed_over"):
        return f"Not recommended: {bid['passed_over']}"
    reason = bid.get("reason") or ""
    if bid.get("status") == RowStatus.EXCLUDED:
        return f"Excluded: {reason.removeprefix('CQC: ')}. Price not evaluated." if reason else "Excluded."
    return reason


def _bid_row(
    bid: Mapping[str, Any],
    *,
    provider_key: str,
    question_scores: tuple[QuestionScore, ...],
    locations: Mapping[str, _Rated],
) -> BidRow:
    status = RowStatus(bid["status"])
    cqc = bid.get("cqc") or {}
    check = bid.get("price_check") or {}
    # An excluded bid is not evaluated on price, so its price is not shown (as with an unopened envelope).
    priced = status is not RowStatus.EXCLUDED
    return BidRow(
        bid_ref=bid["bid_ref"],
        provider_key=provider_key,
        provider_name=bid["provider"],
        status=status,
        status_reason=_status_reason(bid),
        quality_score=_dec(bid.get("quality_score")),
        price_score=_dec(bid.get("price_score")),
        total=_dec(bid.get("total")),
        rank=bid.get("rank"),
        recommended=bool(bid.get("recommended")),
        passed_over=bid.get("passed_over") or "",
        question_scores=question_scores,
        price_per_billed_hour=_dec(bid.get("hourly_price")) if priced else None,
        price_per_contact_hour=_dec(bid.get("price_per_contact_hour")) if priced else None,
        model_minimum=_dec(check.get("model_minimum")) if priced else None,
        # The gap as the pages show it (pricing.checks.shown_gap: from penny-rounded figures, % half up).
        gap_amount=_shown_gap(check)[0] if priced else None,
        gap_percent=_shown_gap(check)[1] if priced else None,
        price_check=(check.get("status") or None) if priced else None,
        price_check_message=check.get("message", "") if priced else "",
        cqc_rating=_overall(cqc.get("location_ids") or (), locations),
        cqc_outcome=cqc.get("outcome", ""),
        submitted_at=_dt(bid.get("submitted_at")),
    )


def _shown_gap(check: Mapping[str, Any]) -> tuple[Decimal | None, Decimal | None]:
    hourly, minimum = _dec(check.get("price_per_contact_hour")), _dec(check.get("model_minimum"))
    if hourly is None or not minimum:
        return _dec(check.get("gap_amount")), _dec(check.get("gap_percent"))
    return shown_gap(hourly, minimum)


def _sensitivity(data: Mapping[str, Any] | None, names: Mapping[str, str]) -> LotSensitivity | None:
    if not data:
        return None

    def name(ref: str | None) -> str | None:
        return None if ref is None else names.get(ref, ref)

    rows = tuple(
        SensitivityRow(
            quality_weight=Decimal(str(split["quality_weight"])),
            price_weight=Decimal(str(split["price_weight"])),
            is_tender_split=bool(split["is_tender_split"]),
            winner=name(split.get("winner")),
            ranking=tuple(name(ref) or "" for ref in split.get("ranking") or ()),
            winner_changed=bool(split.get("winner_changed")),
        )
        for split in data.get("splits") or ()
    )
    return LotSensitivity(
        rows=rows,
        winner=name(data.get("winner")),
        runner_up=name(data.get("runner_up")),
        runner_up_price_to_win=_dec(data.get("runner_up_price_to_win")),
        runner_up_price_cut_percent=_dec(data.get("runner_up_price_cut_percent")),
        winner_price_to_lose=_dec(data.get("winner_price_to_lose")),
        winner_price_rise_percent=_dec(data.get("winner_price_rise_percent")),
    )


def _ratings_source(locations: Iterable[_Rated]) -> str:
    """Where the ratings relied on came from: the import(s) recorded with the CQC checks."""
    sources = sorted(
        {(loc.source_imported, loc.source_file) for loc in locations if loc.source_file and loc.source_imported},
        reverse=True,
    )
    if not sources:
        return "CQC ratings held in the system at the check"
    when, filename = sources[0]
    return f"CQC care directory with ratings ({filename}, imported {when.astimezone(UK_TZ):%-d %B %Y})"


def _clarification_question(check: Mapping[str, Any], price: Any, contact_minutes: int, travel_minutes: int) -> str:
    """What the bidder was asked about an abnormally low price, in the words of the price check."""
    below = "the statutory floor" if check.get("status") == "below_statutory_floor" else "the sustainable minimum"
    return (
        f"Your price of £{price} per billed hour ({contact_minutes} contact + {travel_minutes} travel minutes) is"
        f" £{check.get('price_per_contact_hour')} per contact hour, below {below} of the cost-of-care model for"
        f" this zone (£{check.get('model_minimum')} per contact hour; statutory floor £{check.get('statutory_floor')})."
        " Please explain how it covers care workers' pay at or above the National Living Wage for contact, travel"
        " and training time, the statutory on-costs and your running costs, with evidence."
    )


def _audit(tender: Tender, bids: list[Bid], run: EvaluationRun, generated_at: datetime) -> tuple[AuditRow, ...]:
    """This tender's audit entries: the tender, its bids, clarifications and evaluation objects (not reports)."""
    bid_ids = [b.pk for b in bids]
    objects: dict[str, Iterable[Any]] = {
        "tenders.Tender": [tender.pk],
        "tenders.Bid": bid_ids,
        "tenders.Clarification": Clarification.objects.filter(tender=tender).values_list("pk", flat=True),
        "tenders.TenderAward": TenderAward.objects.filter(tender=tender).values_list("pk", flat=True),
        "evaluation.EvaluationRun": EvaluationRun.objects.filter(tender=tender).values_list("pk", flat=True),
        "evaluation.TenderEvaluation": TenderEvaluation.objects.filter(tender=tender).values_list("pk", flat=True),
        "evaluation.EvaluatorAssignment": EvaluatorAssignment.objects.filter(tender=tender).values_list("pk", flat=True),
        "evaluation.ConflictDeclaration": ConflictDeclarationRow.objects.filter(
            assignment__tender=tender
        ).values_list("pk", flat=True),
        "evaluation.IndividualScore": IndividualScoreRow.objects.filter(bid_id__in=bid_ids).values_list("pk", flat=True),
        "evaluation.ConsensusScore": ConsensusScore.objects.filter(bid_id__in=bid_ids).values_list("pk", flat=True),
        "evaluation.BidAssessment": BidAssessment.objects.filter(bid_id__in=bid_ids).values_list("pk", flat=True),
        "evaluation.PriceClarification": PriceClarificationRow.objects.filter(bid_id__in=bid_ids).values_list(
            "pk", flat=True
        ),
    }
    condition = Q()
    for object_type, ids in objects.items():
        wanted = [str(pk) for pk in ids]
        if wanted:
            condition |= Q(object_type=object_type, object_id__in=wanted)
    entries = AuditEntry.objects.filter(condition, at__lte=generated_at).order_by("sequence")
    return tuple(
        AuditRow(
            sequence=e.sequence, at=e.at, actor=e.actor_label, action=e.action, object_repr=e.object_repr,
            note=e.note, hash=e.hash,
        )  # fmt: skip
        for e in entries
    )


TIMELINE_ACTIONS = {
    "tender.published": ("Publication", "Tender published."),
    "tender.closed": ("Deadline", "Tender closed for submissions."),
    "tender.opened": ("Opening", "Bids opened."),
    "tender.in_evaluation": ("Evaluation", "Evaluation started."),
    "evaluation.moderation_started": ("Moderation", "Moderation started: individual scoring closed."),
    "evaluation.quality_locked": ("Moderation", "Consensus quality scores locked."),
    "evaluation.price_envelope_opened": ("Evaluation", "Price envelopes opened; prices checked against the model."),
    "tender.awarded": ("Award", "Award decision recorded."),
    "award.summaries_issued": ("Award", "Assessment summaries issued to every assessed bidder through the portal."),
    "award.notice_recorded": ("Award", "Publication of the contract award notice on Find a Tender recorded."),
    "tender.contracted": ("Contract", "Contract entered into."),
    "award.details_notice_recorded": ("Contract", "Publication of the contract details notice recorded."),
    "tender.amended": ("Amendment", "Tender amended and bidders notified."),
}


def _timeline(
    tender: Tender, run: EvaluationRun, audit: tuple[AuditRow, ...], bids: list[Bid], people: _People
) -> tuple[TimelineEvent, ...]:
    events: list[TimelineEvent] = []
    seen_actions: set[str] = set()
    people.load(row.actor for row in audit if row.action in TIMELINE_ACTIONS)
    for row in audit:
        if row.object_repr.startswith(tender.reference) and row.action in TIMELINE_ACTIONS:
            stage, text = TIMELINE_ACTIONS[row.action]
            if row.action in seen_actions and row.action != "tender.amended":
                continue
            seen_actions.add(row.action)
            events.append(TimelineEvent(row.at, stage, text, people.name(row.actor)))
    if "tender.published" not in seen_actions and tender.published_at:
        events.append(TimelineEvent(tender.published_at, "Publication", "Tender published."))
    if tender.clarification_deadline:
        events.append(TimelineEvent(tender.clarification_deadline, "Clarifications", "Deadline for clarification questions."))
    for c in Clarification.objects.filter(tender=tender, status=ClarificationStatus.PUBLISHED).order_by("number"):
        if c.answered_at:
            events.append(TimelineEvent(c.answered_at, "Clarifications", f"Clarification {c.number} answered and published."))
    deadline = _submission_deadline(tender)
    submitted = [b for b in bids if b.submitted_at]
    late = [b for b in submitted if b.submitted_at is not None and b.submitted_at > deadline]
    events.append(
        TimelineEvent(
            deadline, "Deadline",
            f"Submission deadline: {len(submitted)} bid{'s' if len(submitted) != 1 else ''} received"
            f"{', none late' if not late else f', {len(late)} late'}.",
        )
    )  # fmt: skip
    if "tender.opened" not in seen_actions and tender.opened_at:
        events.append(TimelineEvent(tender.opened_at, "Opening", "Bids opened (quality envelopes)."))
    assessed: dict[str, dict[str, Any]] = {}
    for lot in run.results["lots"]:
        for bid in lot["bids"]:
            cqc = bid.get("cqc") or {}
            if cqc.get("assessed_at"):
                assessed.setdefault(bid["bid_ref"], cqc)
    if assessed:
        first = min(_stored_dt(c["assessed_at"]) for c in assessed.values())
        excluded = sum(1 for c in assessed.values() if c.get("outcome") == "excluded")
        flagged = sum(1 for c in assessed.values() if c.get("outcome") == "flagged")
        events.append(
            TimelineEvent(
                first, "Evaluation",
                f"CQC ratings checked for {len(assessed)} bids: {excluded} excluded, {flagged} flagged for due diligence.",
            )
        )  # fmt: skip
    clarifications: dict[str, Mapping[str, Any]] = {}
    for lot in run.results["lots"]:
        for bid in lot["bids"]:
            if bid.get("clarification"):
                clarifications[f"{bid['provider']}, lot {lot['lot']}"] = bid["clarification"]
    for label, queried in clarifications.items():
        if queried.get("raised_at"):
            events.append(TimelineEvent(_stored_dt(queried["raised_at"]), "Evaluation", f"Abnormally low price queried: {label}."))
        if queried.get("decided_at"):
            decision = ClarificationDecision(queried["status"]).label.lower() if queried.get("status") else "decided"
            events.append(
                TimelineEvent(_stored_dt(queried["decided_at"]), "Evaluation", f"Price clarification ({label}): {decision}.",
                              people.name(queried.get("decided_by")))
            )  # fmt: skip
    events.append(
        TimelineEvent(
            run.run_at, "Evaluation",
            f"Evaluation run {run.number}: scores, ranks and recommendations calculated and stored"
            f" (results digest {run.results_digest[:12]}).",
            people.name(run.run_by.get_username()) if run.run_by else run.run_by_label,
        )
    )  # fmt: skip
    if "tender.awarded" not in seen_actions and tender.awarded_at:
        events.append(TimelineEvent(tender.awarded_at, "Award", "Award decision recorded."))
    events.sort(key=lambda e: e.at)
    return tuple(events)


def _conflicts(tender: Tender, people: _People) -> tuple[tuple[ConflictDeclaration, ...], dict[str, set[str]]]:
    """Each panel member's declarations, and the usernames conflicted per provider ID."""
    out = []
    conflicted: dict[str, set[str]] = {}
    assignments = EvaluatorAssignment.objects.filter(tender=tender).select_related("user").order_by(
        "is_moderator", "user__username"
    )
    for assignment in assignments:
        declarations = list(assignment.declarations.select_related("provider").order_by("provider__name"))
        if not declarations:
            continue
        interests = [d for d in declarations if d.has_conflict]
        for d in interests:
            conflicted.setdefault(str(d.provider_id), set()).add(assignment.user.username)
        role = assignment.role_label
        action = ""
        if interests:
            names = ", ".join(d.provider.name for d in interests)
            action = (
                f"Did not see or score the bid of {names}." if not assignment.is_moderator
                else f"Took no part in moderating the bid of {names}."
            )  # fmt: skip
        out.append(
            ConflictDeclaration(
                person=f"{people.of(assignment.user)} ({role})",
                role=role,
                declared_at=min(d.declared_at for d in declarations),
                has_interest=bool(interests),
                details="; ".join(f"{d.provider.name}: {d.details}" for d in interests) or "No interests to declare.",
                action=action,
            )
        )
    return tuple(out), conflicted


def _award_events(award: TenderAward | None) -> AwardEvents | None:
    if award is None:
        return None
    return AwardEvents(
        decided_at=award.decided_at,
        summaries_issued_at=award.summaries_issued_at,
        award_notice_published_at=award.award_notice_published_at,
        award_notice_id=award.award_notice_id,
        contracted_at=award.contracted_at,
        details_notice_due_on=details_notice_due_on(award),
        details_notice_published_at=award.details_notice_published_at,
        details_notice_id=award.details_notice_id,
    )


def award_report_context(
    *,
    tender: Tender,
    generated_at: datetime,
    generated_by: str = "",
    run: EvaluationRun | None = None,
) -> ReportContext:
    """Everything the award report, assessment summaries, letters and exports show for `tender`.

    Raises RuleViolation when the tender has no evaluation run. `generated_at` (aware) is
    taken once by the caller; the audit trail is cut at it. Once the tender is awarded the
    run is the one the award decision relied on, and the award events as recorded
    (tenders.TenderAward) date the documents and start the standstill: never the generation time.
    """
    if generated_at.tzinfo is None:
        raise ValueError("generated_at must be timezone-aware")
    recorded = TenderAward.objects.filter(tender=tender).first()
    run = run or (recorded.evaluation_run if recorded else None) or current_run(tender=tender)
    if run is None:
        raise RuleViolation(f"{tender.reference} has not been evaluated yet: run the evaluation before the award report.")
    results = run.results
    lots_db = {lot.number: lot for lot in Lot.objects.filter(tender=tender).select_related("zone")}
    bids = list(Bid.objects.filter(tender=tender).select_related("provider").order_by("reference"))
    bids_by_ref = {b.reference: b for b in bids}
    stages = TenderEvaluation.objects.filter(tender=tender).first()
    summary = _tender_summary(tender, run, stages)
    guidance = dict(tender.questions.values_list("number", "guidance"))
    questions = _questions(run, guidance)
    total_weight = sum((q.weight for q in questions), Decimal(0))
    locations = _locations(run)

    evaluators = tuple(
        EvaluatorAssignment.objects.filter(tender=tender, is_moderator=False)
        .order_by("user__username")
        .values_list("user__username", flat=True)
    )
    people = _People()
    usernames: set[str] = set(evaluators)
    for lot in results["lots"]:
        for bid in lot["bids"]:
            for q in bid.get("questions") or ():
                usernames.update(s["evaluator"] for s in q.get("individual") or ())
            if bid.get("clarification"):
                usernames.add(bid["clarification"].get("decided_by") or "")
    seen_evaluators = list(evaluators)
    for lot in results["lots"]:
        for bid in lot["bids"]:
            for q in bid.get("questions") or ():
                for s in q.get("individual") or ():
                    if s["evaluator"] not in seen_evaluators:
                        seen_evaluators.append(s["evaluator"])
    evaluators = tuple(seen_evaluators)
    people.load(usernames)
    conflicts, conflicted = _conflicts(tender, people)

    provider_key_of: dict[str, str] = {}
    names_by_ref: dict[str, str] = {}
    for lot in results["lots"]:
        for bid in lot["bids"]:
            provider_id = bid.get("provider_id")
            if provider_id is None and bid["bid_ref"] in bids_by_ref:
                provider_id = bids_by_ref[bid["bid_ref"]].provider_id
            provider_key_of[bid["bid_ref"]] = str(provider_id if provider_id is not None else bid["bid_ref"])
            names_by_ref[bid["bid_ref"]] = bid["provider"]

    quality_weight = summary.quality_weight
    sections = []
    clarifications = []
    for lot in results["lots"]:
        lot_db = lots_db.get(int(lot["lot"]))
        rows = []
        floor = None
        for bid in lot["bids"]:
            key = provider_key_of[bid["bid_ref"]]
            scores = _question_scores(
                bid, quality_weight=quality_weight, total_weight=total_weight, evaluators=evaluators,
                conflicted=conflicted.get(key, set()), people=people,
            )  # fmt: skip
            row = _bid_row(bid, provider_key=key, question_scores=scores, locations=locations)
            rows.append(row)
            check = bid.get("price_check") or {}
            if floor is None and check.get("statutory_floor"):
                floor = _dec(check["statutory_floor"])
            clarification = bid.get("clarification")
            if clarification:
                clarifications.append(
                    PriceClarification(
                        provider_key=key, provider_name=bid["provider"], bid_ref=bid["bid_ref"],
                        lot_number=int(lot["lot"]), price_per_billed_hour=_stored_dec(bid["hourly_price"]),
                        price_per_contact_hour=_stored_dec(bid["price_per_contact_hour"]),
                        model_minimum=_dec(check.get("model_minimum")) or Decimal(0),
                        statutory_floor=_dec(check.get("statutory_floor")) or Decimal(0),
                        # Asked through the portal: the question sent; otherwise the check's own wording.
                        question=clarification.get("question") or _clarification_question(
                            check, bid["hourly_price"], summary.contact_minutes, summary.travel_minutes
                        ),
                        requested_at=(_dt(clarification.get("requested_at")) or _dt(clarification.get("raised_at"))
                                      or run.run_at),
                        response=clarification.get("explanation", ""),
                        responded_at=_dt(clarification.get("answered_at")),
                        decision=clarification.get("status") or ClarificationDecision.PENDING,
                        decided_at=_dt(clarification.get("decided_at")),
                        decided_by=people.name(clarification.get("decided_by")),
                        rationale=clarification.get("decision_reason", ""),
                    )
                )  # fmt: skip
        award = lot.get("award") or {}
        sections.append(
            LotSection(
                number=int(lot["lot"]),
                zone_name=lot["zone"],
                hours_per_week=Decimal(str(lot["hours_per_week"])),
                contact_minutes=summary.contact_minutes,
                model_minimum=_dec(lot.get("cost_of_care_benchmark")),
                statutory_floor=floor,
                ceiling_price=lot_db.ceiling_price if lot_db else None,
                lowest_acceptable_price=_dec(lot.get("lowest_acceptable_price")),
                contract_type_label=lot_db.get_contract_type_display() if lot_db else "Block",
                places=int(award.get("places") or summary.max_providers_per_lot),
                provisional=bool(lot.get("provisional")),
                rows=tuple(rows),
                sensitivity=_sensitivity(lot.get("sensitivity"), names_by_ref),
            )
        )

    bidders = []
    for ref in sorted(provider_key_of, key=lambda r: (names_by_ref[r], r)):
        bid = bids_by_ref.get(ref)
        provider = bid.provider if bid else None
        version = None
        if bid is not None:
            version = next(
                (v for lot in run.inputs["lots"] for v in lot["bids"] if v["bid_ref"] == ref), None
            )
        # The supplier's details as the run stored them (runs before issue 14: the provider row).
        supplier = (version or {}).get("supplier") or {
            "companies_house_number": provider.companies_house_number if provider else "",
            "registered_address": provider.registered_address if provider else "",
            "contact_name": provider.contact_name if provider else "",
            "contact_email": provider.contact_email if provider else "",
        }
        number = supplier.get("companies_house_number") or ""
        bidders.append(
            Bidder(
                provider_key=provider_key_of[ref],
                name=names_by_ref[ref],
                bid_ref=ref,
                unique_identifier=f"Companies House number {number}" if number else "",
                address_lines=tuple(
                    line.strip() for line in (supplier.get("registered_address") or "").splitlines() if line.strip()
                ),
                cqc_provider_id=(version or {}).get("cqc_provider_id") or (provider.cqc_provider_id if provider else ""),
                contact_name=supplier.get("contact_name") or "",
                contact_email=supplier.get("contact_email") or "",
                submitted_at=bid.submitted_at if bid else None,
                receipt_digest=(version or {}).get("digest", ""),
            )
        )

    assessments = {
        a.bid.reference: a
        for a in BidAssessment.objects.filter(bid__tender=tender).select_related("bid", "assessed_by").order_by(
            "bid", "assessed_at", "pk"
        )
    }  # the latest per bid wins
    exclusions = []
    for entry in results.get("excluded") or ():
        evidence = tuple(
            CqcEvidence(
                location_id=e["location_id"],
                location_name=locations[e["location_id"]].location_name if e["location_id"] in locations else "",
                service_group=e.get("service_group", ""),
                domain=e.get("domain", ""),
                rating=e.get("rating"),
                publication_date=_date(e.get("publication_date")),
            )
            for e in entry.get("evidence") or ()
        )
        assessment = assessments.get(entry["bid_ref"])
        relied_on = [locations[e.location_id] for e in evidence if e.location_id in locations]
        exclusions.append(
            Exclusion(
                provider_key=provider_key_of.get(entry["bid_ref"], entry["bid_ref"]),
                provider_name=entry["provider"],
                bid_ref=entry["bid_ref"],
                reason=f"{entry['reason'].removeprefix('CQC: ')}.",
                lot_numbers=tuple(int(n) for n in entry.get("lots") or ()),
                evidence=evidence,
                decided_at=assessment.assessed_at if assessment else None,
                decided_by=(people.of(assessment.assessed_by) or "the system") if assessment else "",
                ratings_source=_ratings_source(relied_on),
            )
        )

    snapshot = []
    outcome_of: dict[str, tuple[str, tuple[str, ...]]] = {}
    for lot in results["lots"]:
        for bid in lot["bids"]:
            cqc = bid.get("cqc") or {}
            outcome_of.setdefault(bid["bid_ref"], (cqc.get("outcome", ""), tuple(cqc.get("location_ids") or ())))
    source = _ratings_source(locations.values())
    for bidder in bidders:
        outcome, location_ids = outcome_of.get(bidder.bid_ref, ("", ()))
        for location_id in location_ids:
            loc = locations.get(location_id)
            snapshot.append(
                CqcSnapshotRow(
                    provider_key=bidder.provider_key, provider_name=bidder.name, bid_ref=bidder.bid_ref,
                    cqc_provider_id=bidder.cqc_provider_id, location_id=location_id,
                    location_name=loc.location_name if loc else "Not found in the CQC data",
                    overall=(loc.overall_rating or None) if loc else None,
                    safe=(loc.safe or None) if loc else None,
                    effective=(loc.effective or None) if loc else None,
                    caring=(loc.caring or None) if loc else None,
                    responsive=(loc.responsive or None) if loc else None,
                    well_led=(loc.well_led or None) if loc else None,
                    publication_date=loc.publication_date if loc else None,
                    outcome=outcome, source=source,
                )
            )  # fmt: skip

    tender_clarifications = tuple(
        TenderClarification(
            number=c.number, question=c.published_question or c.question, answer=c.answer,
            asked_at=c.asked_at, answered_at=c.answered_at,
        )  # fmt: skip
        for c in Clarification.objects.filter(tender=tender, status=ClarificationStatus.PUBLISHED).order_by("number")
    )
    audit = _audit(tender, bids, run, generated_at)
    timeline = _timeline(tender, run, audit, [b for b in bids if b.reference in provider_key_of], people)
    return ReportContext(
        tender=summary,
        authority=_authority(tender, list(lots_db.values())),
        generated_at=generated_at,
        generated_by=generated_by,
        questions=questions,
        lots=tuple(sections),
        bidders=tuple(bidders),
        exclusions=tuple(exclusions),
        price_clarifications=tuple(clarifications),
        tender_clarifications=tender_clarifications,
        conflicts=conflicts,
        timeline=timeline,
        audit=audit,
        cqc_snapshot=tuple(snapshot),
        award_notice_published_on=(
            recorded.award_notice_published_at.astimezone(UK_TZ).date()
            if recorded and recorded.award_notice_published_at else None
        ),
        standstill_observed=recorded.standstill_observed if recorded else tender.standstill_applies,
        standstill_working_days=recorded.standstill_working_days if recorded else tender.standstill_working_days,
        award_events=_award_events(recorded),
        evaluators=tuple(people.name(u) for u in evaluators),
    )
