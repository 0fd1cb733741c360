"""The pricing API: conversion, cost of care, the live price check and presets; every bad input a clear 400."""
from __future__ import annotations

from decimal import Decimal

import pytest

from common.models import AuditEntry
from pricing.models import RatePreset
from tenders.transitions import TenderStatus
from tests.factories import LotFactory, TenderFactory, ZoneFactory
from zones.models import Rurality

pytestmark = pytest.mark.django_db


# --- /api/pricing/convert/ -------------------------------------------------------------------------

def test_it_needs_a_signed_in_user(api):
    assert api.get("/api/pricing/convert/", {"price": "12.75", "contact_minutes": 50}).status_code in (401, 403)


def test_it_converts_lancashire_12_75_to_15_30_per_contact_hour(api_as, bidder):
    response = api_as(bidder).get("/api/pricing/convert/", {"price": "12.75", "contact_minutes": 50, "travel_minutes": 10})
    assert response.status_code == 200
    body = response.json()
    assert body["per_contact_hour"] == "15.30"
    assert body["basis"] == {"contact_minutes": 50, "travel_minutes": 10, "label": "50 contact + 10 travel minutes"}
    assert "converted" not in body


def test_it_converts_to_another_basis_when_asked(api_as, bidder):
    # The Association's £16.70 per contact hour (60 + 11) is £13.92 per Lancashire hour (50 + 10).
    response = api_as(bidder).get("/api/pricing/convert/", {
        "price": "16.70", "contact_minutes": 60, "travel_minutes": 11, "to_contact_minutes": 50, "to_travel_minutes": 10,
    })
    assert response.status_code == 200
    assert response.json()["converted"] == "13.92"
    assert response.json()["per_contact_hour"] == "16.70"
    assert response.json()["to_basis"]["label"] == "50 contact + 10 travel minutes"


@pytest.mark.parametrize("params, field, words", [
    ({"price": "12.75", "contact_minutes": 0}, "contact_minutes", "greater than 0"),
    ({"price": "12.75", "contact_minutes": -50}, "contact_minutes", "greater than 0"),
    ({"price": "12.75", "contact_minutes": 50, "travel_minutes": -1}, "travel_minutes", "0 or more"),
    ({"price": "12.75", "contact_minutes": "fifty"}, "contact_minutes", "whole number"),
    ({"price": "12.75", "contact_minutes": "50.5"}, "contact_minutes", "whole number"),
    ({"price": "twelve", "contact_minutes": 50}, "price", "must be a number"),
    ({"price": "NaN", "contact_minutes": 50}, "price", "must be a number"),
    ({"price": "-12.75", "contact_minutes": 50}, "price", "greater than 0"),
    ({"price": "0", "contact_minutes": 50}, "price", "greater than 0"),
    ({"contact_minutes": 50}, "price", "required"),
    ({"price": "12.75"}, "contact_minutes", "required"),
    ({"price": "12.75", "contact_minutes": 50, "to_contact_minutes": 0}, "to_contact_minutes", "greater than 0"),
    ({"price": "12.75", "contact_minutes": 50, "to_travel_minutes": 11}, "to_contact_minutes", "required"),
])
def test_bad_conversion_parameters_get_a_clear_400(api_as, bidder, params, field, words):
    response = api_as(bidder).get("/api/pricing/convert/", params)
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field
    assert words in body["detail"]


# --- /api/pricing/cost-of-care/ --------------------------------------------------------------------

