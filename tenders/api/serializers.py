from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from types import SimpleNamespace
from typing import Any, NamedTuple

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, QuerySet
from rest_framework import serializers

from tenders.models import Lot, QualityQuestion, Tender
from tenders.selectors import tender_children_by_tender, tender_rows


class LotSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    rurality = serializers.CharField(source="zone.rurality", read_only=True)

    class Meta:
        model = Lot
        fields = [
            "id", "number", "zone", "zone_name", "rurality", "hours_per_week", "contract_type",
            "ceiling_price", "guaranteed_minimum_hours", "package_pricing", "package_hours", "package_price_weight",
        ]


class QualityQuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = QualityQuestion
        fields = ["id", "number", "text", "guidance", "weight", "max_score", "word_limit"]


class TenderSerializer(serializers.ModelSerializer):
    lots = LotSerializer(many=True, read_only=True)
    questions = QualityQuestionSerializer(many=True, read_only=True)
    rate_preset = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    minute_basis = serializers.CharField(source="minute_basis_label", read_only=True)

    class Meta:
        model = Tender
        fields = [
            "id", "reference", "title", "service_type", "description", "status",
            "clarification_deadline", "submission_deadline", "contract_start", "contract_end",
            "quality_weight", "price_weight", "price_formula", "contact_minutes", "travel_minutes", "minute_basis",
            "rate_preset", "far_above_model_percent", "max_providers_per_lot", "max_lots_per_provider",
            "unrated_policy", "standstill_mandatory", "contract_conditions", "published_at", "opened_at",
            # The rest of the published evaluation rules and standstill terms, so what GET shows can be
            # sent back to POST/PATCH (tenders/api/builder.py).
            "quality_threshold_percent", "fail_on_zero_score", "expected_visit_mix", "ceiling_rule",
            "cqc_gate_scope", "tie_break_rule", "light_touch", "standstill_observed", "standstill_working_days",
            "opening_requires_two",
            "lots", "questions",
        ]
        read_only_fields = fields


class TenderSummarySerializer(TenderSerializer):
    """A tender and its lots without the quality questions: the light form of the list."""

    questions = None

    class Meta(TenderSerializer.Meta):
        fields = [name for name in TenderSerializer.Meta.fields if name != "questions"]
        read_only_fields = fields


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["publish", "close", "open", "start_evaluation", "award", "contracted", "cancel"])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


# --- The list's fast path -------------------------------------------------------------------
#
# GET /api/tenders/ lists every visible tender with its lots and questions. Built the usual
# way (prefetch, one model instance per tender, lot, zone and question, then each serializer
# field reading its attribute) 500 tenders of 10 lots took seconds, almost all of it Python
# rather than SQL (docs/benchmarks.md). The fast path reads plain rows (`values()`) and runs
# each field's own `to_representation` on them, so the output is the serializer's, byte for
# byte (tests/tenders/test_api_queries.py compares the two); a field it cannot map to a
# column makes it step aside for the ordinary path.

# Model properties the list shows: the columns they need and how they are computed.
_DERIVED: dict[str, tuple[tuple[str, ...], Callable[[Any], Any]]] = {
    "minute_basis_label": (("contact_minutes", "travel_minutes"), Tender.minute_basis_label.fget),
    "standstill_mandatory": (("light_touch",), Tender.standstill_mandatory.fget),
}


class _Column(NamedTuple):
    """One output field: the values() lookups it reads and the serializer field that shows them."""

    name: str
    field: serializers.Field
    lookups: tuple[str, ...]
    compute: Callable[[Any], Any] | None = None  # a model property, computed from the looked-up columns

    def render(self, row: dict[str, Any]) -> Any:
        if self.compute is not None:
            value = self.compute(SimpleNamespace(**{n: row[n] for n in self.lookups}))
        else:
            value = row[self.lookups[0]]
        if value is None:  # as Serializer.to_representation: None is shown as None
            return None
        if isinstance(self.field, serializers.SlugRelatedField):
            return value  # the looked-up slug is already what the field would show
        return self.field.to_representation(value)


