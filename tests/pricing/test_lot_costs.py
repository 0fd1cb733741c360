"""What a lot costs: the tender's preset, the zone's rurality, the tender's minute basis and visit mix."""
from __future__ import annotations

from decimal import Decimal

import pytest

from common.errors import RuleViolation
from common.money import pennies
from demo.lancashire import load_demo
from pricing.checks import PriceStatus
from pricing.cost_model import cost_of_care
from pricing.models import RatePreset
from pricing.selectors import (
    lot_cost_of_care,
    lot_price_check,
    lot_visit_lengths,
    lot_visit_mix_cost,
    preset_cost_of_care,
    tender_lot_costs,
)
from tenders.models import Lot
from tests.factories import LotFactory, TenderFactory, ZoneFactory
from zones.models import RURALITY_MILES_FACTOR, RURALITY_TRAVEL_FACTOR, Rurality

pytestmark = pytest.mark.django_db


def _tender(slug: str = "2025-26", **kwargs):
    kwargs.setdefault("expected_visit_mix", {})
    return TenderFactory(rate_preset=RatePreset.objects.get(slug=slug), **kwargs)


def _lot(tender, rurality=Rurality.MIXED, **zone_kwargs):
    return LotFactory(tender=tender, zone=ZoneFactory(rurality=rurality, **zone_kwargs))


def test_a_rural_lots_minimum_is_above_an_urban_ones_under_the_same_preset():
    tender = _tender()
    rural, mixed, urban = (_lot(tender, r) for r in (Rurality.RURAL, Rurality.MIXED, Rurality.URBAN))
    totals = [lot_cost_of_care(lot=lot).total for lot in (rural, mixed, urban)]
    assert totals[0] > totals[1] > totals[2]
    floors = [lot_cost_of_care(lot=lot).statutory_floor for lot in (rural, mixed, urban)]
    assert floors[0] > floors[1] > floors[2]  # more paid travel time


def test_a_mixed_zone_is_the_presets_own_average():
    lot = _lot(_tender("2020-21"))
    assert pennies(lot_cost_of_care(lot=lot).total) == Decimal("20.69")


def test_rurality_scales_the_presets_travel_and_miles():
    tender = _tender("2016-17")
    breakdown = lot_cost_of_care(lot=_lot(tender, Rurality.RURAL))
    assert breakdown.travel_minutes_per_contact_hour == Decimal("11") * RURALITY_TRAVEL_FACTOR[Rurality.RURAL]
    assert breakdown.miles_per_contact_hour == Decimal("3.2") * RURALITY_MILES_FACTOR[Rurality.RURAL]


def test_a_zones_own_figures_override_its_rurality():
    tender = _tender()
    lot = _lot(tender, Rurality.URBAN, travel_minutes_per_contact_hour=Decimal("25"), miles_per_contact_hour=Decimal("9"))
    breakdown = lot_cost_of_care(lot=lot)
    assert breakdown.travel_minutes_per_contact_hour == Decimal("25")
    assert breakdown.miles_per_contact_hour == Decimal("9")
    assert breakdown.total > lot_cost_of_care(lot=_lot(tender, Rurality.RURAL)).total


def test_the_same_zone_costs_more_under_a_later_preset():
    zone = ZoneFactory(rurality=Rurality.RURAL)
    early = LotFactory(tender=_tender("2016-17"), zone=zone)
    late = LotFactory(tender=_tender("2025-26"), zone=zone)
    assert lot_cost_of_care(lot=late).total > lot_cost_of_care(lot=early).total


def test_shorter_visits_cost_more_per_contact_hour_in_every_zone():
    tender = _tender()
    for rurality in Rurality:
        table = lot_visit_lengths(lot=_lot(tender, rurality))
        assert list(table) == [15, 30, 45, 60]
        totals = [table[m].total for m in table]
        assert totals == sorted(totals, reverse=True)
        assert table[45].total == lot_cost_of_care(lot=_lot(tender, rurality)).total


def test_the_price_check_is_on_the_tenders_minute_basis():
    # £12.75 per Lancashire hour (50 contact + 10 travel) is £15.30 per contact hour, below 2016/17's £16.70.
    lot = _lot(_tender("2016-17", contact_minutes=50, travel_minutes=10))
    check = lot_price_check(lot=lot, price="12.75")
    assert check.price_per_contact_hour == Decimal("15.30")
    assert pennies(check.model_minimum) == Decimal("16.70")
    assert check.status == PriceStatus.BELOW_SUSTAINABLE
    assert check.needs_clarification


