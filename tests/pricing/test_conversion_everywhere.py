"""One minute-basis conversion, rounded once, half up, wherever a price per contact hour is shown (issue 18).

£10.03 per billed hour on a 40-contact-minute basis is 10.03 x 60 / 40 = £15.045 per contact hour:
£15.05 half up. Rounding half to even (`quantize` in the default context, `f"{x:.2f}"`) or in
binary floating point (JavaScript's toFixed) shows £15.04, which is how the API and the page
once disagreed.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from pricing.conversion import MinuteBasis, billed_hour_price, contact_hour_price, per_contact_hour
from pricing.models import RatePreset
from reports.formatting import both_bases, gbp
from reports.templatetags.report_format import to_contact_hour
from tenders import bidding_selectors
from tenders.bidding_rules import provider_price_message
from tenders.transitions import TenderStatus
from tests.factories import LotFactory, TenderFactory, ZoneFactory

FORTY = MinuteBasis(contact_minutes=40, travel_minutes=20)
PRICE = Decimal("10.03")


def test_the_conversion_is_exact_and_the_shown_figure_rounds_half_up():
    assert per_contact_hour(PRICE, FORTY) == Decimal("15.045")
    assert contact_hour_price(PRICE, FORTY) == Decimal("15.05")
    assert billed_hour_price(Decimal("15.045"), MinuteBasis(contact_minutes=60, travel_minutes=0)) == Decimal("15.05")
    assert billed_hour_price(Decimal("15.05"), FORTY) == Decimal("10.03")


def test_reports_and_exports_show_the_same_figure():
    assert both_bases(PRICE, 40, 20).endswith("= £15.05 per contact hour")
    assert gbp(to_contact_hour(PRICE, 40)) == "£15.05"


def test_the_bidders_message_rounds_half_up():
    message = provider_price_message(
        status="within_range", per_contact_hour=Decimal("15.045"), model_minimum=Decimal("14.005"),
        statutory_floor=Decimal("12.00"), gap_amount=Decimal("1.04"), gap_percent=Decimal("7.425"),
    )
    assert message == "£15.05 per contact hour: within the cost-of-care range (model minimum £14.01)."


@pytest.fixture
def forty_minute_lot(db):
    tender = TenderFactory(
        rate_preset=RatePreset.objects.get(slug="2016-17"), status=TenderStatus.PUBLISHED.value,
        contact_minutes=40, travel_minutes=20, expected_visit_mix={},
    )
    return LotFactory(tender=tender, zone=ZoneFactory())


def test_the_api_and_the_bid_pages_show_the_same_figure(api_as, bidder, forty_minute_lot):
    client = api_as(bidder)
    converted = client.get("/api/pricing/convert/", {"price": "10.03", "contact_minutes": 40, "travel_minutes": 20})
    assert converted.json()["per_contact_hour"] == "15.05"

    checked = client.get("/api/pricing/check/", {"lot": forty_minute_lot.pk, "price": "10.03"}).json()
    assert checked["price_per_contact_hour"] == "15.05"
    assert "£15.05 per contact hour" in checked["bidder_message"]  # what the page's script shows as they type

    # The bid pages and the bid API's per-contact-hour field read this selector.
    assert bidding_selectors.contact_hour_price(tender=forty_minute_lot.tender, price=PRICE) == Decimal("15.05")
    assert "£15.05 per contact hour" in bidding_selectors.lot_price_check(lot=forty_minute_lot, price=PRICE)["message"]
