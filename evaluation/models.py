"""Panel evaluation: assignments, conflicts, blind scores, moderation, clarifications, CQC checks, runs.

Every row here is written by `evaluation.services`, which audits each step;
models keep only fields, constraints and small derived properties.
"""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q


class EvaluatorAssignment(models.Model):
    """A panel member on a tender: an individual scorer, or a moderator who records consensus."""

    tender = models.ForeignKey("tenders.Tender", on_delete=models.CASCADE, related_name="evaluator_assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluator_assignments")
    is_moderator = models.BooleanField(default=False, help_text="Moderators record consensus; they do not score alone.")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField()

    class Meta:
        ordering = ["tender", "is_moderator", "user__username"]
        constraints = [models.UniqueConstraint(fields=["tender", "user"], name="one_assignment_per_user_per_tender")]

    def __str__(self) -> str:
        return f"{self.user} on {self.tender.reference}{' (moderator)' if self.is_moderator else ''}"

    @property
    def role_label(self) -> str:
        return "Moderator" if self.is_moderator else "Evaluator"


class ConflictDeclaration(models.Model):
    """A panel member's declaration about one bidding provider, made before seeing any bid."""

    assignment = models.ForeignKey(EvaluatorAssignment, on_delete=models.CASCADE, related_name="declarations")
    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT, related_name="+")
    has_conflict = models.BooleanField()
    details = models.TextField(blank=True)
    declared_at = models.DateTimeField()

    class Meta:
        ordering = ["assignment", "provider__name"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "provider"], name="one_declaration_per_provider"),
            models.CheckConstraint(
                name="conflict_has_details", condition=Q(has_conflict=False) | ~Q(details="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment.user} / {self.provider}: {'conflict' if self.has_conflict else 'no conflict'}"


class IndividualScore(models.Model):
    """One evaluator's blind score of one question of one bid, with the mandatory comment."""

    bid = models.ForeignKey("tenders.Bid", on_delete=models.PROTECT, related_name="individual_scores")
    question = models.ForeignKey("tenders.QualityQuestion", on_delete=models.PROTECT, related_name="+")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField()
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["bid", "question__number", "evaluator__username"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "question", "evaluator"], name="one_score_per_evaluator"),
            models.CheckConstraint(name="individual_score_has_comment", condition=~Q(comment="")),
        ]

    def __str__(self) -> str:
        return f"{self.bid} Q{self.question.number} by {self.evaluator}: {self.score}"


