"""Properties that must hold for any inputs, not only the presets."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pricing.checks import PriceStatus, check_price
from pricing.conversion import MinuteBasis, convert, per_contact_hour
from pricing.cost_model import (
    RateAssumptions,
    ServicePattern,
    assumptions_from_mapping,
    cost_by_visit_length,
    cost_of_care,
)
from pricing.preset_data import PRESETS

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2)
minutes = st.decimals(min_value=Decimal("0"), max_value=Decimal("60"), places=1)
miles = st.decimals(min_value=Decimal("0"), max_value=Decimal("20"), places=1)
extra = st.decimals(min_value=Decimal("0.1"), max_value=Decimal("30"), places=1)
presets = st.sampled_from(PRESETS).map(assumptions_from_mapping)
weekly_hours = st.decimals(min_value=Decimal("1"), max_value=Decimal("60"), places=1)


@st.composite
def assumption_sets(draw) -> RateAssumptions:
    """A preset with its hours, travel and mileage varied: thresholds may bite or not."""
    base = draw(presets)
    return dataclasses.replace(
        base,
        weekly_contact_hours=draw(weekly_hours),
        travel_minutes_per_contact_hour=draw(minutes),
        miles_per_contact_hour=draw(miles),
        running_costs_percent=draw(st.decimals(min_value=Decimal("0"), max_value=Decimal("40"), places=1)),
    )


@given(prices, st.integers(1, 120), st.integers(1, 120), st.integers(0, 30))
def test_it_values_a_price_less_per_contact_hour_as_contact_minutes_rise(price, fewer, more, travel):
    fewer, more = sorted((fewer, more))
    low = per_contact_hour(price, MinuteBasis(more, travel))
    high = per_contact_hour(price, MinuteBasis(fewer, travel))
    assert low <= high
    if fewer < more:
        assert low < high


@given(prices, st.integers(1, 120), st.integers(0, 30), st.integers(1, 120), st.integers(0, 30))
def test_it_converts_without_changing_value_per_contact_minute(price, c1, t1, c2, t2):
    a, b = MinuteBasis(c1, t1), MinuteBasis(c2, t2)
    converted = convert(price, a, b)
    assert abs(per_contact_hour(converted, b) - per_contact_hour(price, a)) < Decimal("1e-20")


@given(assumption_sets(), minutes, miles, extra)
def test_it_never_lowers_the_minimum_for_more_travel(assumptions, travel, distance, more):
    before = cost_of_care(assumptions, ServicePattern(travel, distance))
    after = cost_of_care(assumptions, ServicePattern(travel + more, distance))
    assert after.total > before.total
    assert after.statutory_floor > before.statutory_floor


@given(assumption_sets(), minutes, miles, extra)
def test_it_never_lowers_the_minimum_for_more_miles(assumptions, travel, distance, more):
    before = cost_of_care(assumptions, ServicePattern(travel, distance))
    after = cost_of_care(assumptions, ServicePattern(travel, distance + more))
    assert after.total >= before.total
    if assumptions.pence_per_mile > 0:
        assert after.total > before.total


@given(assumption_sets(), st.integers(15, 240), st.integers(15, 240),  # the model's visit lengths (issue 15)
       st.decimals(min_value=Decimal("0"), max_value=Decimal("30"), places=1))
def test_it_never_prices_shorter_visits_cheaper_per_contact_hour(assumptions, a, b, travel_per_visit):
    shorter, longer = sorted((a, b))
    by_length = cost_by_visit_length(assumptions, visit_lengths=(shorter, longer),
                                     travel_minutes_per_visit=travel_per_visit)
    assert by_length[shorter].total >= by_length[longer].total


@given(assumption_sets())
def test_it_keeps_the_statutory_floor_below_the_total(assumptions):
    breakdown = cost_of_care(assumptions)
    assert 0 < breakdown.statutory_floor < breakdown.total
    assert all(line.amount >= 0 for line in breakdown.lines)


@given(prices, prices, st.integers(0, 100))
def test_it_asks_for_clarification_exactly_when_below_the_minimum(price, minimum, floor_share):
    floor = (minimum * floor_share / 100).quantize(Decimal("0.01"))
    result = check_price(price, MinuteBasis(60, 11), model_minimum=minimum, statutory_floor=floor)
    assert result.needs_clarification == (price < minimum)
    assert (result.status == PriceStatus.BELOW_STATUTORY_FLOOR) == (price < floor)
