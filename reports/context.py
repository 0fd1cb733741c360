"""The report context: plain, frozen data describing everything a report shows.

Pure module (standard library, `common.money`, `pricing` and `tenders.standstill`; no
Django ORM). Every document (award report, assessment summaries, letters) and every export
(evaluation matrix, CQC snapshot) is rendered from one `ReportContext`, so the figures in
the PDF, the CSV and the XLSX cannot disagree, and regenerating from the same evaluation
gives the same figures: the renderers only round and format, they never calculate scores.

Filling it (phase 2: a selector reads the evaluation models):

- `ReportContext.tender`: a `TenderSummary` (Tender fields; dates are aware datetimes,
  contract dates plain dates) and `questions`: one `Question` per QualityQuestion.
- `lots`: one `LotSection` per Lot in lot order. Its `rows` are the lot's bids, ranked ones
  first by rank, then failed quality, rejected price, excluded (the order of
  `evaluation.scoring.LotResult.bids`). Model minimum and statutory floor are per contact
  hour (pricing.checks.PriceCheck), the ceiling per billed hour on the tender's basis (as
  the tender publishes it); the properties give each on the other basis.
- `BidRow`: one per bid per lot. Scores full precision (rounding happens when shown), money
  unrounded or in pennies. `status` takes the value of `evaluation.scoring.ResultStatus`,
  `price_check` that of `pricing.checks.PriceStatus`. `question_scores` in question order,
  with each evaluator's individual score and the moderated consensus with its rationale.
- `bidders`: one `Bidder` per provider that submitted a bid; `provider_key` links rows,
  exclusions and CQC snapshot rows to it.
- `exclusions` (with `CqcEvidence`), `price_clarifications` (abnormally low prices),
  `tender_clarifications` (published questions and answers), `conflicts`, `timeline`,
  `audit` (the audit trail entries of this tender, in sequence order), `cqc_snapshot`.
- `generated_at` (aware datetime, taken once per generation) also dates the PDF metadata.
- `award_notice_published_on`: the UK day the contract award notice was published, as
  recorded (None until it is); the standstill end date is worked out from it with
  `tenders.standstill`. `award_events`: the recorded award sequence, which dates letters
  and summaries (`issued_on`), never the generation time.

Helpers: `ReportContext.bidder_view(provider_key)` gathers what one bidder's assessment
summary and letter need; `context_digest(report)` is a SHA-256 of every figure except the
generation stamp, so two generations can be shown to come from the same evaluation.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any

from pricing import conversion
from pricing.checks import CLARIFICATION_STATUSES, PriceStatus
from pricing.conversion import MinuteBasis
from tenders.standstill import STANDSTILL_WORKING_DAYS, earliest_entry_date, standstill_end


class RowStatus(StrEnum):
    """Outcome of one bid in one lot (the values of evaluation.scoring.ResultStatus)."""

    RANKED = "ranked"
    EXCLUDED = "excluded"
    FAILED_QUALITY = "failed_quality"
    REJECTED_PRICE = "rejected_price"
    ABOVE_CEILING = "above_ceiling"

    @property
    def label(self) -> str:
        return _ROW_STATUS_LABELS[self]


_ROW_STATUS_LABELS = {
    RowStatus.RANKED: "Ranked",
    RowStatus.EXCLUDED: "Excluded",
    RowStatus.FAILED_QUALITY: "Failed quality threshold",
    RowStatus.REJECTED_PRICE: "Price rejected (abnormally low)",
    RowStatus.ABOVE_CEILING: "Above the lot's ceiling price",
}

PRICE_CHECK_LABELS: dict[str, str] = {
    PriceStatus.BELOW_STATUTORY_FLOOR: "Below statutory floor",
    PriceStatus.BELOW_SUSTAINABLE: "Below sustainable minimum",
    PriceStatus.ABOVE_CEILING: "Above ceiling",
    PriceStatus.FAR_ABOVE_MODEL: "Far above model",
    PriceStatus.WITHIN_RANGE: "Within range",
}


class ClarificationDecision(StrEnum):
    """What the authority decided about an abnormally low price after asking about it."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {"pending": "Awaiting decision", "accepted": "Explanation accepted", "rejected": "Price rejected"}[
            self.value
        ]