class ConsensusScore(models.Model):
    """The moderated score of one question of one bid, with its written rationale.

    The individual scores are kept alongside; a change after quality was locked
    carries its reason here and, with before and after, in the audit trail.
    """

    bid = models.ForeignKey("tenders.Bid", on_delete=models.PROTECT, related_name="consensus_scores")
    question = models.ForeignKey("tenders.QualityQuestion", on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()
    rationale = models.TextField()
    # Procurement Regulations 2024 reg 31: the reasons given to bidders. Written for the bidder,
    # naming no evaluator and quoting no individual score; `rationale` stays inside the council.
    feedback_to_bidder = models.TextField(
        blank=True, help_text="What the bidder is told about this score in its assessment summary."
    )
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    differs_from_individuals = models.BooleanField(
        default=False, help_text="No individual evaluator gave this score; the rationale says why."
    )
    changed_after_lock = models.BooleanField(default=False)
    change_reason = models.TextField(blank=True, help_text="Why the score changed after quality was locked.")
    # Four eyes after lock: the change was proposed by `moderator` and approved by a second person.
    change_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Who approved the change after quality was locked (never the person who proposed it).",
    )
    change_approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["bid", "question__number"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "question"], name="one_consensus_per_question"),
            models.CheckConstraint(name="consensus_has_rationale", condition=~Q(rationale="")),
            models.CheckConstraint(
                name="late_change_has_reason", condition=Q(changed_after_lock=False) | ~Q(change_reason="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bid} Q{self.question.number} consensus {self.score}"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "Awaiting a second person's approval"
    APPROVED = "approved", "Approved: the consensus score changed"
    REJECTED = "rejected", "Rejected: the consensus score is unchanged"


class ConsensusChangeProposal(models.Model):
    """A change to a consensus score after quality was locked (issue 13, four eyes).

    Only a proposal: the consensus score, and so the evaluation, is unchanged until a second,
    different person (the tender's moderator or a commissioner) approves it.
    """

    consensus = models.ForeignKey(ConsensusScore, on_delete=models.PROTECT, related_name="change_proposals")
    score = models.PositiveSmallIntegerField()
    rationale = models.TextField()
    feedback_to_bidder = models.TextField(blank=True)
    change_reason = models.TextField()
    previous_score = models.PositiveSmallIntegerField()
    previous_rationale = models.TextField()
    status = models.CharField(max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="proposal_has_reason", condition=~Q(change_reason="")),
            models.CheckConstraint(name="proposal_has_rationale", condition=~Q(rationale="")),
            models.CheckConstraint(
                name="decided_proposal_has_decider",
                condition=Q(status="pending", decided_by__isnull=True, decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_by__isnull=False, decided_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="proposal_decided_by_second_person",
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("proposed_by")),
            ),
            models.UniqueConstraint(
                fields=["consensus"], condition=Q(status="pending"), name="one_pending_proposal_per_consensus"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consensus}: {self.previous_score} -> {self.score} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == ProposalStatus.PENDING


class TenderEvaluation(models.Model):
    """The evaluation stages of one tender: moderation started, quality locked."""

    tender = models.OneToOneField("tenders.Tender", on_delete=models.CASCADE, related_name="evaluation")
    moderation_started_at = models.DateTimeField(null=True, blank=True)
    moderation_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quality_locked_at = models.DateTimeField(null=True, blank=True)
    quality_locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="lock_after_moderation",
                condition=Q(quality_locked_at__isnull=True) | Q(moderation_started_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Evaluation of {self.tender.reference}"

    @property
    def moderation_started(self) -> bool:
        return self.moderation_started_at is not None

    @property
    def quality_locked(self) -> bool:
        return self.quality_locked_at is not None


class PriceClarificationStatus(models.TextChoices):
    PENDING = "pending", "Awaiting the bidder's explanation"
    ACCEPTED = "accepted", "Explanation accepted"
    REJECTED = "rejected", "Explanation rejected: price not accepted"


class PriceClarification(models.Model):
    """An abnormally low price the bidder had to explain, and the authority's decision."""

    bid = models.ForeignKey("tenders.Bid", on_delete=models.PROTECT, related_name="price_clarifications")
    lot = models.ForeignKey("tenders.Lot", on_delete=models.PROTECT, related_name="price_clarifications")
    hourly_price = models.DecimalField(max_digits=7, decimal_places=2, validators=[MinValueValidator(0)])
    check_status = models.CharField(max_length=40, help_text="The price check that flagged the price.")
    price_check = models.JSONField(
        default=dict, help_text="The check when the price was flagged: message, model minimum, floor, gap."
    )
    status = models.CharField(max_length=10, choices=PriceClarificationStatus.choices, default=PriceClarificationStatus.PENDING)
    explanation = models.TextField(blank=True, help_text="The bidder's explanation, as received.")
    decision_reason = models.TextField(blank=True)
    raised_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Asked through the portal (issue 16): the question, the reply deadline, and who asked and answered when.
    # Status stays "pending" until the decision; `stage` says where an undecided one is.
    question = models.TextField(blank=True, help_text="What the bidder was asked to explain.")
    reply_by = models.DateTimeField(null=True, blank=True, help_text="The bidder must answer by then (server time).")
    requested_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["lot__number", "bid__reference"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "lot"], name="one_clarification_per_bid_lot"),
            models.CheckConstraint(
                name="decided_clarification_has_reasons",
                condition=Q(status="pending") | (~Q(explanation="") & ~Q(decision_reason="") & Q(decided_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bid} lot {self.lot.number}: {self.get_status_display()}"

    @property
    def is_pending(self) -> bool:
        return self.status == PriceClarificationStatus.PENDING

    @property
    def stage(self) -> str:
        """not_asked, awaiting_bidder, answered (awaiting the decision) or decided."""
        if not self.is_pending:
            return "decided"
        if self.answered_at is not None:
            return "answered"
        return "awaiting_bidder" if self.requested_at is not None else "not_asked"

    @property
    def stage_label(self) -> str:
        return {"not_asked": "Not yet asked", "awaiting_bidder": "Waiting for the bidder's explanation",
                "answered": "Answered: awaiting the decision", "decided": self.get_status_display()}[self.stage]


class PriceClarificationDocument(models.Model):
    """A document the bidder sent with its explanation of a price, checked by content like bid documents."""

    clarification = models.ForeignKey(PriceClarification, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(upload_to="price-clarifications/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class AssessmentStage(models.TextChoices):
    OPENING = "opening", "At opening"
    AWARD = "award", "Before award"


class AssessmentOutcome(models.TextChoices):
    ELIGIBLE = "eligible", "Eligible"
    FLAGGED = "flagged", "Eligible, flagged for due diligence"
    EXCLUDED = "excluded", "Excluded"


class BidAssessment(models.Model):
    """A CQC check of the locations a bid names, with the rating evidence behind it.

    Kept as history: the latest row of a bid is what the evaluation uses.
    """

    bid = models.ForeignKey("tenders.Bid", on_delete=models.PROTECT, related_name="cqc_assessments")
    stage = models.CharField(max_length=10, choices=AssessmentStage.choices)
    outcome = models.CharField(max_length=10, choices=AssessmentOutcome.choices)
    reason = models.TextField()
    location_ids = models.JSONField(default=list)
    evidence = models.JSONField(default=list, help_text="Rows behind the outcome: location, group, key question, rating, date.")
    # What reports show as "the CQC ratings relied on" (issue 14): kept with the check, so a later
    # CQC import never changes a report; a re-check at award is a new row, not a silent change.
    ratings = models.JSONField(
        default=list, blank=True,
        help_text="Each named location's ratings at this check: name, overall, five key questions, published, source.",
    )
    assessed_at = models.DateTimeField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["bid", "-assessed_at", "-pk"]
        get_latest_by = ["assessed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.bid} {self.stage}: {self.outcome}"


class EvaluationRun(models.Model):
    """One run of the scoring over a snapshot of its inputs; the current run is the tender's result.

    `inputs` and `results` shapes are documented in `evaluation.assemble`.
    """

    # The stored documents: megabytes each on a large tender, so lists and page headers defer them.
    DOCUMENTS = ("inputs", "results")

    tender = models.ForeignKey("tenders.Tender", on_delete=models.PROTECT, related_name="evaluation_runs")
    number = models.PositiveIntegerField()
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    run_by_label = models.CharField(max_length=200)
    run_at = models.DateTimeField()
    inputs = models.JSONField()
    inputs_digest = models.CharField(max_length=64)
    results = models.JSONField()
    results_digest = models.CharField(max_length=64)
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["tender", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="evaluation_run_number_unique"),
            models.UniqueConstraint(fields=["tender"], condition=Q(is_current=True), name="one_current_run_per_tender"),
        ]

    def __str__(self) -> str:
        return f"{self.tender.reference} evaluation run {self.number}"

    @property
    def provisional(self) -> bool:
        return bool(self.results.get("provisional"))
