"""Pricing API: thin views over pricing.selectors and pricing.services."""
from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer, Serializer
from rest_framework.views import APIView

from common.errors import RuleViolation
from common.http import AuthenticatedRequest
from common.money import pennies
from pricing import selectors, services
from pricing.api.serializers import (
    ConvertQuerySerializer,
    CostOfCareQuerySerializer,
    PriceCheckQuerySerializer,
    RatePresetSerializer,
    basis_data,
    breakdown_data,
    price_check_data,
)
from pricing.conversion import MinuteBasis, contact_hour_price, convert
from pricing.models import RatePreset
from tenders.bidding_rules import provider_check_message
from tenders.models import Lot
from tenders.selectors import tender_list
from zones.models import Zone


def _query(serializer_class: type[Serializer[Any]], request: Request) -> dict[str, Any]:
    """Validate query parameters; the first problem becomes one clear 400 message naming its field."""
    serializer = serializer_class(data=request.query_params)
    if serializer.is_valid():
        data: dict[str, Any] = serializer.validated_data
        return data
    field, messages = next(iter(serializer.errors.items()))
    messages = messages if isinstance(messages, list) else [messages]
    text = " ".join(str(m) for m in messages)
    raise RuleViolation(text, field=None if field == "non_field_errors" else field)


class ConvertView(APIView):
    """Re-express a price per billed unit per contact hour, and optionally on another minute basis."""

    @extend_schema(parameters=[ConvertQuerySerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request: AuthenticatedRequest) -> Response:
        q = _query(ConvertQuerySerializer, request)
        basis = MinuteBasis(contact_minutes=q["contact_minutes"], travel_minutes=q.get("travel_minutes", 0))
        body: dict[str, Any] = {
            "price": str(pennies(q["price"])),
            "basis": basis_data(basis),
            "per_contact_hour": str(contact_hour_price(q["price"], basis)),
        }
        if "to_contact_minutes" in q:
            target = MinuteBasis(contact_minutes=q["to_contact_minutes"], travel_minutes=q.get("to_travel_minutes", 0))
            body["to_basis"] = basis_data(target)
            body["converted"] = str(pennies(convert(q["price"], basis, target)))
        return Response(body)


class CostOfCareView(APIView):
    """The model minimum per contact hour for a preset, line by line; optionally in a zone, for one visit length."""

    @extend_schema(parameters=[CostOfCareQuerySerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request: AuthenticatedRequest) -> Response:
        q = _query(CostOfCareQuerySerializer, request)
        preset = selectors.preset_get(slug=q["preset"])
        zone = None
        if q.get("zone"):
            zone = Zone.objects.filter(code=q["zone"]).first()
            if zone is None:
                raise RuleViolation(f"Unknown zone {q['zone']!r}.", field="zone")
        breakdown = selectors.preset_cost_of_care(preset=preset, zone=zone, visit_minutes=q.get("visit_minutes"))
        return Response({
            "preset": {"slug": preset.slug, "name": preset.name, "year_label": preset.year_label,
                       "effective_from": preset.effective_from, "is_estimate": preset.is_estimate},
            "zone": {"code": zone.code, "name": zone.name, "rurality": zone.rurality} if zone else None,
            **breakdown_data(breakdown),
        })


class PriceCheckView(APIView):
    """Check a price for a lot as a provider types it: the model's figures for that price are not secret."""

    @extend_schema(parameters=[PriceCheckQuerySerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request: AuthenticatedRequest) -> Response:
        q = _query(PriceCheckQuerySerializer, request)
        visible = tender_list(user=request.user).values("pk")
        lot = Lot.objects.select_related("tender__rate_preset", "zone").filter(pk=q["lot"], tender__in=visible).first()
        if lot is None:
            raise RuleViolation(f"No lot {q['lot']} on a tender you can see.", field="lot")
        package = "package_price" in q
        check = (selectors.lot_package_price_check(lot=lot, package_price=q["package_price"]) if package
                 else selectors.lot_price_check(lot=lot, price=q["price"]))
        # The bidder's wording, once, on the server: static/js/bid_price_check.js shows it as they type.
        bidder_message = provider_check_message(check, lot.package_hours if package else None)
        return Response({"lot": lot.pk, "tender": lot.tender.reference, **price_check_data(check),
                         "bidder_message": bidder_message,
                         "package_price": str(pennies(q["package_price"])) if package else None})


class RatePresetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                        viewsets.GenericViewSet[RatePreset]):
    """Rate presets (readable by any signed-in user); commissioners may PATCH unless a published tender uses it."""

    serializer_class = RatePresetSerializer
    lookup_field = "slug"
    http_method_names = ["get", "patch", "head", "options"]
    request: AuthenticatedRequest  # IsAuthenticated, the default permission, lets only signed-in users in

    def get_queryset(self) -> QuerySet[RatePreset]:
        return selectors.preset_list()

    def perform_update(self, serializer: BaseSerializer[RatePreset]) -> None:
        preset = serializer.instance
        assert preset is not None  # UpdateModelMixin.update hands over the serializer of the looked-up preset
        serializer.instance = services.preset_update(preset=preset, user=self.request.user, data=serializer.validated_data)