def _lookup(model: type[Model], source: str) -> str | None:
    """'zone.name' -> 'zone__name' when every step is a real field (and the last one a column)."""
    parts = source.split(".")
    for index, part in enumerate(parts):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if index < len(parts) - 1:
            if not (field.many_to_one or field.one_to_one) or field.related_model is None:
                return None
            model = field.related_model
        elif field.is_relation or not field.concrete:
            return None
    return "__".join(parts)


def _columns(fields: Mapping[str, serializers.Field], model: type[Model]) -> list[_Column] | None:
    """How to show each field from a plain row, or None if one of them needs a model instance."""
    columns = []
    for name, field in fields.items():
        if field.source in _DERIVED:
            needs, compute = _DERIVED[field.source]
            columns.append(_Column(name, field, needs, compute))
            continue
        if isinstance(field, serializers.SlugRelatedField):
            source = f"{field.source}.{field.slug_field}"
        elif isinstance(field, (serializers.BaseSerializer, serializers.RelatedField)) or field.source == "*":
            return None
        else:
            source = field.source
        lookup = _lookup(model, source)
        if lookup is None:
            return None
        columns.append(_Column(name, field, (lookup,)))
    return columns


def _render(columns: list[_Column], row: dict[str, Any]) -> dict[str, Any]:
    return {column.name: column.render(row) for column in columns}


def _lookups(columns: list[_Column]) -> list[str]:
    return [lookup for column in columns for lookup in column.lookups]


_NESTED_MODELS: dict[str, type[Model]] = {"lots": Lot, "questions": QualityQuestion}


class _Plan(NamedTuple):
    """How the fast path shows one serializer: its own columns, each nested list's, the field order."""

    tender_columns: list[_Column]
    child_columns: dict[str, list[_Column]]
    nested_models: dict[str, type[Model]]
    order: list[str]


@cache
def _plan(serializer_class: type[TenderSerializer]) -> _Plan | None:
    """Worked out once per serializer class: building a ModelSerializer's fields and mapping them to
    columns took about 3 ms, a tenth of a page's time (docs/benchmarks.md). The fields only convert
    values (no request, no context), so one set serves every request."""
    serializer = serializer_class()
    nested = {}
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.ListSerializer) and field.source == name:
            child = field.child
            nested[name] = (child, getattr(getattr(child, "Meta", None), "model", None))
    if any(_NESTED_MODELS.get(name) is not model for name, (_, model) in nested.items()):
        return None
    own = {n: f for n, f in serializer.fields.items() if n not in nested}
    tender_columns = _columns(own, Tender)
    child_columns = {name: _columns(child.fields, model) for name, (child, model) in nested.items()}
    if tender_columns is None or any(c is None for c in child_columns.values()):
        return None
    return _Plan(
        tender_columns, {name: columns for name, columns in child_columns.items() if columns is not None},
        {name: model for name, (_, model) in nested.items()}, list(serializer.fields),
    )


def tender_list_data(
    tenders: QuerySet[Tender], serializer_class: type[TenderSerializer] = TenderSerializer
) -> list[dict[str, Any]] | None:
    """What `serializer_class(tenders, many=True).data` gives, read as plain rows (3 queries at most).

    None when the serializer has a field this path cannot read from a column; the caller
    then uses the serializer itself.
    """
    plan = _plan(serializer_class)
    if plan is None:
        return None
    tender_columns, child_columns, nested_models, order = plan

    rows = tender_rows(tenders=tenders, fields=_lookups(tender_columns))
    ids = [row["id"] for row in rows]
    children = {
        name: tender_children_by_tender(model=model, tender_ids=ids, fields=_lookups(child_columns[name]))
        for name, model in nested_models.items()
    }
    data = []
    for row in rows:
        item = _render(tender_columns, row)
        for name, columns in child_columns.items():
            item[name] = [_render(columns, child) for child in children[name].get(row["id"], [])]
        data.append({name: item[name] for name in order})
    return data
