from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tenders import services
from tenders.api.serializers import TenderSerializer, TransitionSerializer, tender_list_data
from tenders.selectors import tender_list


class TenderViewSet(viewsets.ReadOnlyModelViewSet):
    """Tenders with their lots (zone, hours per week) and quality questions."""

    serializer_class = TenderSerializer
    lookup_field = "reference"
    filterset_fields = ["status", "service_type"]

    def get_queryset(self):
        return tender_list(user=self.request.user)

    def list(self, request: Request, *args, **kwargs) -> Response:
        """Every visible tender with its lots and questions, read as plain rows (docs/benchmarks.md)."""
        if self.paginator is None:
            data = tender_list_data(self.filter_queryset(self.get_queryset()))
            if data is not None:
                return Response(data)
        return super().list(request, *args, **kwargs)

    @extend_schema(request=TransitionSerializer, responses=TenderSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, reference: str | None = None) -> Response:
        """Move the tender through its lifecycle; a forbidden move answers 409."""
        tender = self.get_object()
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        verb = data.validated_data["action"]
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
            tender = services.tender_award(tender=tender, user=user, note=data.validated_data["reason"])
        elif verb == "contracted":
            tender = services.tender_mark_contracted(tender=tender, user=user)
        else:
            tender = services.tender_cancel(tender=tender, user=user, reason=data.validated_data["reason"])
        return Response(TenderSerializer(tender_list(user=user).get(pk=tender.pk)).data)
