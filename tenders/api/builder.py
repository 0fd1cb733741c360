"""POST /api/tenders/ and PATCH /api/tenders/{reference}/: build a draft in the shape GET returns.

Commissioners only. Input is read by the serializers below (types, choices, zone codes, preset
slugs); every rule is the drafting service's (`tenders.services.drafting`), whose field-level
problems come back as a 400 in DRF's usual shape. After publication a tender changes only by
amendment: both verbs answer 409 and point to the amendments endpoint.
"""
from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from common.errors import PermissionDeniedError, TransitionNotAllowed
from common.http import AuthenticatedRequest
from pricing.models import RatePreset
from tenders import services
from tenders.api.serializers import TenderSerializer
from tenders.models import Lot, QualityQuestion, Tender
from tenders.selectors import tender_list
from tenders.services.drafting import (
    AMEND_INSTEAD,
    LOT_FIELDS,
    QUESTION_FIELDS,
    TENDER_FIELDS,
    may_configure_tenders,
)
from tenders.transitions import TenderStatus
from zones.models import Zone


class LotInputSerializer(serializers.ModelSerializer[Lot]):
    zone = serializers.SlugRelatedField(slug_field="code", queryset=Zone.objects.all())

    class Meta:
        model = Lot
        fields = list(LOT_FIELDS)


class QuestionInputSerializer(serializers.ModelSerializer[QualityQuestion]):
    class Meta:
        model = QualityQuestion
        fields = list(QUESTION_FIELDS)


class TenderDraftSerializer(serializers.ModelSerializer[Tender]):
    """What a client may send; read-only fields of the GET shape (id, status, ...) are ignored."""

    lots = LotInputSerializer(many=True, required=False)
    questions = QuestionInputSerializer(many=True, required=False)
    rate_preset = serializers.SlugRelatedField(
        slug_field="slug", queryset=RatePreset.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Tender
        fields = [*TENDER_FIELDS, "lots", "questions"]
        extra_kwargs = {
            # Uniqueness and format are the service's rules, with its own wording.
            "reference": {"required": False, "validators": []},
            "submission_deadline": {"required": False},
        }
        validators: list[Any] = []


def _nested(errors: dict[str, list[str]]) -> dict[str, Any]:
    """{'lots.1.zone': [...]} -> {'lots': [{}, {'zone': [...]}]}, DRF's shape for nested lists."""
    out: dict[str, Any] = {}
    for key, messages in errors.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[1].isdigit():
            rows = out.setdefault(parts[0], [])
            index = int(parts[1])
            rows.extend({} for _ in range(index + 1 - len(rows)))
            rows[index].setdefault(parts[2], []).extend(messages)
        else:
            out.setdefault("non_field_errors" if key == "__all__" else key, []).extend(messages)
    return out


def _amendment_conflict(tender: Tender, message: str) -> Response:
    return Response(
        {
            "detail": message,
            "code": TransitionNotAllowed.__name__,
            "amendments": reverse("api-amendments", kwargs={"reference": tender.reference}),
        },
        status=status.HTTP_409_CONFLICT,
    )


def _split(data: dict[str, Any]) -> tuple[dict[str, Any], list[Any] | None, list[Any] | None]:
    lots = data.pop("lots", None)
    questions = data.pop("questions", None)
    return data, lots, questions


class TenderDraftingMixin:
    """Adds create and partial_update to the tender viewset (tenders/api/views.py)."""

    def _require_configurer(self, request: AuthenticatedRequest) -> None:
        if not may_configure_tenders(request.user):
            raise PermissionDeniedError("Only a commissioner can set up or edit a tender.")

    @extend_schema(request=TenderDraftSerializer, responses={201: TenderSerializer})
    def create(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        """Create a draft tender; lots (zone by `code`) and questions may come nested, as GET shows them."""
        self._require_configurer(request)
        reference = str(request.data.get("reference") or "").strip() if hasattr(request.data, "get") else ""
        existing = Tender.objects.filter(reference__iexact=reference).first() if reference else None
        if existing is not None and existing.status != TenderStatus.DRAFT:
            return _amendment_conflict(existing, AMEND_INSTEAD)
        incoming = TenderDraftSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values, lots, questions = _split(dict(incoming.validated_data))
        try:
            tender = services.tender_create(user=request.user, values=values, lots=lots or (), questions=questions or ())
        except services.DraftInvalid as exc:
            raise ValidationError(_nested(exc.errors)) from exc
        body = TenderSerializer(tender_list(user=request.user).get(pk=tender.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=TenderDraftSerializer, responses=TenderSerializer)
    def partial_update(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Response:
        """Edit a draft: only the fields sent change; `lots` or `questions`, when sent, replace the whole list."""
        self._require_configurer(request)
        tender = self.get_object()  # type: ignore[attr-defined]
        if tender.status != TenderStatus.DRAFT:
            return _amendment_conflict(tender, AMEND_INSTEAD)
        incoming = TenderDraftSerializer(tender, data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        values, lots, questions = _split(dict(incoming.validated_data))
        try:
            tender = services.tender_update_draft(
                tender=tender, user=request.user, values=values, lots=lots, questions=questions
            )
        except services.DraftInvalid as exc:
            raise ValidationError(_nested(exc.errors)) from exc
        except TransitionNotAllowed as exc:  # published meanwhile
            return _amendment_conflict(tender, exc.message)
        return Response(TenderSerializer(tender_list(user=request.user).get(pk=tender.pk)).data)
