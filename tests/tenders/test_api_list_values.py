"""The tender list's fast path shows every database value exactly as the serializer field would (issue 17).

It works a column at a time and shows each distinct value once per page; these pin the cases
where equal values must still be shown differently (a zero's sign, an hour that occurs twice
when the clocks go back), so remembering a value never leaks into its equal neighbour.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework import serializers

from common.timezone import UK_TZ
from tenders.api.serializers import _Column, _show_column

LONDON = UK_TZ


def _shown(field: serializers.Field, raw: list, column_type: type | None = None) -> list:
    field.bind("value", serializers.Serializer())
    return list(_show_column(raw, None, _Column("value", field, ("value",), column_type=column_type)))


def _expected(field: serializers.Field, raw: list) -> list:
    return [None if value is None else field.to_representation(value) for value in raw]


def test_a_decimal_column_keeps_the_sign_of_zero_and_shows_equal_values_alike():
    field = serializers.DecimalField(max_digits=7, decimal_places=2)
    raw = [0, Decimal("0.00"), -0.0, Decimal("-0"), 0.0, 31, 31.0, Decimal("31.000"), None, Decimal("12.345"),
           Decimal("12.345"), 1e-3, Decimal("NaN")]
    shown = _shown(field, raw)
    assert shown == _expected(field, raw)
    assert shown[:5] == ["0.00", "0.00", "-0.00", "-0.00", "0.00"]
    assert shown[5:8] == ["31.00", "31.00", "31.00"]


def test_a_decimal_too_long_for_the_field_fails_as_the_field_does():
    field = serializers.DecimalField(max_digits=4, decimal_places=2)
    with pytest.raises(Exception) as fast:
        _shown(field, [Decimal("123456.78")])
    with pytest.raises(Exception) as plain:
        field.to_representation(Decimal("123456.78"))
    assert type(fast.value) is type(plain.value)


def test_an_hour_that_happens_twice_is_shown_as_two_instants():
    """01:30 on the night the clocks go back: equal as Python datetimes (same zone, fold ignored), an hour apart."""
    first = datetime.datetime(2026, 10, 25, 1, 30, tzinfo=LONDON)
    second = first.replace(fold=1)
    assert first == second
    field = serializers.DateTimeField()
    raw = [first, second, first, None, datetime.datetime(2026, 10, 25, 0, 30, tzinfo=datetime.UTC)]
    with timezone.override(datetime.UTC):
        shown = _shown(field, raw)
        assert shown == _expected(field, raw)
    assert shown[:2] == ["2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z"]


def test_choices_booleans_and_plain_columns_are_shown_as_their_fields_show_them():
    choice = serializers.ChoiceField(choices=[("spot", "Spot"), ("block", "Block")])
    raw = ["spot", "block", "spot", "", None, "unknown"]
    assert _shown(choice, raw) == _expected(choice, raw)

    flag = serializers.BooleanField()
    raw = [0, 1, False, True, 0, None]
    assert _shown(flag, raw) == [False, True, False, True, False, None]

    text = serializers.CharField()
    assert _shown(text, ["a", None, "b"], column_type=str) == ["a", None, "b"]