def per_contact_hour(price_per_billed_hour: Decimal, contact_minutes: int) -> Decimal:
    """A price per billed unit re-expressed per 60 contact minutes (unrounded; pricing.conversion's formula)."""
    return conversion.per_contact_hour(price_per_billed_hour, MinuteBasis(contact_minutes, 0))


def per_billed_hour(price_per_contact_hour: Decimal, contact_minutes: int) -> Decimal:
    """A price per contact hour re-expressed per billed unit with `contact_minutes` of contact (unrounded)."""
    return conversion.per_billed_hour(price_per_contact_hour, MinuteBasis(contact_minutes, 0))


# --- The tender ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Authority:
    """The contracting authority, as it signs its letters."""

    name: str
    address_lines: tuple[str, ...] = ()
    contact_name: str = ""
    contact_email: str = ""
    signatory_name: str = ""
    signatory_title: str = ""


@dataclass(frozen=True)
class TenderSummary:
    """What was bought and how it was to be evaluated, as published."""

    reference: str
    title: str
    service_label: str
    description: str
    quality_weight: Decimal
    price_weight: Decimal
    price_formula: str
    price_formula_label: str
    price_formula_explanation: str
    contact_minutes: int
    travel_minutes: int
    submission_deadline: datetime
    cost_model_name: str = ""
    published_at: datetime | None = None
    clarification_deadline: datetime | None = None
    opened_at: datetime | None = None
    price_envelope_opened_at: datetime | None = None
    awarded_at: datetime | None = None
    contract_start: date | None = None
    contract_end: date | None = None
    max_providers_per_lot: int = 1
    max_lots_per_provider: int | None = None
    unrated_policy_label: str = ""
    fail_on_zero_score: bool = False
    quality_threshold_percent: Decimal | None = None
    standstill_mandatory: bool = True
    contract_conditions: str = ""
    score_descriptors: tuple[tuple[int, str], ...] = ()  # the published quality scale, highest first

    @property
    def provider_minutes(self) -> int:
        return self.contact_minutes + self.travel_minutes

    @property
    def basis_label(self) -> str:
        """e.g. '60 minutes = 50 contact + 10 travel'."""
        return f"{self.provider_minutes} minutes = {self.contact_minutes} contact + {self.travel_minutes} travel"


@dataclass(frozen=True)
class Question:
    """A published quality question (an award sub-criterion)."""

    number: int
    title: str
    text: str
    weight: Decimal
    max_score: int
    guidance: str = ""


# --- Lots and bids ------------------------------------------------------------------------


@dataclass(frozen=True)
class IndividualScore:
    """One evaluator's independent score, before moderation; None = did not score (e.g. conflict)."""

    evaluator: str
    score: Decimal | None
    note: str = ""


@dataclass(frozen=True)
class QuestionScore:
    """A bid's moderated consensus score for one question, with the rationale that refers to its tender."""

    question_number: int
    consensus: Decimal | None
    max_score: int
    weighted: Decimal | None = None  # contribution to the quality score (out of the quality weight)
    rationale: str = ""  # the panel's internal rationale: the award report only, never a bidder document
    individual: tuple[IndividualScore, ...] = ()
    # What the bidder is told (Procurement Regulations 2024 reg 31): no evaluator, no individual score.
    feedback: str = ""


