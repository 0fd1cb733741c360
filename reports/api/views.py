"""Reports API: queue a document for a tender, poll its status and progress, download it. Thin views.

Commissioners and the legal team only (other users get 403 with {detail, code}).
"""
from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import PermissionDeniedError, RuleViolation
from common.http import AuthenticatedRequest
from common.pagination import PAGE_PARAMETERS, PaginatedListMixin, paginated_schema
from evaluation.models import EvaluationRun
from providers.models import Provider
from reports import selectors, services
from reports.models import GeneratedReport, ReportKind
from reports.presenters import file_response, report_data
from tenders.models import Tender


class NotFound(RuleViolation):
    """404 with the same {detail, code} body as the other domain errors."""

    status_code = 404


def _require_reports_role(request: Request) -> None:
    if not services.may_use_reports(request.user):
        raise PermissionDeniedError("Award reports are for commissioners and the legal team.")


MAX_ID = 2**63 - 1


def _report(pk: int) -> GeneratedReport:
    if pk > MAX_ID:
        raise NotFound(f"No report {pk}.")
    report = (
        GeneratedReport.objects.select_related("tender", "provider", "evaluation_run")
        .defer(*(f"evaluation_run__{name}" for name in EvaluationRun.DOCUMENTS)).filter(pk=pk).first()
    )
    if report is None:
        raise NotFound(f"No report {pk}.")
    return report


class ReportRequestSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    provider = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1,
        help_text="Provider ID: required for assessment summaries and letters, refused otherwise.",
    )


class TenderReportsView(PaginatedListMixin, APIView):
    """GET: the tender's generated reports. POST {kind, provider?}: queue one (202, or 200 if already queued)."""

    @extend_schema(operation_id="tender_reports_list", parameters=PAGE_PARAMETERS,
                   responses=paginated_schema("GeneratedReport"))
    def get(self, request: AuthenticatedRequest, reference: str) -> Response:
        _require_reports_role(request)
        tender = Tender.objects.filter(reference=reference).first()
        if tender is None:
            raise NotFound(f"No tender {reference!r}.")
        return self.paginated(selectors.tender_reports_queryset(tender=tender),
                              lambda page: [report_data(r) for r in page])

    @extend_schema(
        operation_id="tender_reports_create",
        request=ReportRequestSerializer,
        responses={202: OpenApiTypes.OBJECT, 200: OpenApiTypes.OBJECT,
                   400: inline_serializer("ReportRequestError", {"detail": serializers.CharField()})},
    )
    def post(self, request: AuthenticatedRequest, reference: str) -> Response:
        _require_reports_role(request)
        tender = Tender.objects.filter(reference=reference).first()
        if tender is None:
            raise NotFound(f"No tender {reference!r}.")
        serializer = ReportRequestSerializer(data=request.data)
        if not serializer.is_valid():
            field, problems = next(iter(serializer.errors.items()))
            raise RuleViolation(f"{field}: {' '.join(str(p) for p in problems)}", field=field)
        provider = None
        provider_id = serializer.validated_data.get("provider")
        if provider_id is not None:
            provider = Provider.objects.filter(pk=provider_id).first()
            if provider is None:
                raise RuleViolation(f"provider: no provider {provider_id}.", field="provider")
        before = set(GeneratedReport.objects.filter(tender=tender).values_list("pk", flat=True))
        report = services.report_request(
            tender=tender, kind=serializer.validated_data["kind"], user=request.user, provider=provider
        )
        report.refresh_from_db()
        created = report.pk not in before
        headers = {"Location": request.build_absolute_uri(reverse("api-report", args=[report.pk]))}
        return Response(report_data(report), status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK,
                        headers=headers)


class ReportDetailView(APIView):
    """A report's status, progress ("Lot 3 of 6: ..."), digests, error, and its download URL once done."""

    @extend_schema(operation_id="report_retrieve", responses=OpenApiTypes.OBJECT)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        _require_reports_role(request)
        return Response(report_data(_report(pk)))


class ReportDownloadView(APIView):
    """The finished file as an attachment, with its SHA-256 in X-Content-SHA256; 404 until it is done."""

    @extend_schema(operation_id="report_download", responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: AuthenticatedRequest, pk: int) -> FileResponse:
        _require_reports_role(request)
        report = _report(pk)
        if not report.is_downloadable:
            raise NotFound(f"Report {pk} is {report.get_status_display().lower()}: there is no file to download.")
        return file_response(report)
