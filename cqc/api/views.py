"""CQC API: provider lookup for the commissioning side; imports for commissioners. Thin views."""
from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from common.errors import PermissionDeniedError, RuleViolation
from common.http import AuthenticatedRequest
from common.pagination import PAGE_PARAMETERS, PaginatedListMixin, paginated_schema
from cqc import selectors
from cqc.models import CQCImport
from cqc.presenters import import_data, provider_lookup_data
from cqc.services import cqc_import_upload


def _commissioning_side(request: Request) -> None:
    if not permissions.can_view_market_data(request.user):
        raise PermissionDeniedError("CQC data is for the commissioning side (commissioners, evaluators, legal).")


class CQCNotFound(RuleViolation):
    """404 with the same {detail, code} body as the other domain errors."""

    status_code = 404


class ProviderLookupView(APIView):
    """A CQC provider's locations, ratings per key question and service, and whether any row is Inadequate."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: AuthenticatedRequest, cqc_provider_id: str) -> Response:
        _commissioning_side(request)
        lookup = selectors.provider_lookup(cqc_provider_id)
        if lookup is None:
            raise CQCNotFound(f"No CQC provider {cqc_provider_id!r} in the imported CQC data.")
        return Response(provider_lookup_data(lookup))


class UploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(allow_empty_file=True, help_text="CQC's ratings file: .ods, .xlsx or .csv")


class ImportListView(PaginatedListMixin, APIView):
    """GET: recent imports. POST a file (multipart, field `file`): 201 when imported at once, 202 when queued."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(operation_id="cqc_imports_list", parameters=PAGE_PARAMETERS,
                   responses=paginated_schema("CQCImport"))
    def get(self, request: AuthenticatedRequest) -> Response:
        _commissioning_side(request)
        return self.paginated(selectors.import_queryset(), lambda page: [import_data(i) for i in page])

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: OpenApiTypes.OBJECT, 202: OpenApiTypes.OBJECT,
                   400: inline_serializer("CQCImportError", {"detail": serializers.CharField()})},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        serializer = UploadSerializer(data=request.data)
        if not serializer.is_valid():
            messages = serializer.errors.get("file") or ["Choose a CQC ratings file to upload."]
            raise RuleViolation(" ".join(str(m) for m in messages), field="file")
        cqc_import = cqc_import_upload(upload=serializer.validated_data["file"], user=request.user)
        queued = not cqc_import.is_finished
        headers = {"Location": request.build_absolute_uri(reverse("api-cqc-import", args=[cqc_import.pk]))}
        return Response(import_data(cqc_import), status=status.HTTP_202_ACCEPTED if queued else status.HTTP_201_CREATED,
                        headers=headers)


class ImportDetailView(APIView):
    """An import's status and progress (polled by the status page), counts and rejected rows."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        _commissioning_side(request)
        cqc_import = CQCImport.objects.select_related("uploaded_by").filter(pk=pk).first()
        if cqc_import is None:
            raise CQCNotFound(f"No CQC import {pk}.")
        return Response(import_data(cqc_import))
