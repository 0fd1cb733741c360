"""Presets for every year 2016/17 to 2026/27, which preset covers a date, and the model per contract year (issue 15)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from common.money import pennies
from pricing.contract_years import add_years, contract_years, covers
from pricing.cost_model import assumptions_from_mapping, cost_of_care
from pricing.models import RatePreset
from pricing.preset_data import PRESETS
from pricing.selectors import preset_for_date, tender_contract_years, tender_preset_warning
from tests.factories import LotFactory, TenderFactory

# The Homecare Association's (UKHCA's) published minimum price per contact hour, where it published one.
PUBLISHED = {
    "2016-17": "16.70", "2018-19": "18.01", "2019-20": "18.93", "2020-21": "20.69", "2021-22": "21.43",
    "2022-23": "23.20", "2023-24": "25.95", "2024-25": "28.53", "2025-26": "32.14",
}
YEARS = [f"{y}-{(y + 1) % 100:02d}" for y in range(2016, 2027)]


def test_there_is_a_preset_for_every_year_from_2016_17_to_2026_27():
    assert sorted(str(p["slug"]) for p in PRESETS) == YEARS
    for entry in PRESETS:
        start = date.fromisoformat(str(entry["effective_from"]))
        assert start == date(int(str(entry["slug"])[:4]), 4, 1)


@pytest.mark.parametrize("slug", YEARS)
def test_each_presets_total_reproduces_the_published_figure_or_is_labelled_an_estimate(slug):
    entry = next(p for p in PRESETS if p["slug"] == slug)
    total = cost_of_care(assumptions_from_mapping(entry)).total
    if slug in PUBLISHED:
        assert not entry["is_estimate"]
        assert abs(total - Decimal(PUBLISHED[slug])) <= Decimal("0.01"), (slug, total)
    else:
        assert entry["is_estimate"], slug  # 2017/18 and 2026/27: no confirmed published figure


@pytest.mark.parametrize(("slug", "pay", "ni", "threshold", "pension"), [
    ("2018-19", "7.83", "13.8", "162", "2"), ("2019-20", "8.21", "13.8", "166", "3"),
    ("2021-22", "8.91", "13.8", "170", "3"), ("2022-23", "9.50", "15.05", "175", "3"),
])
def test_the_added_years_use_the_statutory_rates(slug, pay, ni, threshold, pension):
    entry = next(p for p in PRESETS if p["slug"] == slug)
    assert (entry["hourly_pay_rate"], entry["employer_ni_rate"], entry["ni_secondary_threshold_weekly"],
            entry["pension_rate"]) == (pay, ni, threshold, pension)


def test_a_preset_covers_one_year_from_its_start():
    april = date(2016, 4, 1)
    assert covers(april, date(2016, 4, 1)) and covers(april, date(2017, 3, 31))
    assert not covers(april, date(2017, 4, 1)) and not covers(april, date(2016, 3, 31))
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)


def test_a_contract_is_split_into_years_from_its_start():
    years = contract_years(date(2024, 4, 1), date(2027, 3, 31))
    assert [(y.number, y.start, y.end) for y in years] == [
        (1, date(2024, 4, 1), date(2025, 3, 31)),
        (2, date(2025, 4, 1), date(2026, 3, 31)),
        (3, date(2026, 4, 1), date(2027, 3, 31)),
    ]
    assert len(contract_years(date(2024, 4, 1), None)) == 1
    assert contract_years(date(2024, 6, 1), date(2024, 9, 30))[0].end == date(2024, 9, 30)


@pytest.mark.django_db
def test_the_data_migration_adds_the_missing_years():
    assert set(RatePreset.objects.values_list("slug", flat=True)) >= set(YEARS)
    assert pennies(cost_of_care(RatePreset.objects.get(slug="2019-20").assumptions()).total) == Decimal("18.93")


@pytest.mark.django_db
def test_the_preset_covering_a_date_and_the_warning_when_a_tender_uses_the_wrong_year():
    assert preset_for_date(on=date(2017, 4, 1)).slug == "2017-18"
    assert preset_for_date(on=date(2017, 3, 31)).slug == "2016-17"
    assert preset_for_date(on=date(2030, 1, 1)) is None
    # The demo's mistake: a contract starting April 2017 priced with 2016/17 rates.
    tender = TenderFactory(rate_preset=RatePreset.objects.get(slug="2016-17"), contract_start=date(2017, 4, 1),
                           contract_end=date(2020, 3, 31))
    warning = tender_preset_warning(tender=tender)
    assert "does not cover the contract start on 1 April 2017" in warning
    assert "Choose 2017/18" in warning
    tender.rate_preset = RatePreset.objects.get(slug="2017-18")
    assert tender_preset_warning(tender=tender) is None


@pytest.mark.django_db
def test_each_contract_year_has_its_own_preset_and_years_beyond_them_are_labelled_estimates():
    tender = TenderFactory(rate_preset=RatePreset.objects.get(slug="2025-26"), contract_start=date(2025, 4, 1),
                           contract_end=date(2028, 3, 31), expected_visit_mix={})
    years = tender_contract_years(tender=tender)
    assert [(y.number, y.preset.slug, y.estimate) for y in years] == [
        (1, "2025-26", False), (2, "2026-27", True), (3, "2026-27", True),
    ]
    assert years[2].note.startswith("Estimate: no preset covers 1 April 2027; the 2026/27 rates are carried forward")


@pytest.mark.django_db
def test_the_lot_cost_page_shows_the_model_for_each_contract_year(client, commissioner):
    tender = TenderFactory(rate_preset=RatePreset.objects.get(slug="2023-24"), contract_start=date(2023, 4, 1),
                           contract_end=date(2026, 3, 31), expected_visit_mix={})
    LotFactory(tender=tender, number=1)
    client.force_login(commissioner)
    page = client.get(f"/pricing/tenders/{tender.reference}/costs/").content.decode()
    assert "The model in each contract year" in page
    for text in ("Year 1: 1 Apr 2023", "Year 2: 1 Apr 2024", "Year 3: 1 Apr 2025", "2024/25 rates", "2025/26 rates"):
        assert text in page
