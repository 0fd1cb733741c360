"""Pricing API shapes: query parameters in, decimal strings (rounded to the penny) out."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from rest_framework import serializers

from common.money import pennies
from pricing.checks import STATUS_LABELS, PriceCheck, shown_figures
from pricing.conversion import MinuteBasis, billed_hour_price
from pricing.cost_model import CostBreakdown
from pricing.models import RatePreset
from pricing.selectors import preset_cost_of_care
from pricing.services import EDITABLE_FIELDS

MAX_MINUTES = 24 * 60


def _money(value: Any) -> str:
    return str(pennies(value))


def _minutes(name: str, *, minimum: int, required: bool = True) -> serializers.IntegerField:
    above = "greater than 0" if minimum == 1 else "0 or more"
    return serializers.IntegerField(
        required=required, min_value=minimum, max_value=MAX_MINUTES,
        error_messages={
            "required": f"{name} is required (whole minutes).",
            "invalid": f"{name} must be a whole number of minutes.",
            "min_value": f"{name} must be {above}"
            + (": a billed unit with no contact time cannot be priced per contact hour." if minimum == 1 else "."),
            "max_value": f"{name} must be at most {MAX_MINUTES} minutes (a day).",
            "max_string_length": f"{name} is too long.",
        },
    )


def _price(name: str = "price", required: bool = True) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=12, decimal_places=4, required=required,
        error_messages={
            "required": f"{name} is required, in pounds, e.g. 12.75.",
            "invalid": f"{name} must be a number of pounds, e.g. 12.75.",
            "max_digits": f"{name} is too large.",
            "max_decimal_places": f"{name} has too many decimal places (at most 4).",
            "max_whole_digits": f"{name} is too large.",
            "max_string_length": f"{name} is too long.",
        },
    )


class ConvertQuerySerializer(serializers.Serializer[Any]):
    price = _price()
    contact_minutes = _minutes("contact_minutes", minimum=1)
    travel_minutes = _minutes("travel_minutes", minimum=0, required=False)
    to_contact_minutes = _minutes("to_contact_minutes", minimum=1, required=False)
    to_travel_minutes = _minutes("to_travel_minutes", minimum=0, required=False)

    def validate_price(self, value: Decimal) -> Decimal:
        if value <= 0:
            raise serializers.ValidationError("price must be greater than 0.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "to_travel_minutes" in attrs and "to_contact_minutes" not in attrs:
            raise serializers.ValidationError(
                {"to_contact_minutes": "to_contact_minutes is required when to_travel_minutes is given."}
            )
        return attrs


class CostOfCareQuerySerializer(serializers.Serializer[Any]):
    preset = serializers.SlugField(
        max_length=40,
        error_messages={"required": "preset is required: the slug of a rate preset, e.g. 2020-21.",
                        "invalid": "preset must be a preset slug, e.g. 2020-21.",
                        "max_length": "preset must be a preset slug, e.g. 2020-21."},
    )
    zone = serializers.SlugField(
        max_length=40, required=False,
        error_messages={"invalid": "zone must be a zone code, e.g. lancaster.",
                        "max_length": "zone must be a zone code, e.g. lancaster."},
    )
    visit_minutes = _minutes("visit_minutes", minimum=1, required=False)


class PriceCheckQuerySerializer(serializers.Serializer[Any]):
    """A price per billed unit, or a package price (checked over the lot's package hours): one of the two."""

    lot = serializers.IntegerField(
        min_value=1,
        error_messages={"required": "lot is required: the id of a lot.", "invalid": "lot must be a lot id (a whole number).",
                        "min_value": "lot must be a lot id (a whole number).",
                        "max_string_length": "lot must be a lot id (a whole number)."},
    )
    price = _price(required=False)
    package_price = _price("package_price", required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "price" in attrs and "package_price" in attrs:
            raise serializers.ValidationError({"package_price": ["Give price or package_price, not both."]})
        if "price" not in attrs and "package_price" not in attrs:
            raise serializers.ValidationError(
                {"price": ["price is required, in pounds, e.g. 12.75 (or package_price, for a package)."]}
            )
        return attrs


def basis_data(basis: MinuteBasis) -> dict[str, Any]:
    return {"contact_minutes": basis.contact_minutes, "travel_minutes": basis.travel_minutes, "label": basis.label}


def breakdown_data(breakdown: CostBreakdown) -> dict[str, Any]:
    """A breakdown as JSON: named lines, the Association's seven lines, floor and total (penny strings)."""
    return {
        "visit_minutes": breakdown.visit_minutes,
        "travel_minutes_per_contact_hour": _money(breakdown.travel_minutes_per_contact_hour),
        "miles_per_contact_hour": _money(breakdown.miles_per_contact_hour),
        "lines": [
            {"key": line.key, "label": line.label, "amount": _money(line.amount), "statutory": line.statutory,
             "explanation": line.explanation}
            for line in breakdown.lines
        ],
        "association_lines": [
            {"key": key, "label": label, "amount": _money(amount)} for key, label, amount in breakdown.hca_summary()
        ],
        "statutory_floor": _money(breakdown.statutory_floor),
        "legal_minimum": _money(breakdown.legal_minimum),
        "total": _money(breakdown.total),
    }


def price_check_data(check: PriceCheck) -> dict[str, Any]:
    """A price check as JSON; amounts per contact hour unless named, gap from the rounded figures."""
    shown = shown_figures(check)
    return {
        "price": _money(check.price),
        "basis": basis_data(check.basis),
        "price_per_contact_hour": str(shown["price_per_contact_hour"]),
        "model_minimum": str(shown["model_minimum"]),
        "statutory_floor": str(shown["statutory_floor"]),
        "model_minimum_on_basis": str(billed_hour_price(check.model_minimum, check.basis)),
        "statutory_floor_on_basis": str(billed_hour_price(check.statutory_floor, check.basis)),
        "gap_amount": str(shown["gap_amount"]),
        "gap_percent": str(shown["gap_percent"]),
        "ceiling": _money(check.ceiling) if check.ceiling is not None else None,
        "far_above_percent": str(check.far_above_percent),
        "status": check.status.value,
        "status_label": STATUS_LABELS[check.status],
        "message": check.message,
        "needs_clarification": check.needs_clarification,
    }


class RatePresetSerializer(serializers.ModelSerializer[RatePreset]):
    """A preset with its model minimum and statutory floor per contact hour (the preset's average pattern)."""

    total = serializers.SerializerMethodField()
    statutory_floor = serializers.SerializerMethodField()

    class Meta:
        model = RatePreset
        fields = ["slug", *EDITABLE_FIELDS, "updated_at", "total", "statutory_floor"]
        read_only_fields = ["slug", "updated_at", "total", "statutory_floor"]

    def _breakdown(self, preset: RatePreset) -> CostBreakdown | None:
        # DRF keeps the context in a dict (its stubs say Mapping): the list's presets share one cache.
        context = cast("dict[str, Any]", self.context)
        cache: dict[int, CostBreakdown | None] = context.setdefault("_breakdowns", {})
        if preset.pk not in cache:
            try:
                cache[preset.pk] = preset_cost_of_care(preset=preset)
            except Exception:  # a preset that cannot be priced shows no figures rather than failing the list
                cache[preset.pk] = None
        return cache[preset.pk]

    def get_total(self, preset: RatePreset) -> str | None:
        breakdown = self._breakdown(preset)
        return _money(breakdown.total) if breakdown else None

    def get_statutory_floor(self, preset: RatePreset) -> str | None:
        breakdown = self._breakdown(preset)
        return _money(breakdown.statutory_floor) if breakdown else None
