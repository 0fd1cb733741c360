"""Commissioner pages: presets, comparison, editing with an error summary, what each lot costs, the SVG chart."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from common.models import AuditEntry
from common.money import pennies
from demo.lancashire import load_demo
from pricing.cost_model import cost_of_care
from pricing.models import RatePreset
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def carol(client, commissioner):
    client.force_login(commissioner)
    return client


def _edit_data(preset: RatePreset, **changes) -> dict[str, str]:
    data = {name: str(getattr(preset, name)) for name in (
        "name", "year_label", "source_note", "hourly_pay_rate", "employer_ni_rate", "ni_secondary_threshold_weekly",
        "pension_rate", "pension_lower_limit_weekly", "holiday_pay_percent", "sick_pay_percent",
        "training_time_percent", "other_paid_time_percent", "pence_per_mile", "running_costs_per_hour",
        "running_costs_percent", "surplus_percent", "weekly_contact_hours", "travel_minutes_per_contact_hour",
        "miles_per_contact_hour",
    )}
    data["effective_from"] = preset.effective_from.isoformat()
    if preset.is_estimate:
        data["is_estimate"] = "on"
    data.update(changes)
    return data


PAGES = [
    reverse("pricing-presets"),
    reverse("pricing-preset-detail", args=["2020-21"]),
    reverse("pricing-preset-edit", args=["2024-25"]),
    reverse("pricing-preset-create"),
    reverse("pricing-preset-compare") + "?preset=2016-17&preset=2020-21",
    reverse("pricing-tender-lot-costs", args=["LCC-CRISIS-2017"]),
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_need_a_commissioner(client, url, bidder, evaluator):
    load_demo()
    assert client.get(url).status_code == 302  # to the login page
    for user in (bidder, evaluator):
        client.force_login(user)
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_pages_have_no_inline_scripts_styles_or_handlers(carol, url):
    load_demo()
    response = carol.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert " style=" not in html
    assert not re.search(r"<style", html)
    assert not re.search(r"\son[a-z]+=", html)
    for script in re.findall(r"<script[^>]*>", html):
        assert "src=" in script or "nonce=" in script  # only base.html's nonce'd bootstrap is inline


def test_the_list_shows_every_preset_with_its_minimum_and_floor(carol):
    html = carol.get(reverse("pricing-presets")).content.decode()
    for text in ("£16.70", "£20.69", "£32.14", "£14.89", "Estimate"):  # floor with sick pay and mileage (issue 15)
        assert text in html


def test_the_detail_shows_the_2020_21_breakdown_line_by_line_and_a_chart(carol):
    html = carol.get(reverse("pricing-preset-detail", args=["2020-21"])).content.decode()
    for text in ("£8.72 an hour x 11.7 travel minutes / 60", "£1.70", "£1.14", "£1.97", "£1.36", "£5.20", "£0.60",
                 "£20.69", "Statutory floor", "£14.89", "Legal minimum", "£13.19", "15 minutes", "60 minutes"):
        assert text in html
    assert "<svg" in html and 'role="img"' in html and "<title" in html


def test_a_commissioner_edits_a_preset_and_the_change_is_audited(carol):
    preset = RatePreset.objects.get(slug="2024-25")
    response = carol.post(reverse("pricing-preset-edit", args=["2024-25"]), _edit_data(preset, pence_per_mile="50"))
    assert response.status_code == 302
    assert response.url == reverse("pricing-preset-detail", args=["2024-25"])
    preset.refresh_from_db()
    assert preset.pence_per_mile == Decimal("50")
    entry = AuditEntry.objects.get(action="pricing.preset_updated")
    assert entry.before == {"pence_per_mile": "45.00"} and entry.after == {"pence_per_mile": "50.00"}


def test_bad_values_show_a_govuk_error_summary_linking_to_the_fields(carol):
    preset = RatePreset.objects.get(slug="2024-25")
    response = carol.post(reverse("pricing-preset-edit", args=["2024-25"]),
                          _edit_data(preset, hourly_pay_rate="abc", employer_ni_rate="150"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html and "There is a problem" in html
    assert 'href="#id_hourly_pay_rate"' in html and 'href="#id_employer_ni_rate"' in html
    assert "Enter a number." in html
    assert "govuk-input--error" in html
    assert RatePreset.objects.get(slug="2024-25").hourly_pay_rate == Decimal("11.44")


def test_a_cross_field_problem_is_shown_too(carol):
    preset = RatePreset.objects.get(slug="2024-25")
    response = carol.post(reverse("pricing-preset-edit", args=["2024-25"]),
                          _edit_data(preset, running_costs_percent="60", surplus_percent="70"))
    assert response.status_code == 400
    assert "leaves nothing for care" in response.content.decode()


def test_editing_a_preset_behind_a_published_tender_is_refused_with_the_reason(carol):
    load_demo()
    preset = RatePreset.objects.get(slug="2016-17")
    page = carol.get(reverse("pricing-preset-edit", args=["2016-17"])).content.decode()
    # The demo's historical reablement tender (opened) rests on 2016/17; its open tenders use today's preset.
    assert "LCC-REAB-2017" in page and "Create a new preset from it" in page
    response = carol.post(reverse("pricing-preset-edit", args=["2016-17"]), _edit_data(preset, hourly_pay_rate="9"))
    assert response.status_code == 400
    assert "cannot change now" in response.content.decode()
    assert RatePreset.objects.get(slug="2016-17").hourly_pay_rate == Decimal("7.20")


def test_a_commissioner_adds_a_preset_copied_from_another(carol):
    form = carol.get(reverse("pricing-preset-create") + "?from=2025-26").content.decode()
    assert 'value="12.21"' in form
    source = RatePreset.objects.get(slug="2025-26")
    data = _edit_data(source, name="Minimum price 2027/28", year_label="2027/28", effective_from="2027-04-01",
                      hourly_pay_rate="13.10")
    data["slug"] = "2027-28"
    response = carol.post(reverse("pricing-preset-create"), data)
    assert response.status_code == 302, response.content.decode()
    assert RatePreset.objects.get(slug="2027-28").hourly_pay_rate == Decimal("13.10")
    assert AuditEntry.objects.filter(action="pricing.preset_created").exists()


def test_the_comparison_puts_chosen_presets_side_by_side_line_by_line(carol):
    html = carol.get(reverse("pricing-preset-compare") + "?preset=2016-17&preset=2025-26").content.decode()
    for text in ("2016/17", "2025/26", "£7.20", "£12.21", "£16.70", "£32.14", "£11.95", "£22.76", "Holiday pay"):
        assert text in html
    assert "<svg" in html


def test_the_comparison_can_use_a_zones_pattern(carol):
    load_demo()
    plain = carol.get(reverse("pricing-preset-compare") + "?preset=2016-17&preset=2020-21").content.decode()
    rural = carol.get(reverse("pricing-preset-compare") + "?preset=2016-17&preset=2020-21&zone=west-lancashire")
    assert "£16.70" in plain and "£16.70" not in rural.content.decode()
    assert "West Lancashire" in rural.content.decode()


@pytest.mark.parametrize("query, words", [
    ("?preset=2016-17", "Choose at least two presets"),
    ("?preset=2016-17&preset=nope", "no preset called"),
])
def test_a_bad_comparison_shows_an_error_summary(carol, query, words):
    response = carol.get(reverse("pricing-preset-compare") + query)
    assert response.status_code == 400
    assert words in response.content.decode() and "govuk-error-summary" in response.content.decode()


def test_what_does_each_lot_cost_for_lancashire_crisis(carol):
    load_demo()
    html = carol.get(reverse("pricing-tender-lot-costs", args=["LCC-CRISIS-2017"])).content.decode()
    # North is mixed (the preset's own average per contact hour, x 50/60 per Lancashire hour); East urban, less.
    # The demo's open tenders take the preset in force at their contract start, so the figure follows the date.
    preset = RatePreset.objects.get(tenders__reference="LCC-CRISIS-2017")
    average = cost_of_care(preset.assumptions()).total
    for text in ("North", "East", "Central", f"£{pennies(average)}", f"£{pennies(average * 50 / 60)}",
                 "15-minute visits", "60-minute visits",
                 "30-minute visits 40%", "Per 60 minutes of provider time"):
        assert text in html
    assert html.count("<svg") == 2


def test_lot_costs_for_a_tender_without_a_preset_say_so(carol):
    from tests.factories import complete_tender

    tender = complete_tender(rate_preset=None)
    response = carol.get(reverse("pricing-tender-lot-costs", args=[tender.reference]))
    assert response.status_code == 200
    assert "no cost-of-care model" in response.content.decode()


def test_unknown_presets_and_tenders_are_404(carol):
    assert carol.get(reverse("pricing-preset-detail", args=["nope"])).status_code == 404
    assert carol.get(reverse("pricing-tender-lot-costs", args=["NOPE"])).status_code == 404


def test_an_admin_user_edits_presets_in_the_django_admin_and_it_is_audited(client):
    admin = UserFactory(username="ada", role="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    preset = RatePreset.objects.get(slug="2023-24")
    url = reverse("admin:pricing_ratepreset_change", args=[preset.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _edit_data(preset, pence_per_mile="48"))
    assert response.status_code == 302
    assert RatePreset.objects.get(slug="2023-24").pence_per_mile == Decimal("48")
    assert AuditEntry.objects.get(action="pricing.preset_updated").note == "admin"


def test_the_admin_refuses_to_change_a_locked_preset(client):
    load_demo()
    admin = UserFactory(username="ada", role="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    preset = RatePreset.objects.get(slug="2016-17")
    response = client.post(reverse("admin:pricing_ratepreset_change", args=[preset.pk]),
                           _edit_data(preset, hourly_pay_rate="9"))
    assert response.status_code == 200
    assert "cannot change" in response.content.decode()
    assert RatePreset.objects.get(slug="2016-17").hourly_pay_rate == Decimal("7.20")