def test_it_answers_the_2020_21_breakdown_line_by_line(api_as, commissioner):
    response = api_as(commissioner).get("/api/pricing/cost-of-care/", {"preset": "2020-21"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == "20.69"
    assert {line["key"]: line["amount"] for line in body["association_lines"]} == {
        "contact_time": "8.72", "travel_time": "1.70", "ni_and_pension": "1.14", "other_wage_on_costs": "1.97",
        "mileage": "1.36", "running_the_business": "5.20", "surplus": "0.60",
    }
    assert [line["key"] for line in body["lines"]][:2] == ["contact_pay", "travel_pay"]
    assert body["preset"]["slug"] == "2020-21"
    assert body["zone"] is None
    assert Decimal(body["statutory_floor"]) < Decimal(body["total"])
    assert body["statutory_floor"] == "14.89" and body["legal_minimum"] == "13.19"


def test_a_rural_zone_costs_more_than_an_urban_one_through_the_api(api_as, commissioner):
    ZoneFactory(code="moors", rurality=Rurality.RURAL)
    ZoneFactory(code="city", rurality=Rurality.URBAN)
    client = api_as(commissioner)
    rural = client.get("/api/pricing/cost-of-care/", {"preset": "2025-26", "zone": "moors"}).json()
    urban = client.get("/api/pricing/cost-of-care/", {"preset": "2025-26", "zone": "city"}).json()
    assert Decimal(rural["total"]) > Decimal("32.14") > Decimal(urban["total"])
    assert rural["zone"]["rurality"] == "rural"


def test_shorter_visits_cost_more_per_contact_hour(api_as, commissioner):
    client = api_as(commissioner)
    totals = [Decimal(client.get("/api/pricing/cost-of-care/", {"preset": "2025-26", "visit_minutes": m}).json()["total"])
              for m in (15, 30, 45, 60)]
    assert totals == sorted(totals, reverse=True)
    assert totals[2] == Decimal("32.14")  # the average pattern is read as 45-minute visits


@pytest.mark.parametrize("params, field, words", [
    ({}, "preset", "required"),
    ({"preset": "1999-00"}, "preset", "Unknown preset"),
    ({"preset": "not a slug!"}, "preset", "slug"),
    ({"preset": "2020-21", "zone": "atlantis"}, "zone", "Unknown zone"),
    ({"preset": "2020-21", "visit_minutes": 0}, "visit_minutes", "greater than 0"),
    ({"preset": "2020-21", "visit_minutes": -15}, "visit_minutes", "greater than 0"),
    ({"preset": "2020-21", "visit_minutes": "half an hour"}, "visit_minutes", "whole number"),
    ({"preset": "2020-21", "visit_minutes": 1}, "visit_minutes", "a visit shorter than 15 minutes is a data-entry error"),
    ({"preset": "2020-21", "visit_minutes": 600}, "visit_minutes", "from 15 to 240 minutes"),
])
def test_bad_cost_of_care_parameters_get_a_clear_400(api_as, commissioner, params, field, words):
    response = api_as(commissioner).get("/api/pricing/cost-of-care/", params)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert words in response.json()["detail"]


def test_an_unknown_preset_names_the_known_ones(api_as, commissioner):
    detail = api_as(commissioner).get("/api/pricing/cost-of-care/", {"preset": "nope"}).json()["detail"]
    assert "2020-21" in detail and "2016-17" in detail


# --- /api/pricing/check/ ---------------------------------------------------------------------------

@pytest.fixture
def lancashire_lot(db):
    """A published 2016/17 tender on Lancashire's 50 + 10 basis, one mixed-rurality lot (model minimum £16.70)."""
    tender = TenderFactory(
        rate_preset=RatePreset.objects.get(slug="2016-17"), status=TenderStatus.PUBLISHED.value,
        contact_minutes=50, travel_minutes=10, expected_visit_mix={},
    )
    return LotFactory(tender=tender, zone=ZoneFactory(rurality=Rurality.MIXED), ceiling_price=Decimal("18.00"))


def test_a_bidder_sees_the_lancashire_price_is_abnormally_low(api_as, bidder, lancashire_lot):
    response = api_as(bidder).get("/api/pricing/check/", {"lot": lancashire_lot.pk, "price": "12.75"})
    assert response.status_code == 200
    body = response.json()
    assert body["price_per_contact_hour"] == "15.30"
    assert body["model_minimum"] == "16.70"
    assert body["gap_amount"] == "-1.40"
    assert body["gap_percent"] == "-8.38"
    assert body["status"] == "below_sustainable_minimum"
    assert body["needs_clarification"] is True
    assert body["statutory_floor"] == "11.95"  # the wider floor (issue 15): with sick pay and mileage
    assert body["model_minimum_on_basis"] == "13.92"
    assert "Abnormally low" in body["message"]
    assert set(body) >= {"price_per_contact_hour", "model_minimum", "statutory_floor", "gap_amount", "gap_percent",
                         "status", "message", "needs_clarification"}


@pytest.mark.parametrize("price, status", [
    ("8.00", "below_statutory_floor"),
    ("14.00", "within_range"),
    ("17.50", "far_above_model"),
    ("18.01", "above_ceiling"),
])
def test_each_status_can_be_reached(api_as, bidder, lancashire_lot, price, status):
    lancashire_lot.ceiling_price = Decimal("18.00") if status == "above_ceiling" else None
    lancashire_lot.save()
    body = api_as(bidder).get("/api/pricing/check/", {"lot": lancashire_lot.pk, "price": price}).json()
    assert body["status"] == status, body


def test_the_far_above_threshold_is_the_tenders(api_as, bidder, lancashire_lot):
    lancashire_lot.ceiling_price = None
    lancashire_lot.save()
    tender = lancashire_lot.tender
    tender.far_above_model_percent = Decimal("50")
    tender.save()
    body = api_as(bidder).get("/api/pricing/check/", {"lot": lancashire_lot.pk, "price": "17.50"}).json()
    assert body["status"] == "within_range"


def test_a_provider_cannot_check_prices_on_a_draft_tenders_lot(api_as, bidder, lancashire_lot):
    lancashire_lot.tender.status = TenderStatus.DRAFT.value
    lancashire_lot.tender.save()
    response = api_as(bidder).get("/api/pricing/check/", {"lot": lancashire_lot.pk, "price": "15"})
    assert response.status_code == 400
    assert "No lot" in response.json()["detail"]


def test_a_commissioner_can_check_a_draft_tenders_lot(api_as, commissioner, lancashire_lot):
    lancashire_lot.tender.status = TenderStatus.DRAFT.value
    lancashire_lot.tender.save()
    assert api_as(commissioner).get("/api/pricing/check/", {"lot": lancashire_lot.pk, "price": "15"}).status_code == 200


@pytest.mark.parametrize("params, field, words", [
    ({"price": "15"}, "lot", "required"),
    ({"lot": "abc", "price": "15"}, "lot", "lot id"),
    ({"lot": 999999, "price": "15"}, "lot", "No lot"),
    ({"price": "abc"}, "lot", "required"),
    ({"price": "-1"}, "price", "greater than 0"),
    ({"price": "0"}, "price", "greater than 0"),
    ({"price": "£15"}, "price", "must be a number"),
    ({}, "price", "required"),
])
def test_bad_check_parameters_get_a_clear_400(api_as, bidder, lancashire_lot, params, field, words):
    params = {"lot": lancashire_lot.pk, **params} if field != "lot" else params
    response = api_as(bidder).get("/api/pricing/check/", params)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert words in response.json()["detail"]


def test_a_tender_without_a_preset_gets_a_400_saying_so(api_as, commissioner, lancashire_lot):
    tender = lancashire_lot.tender
    tender.rate_preset = None
    tender.save()
    response = api_as(commissioner).get("/api/pricing/check/", {"lot": lancashire_lot.pk, "price": "15"})
    assert response.status_code == 400
    assert "no cost-of-care model" in response.json()["detail"]


# --- /api/pricing/presets/ -------------------------------------------------------------------------

def test_anyone_signed_in_lists_the_shipped_presets_with_their_totals(api_as, bidder):
    response = api_as(bidder).get("/api/pricing/presets/")
    assert response.status_code == 200
    totals = {p["slug"]: p["total"] for p in response.json()["results"]}
    assert totals["2016-17"] == "16.70"
    assert totals["2020-21"] == "20.69"
    assert totals["2025-26"] == "32.14"


def test_a_preset_detail_has_all_sixteen_assumptions_as_strings(api_as, bidder):
    body = api_as(bidder).get("/api/pricing/presets/2020-21/").json()
    assert body["hourly_pay_rate"] == "8.72"
    assert body["pence_per_mile"] == "40.00"
    assert body["statutory_floor"] == "14.89"  # the wider floor (issue 15): with sick pay and mileage


def test_a_commissioner_patches_an_unused_preset_and_it_is_audited(api_as, commissioner):
    response = api_as(commissioner).patch("/api/pricing/presets/2024-25/", {"running_costs_per_hour": "7.00"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["running_costs_per_hour"] == "7.00"
    assert Decimal(response.json()["total"]) > Decimal("28.53")
    entry = AuditEntry.objects.filter(action="pricing.preset_updated").latest("sequence")
    assert entry.before == {"running_costs_per_hour": "6.83"}
    assert entry.after == {"running_costs_per_hour": "7.00"}


def test_a_provider_cannot_patch_a_preset(api_as, bidder):
    response = api_as(bidder).patch("/api/pricing/presets/2024-25/", {"running_costs_per_hour": "1"}, format="json")
    assert response.status_code == 403
    assert RatePreset.objects.get(slug="2024-25").running_costs_per_hour == Decimal("6.83")


def test_patching_a_preset_behind_a_published_tender_is_refused(api_as, commissioner, lancashire_lot):
    response = api_as(commissioner).patch("/api/pricing/presets/2016-17/", {"hourly_pay_rate": "9"}, format="json")
    assert response.status_code == 400
    assert lancashire_lot.tender.reference in response.json()["detail"]


@pytest.mark.parametrize("data, words", [
    ({"hourly_pay_rate": "-1"}, "hourly_pay_rate"),
    ({"employer_ni_rate": "150"}, "employer_ni_rate"),
    ({"running_costs_percent": "60", "surplus_percent": "70"}, "running_costs_percent"),
    ({"hourly_pay_rate": "lots"}, "hourly_pay_rate"),
])
def test_bad_preset_values_get_a_400(api_as, commissioner, data, words):
    response = api_as(commissioner).patch("/api/pricing/presets/2024-25/", data, format="json")
    assert response.status_code == 400
    assert words in str(response.json())
    assert RatePreset.objects.get(slug="2024-25").running_costs_percent == Decimal("0")


# --- package prices (issue 15's package check, as the bidder types) ----------------------------------

@pytest.fixture
def package_lot(lancashire_lot):
    lancashire_lot.package_pricing, lancashire_lot.package_hours = True, Decimal("30")
    lancashire_lot.save()
    return lancashire_lot


def test_a_package_price_is_checked_over_the_lots_package_hours(api_as, bidder, package_lot):
    # £382.50 for 30 billed hours is £12.75 an hour: Lancashire's price, £15.30 per contact hour.
    response = api_as(bidder).get("/api/pricing/check/", {"lot": package_lot.pk, "package_price": "382.50"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["package_price"] == "382.50" and body["price"] == "12.75"
    assert body["price_per_contact_hour"] == "15.30" and body["status"] == "below_sustainable_minimum"
    assert body["bidder_message"].startswith("Warning: this package price (£15.30 per contact hour over its 30 hours)")
    hourly = api_as(bidder).get("/api/pricing/check/", {"lot": package_lot.pk, "price": "12.75"}).json()
    assert hourly["package_price"] is None and hourly["status"] == body["status"]  # the same rule, per hour


@pytest.mark.parametrize("params, field, words", [
    ({"price": "12.75", "package_price": "382.50"}, "package_price", "not both"),
    ({"package_price": "0"}, "package_price", "greater than 0"),
    ({"package_price": "lots"}, "package_price", "must be a number"),
])
def test_bad_package_check_parameters_get_a_clear_400(api_as, bidder, package_lot, params, field, words):
    response = api_as(bidder).get("/api/pricing/check/", {"lot": package_lot.pk, **params})
    assert response.status_code == 400
    assert response.json()["field"] == field and words in response.json()["detail"], response.json()


def test_a_lot_without_package_hours_says_so(api_as, bidder, lancashire_lot):
    response = api_as(bidder).get("/api/pricing/check/", {"lot": lancashire_lot.pk, "package_price": "382.50"})
    assert response.status_code == 400
    assert "no package hours" in response.json()["detail"]
