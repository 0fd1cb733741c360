"""Award sequence API: where a tender's award stands, and each step after the decision. Thin views.

The decision itself is POST /api/evaluation/tenders/<ref>/award/ (with the CQC re-check). A step
out of order answers 409 with {detail, code} naming what must come first.
"""
from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.http import AuthenticatedRequest
from reports import services
from reports.api.views import NotFound, _require_reports_role
from tenders import services as tender_services
from tenders.award_sequence import next_step
from tenders.models import Tender
from tenders.services.award import award_of, award_state, details_notice_due_on, standstill_earliest_entry


class NoticeSerializer(serializers.Serializer[Any]):
    published_at = serializers.DateTimeField(help_text="When the notice was published on Find a Tender (with offset).")
    notice_id = serializers.CharField(max_length=40, help_text="The Find a Tender notice identifier.")


class AwardSerializer(serializers.Serializer[Any]):
    """The award sequence as recorded, and the next step."""

    tender = serializers.CharField()
    status = serializers.CharField()
    next_step = serializers.CharField()
    light_touch = serializers.BooleanField(allow_null=True)
    standstill_observed = serializers.BooleanField(allow_null=True)
    standstill_working_days = serializers.IntegerField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    evaluation_run = serializers.IntegerField(allow_null=True)
    summaries_issued_at = serializers.DateTimeField(allow_null=True)
    award_notice_published_at = serializers.DateTimeField(allow_null=True)
    award_notice_id = serializers.CharField()
    standstill_ends_on = serializers.DateField(allow_null=True)
    contract_possible_from = serializers.DateField(allow_null=True)
    contracted_at = serializers.DateTimeField(allow_null=True)
    details_notice_due_on = serializers.DateField(allow_null=True)
    details_notice_published_at = serializers.DateTimeField(allow_null=True)
    details_notice_id = serializers.CharField()


def _tender(reference: str) -> Tender:
    tender = Tender.objects.filter(reference=reference).first()
    if tender is None:
        raise NotFound(f"No tender {reference!r}.")
    return tender


def award_data(tender: Tender) -> dict[str, Any]:
    award = award_of(tender)
    return {
        "tender": tender.reference,
        "status": tender.status,
        "next_step": next_step(award_state(award)).value,
        "light_touch": award.light_touch if award else None,
        "standstill_observed": award.standstill_applies if award else None,
        "standstill_working_days": award.standstill_working_days if award else None,
        "decided_at": award.decided_at if award else None,
        "evaluation_run": award.evaluation_run.number if award else None,
        "summaries_issued_at": award.summaries_issued_at if award else None,
        "award_notice_published_at": award.award_notice_published_at if award else None,
        "award_notice_id": award.award_notice_id if award else "",
        "standstill_ends_on": award.standstill_ends_on if award else None,
        "contract_possible_from": standstill_earliest_entry(award) if award else None,
        "contracted_at": award.contracted_at if award else None,
        "details_notice_due_on": details_notice_due_on(award) if award else None,
        "details_notice_published_at": award.details_notice_published_at if award else None,
        "details_notice_id": award.details_notice_id if award else "",
    }


def _answer(tender: Tender) -> Response:
    tender.refresh_from_db()
    return Response(AwardSerializer(award_data(tender)).data)


class AwardView(APIView):
    """GET: the award sequence as recorded and the next step (commissioners and legal)."""

    @extend_schema(operation_id="tender_award_read", responses=AwardSerializer)
    def get(self, request: AuthenticatedRequest, reference: str) -> Response:
        _require_reports_role(request)
        return _answer(_tender(reference))


class AwardSummariesView(APIView):
    """POST: issue every assessed bidder its assessment summary and letter through the portal."""

    @extend_schema(operation_id="tender_award_issue_summaries", request=None, responses=AwardSerializer)
    def post(self, request: AuthenticatedRequest, reference: str) -> Response:
        tender = _tender(reference)
        services.award_issue_summaries(tender=tender, user=request.user)
        return _answer(tender)


class AwardNoticeView(APIView):
    """POST {published_at, notice_id}: record the contract award notice; the standstill runs from its day."""

    @extend_schema(operation_id="tender_award_record_notice", request=NoticeSerializer, responses=AwardSerializer)
    def post(self, request: AuthenticatedRequest, reference: str) -> Response:
        tender = _tender(reference)
        data = NoticeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tender_services.award_record_notice(tender=tender, user=request.user, **data.validated_data)
        return _answer(tender)


class AwardContractView(APIView):
    """POST: record that the contract is entered into (409 inside the standstill, naming the first day)."""

    @extend_schema(operation_id="tender_award_contracted", request=None, responses=AwardSerializer)
    def post(self, request: AuthenticatedRequest, reference: str) -> Response:
        tender = _tender(reference)
        tender_services.tender_mark_contracted(tender=tender, user=request.user)
        return _answer(tender)


class AwardDetailsNoticeView(APIView):
    """POST {published_at, notice_id}: record the contract details notice (s.53)."""

    @extend_schema(operation_id="tender_award_record_details_notice", request=NoticeSerializer,
                   responses=AwardSerializer)
    def post(self, request: AuthenticatedRequest, reference: str) -> Response:
        tender = _tender(reference)
        data = NoticeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tender_services.award_record_details_notice(tender=tender, user=request.user, **data.validated_data)
        return _answer(tender)
