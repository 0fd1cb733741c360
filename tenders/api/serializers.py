from __future__ import annotations

import datetime
import decimal
import inspect
import math
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from functools import cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, NamedTuple

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, QuerySet
from rest_framework import serializers
from rest_framework.settings import api_settings

from tenders.models import Lot, QualityQuestion, Tender
from tenders.selectors import PlainRows, tender_children_rows, tender_rows

if TYPE_CHECKING:
    from pricing.models import RatePreset
    from zones.models import Zone


class LotSerializer(serializers.ModelSerializer[Lot]):
    zone: serializers.SlugRelatedField[Zone] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    rurality = serializers.CharField(source="zone.rurality", read_only=True)

    class Meta:
        model = Lot
        fields = [
            "id", "number", "zone", "zone_name", "rurality", "hours_per_week", "contract_type",
            "ceiling_price", "guaranteed_minimum_hours", "package_pricing", "package_hours", "package_price_weight",
        ]


class QualityQuestionSerializer(serializers.ModelSerializer[QualityQuestion]):
    class Meta:
        model = QualityQuestion
        fields = ["id", "number", "text", "guidance", "weight", "max_score", "word_limit"]


class TenderSerializer(serializers.ModelSerializer[Tender]):
    lots = LotSerializer(many=True, read_only=True)
    # A subclass may set it to None (DRF's way to drop an inherited field): TenderSummarySerializer does.
    questions: QualityQuestionSerializer | None = QualityQuestionSerializer(many=True, read_only=True)
    rate_preset: serializers.SlugRelatedField[RatePreset] = serializers.SlugRelatedField(slug_field="slug", read_only=True)
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


class TransitionSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=["publish", "close", "open", "start_evaluation", "award", "contracted", "cancel"])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


# --- The list's fast path -------------------------------------------------------------------
#
# GET /api/tenders/ lists a page of visible tenders with their lots and questions. Built the
# usual way (prefetch, one model instance per tender, lot, zone and question, then each
# serializer field reading its attribute) it was almost all Python rather than SQL
# (docs/benchmarks.md). The fast path reads plain tuples (`values_list()`) and shows each
# column as the serializer field would, so the output is the serializer's, byte for byte
# (tests/tenders/test_api_queries.py compares the two); a field it cannot map to a column
# makes it step aside for the ordinary path.
#
# Showing a value: where the column's Python type is fixed by the model field and the DRF
# field shows that type unchanged (text, integers, booleans), the value is used as it is;
# decimals, dates and times are shown by the field's own rules and remembered for the request
# (a page repeats the same weights, prices and deadlines); anything else calls the field's
# `to_representation`.

# Model properties the list shows: the columns they need and how they are computed.
def _getter(model: type[Model], name: str) -> Callable[[Any], Any]:
    """The function behind a model property (for mypy `Model.prop` is that function; at run time, the property)."""
    found = inspect.getattr_static(model, name)
    if not isinstance(found, property) or found.fget is None:
        raise TypeError(f"{model.__name__}.{name} is not a readable property")
    return found.fget


_DERIVED: dict[str, tuple[tuple[str, ...], Callable[[Any], Any]]] = {
    "minute_basis_label": (("contact_minutes", "travel_minutes"), _getter(Tender, "minute_basis_label")),
    "standstill_mandatory": (("light_touch",), _getter(Tender, "standstill_mandatory")),
}

# Model field types whose column always comes back from the database as this Python type.
_COLUMN_TYPES: dict[str, type] = {
    **dict.fromkeys(("CharField", "TextField", "SlugField"), str),
    **dict.fromkeys(
        ("IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
         "PositiveSmallIntegerField", "AutoField", "BigAutoField", "SmallAutoField"),
        int,
    ),
    "BooleanField": bool,
}
# DRF fields whose to_representation gives a value of this type back unchanged (str(s), int(i), a bool).
_UNCHANGED: dict[type[serializers.Field[Any, Any, Any, Any]], type] = {
    serializers.CharField: str, serializers.SlugField: str, serializers.IntegerField: int, serializers.BooleanField: bool,
}


