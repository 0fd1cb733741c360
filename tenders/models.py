"""Tenders, lots, quality questions and sealed bids."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from tenders.transitions import LABELS, TenderStatus

TenderStatusChoices = models.TextChoices(
    "TenderStatusChoices", [(s.name, (s.value, LABELS[s])) for s in TenderStatus]
)


class ServiceType(models.TextChoices):
    HOMECARE = "homecare", "Homecare (domiciliary care)"
    CRISIS = "crisis", "Crisis care (up to 72 hours)"
    REABLEMENT = "reablement", "Reablement (up to 6 weeks)"


class PriceFormula(models.TextChoices):
    RELATIVE_TO_LOWEST = "relative_to_lowest", "Relative to the lowest acceptable price"
    RELATIVE_TO_MEAN = "relative_to_mean", "Relative to the mean acceptable price"
    BANDED_COST_OF_CARE = "banded_cost_of_care", "Banded against the cost-of-care benchmark"


class UnratedPolicy(models.TextChoices):
    ALLOW = "allow", "Allow locations not yet rated by CQC"
    FLAG = "flag", "Allow, flagged for due diligence"
    EXCLUDE = "exclude", "Exclude locations not yet rated"


class CeilingRule(models.TextChoices):
    """What the published evaluation rules do with a bid priced above its lot's ceiling."""

    NOT_RANKED = "not_ranked", "Non-compliant: not ranked, with the reason recorded"
    RANKED_NOT_RECOMMENDED = "ranked_not_recommended", "Non-compliant: ranked for information, never recommended"


class CqcGateScope(models.TextChoices):
    """Which CQC locations the Inadequate-rating exclusion looks at."""

    PROVIDER_WIDE = "provider_wide", "Every location CQC lists under the bidder's CQC provider ID, plus any it names"
    NAMED_LOCATIONS = "named_locations", "Only the locations named in the bid"


class TieBreakRule(models.TextChoices):
    """How equal total scores are ordered; part of the published evaluation rules."""

    QUALITY_PRICE_LOTS = "quality_price_lots", "Higher quality score, then lower price per contact hour, then a drawing of lots"
    SUBMISSION_TIME = "submission_time", "Higher quality score, then lower price per contact hour, then earlier submission"


class ContractType(models.TextChoices):
    BLOCK = "block", "Block"
    SPOT = "spot", "Spot"


percent = [MinValueValidator(0), MaxValueValidator(100)]


