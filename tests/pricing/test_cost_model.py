"""The cost-of-care model and its shipped presets, checked against the Homecare Association's figures."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from common.money import pennies
from pricing.conversion import LANCASHIRE_BASIS, UKHCA_BASIS
from pricing.cost_model import (
    LINE_KEYS,
    RATE_ASSUMPTION_FIELDS,
    RateAssumptions,
    ServicePattern,
    assumptions_from_mapping,
    contact_hour_shares,
    cost_by_visit_length,
    cost_for_visit_mix,
    cost_of_care,
)
from pricing.preset_data import PRESETS

TWO_PENCE = Decimal("0.02")
TINY = Decimal("1e-20")
PRESET_FIELDS = {"slug", "name", "year_label", "effective_from", "is_estimate", "source_note"}


def preset(slug: str) -> dict:
    return next(item for item in PRESETS if item["slug"] == slug)


def assumptions(slug: str) -> RateAssumptions:
    return assumptions_from_mapping(preset(slug))


# --- the 2020/21 published breakdown, line by line --------------------------------------------

HCA_2020_21 = {
    "contact_time": Decimal("8.72"),
    "travel_time": Decimal("1.70"),
    "ni_and_pension": Decimal("1.14"),
    "other_wage_on_costs": Decimal("1.97"),
    "mileage": Decimal("1.36"),
    "running_the_business": Decimal("5.20"),
    "surplus": Decimal("0.60"),
}


@pytest.mark.parametrize("key, published", HCA_2020_21.items())
def test_it_reproduces_each_line_of_the_2020_21_breakdown_within_2p(key, published):
    summary = {line_key: amount for line_key, _label, amount in cost_of_care(assumptions("2020-21")).hca_summary()}
    assert abs(summary[key] - published) <= TWO_PENCE


def test_it_reproduces_the_2020_21_total_of_2069():
    breakdown = cost_of_care(assumptions("2020-21"))
    assert abs(breakdown.total - Decimal("20.69")) <= TWO_PENCE
    assert pennies(breakdown.total) == Decimal("20.69")


def test_it_publishes_seven_hca_lines_that_add_up_to_the_total():
    breakdown = cost_of_care(assumptions("2020-21"))
    summary = breakdown.hca_summary()
    assert len(summary) == 7
    assert sum(amount for _key, _label, amount in summary) == breakdown.total


# --- headline presets -------------------------------------------------------------------------

@pytest.mark.parametrize("slug, headline", [
    ("2023-24", Decimal("25.95")),
    ("2024-25", Decimal("28.53")),
    ("2025-26", Decimal("32.14")),
])
def test_it_calibrates_headline_presets_within_1_percent(slug, headline):
    total = cost_of_care(assumptions(slug)).total
    assert abs(total - headline) / headline <= Decimal("0.01")


def test_it_reproduces_ukhcas_2016_minimum_price_of_1670():
    assert pennies(cost_of_care(assumptions("2016-17")).total) == Decimal("16.70")


def test_it_keeps_2025_26_care_worker_costs_near_the_associations_2271():
    careworker = cost_of_care(assumptions("2025-26")).careworker_costs
    assert abs(careworker - Decimal("22.71")) / Decimal("22.71") <= Decimal("0.01")


def test_it_prices_2026_27_above_2025_26_and_marks_it_an_estimate():
    assert cost_of_care(assumptions("2026-27")).total > cost_of_care(assumptions("2025-26")).total
    assert preset("2026-27")["is_estimate"] is True
    assert "34.42" in preset("2026-27")["source_note"]
    assert "not confirmed" in preset("2026-27")["source_note"]


# --- preset data shape ------------------------------------------------------------------------

def test_it_ships_a_preset_for_every_year_by_slug():
    # Issue 15 added 2018/19, 2019/20, 2021/22 and 2022/23.
    assert [item["slug"] for item in PRESETS] == [
        "2016-17", "2017-18", "2018-19", "2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25",
        "2025-26", "2026-27",
    ]


@pytest.mark.parametrize("item", PRESETS, ids=lambda item: item["slug"])
def test_it_keeps_presets_as_plain_data_with_every_field(item):
    assert set(item) == PRESET_FIELDS | set(RATE_ASSUMPTION_FIELDS)
    for name in RATE_ASSUMPTION_FIELDS:
        assert isinstance(item[name], str), name
        Decimal(item[name])
    assert isinstance(item["is_estimate"], bool)
    assert item["source_note"]


@pytest.mark.parametrize("slug, nlw, ni_rate, threshold, pension", [
    ("2016-17", "7.20", "13.8", "156", "1"),
    ("2017-18", "7.50", "13.8", "157", "1"),
    ("2020-21", "8.72", "13.8", "169", "3"),
    ("2023-24", "10.42", "13.8", "175", "3"),
    ("2024-25", "11.44", "13.8", "175", "3"),
    ("2025-26", "12.21", "15", "96", "3"),
    ("2026-27", "12.71", "15", "96", "3"),
])
def test_it_uses_the_statutory_rates_of_each_year(slug, nlw, ni_rate, threshold, pension):
    a = assumptions(slug)
    assert a.hourly_pay_rate == Decimal(nlw)
    assert a.employer_ni_rate == Decimal(ni_rate)
    assert a.ni_secondary_threshold_weekly == Decimal(threshold)
    assert a.pension_rate == Decimal(pension)


@pytest.mark.parametrize("item", PRESETS, ids=lambda item: item["slug"])
def test_it_puts_the_statutory_floor_below_the_sustainable_total(item):
    breakdown = cost_of_care(assumptions_from_mapping(item))
    assert 0 < breakdown.statutory_floor < breakdown.total


# --- the breakdown itself ---------------------------------------------------------------------

def test_it_lists_the_lines_in_order_with_explanations():
    breakdown = cost_of_care(assumptions("2020-21"))
    assert tuple(line.key for line in breakdown.lines) == LINE_KEYS
    assert all(line.explanation for line in breakdown.lines)
    assert breakdown.line("travel_pay").explanation == "£8.72 an hour x 11.7 travel minutes / 60"
    assert "£169.00 secondary threshold" in breakdown.line("ni").explanation


def test_it_adds_the_statutory_lines_into_the_floor():
    # Issue 15: the floor is the direct cost of employing care workers at the minimum wage, so sick pay and
    # other paid time (other_on_costs) and mileage are in it; the narrower legal minimum is its own line.
    breakdown = cost_of_care(assumptions("2020-21"))
    statutory = {line.key for line in breakdown.lines if line.statutory}
    assert statutory == {"contact_pay", "travel_pay", "holiday", "training", "other_on_costs", "ni", "pension",
                         "mileage"}
    assert breakdown.statutory_floor == sum(breakdown.amounts()[key] for key in statutory)
    assert breakdown.statutory_floor == breakdown.careworker_costs
    narrow = {"contact_pay", "travel_pay", "holiday", "training", "ni", "pension"}
    assert breakdown.legal_minimum == sum(breakdown.amounts()[key] for key in narrow)
    assert breakdown.total == sum(breakdown.amounts().values())


def test_it_charges_ni_only_on_weekly_pay_above_the_threshold():
    a = assumptions("2020-21")
    high_threshold = dataclasses.replace(a, ni_secondary_threshold_weekly=Decimal("10000"))
    assert cost_of_care(high_threshold).line("ni").amount == 0
    no_threshold = dataclasses.replace(a, ni_secondary_threshold_weekly=Decimal("0"))
    gross = sum(cost_of_care(a).amounts()[key] for key in ("contact_pay", "travel_pay", "holiday", "training",
                                                          "other_on_costs"))
    assert abs(cost_of_care(no_threshold).line("ni").amount - gross * Decimal("0.138")) < TINY


def test_it_spreads_the_ni_threshold_over_fewer_hours_for_part_timers():
    a = assumptions("2025-26")
    part_time = dataclasses.replace(a, weekly_contact_hours=Decimal("10"))
    assert cost_of_care(part_time).line("ni").amount < cost_of_care(a).line("ni").amount


def test_it_expresses_the_total_on_another_basis():
    breakdown = cost_of_care(assumptions("2020-21"))
    assert breakdown.total_on_basis(UKHCA_BASIS) == breakdown.total
    assert breakdown.total_on_basis(LANCASHIRE_BASIS) == breakdown.total * 50 / 60
    assert breakdown.statutory_floor_on_basis(LANCASHIRE_BASIS) == breakdown.statutory_floor * 50 / 60


def test_it_grosses_up_running_costs_given_as_a_percent_of_price():
    a = dataclasses.replace(assumptions("2020-21"), running_costs_per_hour=Decimal("0"),
                            running_costs_percent=Decimal("25"))
    breakdown = cost_of_care(a)
    assert abs(breakdown.line("running_costs").amount - breakdown.total * Decimal("0.25")) < TINY
    costs = breakdown.total - breakdown.line("surplus").amount
    assert abs(breakdown.line("surplus").amount - costs * Decimal("0.03")) < TINY


# --- visit lengths ----------------------------------------------------------------------------

def test_it_fixes_travel_per_visit_so_shorter_visits_cost_more():
    by_length = cost_by_visit_length(assumptions("2025-26"))
    totals = [by_length[minutes].total for minutes in (15, 30, 45, 60)]
    assert totals == sorted(totals, reverse=True)
    assert by_length[15].travel_minutes_per_contact_hour == 4 * by_length[60].travel_minutes_per_contact_hour


def test_it_prices_the_reference_45_minute_visit_at_the_headline():
    a = assumptions("2025-26")
    assert cost_by_visit_length(a, visit_lengths=(45,))[45].total == cost_of_care(a).total


def test_it_scales_mileage_with_travel_for_a_visit_length():
    pattern = ServicePattern(Decimal("15"), Decimal("4.4"), visit_minutes=30, travel_minutes_per_visit=Decimal("10"))
    assert pattern.effective_travel_minutes == Decimal("20")
    assert pattern.effective_miles == Decimal("4.4") * 20 / 15


def test_it_weights_a_visit_mix_by_share_of_contact_hours():
    a = assumptions("2025-26")
    by_length = cost_by_visit_length(a, visit_lengths=(30, 60))
    mixed = cost_for_visit_mix(a, None, {30: Decimal("1"), 60: Decimal("3")})
    assert abs(mixed.total - (by_length[30].total / 4 + by_length[60].total * 3 / 4)) < TINY
    assert tuple(line.key for line in mixed.lines) == LINE_KEYS


def test_it_converts_visit_counts_into_contact_hour_shares():
    shares = contact_hour_shares({15: Decimal("4"), 60: Decimal("1")})
    assert shares == {15: Decimal("0.5"), 60: Decimal("0.5")}


# --- building assumptions ---------------------------------------------------------------------

def test_it_builds_assumptions_from_a_mapping_ignoring_extra_keys():
    a = assumptions_from_mapping({**preset("2020-21"), "id": 7, "unexpected": "x"})
    assert a.hourly_pay_rate == Decimal("8.72")
    assert isinstance(a.surplus_percent, Decimal)


def test_it_names_every_missing_field():
    with pytest.raises(ValueError, match="pence_per_mile, running_costs_per_hour"):
        assumptions_from_mapping({key: value for key, value in preset("2020-21").items()
                                  if key not in ("pence_per_mile", "running_costs_per_hour")})


@pytest.mark.parametrize("field, value, message", [
    ("hourly_pay_rate", "0", "hourly_pay_rate"),
    ("weekly_contact_hours", "0", "weekly_contact_hours"),
    ("employer_ni_rate", "-1", "employer_ni_rate"),
    ("holiday_pay_percent", "100", "holiday_pay_percent"),
    ("pence_per_mile", "-45", "pence_per_mile"),
    ("miles_per_contact_hour", "-1", "miles_per_contact_hour"),
    ("running_costs_percent", "98", "running_costs_percent"),
    ("hourly_pay_rate", "lots", "hourly_pay_rate"),
])
def test_it_refuses_bad_assumptions(field, value, message):
    with pytest.raises(ValueError, match=message):
        assumptions_from_mapping({**preset("2020-21"), field: value})


def test_it_refuses_float_money():
    with pytest.raises(TypeError):
        assumptions_from_mapping({**preset("2020-21"), "hourly_pay_rate": 8.72})


@pytest.mark.parametrize("kwargs", [
    {"travel_minutes_per_contact_hour": Decimal("-1"), "miles_per_contact_hour": Decimal("1")},
    {"travel_minutes_per_contact_hour": Decimal("10"), "miles_per_contact_hour": Decimal("-1")},
    {"travel_minutes_per_contact_hour": Decimal("10"), "miles_per_contact_hour": Decimal("1"), "visit_minutes": 30},
    {"travel_minutes_per_contact_hour": Decimal("10"), "miles_per_contact_hour": Decimal("1"), "visit_minutes": 0,
     "travel_minutes_per_visit": Decimal("5")},
    {"travel_minutes_per_contact_hour": Decimal("10"), "miles_per_contact_hour": Decimal("1"), "visit_minutes": 30,
     "travel_minutes_per_visit": Decimal("-5")},
])
def test_it_refuses_impossible_service_patterns(kwargs):
    with pytest.raises(ValueError):
        ServicePattern(**kwargs)


@pytest.mark.parametrize("mix", [{}, {30: Decimal("0")}, {30: Decimal("-1"), 60: Decimal("2")}, {0: Decimal("1")}])
def test_it_refuses_an_impossible_visit_mix(mix):
    with pytest.raises(ValueError):
        cost_for_visit_mix(assumptions("2025-26"), None, mix)


def test_it_refuses_to_price_no_visit_lengths():
    with pytest.raises(ValueError, match="visit_lengths"):
        cost_by_visit_length(assumptions("2025-26"), visit_lengths=())


def test_the_2025_26_floor_is_the_homecare_associations_direct_employment_cost_within_1_percent():
    # "Direct costs of employing careworkers at the minimum wage", 2025/26: £22.71 per contact hour.
    breakdown = cost_of_care(assumptions("2025-26"))
    published = Decimal("22.71")
    assert abs(breakdown.statutory_floor - published) / published < Decimal("0.01")
    assert pennies(breakdown.statutory_floor) == Decimal("22.76")
    # The narrower legal minimum stays on its own line, below the floor: a bid between the two cannot be lawful.
    assert pennies(breakdown.legal_minimum) == Decimal("20.29")
    assert breakdown.legal_minimum < breakdown.statutory_floor < breakdown.total


def test_a_bid_between_the_legal_minimum_and_the_floor_is_below_the_floor():
    from pricing.checks import PriceStatus, check_price

    breakdown = cost_of_care(assumptions("2025-26"))
    check = check_price(Decimal("21.50"), UKHCA_BASIS, breakdown)  # above £20.29, below £22.76
    assert check.status is PriceStatus.BELOW_STATUTORY_FLOOR
    assert "sick pay" in check.message and "mileage" in check.message


@pytest.mark.parametrize("minutes", [0, 1, 14, 241])
def test_it_refuses_a_visit_length_outside_15_to_240_minutes(minutes):
    # A 1-minute visit carrying a normal visit's travel is a data-entry error, not a price per hour.
    with pytest.raises(ValueError, match="from 15 to 240 minutes"):
        cost_by_visit_length(assumptions("2025-26"), visit_lengths=(minutes,))


def test_the_shortest_and_longest_visits_it_accepts_are_priced():
    by_length = cost_by_visit_length(assumptions("2025-26"), visit_lengths=(15, 240))
    assert by_length[15].total > by_length[240].total