class _Column(NamedTuple):
    """One output field: the values_list() lookups it reads and the serializer field that shows them."""

    name: str
    field: serializers.Field[Any, Any, Any, Any]
    lookups: tuple[str, ...]
    compute: Callable[[Any], Any] | None = None  # a model property, computed from the looked-up columns
    column_type: type | None = None  # the Python type the database always gives for the (single) lookup


def _lookup(model: type[Model], source: str) -> tuple[str, Any] | None:
    """'zone.name' -> ('zone__name', Zone.name) when every step is a real field (and the last one a column)."""
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
    return "__".join(parts), field


def _column_type(model_field: Any) -> type | None:
    """str, int or bool when the column can only come back as that type (no custom from_db_value)."""
    if hasattr(model_field, "from_db_value"):
        return None
    return _COLUMN_TYPES.get(model_field.get_internal_type())


def _columns(fields: Mapping[str, serializers.Field[Any, Any, Any, Any]], model: type[Model]) -> list[_Column] | None:
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
        elif field.source is None:  # unbound: never so for a serializer's own `fields`
            return None
        else:
            source = field.source
        found = _lookup(model, source)
        if found is None:
            return None
        lookup, model_field = found
        columns.append(_Column(name, field, (lookup,), column_type=_column_type(model_field)))
    return columns


def _lookups(columns: list[_Column]) -> list[str]:
    return [lookup for column in columns for lookup in column.lookups]


Show = Callable[[Any], Any]


class _Memo(Enum):
    """Which equal database values a column may show alike (so each is worked out once per page)."""

    NONE = 0  # none: each value worked out
    EQUAL = 1  # any two equal values
    EQUAL_BUT_SIGNED_ZERO = 2  # equal values, except that 0 and -0.0 show differently (decimals)
    SAME_TIME = 3  # equal datetimes with the same `fold` (equal wall-clock times in one zone can be two instants)


def _show(column: _Column) -> tuple[Show | None, _Memo]:
    """A function giving what `column.field.to_representation(value)` gives for a value that is not
    None (None when that is the value itself), and which equal values are shown alike.
    Built per request: it reads DRF settings and the decimal context as the field would."""
    field = column.field
    kind = type(field)
    known = column.compute is None and column.column_type is not None  # a str, int or bool column
    if kind is serializers.ReadOnlyField or isinstance(field, serializers.SlugRelatedField):
        return None, _Memo.EQUAL if known else _Memo.NONE  # shown as it is; a slug field's lookup read the slug
    if known and _UNCHANGED.get(kind) is column.column_type:
        return None, _Memo.EQUAL
    if kind is serializers.BigIntegerField and column.column_type is int:
        if not getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING):
            return None, _Memo.EQUAL
    if kind is serializers.ChoiceField and isinstance(field, serializers.ChoiceField):
        choices, represent = field.choice_strings_to_values, field.to_representation
        return (lambda value: choices.get(value, value) if type(value) is str else represent(value)), _Memo.EQUAL
    if kind is serializers.BooleanField:
        return field.to_representation, _Memo.EQUAL
    if kind is serializers.DecimalField and isinstance(field, serializers.DecimalField):
        return _show_decimal(field), _Memo.EQUAL_BUT_SIGNED_ZERO
    if kind is serializers.DateTimeField:
        return field.to_representation, _Memo.SAME_TIME
    return field.to_representation, _Memo.NONE


def _show_decimal(field: serializers.DecimalField) -> Show:
    """DRF's DecimalField.to_representation (quantize in a copy of the current context, then '{:f}')
    with the exponent and the context worked out once; NaN and infinities are left to the field."""
    represent = field.to_representation
    coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    if not coerce or field.localize or field.normalize_output or field.decimal_places is None:
        return represent
    exponent = decimal.Decimal(".1") ** field.decimal_places
    context = decimal.getcontext().copy()
    if field.max_digits is not None:
        context.prec = field.max_digits
    rounding = field.rounding

    def show(value: Any) -> Any:
        if type(value) is not decimal.Decimal or not value.is_finite():
            return represent(value)
        return f"{value.quantize(exponent, rounding=rounding, context=context):f}"

    return show


