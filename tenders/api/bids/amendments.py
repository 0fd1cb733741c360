"""Amendments to a published tender.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from common.errors import PermissionDeniedError
from common.http import AuthenticatedRequest
from common.pagination import PaginatedListMixin
from tenders import bidding_selectors as sel
from tenders import services
from tenders.api.bids.clarifications import visible_tender
from tenders.api.bids.serializers import WRITE_RESPONSES, BiddingErrorSerializer
from tenders.models import (
    Amendment,
    Lot,
    Tender,
)


class AmendmentSerializer(serializers.ModelSerializer[Amendment]):
    documents = serializers.SerializerMethodField()

    class Meta:
        model = Amendment
        fields = ["number", "summary", "changes", "created_at", "documents"]

    def get_documents(self, obj: Amendment) -> list[str]:
        return [d.title for d in obj.documents.all()]


class LotChangeSerializer(serializers.Serializer[Any]):
    lot = serializers.IntegerField(min_value=1, max_value=32767)
    hours_per_week = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=Decimal("0.01"), required=False)
    ceiling_price = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=Decimal("0.01"), required=False, allow_null=True
    )


class AmendmentCreateSerializer(serializers.Serializer[Any]):
    summary = serializers.CharField(max_length=5000)
    submission_deadline = serializers.DateTimeField(required=False)
    clarification_deadline = serializers.DateTimeField(required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=50000)
    # `many=True` spelled out (what DRF's many_init builds), so the list's max_length is typed.
    lots: serializers.ListSerializer[Any] = serializers.ListSerializer(child=LotChangeSerializer(required=False), required=False, max_length=500)


class AmendmentListView(PaginatedListMixin, APIView):
    @extend_schema(responses={200: AmendmentSerializer(many=True), 404: BiddingErrorSerializer})
    def get(self, request: AuthenticatedRequest, reference: str) -> Response:
        tender = visible_tender(request, reference)
        return self.paginated(sel.amendments(tender=tender), AmendmentSerializer)

    @extend_schema(request=AmendmentCreateSerializer, responses={201: AmendmentSerializer, **WRITE_RESPONSES})
    def post(self, request: AuthenticatedRequest, reference: str) -> Response:
        """Amend a published tender (commissioners). Extending the deadline is an amendment."""
        tender = Tender.objects.filter(reference=reference).first()
        if not permissions.can_manage_tender(request.user, tender):
            raise PermissionDeniedError("Only a commissioner can amend a tender.")
        if tender is None:
            raise Http404("No such tender.")
        data = AmendmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        lots = {lot.number: lot.pk for lot in Lot.objects.filter(tender=tender)}
        hours, ceilings = {}, {}
        for row in values.get("lots", []):
            if row["lot"] not in lots:
                raise ValidationError({"lots": [f"Lot {row['lot']} is not part of {tender.reference}."]})
            if "hours_per_week" in row:
                hours[lots[row["lot"]]] = row["hours_per_week"]
            if "ceiling_price" in row:
                ceilings[lots[row["lot"]]] = row["ceiling_price"]
        amendment = services.amendment_create(
            tender=tender, user=request.user, summary=values["summary"],
            submission_deadline=values.get("submission_deadline"),
            clarification_deadline=values.get("clarification_deadline"),
            description=values.get("description"), lot_hours=hours, lot_ceilings=ceilings,
        )
        return Response(AmendmentSerializer(amendment).data, status=status.HTTP_201_CREATED)
