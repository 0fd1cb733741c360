"""Minute bases: comparing prices per contact hour (golden numbers from seed 004)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from common.money import pennies
from pricing.conversion import (
    LANCASHIRE_BASIS,
    UKHCA_BASIS,
    MinuteBasis,
    convert,
    per_contact_hour,
)


def test_it_values_lancashires_1275_at_1530_per_contact_hour():
    assert pennies(per_contact_hour(Decimal("12.75"), LANCASHIRE_BASIS)) == Decimal("15.30")


def test_it_reexpresses_ukhcas_1670_contact_hour_as_1392_per_lancashire_hour():
    assert pennies(convert(Decimal("16.70"), UKHCA_BASIS, LANCASHIRE_BASIS)) == Decimal("13.92")


def test_it_keeps_full_precision_until_rounded():
    assert convert(Decimal("16.70"), UKHCA_BASIS, LANCASHIRE_BASIS) != Decimal("13.92")


def test_it_leaves_a_contact_hour_price_unchanged_on_a_60_contact_minute_basis():
    assert per_contact_hour(Decimal("16.70"), UKHCA_BASIS) == Decimal("16.70")


def test_it_round_trips_between_bases():
    there = convert(Decimal("12.75"), LANCASHIRE_BASIS, UKHCA_BASIS)
    assert pennies(convert(there, UKHCA_BASIS, LANCASHIRE_BASIS)) == Decimal("12.75")


def test_it_names_the_two_bases_from_the_seed_documents():
    assert (LANCASHIRE_BASIS.contact_minutes, LANCASHIRE_BASIS.travel_minutes) == (50, 10)
    assert (UKHCA_BASIS.contact_minutes, UKHCA_BASIS.travel_minutes) == (60, 11)
    assert UKHCA_BASIS.total_minutes == 71
    assert str(LANCASHIRE_BASIS) == "50 contact + 10 travel minutes"


def test_it_accepts_price_strings_but_refuses_floats():
    assert per_contact_hour("12.75", LANCASHIRE_BASIS) == Decimal("15.30")
    with pytest.raises(TypeError):
        per_contact_hour(12.75, LANCASHIRE_BASIS)


@pytest.mark.parametrize("contact, travel", [(0, 10), (-5, 10), (50, -1)])
def test_it_refuses_impossible_bases(contact, travel):
    with pytest.raises(ValueError, match="minutes"):
        MinuteBasis(contact, travel)


@pytest.mark.parametrize("contact, travel", [(Decimal("50"), 10), (50.0, 10), (True, 10), (50, "10")])
def test_it_refuses_minutes_that_are_not_whole_numbers(contact, travel):
    with pytest.raises(ValueError, match="whole number"):
        MinuteBasis(contact, travel)


def test_it_refuses_a_negative_price():
    with pytest.raises(ValueError, match="negative"):
        per_contact_hour(Decimal("-1"), LANCASHIRE_BASIS)


def test_it_refuses_a_price_that_is_not_a_number():
    with pytest.raises(ValueError, match="price"):
        per_contact_hour("twelve pounds", LANCASHIRE_BASIS)