class _Seen(dict[Any, Any]):
    """Database value -> shown value, worked out the first time an equal value is seen in the column."""

    def __init__(self, work_out: Show, keep_zero: bool) -> None:
        super().__init__()
        self.work_out = work_out
        self.keep_zero = keep_zero

    def __missing__(self, raw: Any) -> Any:
        shown = self.work_out(raw)
        if self.keep_zero or not raw == 0:  # noqa: SIM201 - `!=` is not `not ==` for every type
            self[raw] = shown
        return shown


def _negative_zero(value: Any) -> bool:
    return type(value) in (float, decimal.Decimal) and value == 0 and math.copysign(1.0, value) < 0


def _show_column(raw: Sequence[Any], convert: Show | None, column: _Column) -> Sequence[Any]:
    """One column of driver values -> what the serializer shows: Django's converter for the column
    (as values_list applies it), then the field's representation (None stays None). Where equal
    values are shown alike, each distinct value is worked out once: a page repeats the same
    prices, weights, choices and deadlines."""
    show, memo = _show(column)
    if convert is None and show is None:
        return raw

    def work_out(value: Any) -> Any:
        if convert is not None:
            value = convert(value)
        return value if value is None or show is None else show(value)

    if memo is _Memo.SAME_TIME:
        times: dict[Any, Any] = {}
        shown = []
        for value in raw:
            key = (value, value.fold) if type(value) is datetime.datetime else None
            if key is None:
                shown.append(work_out(value))
            elif key in times:
                shown.append(times[key])
            else:
                shown.append(times.setdefault(key, work_out(value)))
        return shown
    if memo is not _Memo.NONE:
        keep_zero = memo is _Memo.EQUAL or not any(
            [_negative_zero(value) for value in raw if value == 0 and type(value) is not int]
        )
        try:
            return list(map(_Seen(work_out, keep_zero).__getitem__, raw))
        except TypeError:  # an unhashable value (a PostgreSQL array, say): each one worked out
            pass
    return list(map(work_out, raw))


def _render(columns: list[_Column], fields: list[str], read: PlainRows) -> list[dict[str, Any]]:
    """Driver rows over `fields` -> each row's output dict (the columns' names, in order), a column at a time."""
    if not read.rows:
        return []
    where = {name: index for index, name in enumerate(fields)}
    raw = list(zip(*read.rows, strict=True))
    shown: list[Sequence[Any]] = []
    for column in columns:
        if column.compute is None:
            position = where[column.lookups[0]]
            shown.append(_show_column(raw[position], read.convert[position], column))
            continue
        inputs = []
        for name in column.lookups:
            position = where[name]
            inputs.append((name, _show_column(raw[position], read.convert[position], _Column(name, _AS_IS, (name,)))))
        values = [
            column.compute(SimpleNamespace(**{name: values[n] for name, values in inputs}))
            for n in range(len(read.rows))
        ]
        show, _ = _show(column)
        shown.append(values if show is None else [None if v is None else show(v) for v in values])
    names = [column.name for column in columns]
    return [dict(zip(names, values, strict=True)) for values in zip(*shown, strict=True)]


_AS_IS = serializers.ReadOnlyField()  # a derived column's inputs: converted as values_list would, not shown


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
    nested: dict[str, tuple[Any, Any]] = {}  # name -> (the list's child serializer, its Meta.model)
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

    fields = list(dict.fromkeys(["id", *_lookups(tender_columns)]))
    read = tender_rows(tenders=tenders, fields=fields)
    ids = [row[0] for row in read.rows]
    data = _render(tender_columns, fields, read)
    for name, model in nested_models.items():
        child_fields = list(dict.fromkeys(["tender_id", *_lookups(child_columns[name])]))
        children = tender_children_rows(model=model, tender_ids=ids, fields=child_fields)
        grouped: dict[Any, list[dict[str, Any]]] = {}
        for row, child in zip(children.rows, _render(child_columns[name], child_fields, children), strict=True):
            grouped.setdefault(row[0], []).append(child)
        for tender_id, item in zip(ids, data, strict=True):
            item[name] = grouped.get(tender_id, [])
    if [column.name for column in tender_columns] + list(nested_models) != order:
        data = [{name: item[name] for name in order} for item in data]
    return data
