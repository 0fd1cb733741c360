from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.reauth import ensure_recent_authentication
from common.http import AuthenticatedRequest
from common.pagination import DefaultPagination
from evaluation import services as evaluation_services
from tenders import services
from tenders.api.builder import TenderDraftingMixin
from tenders.api.serializers import (
    TenderSerializer,
    TenderSummarySerializer,
    TransitionSerializer,
    tender_list_data,
)
from tenders.models import Tender
from tenders.selectors import tender_list


class TenderViewSet(TenderDraftingMixin, viewsets.ReadOnlyModelViewSet[Tender]):
    """Tenders with their lots (zone, hours per week) and quality questions; commissioners create and edit drafts."""

    serializer_class = TenderSerializer
    lookup_field = "reference"
    filterset_fields = ["status", "service_type"]
    request: AuthenticatedRequest  # IsAuthenticated, the default permission, lets only signed-in users in

    def get_queryset(self) -> QuerySet[Tender]:
        return tender_list(user=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Visible tenders with their lots and questions, a page at a time (common/pagination.py)."""
        return self._page(TenderSerializer)

    @extend_schema(responses=TenderSummarySerializer(many=True))
    @action(detail=False, methods=["get"], serializer_class=TenderSummarySerializer)
    def summary(self, request: Request) -> Response:
        """The light list: the same tenders, filters and pages, with lots but without quality questions."""
        return self._page(TenderSummarySerializer)

    def _page(self, serializer_class: type[TenderSerializer]) -> Response:
        # A count, then the page's slice read as plain values (docs/benchmarks.md), its lots and
        # its questions: the same four queries whatever the page size.
        queryset = self.filter_queryset(self.get_queryset())
        paginator = cast(DefaultPagination, self.paginator)  # DEFAULT_PAGINATION_CLASS (config/settings)
        rows = paginator.paginate_lazily(queryset, self.request, view=self)
        data = tender_list_data(rows, serializer_class)
        if data is None:
            return self.get_paginated_response(
                serializer_class(rows, many=True, context=self.get_serializer_context()).data
            )
        return self.get_paginated_response(data)

    @extend_schema(request=TransitionSerializer, responses=TenderSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: AuthenticatedRequest, reference: str | None = None) -> Response:
        """Move the tender through its lifecycle; a forbidden move answers 409."""
        tender = self.get_object()
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        verb = data.validated_data["action"]
        if verb in ("publish", "open", "award", "cancel"):
            ensure_recent_authentication(request)  # cannot be undone: a recent sign-in for session callers
        user = request.user
        if verb == "publish":
            tender = services.tender_publish(tender=tender, user=user)
        elif verb == "close":
            tender = services.tender_close(tender=tender, user=user)
        elif verb == "open":
            tender = services.tender_open(tender=tender, user=user)
        elif verb == "start_evaluation":
            tender = services.tender_start_evaluation(tender=tender, user=user)
        elif verb == "award":
            # The one award decision (CQC re-check, pending changes, feedback), as on the page and evaluation API.
            tender = evaluation_services.evaluation_award(tender=tender, user=user, note=data.validated_data["reason"])
        elif verb == "contracted":
            tender = services.tender_mark_contracted(tender=tender, user=user)
        else:
            tender = services.tender_cancel(tender=tender, user=user, reason=data.validated_data["reason"])
        return Response(TenderSerializer(tender_list(user=user).get(pk=tender.pk)).data)