def test_the_price_check_uses_the_lots_ceiling_and_the_tenders_far_above_percent():
    tender = _tender("2016-17", far_above_model_percent=Decimal("10"))
    lot = _lot(tender)
    assert lot_price_check(lot=lot, price="16.00").status == PriceStatus.FAR_ABOVE_MODEL  # £19.20, 15% above
    lot.ceiling_price = Decimal("15.00")
    lot.save()
    assert lot_price_check(lot=lot, price="15.01").status == PriceStatus.ABOVE_CEILING
    assert lot_price_check(lot=lot, price="14.50").status == PriceStatus.WITHIN_RANGE


def test_a_rural_lot_flags_a_price_an_urban_lot_accepts():
    tender = _tender("2016-17")
    rural, urban = _lot(tender, Rurality.RURAL), _lot(tender, Rurality.URBAN)
    assert lot_price_check(lot=urban, price="13.50").status == PriceStatus.WITHIN_RANGE
    assert lot_price_check(lot=rural, price="13.50").status == PriceStatus.BELOW_SUSTAINABLE


def test_with_a_visit_mix_prices_are_checked_against_the_mix():
    tender = _tender(expected_visit_mix={"15": "50", "60": "50"})
    lot = _lot(tender)
    mix = lot_visit_mix_cost(lot=lot)
    assert mix is not None and mix.total > lot_cost_of_care(lot=lot).total  # short visits weigh heavily
    assert lot_price_check(lot=lot, price="30").model_minimum == mix.total


def test_without_a_visit_mix_there_is_no_mix_figure():
    assert lot_visit_mix_cost(lot=_lot(_tender())) is None


@pytest.mark.parametrize("mix", [{"half an hour": 50}, {"30": "lots"}, {"0": 10}, {"30": -5}, {"30": 0}, ["30"]])
def test_a_malformed_visit_mix_is_a_clear_rule_violation(mix):
    lot = _lot(_tender(expected_visit_mix=mix))
    with pytest.raises(RuleViolation, match="visit mix"):
        lot_visit_mix_cost(lot=lot)


def test_a_tender_without_a_preset_cannot_check_prices():
    tender = TenderFactory(rate_preset=None)
    with pytest.raises(RuleViolation, match="no cost-of-care model"):
        lot_price_check(lot=_lot(tender), price="15")


@pytest.mark.parametrize("price", ["abc", "", "-1", "0", None, "NaN"])
def test_a_bad_price_is_a_clear_rule_violation(price):
    with pytest.raises(RuleViolation, match="price"):
        lot_price_check(lot=_lot(_tender()), price=price)


def test_tender_lot_costs_gives_every_lot_on_the_basis_and_per_contact_hour():
    tender = _tender("2016-17", contact_minutes=50, travel_minutes=10, expected_visit_mix={"30": 40, "45": 30, "60": 30})
    _lot(tender, Rurality.URBAN)
    _lot(tender, Rurality.RURAL)
    costs = tender_lot_costs(tender=tender)
    assert [c.lot.zone.rurality for c in costs] == ["urban", "rural"]
    for cost in costs:
        assert cost.on_basis(cost.average.total) == cost.average.total * 50 / 60
        assert cost.visit_mix is not None and cost.benchmark is cost.visit_mix
        assert pennies(cost.weekly_cost_at_minimum) == pennies(cost.lot.hours_per_week * cost.visit_mix.total * 50 / 60)
        assert list(cost.by_visit_length) == [15, 30, 45, 60]


def test_in_the_lancashire_demo_crisis_north_costs_more_than_urban_east():
    load_demo()
    lots = {lot.zone.code: lot for lot in Lot.objects.filter(tender__reference="LCC-CRISIS-2017")}
    north, east = lot_cost_of_care(lot=lots["crisis-north"]), lot_cost_of_care(lot=lots["crisis-east"])
    assert north.total > east.total
    # Mixed: the tender's preset's own average (the demo's open tenders take the preset in force at their start).
    preset = lots["crisis-north"].tender.rate_preset
    assert pennies(north.total) == pennies(cost_of_care(preset.assumptions()).total)
    # The interim North tender's £12.75 a Lancashire hour is below the model: abnormally low.
    assert lot_price_check(lot=lots["crisis-north"], price="12.75").needs_clarification


def test_the_demo_tenders_use_the_shipped_2016_17_preset_with_all_its_figures():
    load_demo()
    preset = Lot.objects.filter(tender__reference="LCC-REAB-2017").first().tender.rate_preset
    assert preset.slug == "2016-17"
    assert pennies(preset_cost_of_care(preset=preset).total) == Decimal("16.70")