@dataclass(frozen=True)
class BidRow:
    """One bid in one lot: scores, rank, price on both bases and its check against the model."""

    bid_ref: str
    provider_key: str
    provider_name: str
    status: RowStatus
    status_reason: str = ""
    quality_score: Decimal | None = None
    price_score: Decimal | None = None
    total: Decimal | None = None
    rank: int | None = None
    recommended: bool = False
    question_scores: tuple[QuestionScore, ...] = ()
    price_per_billed_hour: Decimal | None = None
    price_per_contact_hour: Decimal | None = None
    model_minimum: Decimal | None = None  # per contact hour
    gap_amount: Decimal | None = None  # price per contact hour minus model minimum
    gap_percent: Decimal | None = None
    price_check: PriceStatus | None = None
    price_check_message: str = ""
    cqc_rating: str = ""  # overall rating of the named location(s), e.g. "Good"
    cqc_outcome: str = ""  # eligible / flagged / excluded
    submitted_at: datetime | None = None
    passed_over: str = ""  # why a ranked bid lost its place (e.g. the lots-per-provider cap), from the run

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", RowStatus(self.status))
        if self.price_check is not None:
            object.__setattr__(self, "price_check", PriceStatus(self.price_check))

    @property
    def is_ranked(self) -> bool:
        return self.status is RowStatus.RANKED

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def price_check_label(self) -> str:
        return PRICE_CHECK_LABELS.get(self.price_check, "") if self.price_check else ""

    @property
    def needs_clarification(self) -> bool:
        return self.price_check in CLARIFICATION_STATUSES

    @property
    def reason_not_awarded(self) -> str:
        """Why this bid was not awarded the lot, as the bidder is told (reg 31); "" if it was."""
        if self.recommended:
            return ""
        if self.passed_over:
            return f"Ranked {self.rank or '–'} but passed over: {self.passed_over}."
        if self.status is RowStatus.RANKED:
            return f"Ranked {self.rank}: the lot's places went to higher-ranked tenders."
        reason = self.status_reason.removesuffix(".")
        return f"{reason}." if reason else f"{self.status.label}."

    @property
    def unscored_notes(self) -> tuple[str, ...]:
        """One line per evaluator who did not score this bid, with the reason (e.g. a declared interest)."""
        notes: dict[str, None] = {}
        for qs in self.question_scores:
            for ind in qs.individual:
                if ind.score is None:
                    notes.setdefault(f"{ind.evaluator}: {ind.note or 'no score recorded'}", None)
        return tuple(notes)

    def score_for(self, question_number: int) -> QuestionScore | None:
        for score in self.question_scores:
            if score.question_number == question_number:
                return score
        return None


@dataclass(frozen=True)
class SensitivityRow:
    """The lot's ranking had the weights been split differently (provider names, best first)."""

    quality_weight: Decimal
    price_weight: Decimal
    is_tender_split: bool
    winner: str | None
    ranking: tuple[str, ...]
    winner_changed: bool


@dataclass(frozen=True)
class LotSensitivity:
    """How robust a lot's outcome is (evaluation.scoring.LotSensitivity with provider names).

    Prices are per contact hour: the runner-up's highest price that would have won, and the
    winner's lowest price that would have lost.
    """

    rows: tuple[SensitivityRow, ...] = ()
    winner: str | None = None
    runner_up: str | None = None
    runner_up_price_to_win: Decimal | None = None
    runner_up_price_cut_percent: Decimal | None = None
    winner_price_to_lose: Decimal | None = None
    winner_price_rise_percent: Decimal | None = None

    @property
    def winner_changes_at_any_split(self) -> bool:
        return any(row.winner_changed for row in self.rows)


