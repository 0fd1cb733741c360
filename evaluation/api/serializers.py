"""Input validation and output shapes for the evaluation API (no business rules here)."""
from __future__ import annotations

from typing import Any

from rest_framework import serializers

from common.api import BIGINT_MAX
from evaluation.models import (
    BidAssessment,
    ConflictDeclaration,
    ConsensusChangeProposal,
    ConsensusScore,
    EvaluationRun,
    EvaluatorAssignment,
    IndividualScore,
    PriceClarification,
)


class AssignmentSerializer(serializers.ModelSerializer[EvaluatorAssignment]):
    tender = serializers.CharField(source="tender.reference", read_only=True)
    user = serializers.CharField(source="user.username", read_only=True)
    role = serializers.CharField(source="role_label", read_only=True)

    class Meta:
        model = EvaluatorAssignment
        fields = ["id", "tender", "user", "is_moderator", "role", "assigned_at"]
        read_only_fields = fields


class AssignInputSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    is_moderator = serializers.BooleanField(required=False, allow_null=True, default=None)


class DeclarationSerializer(serializers.ModelSerializer[ConflictDeclaration]):
    provider_name = serializers.CharField(source="provider.name", read_only=True)

    class Meta:
        model = ConflictDeclaration
        fields = ["provider", "provider_name", "has_conflict", "details", "declared_at"]
        read_only_fields = fields


class DeclarationItemSerializer(serializers.Serializer[Any]):
    provider = serializers.IntegerField(min_value=1, max_value=BIGINT_MAX)
    has_conflict = serializers.BooleanField()
    details = serializers.CharField(required=False, allow_blank=True, default="")


class DeclareInputSerializer(serializers.Serializer[Any]):
    declarations = DeclarationItemSerializer(many=True, allow_empty=False)


class ScoreItemSerializer(serializers.Serializer[Any]):
    question = serializers.CharField(help_text="Question number, e.g. 1 or Q1.")
    score = serializers.IntegerField(min_value=0, max_value=32767)
    comment = serializers.CharField(allow_blank=True)


class ScoresInputSerializer(serializers.Serializer[Any]):
    scores = ScoreItemSerializer(many=True, allow_empty=False)


class IndividualScoreSerializer(serializers.ModelSerializer[IndividualScore]):
    question = serializers.IntegerField(source="question.number", read_only=True)
    evaluator = serializers.CharField(source="evaluator.username", read_only=True)

    class Meta:
        model = IndividualScore
        fields = ["question", "evaluator", "score", "comment", "submitted_at"]
        read_only_fields = fields


class ConsensusInputSerializer(serializers.Serializer[Any]):
    question = serializers.CharField(help_text="Question number, e.g. 1 or Q1.")
    score = serializers.IntegerField(min_value=0, max_value=32767)
    rationale = serializers.CharField(allow_blank=True)
    feedback_to_bidder = serializers.CharField(
        required=False, allow_blank=True, default=None,
        help_text="What the bidder reads in its assessment summary (reg 31); omitted keeps what is recorded.",
    )
    change_reason = serializers.CharField(required=False, allow_blank=True, default="")


class ConsensusSerializer(serializers.ModelSerializer[ConsensusScore]):
    bid = serializers.CharField(source="bid.reference", read_only=True)
    question = serializers.IntegerField(source="question.number", read_only=True)
    moderator = serializers.CharField(source="moderator.username", read_only=True)

    class Meta:
        model = ConsensusScore
        fields = [
            "bid", "question", "score", "rationale", "feedback_to_bidder", "moderator", "recorded_at",
            "differs_from_individuals", "changed_after_lock", "change_reason", "change_approved_by",
            "change_approved_at",
        ]
        read_only_fields = fields

    change_approved_by = serializers.CharField(source="change_approved_by.username", read_only=True, default=None)


class ConsensusChangeProposalSerializer(serializers.ModelSerializer[ConsensusChangeProposal]):
    """A proposed change to a locked consensus score (four eyes): who proposed, who decided."""

    bid = serializers.CharField(source="consensus.bid.reference", read_only=True)
    provider = serializers.CharField(source="consensus.bid.provider.name", read_only=True)
    question = serializers.IntegerField(source="consensus.question.number", read_only=True)
    proposed_by = serializers.CharField(source="proposed_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None)

    class Meta:
        model = ConsensusChangeProposal
        fields = [
            "id", "bid", "provider", "question", "previous_score", "previous_rationale", "score", "rationale",
            "feedback_to_bidder", "change_reason", "status", "proposed_by", "proposed_at", "decided_by",
            "decided_at", "decision_note",
        ]
        read_only_fields = fields


class ConsensusChangeDecisionSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField(help_text="True approves (the score changes); false rejects (a note is required).")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ClarificationSerializer(serializers.ModelSerializer[PriceClarification]):
    bid = serializers.CharField(source="bid.reference", read_only=True)
    provider = serializers.CharField(source="bid.provider.name", read_only=True)
    lot = serializers.IntegerField(source="lot.number", read_only=True)
    zone = serializers.CharField(source="lot.zone.name", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None)

    class Meta:
        model = PriceClarification
        fields = [
            "id", "bid", "provider", "lot", "zone", "hourly_price", "check_status", "price_check", "status",
            "explanation", "decision_reason", "raised_at", "decided_by", "decided_at",
        ]
        read_only_fields = fields


class ClarificationInputSerializer(serializers.Serializer[Any]):
    bid = serializers.CharField(help_text="Bid reference.")
    lot = serializers.IntegerField(min_value=1, max_value=32767, help_text="Lot number.")
    explanation = serializers.CharField(allow_blank=True)
    decision = serializers.ChoiceField(choices=["accepted", "rejected"])
    reason = serializers.CharField(allow_blank=True)


class AssessmentSerializer(serializers.ModelSerializer[BidAssessment]):
    bid = serializers.CharField(source="bid.reference", read_only=True)
    provider = serializers.CharField(source="bid.provider.name", read_only=True)

    class Meta:
        model = BidAssessment
        fields = ["bid", "provider", "stage", "outcome", "reason", "location_ids", "evidence", "assessed_at"]
        read_only_fields = fields


class AssessInputSerializer(serializers.Serializer[Any]):
    stage = serializers.ChoiceField(choices=["opening", "award"], default="opening")


class RunSummarySerializer(serializers.ModelSerializer[EvaluationRun]):
    """A run in a list (`evaluation.selectors.runs`: without its stored documents, provisional read in the query)."""

    tender = serializers.CharField(source="tender.reference", read_only=True)
    provisional = serializers.BooleanField(source="results_provisional", read_only=True, default=False)

    class Meta:
        model = EvaluationRun
        fields = ["number", "tender", "run_by_label", "run_at", "inputs_digest", "results_digest", "is_current", "provisional"]
        read_only_fields = fields


class RunSerializer(RunSummarySerializer):
    provisional = serializers.BooleanField(read_only=True)

    class Meta(RunSummarySerializer.Meta):
        fields = [*RunSummarySerializer.Meta.fields, "results"]
        read_only_fields = fields


class AwardInputSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="")