class Tender(models.Model):
    reference = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    service_type = models.CharField(max_length=20, choices=ServiceType.choices)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=TenderStatusChoices.choices, default=TenderStatus.DRAFT.value)

    clarification_deadline = models.DateTimeField(null=True, blank=True)
    # Empty only while a draft is being built; publishing needs it (constraint below).
    submission_deadline = models.DateTimeField(null=True, blank=True)
    contract_start = models.DateField(null=True, blank=True)
    contract_end = models.DateField(null=True, blank=True)

    quality_weight = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("60"), validators=percent)
    price_weight = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("40"), validators=percent)
    price_formula = models.CharField(max_length=30, choices=PriceFormula.choices, default=PriceFormula.RELATIVE_TO_LOWEST)

    # The unit the price is asked on: Lancashire buys 60 minutes = 50 contact + 10 travel.
    contact_minutes = models.PositiveSmallIntegerField(default=50, validators=[MinValueValidator(1)])
    travel_minutes = models.PositiveSmallIntegerField(default=10)

    rate_preset = models.ForeignKey(
        "pricing.RatePreset", null=True, blank=True, on_delete=models.PROTECT, related_name="tenders",
        help_text="The cost-of-care model prices are checked against.",
    )
    far_above_model_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("25"), validators=[MinValueValidator(0)],
        help_text="Flag prices this far above the model's sustainable minimum.",
    )
    expected_visit_mix = models.JSONField(
        default=dict, blank=True,
        help_text='Share of contact hours by visit length in minutes, e.g. {"30": 40, "45": 30, "60": 30}.',
    )

    max_providers_per_lot = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    max_lots_per_provider = models.PositiveSmallIntegerField(null=True, blank=True)
    unrated_policy = models.CharField(max_length=10, choices=UnratedPolicy.choices, default=UnratedPolicy.FLAG)
    fail_on_zero_score = models.BooleanField(default=True, help_text="A quality answer scored 0 fails the bid.")
    quality_threshold_percent = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, validators=percent,
        help_text="A bid scoring below this % of the quality marks fails.",
    )
    # Procurement Act 2023 s.9 and Sch 1: homecare, crisis care and reablement are "light touch"
    # social services; s.51: the mandatory standstill does not apply to a light-touch contract,
    # though the authority may observe one voluntarily.
    light_touch = models.BooleanField(
        default=True,
        help_text="A light-touch contract (Procurement Act 2023 s.9): homecare, crisis care and reablement are.",
    )
    standstill_observed = models.BooleanField(
        default=True,
        help_text="Light-touch contracts only: observe a voluntary standstill. Other contracts always observe one (s.51).",
    )
    standstill_working_days = models.PositiveSmallIntegerField(
        default=8, validators=[MinValueValidator(1)],
        help_text="Working days of standstill from the contract award notice (s.51: at least 8 where mandatory).",
    )
    opening_requires_two = models.BooleanField(default=False, help_text="Opening needs two different commissioners.")
    # Published evaluation rules (issue 15): fixed at set-up, applied by evaluation/assemble.py.
    ceiling_rule = models.CharField(
        max_length=30, choices=CeilingRule.choices, default=CeilingRule.NOT_RANKED,
        help_text="What happens to a bid priced above its lot's ceiling. It is never recommended.",
    )
    cqc_gate_scope = models.CharField(
        max_length=20, choices=CqcGateScope.choices, default=CqcGateScope.PROVIDER_WIDE,
        help_text="Which CQC locations the Inadequate-rating exclusion looks at.",
    )
    tie_break_rule = models.CharField(
        max_length=30, choices=TieBreakRule.choices, default=TieBreakRule.QUALITY_PRICE_LOTS,
        help_text="How equal total scores are ordered.",
    )
    tie_break_seed = models.CharField(
        max_length=64, blank=True, default="",
        help_text="Seed of the drawing of lots, stored when first drawn so any re-run reproduces it.",
    )
    contract_conditions = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    price_envelope_opened_at = models.DateTimeField(null=True, blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                name="tender_weights_sum_to_100",
                condition=Q(quality_weight=Decimal("100") - F("price_weight")),
            ),
            models.CheckConstraint(name="tender_contact_minutes_positive", condition=Q(contact_minutes__gt=0)),
            models.CheckConstraint(name="tender_ceiling_rule_valid", condition=Q(ceiling_rule__in=CeilingRule.values)),
            models.CheckConstraint(name="tender_cqc_gate_scope_valid", condition=Q(cqc_gate_scope__in=CqcGateScope.values)),
            models.CheckConstraint(name="tender_tie_break_rule_valid", condition=Q(tie_break_rule__in=TieBreakRule.values)),
            # s.51: a contract that is not light-touch always has a standstill of at least 8 working days.
            models.CheckConstraint(
                name="tender_standstill_mandatory_unless_light_touch",
                condition=Q(light_touch=True) | (Q(standstill_observed=True) & Q(standstill_working_days__gte=8)),
            ),
            models.CheckConstraint(
                name="tender_deadline_set_unless_draft",
                condition=Q(status="draft") | Q(submission_deadline__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.quality_weight is not None and self.price_weight is not None:
            if self.quality_weight + self.price_weight != Decimal("100"):
                errors["price_weight"] = (
                    f"Quality weight ({self.quality_weight}) and price weight ({self.price_weight}) must add up to 100."
                )
        if self.clarification_deadline and self.submission_deadline and self.clarification_deadline >= self.submission_deadline:
            errors["clarification_deadline"] = "Clarification questions must close before the submission deadline."
        if self.contract_start and self.contract_end and self.contract_end <= self.contract_start:
            errors["contract_end"] = "The contract must end after it starts."
        if not self.light_touch and not (self.standstill_observed and (self.standstill_working_days or 0) >= 8):
            errors["standstill_working_days"] = (
                "A contract that is not light-touch has a mandatory standstill of at least 8 working days"
                " (Procurement Act 2023 s.51)."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def status_label(self) -> str:
        return TenderStatus(self.status).label

    @property
    def minute_basis_label(self) -> str:
        total = self.contact_minutes + self.travel_minutes
        return f"per {total} minutes of provider time = {self.contact_minutes} contact + {self.travel_minutes} travel minutes"

    @property
    def standstill_mandatory(self) -> bool:
        """Procurement Act 2023 s.51 applies: the contract is not light-touch."""
        return not self.light_touch

    @property
    def standstill_applies(self) -> bool:
        """A standstill runs after the contract award notice: mandatory, or voluntary and chosen."""
        return self.standstill_mandatory or self.standstill_observed

    @property
    def is_sealed(self) -> bool:
        """Bids stay sealed until a commissioner performs the opening."""
        return self.opened_at is None


class Lot(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField()
    zone = models.ForeignKey("zones.Zone", on_delete=models.PROTECT, related_name="lots")
    hours_per_week = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    contract_type = models.CharField(max_length=10, choices=ContractType.choices, default=ContractType.BLOCK)
    ceiling_price = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="Highest acceptable price per billed hour on the tender's minute basis.",
    )
    guaranteed_minimum_hours = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    package_pricing = models.BooleanField(default=False, help_text="Also ask a price per package (reablement).")
    package_hours = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, help_text="Hours in one package, where priced per package."
    )
    # The published weighting of the price score: hourly price score x (100 - w)% + package price score x w%.
    package_price_weight = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("0"), validators=percent,
        help_text="Share (%) of the price score taken from the package price; the hourly price counts for the rest.",
    )

    class Meta:
        ordering = ["tender", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="lot_number_unique_per_tender"),
            models.UniqueConstraint(fields=["tender", "zone"], name="lot_zone_unique_per_tender"),
            models.CheckConstraint(name="lot_hours_positive", condition=Q(hours_per_week__gt=0)),
            # A council cannot guarantee more hours than the lot buys.
            models.CheckConstraint(
                name="lot_guaranteed_hours_within_lot_hours",
                condition=Q(guaranteed_minimum_hours__isnull=True)
                | (Q(guaranteed_minimum_hours__gte=0) & Q(guaranteed_minimum_hours__lte=F("hours_per_week"))),
            ),
            models.CheckConstraint(
                name="lot_package_weight_is_a_percentage",
                condition=Q(package_price_weight__gte=0) & Q(package_price_weight__lte=100),
            ),
            # A package price can only count when the lot asks for one, and a package has hours.
            models.CheckConstraint(
                name="lot_package_weight_needs_package_pricing",
                condition=Q(package_price_weight=0) | Q(package_pricing=True),
            ),
            models.CheckConstraint(
                name="lot_package_pricing_needs_hours",
                condition=Q(package_pricing=False) | Q(package_hours__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"Lot {self.number}: {self.zone.name}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.package_pricing and not (self.package_hours and self.package_hours > 0):
            errors["package_hours"] = "Enter the hours in one package: the package price is checked against them."
        weight = self.package_price_weight or Decimal("0")
        if weight and not self.package_pricing:
            errors["package_price_weight"] = "Only a lot that asks for a package price can give the package price a weight."
        elif not Decimal("0") <= weight <= Decimal("100"):
            errors["package_price_weight"] = "The package price weight must be between 0 and 100."
        if errors:
            raise ValidationError(errors)


class QualityQuestion(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    guidance = models.TextField(blank=True, help_text="Published scoring descriptors.")
    weight = models.DecimalField(max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    max_score = models.PositiveSmallIntegerField(default=5, validators=[MinValueValidator(1)])
    word_limit = models.PositiveIntegerField(default=500)

    class Meta:
        ordering = ["tender", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="question_number_unique_per_tender"),
            models.CheckConstraint(name="question_weight_positive", condition=Q(weight__gt=0)),
        ]

    def __str__(self) -> str:
        return f"Q{self.number}"


class BidOutcome(models.TextChoices):
    """What the bidder was told at award (set when the assessment summaries are issued)."""

    PENDING = "", "No outcome yet"
    SUCCESSFUL = "successful", "Successful"
    UNSUCCESSFUL = "unsuccessful", "Unsuccessful"


class BidStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Bid(models.Model):
    """One provider's bid for one tender; its content lives in versions."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="bids")
    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT, related_name="bids")
    reference = models.CharField(max_length=40, unique=True)
    status = models.CharField(max_length=10, choices=BidStatus.choices, default=BidStatus.DRAFT)
    needs_reconfirmation = models.BooleanField(default=False, help_text="The tender was amended after submission.")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=BidOutcome.choices, default=BidOutcome.PENDING, blank=True)
    outcome_issued_at = models.DateTimeField(
        null=True, blank=True, help_text="When the assessment summary was issued to the bidder through the portal."
    )

    class Meta:
        ordering = ["tender", "reference"]
        constraints = [models.UniqueConstraint(fields=["tender", "provider"], name="one_bid_per_provider_per_tender")]

    def __str__(self) -> str:
        return self.reference

    @property
    def status_for_bidder(self) -> str:
        """The bid's status as its bidder sees it: the outcome once issued, else the bid status."""
        if self.outcome:
            return BidOutcome(self.outcome).label
        return BidStatus(self.status).label


class BidVersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    SUPERSEDED = "superseded", "Superseded by a revision"
    WITHDRAWN = "withdrawn", "Withdrawn by the provider"


class BidVersion(models.Model):
    """A draft, or a frozen submission with its receipt digest. Never overwritten once submitted."""

    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=BidVersionStatus.choices, default=BidVersionStatus.DRAFT)
    cqc_location_ids = models.JSONField(default=list, blank=True)
    declarations = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    content = models.JSONField(null=True, blank=True, help_text="Canonical frozen content the digest covers.")
    digest = models.CharField(max_length=64, blank=True)
    idempotency_key = models.CharField(
        max_length=64, blank=True, default="",
        help_text="The key the submitting client sent; a retry with the same key returns this receipt.",
    )

    class Meta:
        ordering = ["bid", "number"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "number"], name="bid_version_number_unique"),
            models.UniqueConstraint(
                fields=["bid", "idempotency_key"], condition=~Q(idempotency_key=""), name="bid_version_idempotency_key_unique"
            ),
            models.UniqueConstraint(fields=["bid"], condition=Q(status="draft"), name="one_draft_per_bid"),
            models.UniqueConstraint(fields=["bid"], condition=Q(status="submitted"), name="one_live_submission_per_bid"),
        ]

    def __str__(self) -> str:
        return f"{self.bid.reference} v{self.number}"


class BidLotPrice(models.Model):
    version = models.ForeignKey(BidVersion, on_delete=models.CASCADE, related_name="lot_prices")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    hourly_price = models.DecimalField(max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    package_price = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "lot"], name="one_price_per_lot_per_version"),
            models.CheckConstraint(name="hourly_price_positive", condition=Q(hourly_price__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.version} lot {self.lot_id}: £{self.hourly_price}"


class BidAnswer(models.Model):
    version = models.ForeignKey(BidVersion, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(QualityQuestion, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "question"], name="one_answer_per_question_per_version")]

    def __str__(self) -> str:
        return f"{self.version} answer to question {self.question_id}"


