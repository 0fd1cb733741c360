"""Clarification questions and answers on a tender.
"""
from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from common.errors import PermissionDeniedError
from common.http import AuthenticatedRequest
from common.pagination import PaginatedListMixin
from tenders import bidding_selectors as sel
from tenders import services
from tenders.api.bids.serializers import WRITE_RESPONSES, BiddingErrorSerializer
from tenders.models import (
    Clarification,
    Tender,
)
from tenders.selectors import tender_list


class PublishedClarificationSerializer(serializers.ModelSerializer[Clarification]):
    """As every bidder sees it: never who asked."""

    question = serializers.SerializerMethodField()

    class Meta:
        model = Clarification
        fields = ["number", "status", "question", "answer", "answered_at"]

    def get_question(self, obj: Clarification) -> str:
        return obj.published_question or obj.question


class ClarificationCommissionerSerializer(serializers.ModelSerializer[Clarification]):
    asked_by_provider = serializers.CharField(source="asked_by_provider.name", read_only=True)

    class Meta:
        model = Clarification
        fields = ["number", "status", "question", "published_question", "answer", "asked_at", "answered_at",
                  "asked_by_provider"]


class AskSerializer(serializers.Serializer[Any]):
    question = serializers.CharField(max_length=3000)


class AnswerSerializer(serializers.Serializer[Any]):
    answer = serializers.CharField(max_length=10000)
    published_question = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")


def visible_tender(request: AuthenticatedRequest, reference: str) -> Tender:
    tender = tender_list(user=request.user).filter(reference=reference).first()
    if tender is None:
        raise Http404("No such tender.")
    return tender


class ClarificationListView(PaginatedListMixin, APIView):
    """Published questions and answers for a tender; providers also see their own pending questions."""

    @extend_schema(responses={200: PublishedClarificationSerializer(many=True), 404: BiddingErrorSerializer})
    def get(self, request: AuthenticatedRequest, reference: str) -> Response:
        tender = visible_tender(request, reference)
        if permissions.can_answer_clarifications(request.user, tender):
            return self.paginated(sel.all_clarifications(tender=tender), ClarificationCommissionerSerializer)
        rows = list(sel.published_clarifications(tender=tender))
        if request.user.provider_id:
            rows += list(sel.own_pending_clarifications(tender=tender, provider_id=request.user.provider_id))
        return self.paginated(rows, PublishedClarificationSerializer)

    @extend_schema(request=AskSerializer, responses={201: PublishedClarificationSerializer, **WRITE_RESPONSES})
    def post(self, request: AuthenticatedRequest, reference: str) -> Response:
        """Ask a question (providers, before the clarification deadline)."""
        tender = visible_tender(request, reference)
        data = AskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        clarification = services.clarification_ask(tender=tender, user=request.user, question=data.validated_data["question"])
        return Response(PublishedClarificationSerializer(clarification).data, status=status.HTTP_201_CREATED)


class ClarificationAnswerView(APIView):
    @extend_schema(request=AnswerSerializer, responses={200: PublishedClarificationSerializer, **WRITE_RESPONSES})
    def post(self, request: AuthenticatedRequest, reference: str, number: int) -> Response:
        """A commissioner answers; the (optionally reworded) question and answer go to every bidder."""
        clarification = Clarification.objects.filter(tender__reference=reference, number=number).first()
        if not permissions.can_answer_clarifications(request.user, getattr(clarification, "tender", None)):
            raise PermissionDeniedError("Only a commissioner can answer clarification questions.")
        if clarification is None:
            raise Http404("No such clarification.")
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        clarification = services.clarification_answer(
            clarification=clarification, user=request.user, answer=data.validated_data["answer"],
            published_question=data.validated_data["published_question"],
        )
        return Response(PublishedClarificationSerializer(clarification).data)
