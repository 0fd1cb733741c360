"""The price check: abnormally low bids need clarification; statuses at their boundaries."""
from __future__ import annotations

from decimal import Decimal

import pytest

from common.money import pennies
from pricing.checks import PriceStatus, check_price
from pricing.conversion import LANCASHIRE_BASIS, UKHCA_BASIS
from pricing.cost_model import assumptions_from_mapping, cost_of_care
from pricing.preset_data import PRESETS

MINIMUM = Decimal("20.00")
FLOOR = Decimal("15.00")


def check(price: str, **kwargs):
    """Check a price per contact hour (UKHCA basis) against a £20 minimum and £15 floor."""
    return check_price(Decimal(price), UKHCA_BASIS, model_minimum=MINIMUM, statutory_floor=FLOOR, **kwargs)


def breakdown_for(slug: str):
    return cost_of_care(assumptions_from_mapping(next(item for item in PRESETS if item["slug"] == slug)))


@pytest.mark.parametrize("price, status", [
    ("14.99", PriceStatus.BELOW_STATUTORY_FLOOR),
    ("15.00", PriceStatus.BELOW_SUSTAINABLE),
    ("19.99", PriceStatus.BELOW_SUSTAINABLE),
    ("20.00", PriceStatus.WITHIN_RANGE),
    ("25.00", PriceStatus.WITHIN_RANGE),
    ("25.01", PriceStatus.FAR_ABOVE_MODEL),
])
def test_it_sets_the_status_at_each_boundary(price, status):
    assert check(price).status == status


@pytest.mark.parametrize("price, status", [
    ("24.00", PriceStatus.WITHIN_RANGE),
    ("24.01", PriceStatus.ABOVE_CEILING),
    ("30.00", PriceStatus.ABOVE_CEILING),
    ("19.00", PriceStatus.BELOW_SUSTAINABLE),
])
def test_it_applies_the_ceiling_after_the_below_statuses(price, status):
    assert check(price, ceiling=Decimal("24.00")).status == status


def test_it_puts_below_floor_first_whatever_the_ceiling():
    assert check("14.00", ceiling=Decimal("10.00")).status == PriceStatus.BELOW_STATUTORY_FLOOR


def test_it_reads_the_ceiling_per_billed_unit_on_the_tender_basis():
    # £12.75 per Lancashire unit is £15.30 per contact hour, but the £13.00 ceiling is per unit.
    result = check_price(Decimal("12.75"), LANCASHIRE_BASIS, model_minimum=Decimal("15.00"),
                         statutory_floor=Decimal("12.00"), ceiling=Decimal("13.00"))
    assert result.status == PriceStatus.WITHIN_RANGE
    over = check_price(Decimal("13.01"), LANCASHIRE_BASIS, model_minimum=Decimal("15.00"),
                       statutory_floor=Decimal("12.00"), ceiling=Decimal("13.00"))
    assert over.status == PriceStatus.ABOVE_CEILING


def test_it_honours_a_custom_far_above_threshold():
    assert check("22.01", far_above_percent=Decimal("10")).status == PriceStatus.FAR_ABOVE_MODEL
    assert check("22.00", far_above_percent=Decimal("10")).status == PriceStatus.WITHIN_RANGE


def test_it_asks_for_clarification_only_below_the_minimum():
    assert check("14.99").needs_clarification
    assert check("19.99").needs_clarification
    assert not check("20.00").needs_clarification
    assert not check("30.00").needs_clarification
    assert not check("30.00", ceiling=Decimal("24")).needs_clarification


def test_it_flags_lancashires_1275_against_the_2020_21_model():
    result = check_price(Decimal("12.75"), LANCASHIRE_BASIS, breakdown_for("2020-21"))
    assert pennies(result.price_per_contact_hour) == Decimal("15.30")
    assert result.status == PriceStatus.BELOW_SUSTAINABLE
    assert result.needs_clarification
    assert "£15.30 per contact hour" in result.message
    assert "£20.69" in result.message


def test_it_reports_the_gap_per_contact_hour_unrounded():
    result = check_price(Decimal("12.75"), LANCASHIRE_BASIS, breakdown_for("2020-21"))
    assert result.gap_amount == Decimal("15.30") - result.model_minimum
    assert result.gap_percent == result.gap_amount / result.model_minimum * 100
    assert result.gap_amount < 0


def test_it_does_not_call_a_bid_of_the_shown_minimum_below_it():
    # The model keeps full precision; £20.6927 is shown, and bid, as £20.69.
    result = check_price(Decimal("20.69"), UKHCA_BASIS, model_minimum=Decimal("20.6927"), statutory_floor=FLOOR)
    assert result.gap_amount < 0
    assert result.status == PriceStatus.WITHIN_RANGE
    assert "£0.00 (0.00%) above the sustainable minimum of £20.69" in result.message
    below = check_price(Decimal("20.68"), UKHCA_BASIS, model_minimum=Decimal("20.6927"), statutory_floor=FLOOR)
    assert below.status == PriceStatus.BELOW_SUSTAINABLE


def test_it_says_why_in_the_message():
    assert "statutory floor of £15.00" in check("14.00").message
    assert "£1.00 (5.00%) below the sustainable minimum of £20.00" in check("19.00").message
    assert "ceiling of £24.00" in check("25.00", ceiling=Decimal("24")).message
    assert "more than 25% above" in check("26.00").message


def test_it_statuses_are_strings():
    assert PriceStatus.BELOW_SUSTAINABLE == "below_sustainable_minimum"
    assert check("19.00").status.value == "below_sustainable_minimum"


@pytest.mark.parametrize("kwargs, message", [
    ({"price": Decimal("0")}, "price"),
    ({"price": Decimal("-5")}, "price"),
    ({"statutory_floor": Decimal("25")}, "above the model minimum"),
    ({"model_minimum": Decimal("0"), "statutory_floor": Decimal("0")}, "model_minimum"),
    ({"ceiling": Decimal("0")}, "ceiling"),
    ({"far_above_percent": Decimal("-1")}, "far_above_percent"),
    ({"model_minimum": None}, "both"),
])
def test_it_refuses_bad_inputs(kwargs, message):
    arguments = {"price": Decimal("20"), "model_minimum": MINIMUM, "statutory_floor": FLOOR, **kwargs}
    price = arguments.pop("price")
    with pytest.raises(ValueError, match=message):
        check_price(price, UKHCA_BASIS, **arguments)


def test_it_refuses_a_breakdown_and_minimums_together():
    with pytest.raises(ValueError, match="not both"):
        check_price(Decimal("20"), UKHCA_BASIS, breakdown_for("2020-21"), model_minimum=MINIMUM, statutory_floor=FLOOR)