@dataclass(frozen=True)
class LotSection:
    """One lot (zone): its hours, the model's figures and its bids in rank order."""

    number: int
    zone_name: str
    hours_per_week: Decimal
    contact_minutes: int
    model_minimum: Decimal | None = None  # per contact hour
    statutory_floor: Decimal | None = None  # per contact hour
    ceiling_price: Decimal | None = None  # per billed hour, as published
    lowest_acceptable_price: Decimal | None = None  # per contact hour
    contract_type_label: str = "Block"
    places: int = 1
    provisional: bool = False
    rows: tuple[BidRow, ...] = ()
    sensitivity: LotSensitivity | None = None

    @property
    def anchor(self) -> str:
        return f"lot-{self.number}"

    @property
    def title(self) -> str:
        return f"Lot {self.number}: {self.zone_name}"

    @property
    def model_minimum_per_billed_hour(self) -> Decimal | None:
        return None if self.model_minimum is None else per_billed_hour(self.model_minimum, self.contact_minutes)

    @property
    def statutory_floor_per_billed_hour(self) -> Decimal | None:
        return None if self.statutory_floor is None else per_billed_hour(self.statutory_floor, self.contact_minutes)

    @property
    def ceiling_per_contact_hour(self) -> Decimal | None:
        return None if self.ceiling_price is None else per_contact_hour(self.ceiling_price, self.contact_minutes)

    @property
    def lowest_acceptable_per_billed_hour(self) -> Decimal | None:
        if self.lowest_acceptable_price is None:
            return None
        return per_billed_hour(self.lowest_acceptable_price, self.contact_minutes)

    @property
    def ranked(self) -> tuple[BidRow, ...]:
        return tuple(row for row in self.rows if row.is_ranked)

    @property
    def recommended(self) -> tuple[BidRow, ...]:
        return tuple(row for row in self.rows if row.recommended)

    def row_for(self, provider_key: str) -> BidRow | None:
        for row in self.rows:
            if row.provider_key == provider_key:
                return row
        return None


# --- People and process -------------------------------------------------------------------


@dataclass(frozen=True)
class Bidder:
    """A provider that submitted a bid, as named in letters (Procurement Regulations 2024 reg. 31(2)(a)-(c))."""

    provider_key: str
    name: str
    bid_ref: str
    unique_identifier: str = ""
    cqc_provider_id: str = ""
    address_lines: tuple[str, ...] = ()
    contact_name: str = ""
    contact_email: str = ""
    submitted_at: datetime | None = None
    receipt_digest: str = ""


@dataclass(frozen=True)
class CqcEvidence:
    """A CQC rating row relied on (evaluation.cqc.Evidence plus the location's name)."""

    location_id: str
    location_name: str
    service_group: str
    domain: str
    rating: str | None
    publication_date: date | None


@dataclass(frozen=True)
class Exclusion:
    """A bid excluded from evaluation, with the reason and the CQC rows it rests on."""

    provider_key: str
    provider_name: str
    bid_ref: str
    reason: str
    lot_numbers: tuple[int, ...] = ()
    evidence: tuple[CqcEvidence, ...] = ()
    decided_at: datetime | None = None
    decided_by: str = ""
    ratings_source: str = ""  # e.g. "CQC care directory with ratings, 1 September 2025"


@dataclass(frozen=True)
class PriceClarification:
    """An abnormally low price: what was asked, what the bidder said and what was decided.

    Prices: per billed hour on the tender's basis and per contact hour; model minimum and
    statutory floor per contact hour.
    """

    provider_key: str
    provider_name: str
    bid_ref: str
    lot_number: int
    price_per_billed_hour: Decimal
    price_per_contact_hour: Decimal
    model_minimum: Decimal
    statutory_floor: Decimal
    question: str
    requested_at: datetime
    response: str = ""
    responded_at: datetime | None = None
    decision: ClarificationDecision = ClarificationDecision.PENDING
    decided_at: datetime | None = None
    decided_by: str = ""
    rationale: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "decision", ClarificationDecision(self.decision))

    @property
    def decision_label(self) -> str:
        return self.decision.label


@dataclass(frozen=True)
class TenderClarification:
    """A bidder's question during the tender and the authority's published answer (anonymised)."""

    number: int
    question: str
    answer: str
    asked_at: datetime | None = None
    answered_at: datetime | None = None


@dataclass(frozen=True)
class ConflictDeclaration:
    """A panel member's declaration of interests and what was done about it."""

    person: str
    role: str
    declared_at: datetime
    has_interest: bool
    details: str = ""
    action: str = ""


