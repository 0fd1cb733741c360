from __future__ import annotations

from rest_framework import serializers

from tenders.models import Lot, QualityQuestion, Tender


class LotSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    rurality = serializers.CharField(source="zone.rurality", read_only=True)

    class Meta:
        model = Lot
        fields = [
            "id", "number", "zone", "zone_name", "rurality", "hours_per_week", "contract_type",
            "ceiling_price", "guaranteed_minimum_hours", "package_pricing", "package_hours",
        ]


class QualityQuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = QualityQuestion
        fields = ["id", "number", "text", "guidance", "weight", "max_score", "word_limit"]


class TenderSerializer(serializers.ModelSerializer):
    lots = LotSerializer(many=True, read_only=True)
    questions = QualityQuestionSerializer(many=True, read_only=True)
    rate_preset = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    minute_basis = serializers.CharField(source="minute_basis_label", read_only=True)

    class Meta:
        model = Tender
        fields = [
            "id", "reference", "title", "service_type", "description", "status",
            "clarification_deadline", "submission_deadline", "contract_start", "contract_end",
            "quality_weight", "price_weight", "price_formula", "contact_minutes", "travel_minutes", "minute_basis",
            "rate_preset", "far_above_model_percent", "max_providers_per_lot", "max_lots_per_provider",
            "unrated_policy", "standstill_mandatory", "contract_conditions", "published_at", "opened_at",
            "lots", "questions",
        ]
        read_only_fields = fields


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["publish", "close", "open", "start_evaluation", "award", "contracted", "cancel"])
    reason = serializers.CharField(required=False, allow_blank=True, default="")
