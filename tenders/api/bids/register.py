"""The commissioning side's bid register of a tender.
"""
from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from common.errors import PermissionDeniedError
from common.http import AuthenticatedRequest
from tenders import bidding_selectors as sel
from tenders.api.bids.serializers import BiddingErrorSerializer, BidSerializer
from tenders.models import (
    Tender,
)


class RegisterSummarySerializer(serializers.Serializer[Any]):
    sealed = serializers.BooleanField()
    submitted = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    late_attempts = serializers.IntegerField()
    bids = BidSerializer(many=True, help_text="Empty while sealed.")


class BidRegisterView(APIView):
    @extend_schema(responses={200: RegisterSummarySerializer, 403: BiddingErrorSerializer, 404: BiddingErrorSerializer})
    def get(self, request: AuthenticatedRequest, reference: str) -> Response:
        """The commissioning side's bid register: counts only while sealed, the list once opened."""
        tender = Tender.objects.filter(reference=reference).first()
        if tender is None:
            raise Http404("No such tender.")
        if not permissions.can_see_bid_counts(request.user, tender):
            raise PermissionDeniedError("Only commissioners, legal and the tender's panel can see its bid register.")
        summary = sel.bid_register(tender=tender)
        return Response(RegisterSummarySerializer({
            "sealed": summary.sealed, "submitted": summary.submitted, "withdrawn": summary.withdrawn,
            "in_progress": summary.in_progress, "late_attempts": summary.late_attempts, "bids": summary.bids,
        }).data)