@dataclass(frozen=True)
class AwardEvents:
    """The award sequence as recorded (tenders.TenderAward): what dates the letters and summaries.

    Documents are dated from these events, never from when they are generated: a summary is
    dated the day the summaries were issued, the standstill runs from the recorded contract
    award notice. Times are aware datetimes; None means the step has not happened yet.
    """

    decided_at: datetime
    summaries_issued_at: datetime | None = None
    award_notice_published_at: datetime | None = None
    award_notice_id: str = ""
    contracted_at: datetime | None = None
    details_notice_due_on: date | None = None
    details_notice_published_at: datetime | None = None
    details_notice_id: str = ""


@dataclass(frozen=True)
class TimelineEvent:
    """A step of the process (publication, clarifications, deadline, opening, evaluation, moderation, award)."""

    at: datetime
    stage: str
    description: str
    actor: str = ""


@dataclass(frozen=True)
class AuditRow:
    """One entry of the hash-chained audit trail (common.models.AuditEntry)."""

    sequence: int
    at: datetime
    actor: str
    action: str
    object_repr: str
    note: str = ""
    hash: str = ""


@dataclass(frozen=True)
class CqcSnapshotRow:
    """A bidder's named location and its ratings as the CQC data stood at evaluation."""

    provider_key: str
    provider_name: str
    bid_ref: str
    cqc_provider_id: str
    location_id: str
    location_name: str
    overall: str | None = None
    safe: str | None = None
    effective: str | None = None
    caring: str | None = None
    responsive: str | None = None
    well_led: str | None = None
    publication_date: date | None = None
    outcome: str = ""  # eligible / flagged / excluded
    source: str = ""


@dataclass(frozen=True)
class Standstill:
    """The standstill period after the contract award notice (Procurement Act 2023 s.51)."""

    award_notice_published_on: date
    mandatory: bool
    observed: bool
    working_days: int
    ends_on: date | None
    earliest_entry_on: date


# --- The whole report ---------------------------------------------------------------------


@dataclass(frozen=True)
class BidderView:
    """One bidder's part of the report: its rows per lot and the winning rows of those lots."""

    bidder: Bidder
    lots: tuple[tuple[LotSection, BidRow], ...]
    exclusion: Exclusion | None

    @property
    def successful_lots(self) -> tuple[LotSection, ...]:
        return tuple(lot for lot, row in self.lots if row.recommended)

    @property
    def unsuccessful_lots(self) -> tuple[LotSection, ...]:
        return tuple(lot for lot, row in self.lots if not row.recommended)

    @property
    def is_successful(self) -> bool:
        return bool(self.successful_lots)

    @property
    def quality_row(self) -> BidRow | None:
        """A row carrying the bid's question scores (quality is scored once per bid)."""
        for _, row in self.lots:
            if row.question_scores:
                return row
        return None