class DocumentEnvelope(models.TextChoices):
    """Which envelope a bid document belongs to: the panel reads quality documents once bids are opened,
    price documents only once the price envelope is (accounts.permissions.can_read_document)."""

    QUALITY = "quality", "Quality: supports the quality answers"
    PRICE = "price", "Price: explains or breaks down the prices"


class BidDocument(models.Model):
    version = models.ForeignKey(BidVersion, on_delete=models.CASCADE, related_name="documents")
    envelope = models.CharField(max_length=10, choices=DocumentEnvelope.choices, default=DocumentEnvelope.QUALITY)
    file = models.FileField(upload_to="bid-documents/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class TenderDocument(models.Model):
    """A specification or addendum document published with a tender."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="documents")
    amendment = models.ForeignKey(
        "Amendment", null=True, blank=True, on_delete=models.PROTECT, related_name="documents",
        help_text="Set when the document was published by an amendment (addendum).",
    )
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="tender-documents/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tender", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title


class Amendment(models.Model):
    """An addendum to a published tender: what changed, before and after, and why."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="amendments")
    number = models.PositiveIntegerField()
    summary = models.TextField(help_text="What changed and why, as bidders will read it.")
    changes = models.JSONField(default=list, blank=True, help_text="[{field, lot, before, after}, ...]")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["tender", "number"]
        constraints = [models.UniqueConstraint(fields=["tender", "number"], name="amendment_number_unique_per_tender")]

    def __str__(self) -> str:
        return f"{self.tender.reference} amendment {self.number}"


class ClarificationStatus(models.TextChoices):
    PENDING = "pending", "Awaiting an answer"
    PUBLISHED = "published", "Answered and published"


class Clarification(models.Model):
    """A bidder's question; the answer is published to every bidder without saying who asked."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="clarifications")
    number = models.PositiveIntegerField()
    asked_by_provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField()
    question = models.TextField()
    status = models.CharField(max_length=10, choices=ClarificationStatus.choices, default=ClarificationStatus.PENDING)
    published_question = models.TextField(
        blank=True, help_text="The question as published: reworded if needed so it does not identify who asked."
    )
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["tender", "number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="clarification_number_unique_per_tender"),
            models.CheckConstraint(
                name="published_clarification_has_answer",
                condition=~Q(status="published") | (~Q(answer="") & Q(answered_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tender.reference} clarification {self.number}"


class LateSubmissionAttempt(models.Model):
    """A submission that reached the server after the deadline, kept for the record and refused."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="late_attempts")
    bid = models.ForeignKey(Bid, null=True, blank=True, on_delete=models.PROTECT, related_name="late_attempts")
    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    attempted_at = models.DateTimeField()
    deadline = models.DateTimeField(help_text="The submission deadline in force at the time.")
    channel = models.CharField(max_length=10, default="web")
    idempotency_key = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["tender", "attempted_at"]

    def __str__(self) -> str:
        return f"late attempt {self.tender.reference} {self.provider} {self.attempted_at:%Y-%m-%d %H:%M:%S}"


class TenderAward(models.Model):
    """The award sequence of one tender under the Procurement Act 2023, as recorded events.

    Order (one step at a time; `tenders.services.award` refuses a step out of order):
    award decision -> assessment summaries issued (s.50) -> contract award notice published
    (s.50, Find a Tender UK6) -> standstill (s.51) -> contract entered into -> contract details
    notice published (s.53, UK7: within 30 days, 120 for a light-touch contract).
    Letters and summaries are dated from these fields, never from when a document is generated.
    """

    tender = models.OneToOneField(Tender, on_delete=models.PROTECT, related_name="award")
    evaluation_run = models.ForeignKey(
        "evaluation.EvaluationRun", on_delete=models.PROTECT, related_name="+",
        help_text="The stored evaluation run the award decision relies on.",
    )
    decided_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The standstill terms in force at the decision (copied from the tender so later edits cannot move them).
    light_touch = models.BooleanField()
    standstill_observed = models.BooleanField()
    standstill_working_days = models.PositiveSmallIntegerField()

    summaries_issued_at = models.DateTimeField(null=True, blank=True)
    summaries_issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    award_notice_published_at = models.DateTimeField(
        null=True, blank=True, help_text="When the contract award notice was published on Find a Tender."
    )
    award_notice_id = models.CharField(
        max_length=40, blank=True, help_text="Find a Tender notice identifier, e.g. 2025/S 000-012345."
    )
    award_notice_recorded_at = models.DateTimeField(null=True, blank=True)
    award_notice_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    standstill_ends_on = models.DateField(
        null=True, blank=True,
        help_text="Last day of the standstill (UK calendar), worked out when the notice is recorded.",
    )

    contracted_at = models.DateTimeField(null=True, blank=True, help_text="When the contract was entered into.")
    contracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    details_notice_published_at = models.DateTimeField(
        null=True, blank=True, help_text="When the contract details notice was published on Find a Tender."
    )
    details_notice_id = models.CharField(max_length=40, blank=True)
    details_notice_recorded_at = models.DateTimeField(null=True, blank=True)
    details_notice_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="award_notice_after_summaries",
                condition=Q(award_notice_published_at__isnull=True) | Q(summaries_issued_at__isnull=False),
            ),
            models.CheckConstraint(
                name="award_notice_has_id",
                condition=Q(award_notice_published_at__isnull=True) | ~Q(award_notice_id=""),
            ),
            models.CheckConstraint(
                name="contracted_after_award_notice",
                condition=Q(contracted_at__isnull=True) | Q(award_notice_published_at__isnull=False),
            ),
            models.CheckConstraint(
                name="details_notice_after_contract",
                condition=Q(details_notice_published_at__isnull=True)
                | (Q(contracted_at__isnull=False) & ~Q(details_notice_id="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tender.reference} award"

    @property
    def standstill_applies(self) -> bool:
        return (not self.light_touch) or self.standstill_observed