@dataclass(frozen=True)
class ReportContext:
    """Everything the award report, assessment summaries, letters and exports show."""

    tender: TenderSummary
    authority: Authority
    generated_at: datetime
    questions: tuple[Question, ...] = ()
    lots: tuple[LotSection, ...] = ()
    bidders: tuple[Bidder, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    price_clarifications: tuple[PriceClarification, ...] = ()
    tender_clarifications: tuple[TenderClarification, ...] = ()
    conflicts: tuple[ConflictDeclaration, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    audit: tuple[AuditRow, ...] = ()
    cqc_snapshot: tuple[CqcSnapshotRow, ...] = ()
    generated_by: str = ""
    award_notice_published_on: date | None = None
    standstill_observed: bool = True
    standstill_working_days: int = STANDSTILL_WORKING_DAYS
    award_events: AwardEvents | None = None
    evaluators: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.generated_at.tzinfo is None:
            raise ValueError("generated_at must be timezone-aware (the report states UK time)")

    @property
    def zones(self) -> tuple[str, ...]:
        return tuple(lot.zone_name for lot in self.lots)

    @property
    def total_hours_per_week(self) -> Decimal:
        return sum((lot.hours_per_week for lot in self.lots), Decimal(0))

    @property
    def total_question_weight(self) -> Decimal:
        return sum((q.weight for q in self.questions), Decimal(0))

    @property
    def criteria(self) -> tuple[tuple[Question, Decimal], ...]:
        """Each question with its share of the total marks (quality weight x weight / sum of weights)."""
        total = self.total_question_weight
        if not total:
            return tuple((q, Decimal(0)) for q in self.questions)
        return tuple((q, self.tender.quality_weight * q.weight / total) for q in self.questions)

    @property
    def quality_rows(self) -> tuple[tuple[Bidder, BidRow], ...]:
        """Each bidder with a row carrying its question scores (quality is scored once per bid)."""
        out = []
        for bidder in self.bidders:
            row = self.bidder_view(bidder.provider_key).quality_row
            if row is not None:
                out.append((bidder, row))
        return tuple(out)

    @property
    def evaluator_names(self) -> tuple[str, ...]:
        """Evaluators in the order given, else in first-seen order across the individual scores."""
        if self.evaluators:
            return self.evaluators
        seen: dict[str, None] = {}
        for lot in self.lots:
            for row in lot.rows:
                for qs in row.question_scores:
                    for ind in qs.individual:
                        seen.setdefault(ind.evaluator, None)
        return tuple(seen)

    @property
    def standstill(self) -> Standstill | None:
        """The standstill period, once the award notice date is known.

        Procurement Act 2023 s.51: mandatory for most contracts; for light-touch (care)
        contracts it is voluntary, so when it is not mandatory and not observed the contract
        may be entered into once the notice is published.
        """
        published = self.award_notice_published_on
        if published is None:
            return None
        mandatory = self.tender.standstill_mandatory
        observed = mandatory or self.standstill_observed
        if observed:
            return Standstill(
                award_notice_published_on=published,
                mandatory=mandatory,
                observed=True,
                working_days=self.standstill_working_days,
                ends_on=standstill_end(published, self.standstill_working_days),
                earliest_entry_on=earliest_entry_date(published, self.standstill_working_days),
            )
        return Standstill(
            award_notice_published_on=published,
            mandatory=False,
            observed=False,
            working_days=0,
            ends_on=None,
            earliest_entry_on=published,
        )

    @property
    def issued_on(self) -> datetime | None:
        """The date bidder documents carry: when the assessment summaries were issued (None: a draft)."""
        return self.award_events.summaries_issued_at if self.award_events else None

    def lot(self, number: int) -> LotSection:
        for lot in self.lots:
            if lot.number == number:
                return lot
        raise KeyError(f"no lot {number}")

    def bidder(self, provider_key: str) -> Bidder:
        for bidder in self.bidders:
            if bidder.provider_key == provider_key:
                return bidder
        raise KeyError(f"no bidder {provider_key!r}")

    def bidder_view(self, provider_key: str) -> BidderView:
        """The lots this bidder bid for, its row in each, and its exclusion if any."""
        bidder = self.bidder(provider_key)
        lots = tuple((lot, row) for lot in self.lots if (row := lot.row_for(provider_key)) is not None)
        exclusion = next((e for e in self.exclusions if e.provider_key == provider_key), None)
        return BidderView(bidder=bidder, lots=lots, exclusion=exclusion)

    @property
    def price_clarifications_by_lot(self) -> dict[int, tuple[PriceClarification, ...]]:
        out: dict[int, list[PriceClarification]] = {}
        for clarification in self.price_clarifications:
            out.setdefault(clarification.lot_number, []).append(clarification)
        return {k: tuple(v) for k, v in out.items()}


# --- Digest -------------------------------------------------------------------------------

_NOT_FIGURES = frozenset({"generated_at", "generated_by"})


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def context_digest(report: ReportContext) -> str:
    """SHA-256 of every figure and text in the context except when and by whom it was generated.

    Two reports with the same digest were produced from the same evaluation, whatever the
    generation time (a PDF's own SHA-256 also covers its generation stamp).
    """
    data = {k: v for k, v in _plain(report).items() if k not in _NOT_FIGURES}
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
