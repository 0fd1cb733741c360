"""Rate presets in the database: shipped by a data migration, validated, edited only through audited services."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from common.audit import audit_verify
from common.errors import PermissionDeniedError, RuleViolation
from common.models import AuditEntry
from pricing.cost_model import RATE_ASSUMPTION_FIELDS
from pricing.models import RatePreset
from pricing.preset_data import PRESETS
from pricing.selectors import preset_assumptions, preset_cost_of_care, preset_get
from pricing.services import preset_create, preset_update
from tenders.transitions import TenderStatus
from tests.factories import RatePresetFactory, TenderFactory

pytestmark = pytest.mark.django_db


def test_the_data_migration_ships_every_preset_with_all_sixteen_assumptions():
    assert set(RatePreset.objects.values_list("slug", flat=True)) >= {p["slug"] for p in PRESETS}
    for entry in PRESETS:
        preset = RatePreset.objects.get(slug=entry["slug"])
        for name in RATE_ASSUMPTION_FIELDS:
            assert getattr(preset, name) == Decimal(entry[name]), (entry["slug"], name)
        assert preset.effective_from == date.fromisoformat(entry["effective_from"])
        assert preset.is_estimate == entry["is_estimate"]
        assert preset.source_note == entry["source_note"]


def test_the_data_migration_imports_the_data_list_not_the_model():
    from pricing.migrations import __path__ as migrations_path

    source = open(f"{migrations_path[0]}/0003_load_presets.py", encoding="utf-8").read()
    assert "from pricing.preset_data import PRESETS" in source
    assert "from pricing.models" not in source
    assert 'apps.get_model("pricing", "RatePreset")' in source
    assert "update_or_create" in source


@pytest.mark.parametrize("slug, total", [
    ("2016-17", "16.70"), ("2017-18", "17.19"), ("2020-21", "20.69"), ("2023-24", "25.95"),
    ("2024-25", "28.53"), ("2025-26", "32.14"), ("2026-27", "33.04"),
])
def test_each_shipped_preset_prices_its_headline_from_the_database(slug, total):
    assert preset_cost_of_care(preset=RatePreset.objects.get(slug=slug)).total.quantize(Decimal("0.01")) == Decimal(total)


def test_the_three_published_headlines_are_within_one_percent_from_the_database():
    for slug, published in (("2023-24", "25.95"), ("2024-25", "28.53"), ("2025-26", "32.14")):
        total = preset_cost_of_care(preset=RatePreset.objects.get(slug=slug)).total
        assert abs(total - Decimal(published)) / Decimal(published) < Decimal("0.01")


def test_the_2020_21_breakdown_to_the_line_from_the_database():
    summary = {key: amount.quantize(Decimal("0.01"))
               for key, _label, amount in preset_cost_of_care(preset=preset_get(slug="2020-21")).hca_summary()}
    assert summary == {
        "contact_time": Decimal("8.72"), "travel_time": Decimal("1.70"), "ni_and_pension": Decimal("1.14"),
        "other_wage_on_costs": Decimal("1.97"), "mileage": Decimal("1.36"), "running_the_business": Decimal("5.20"),
        "surplus": Decimal("0.60"),
    }


def test_the_factory_preset_is_complete_and_prices():
    assert preset_assumptions(RatePresetFactory()).hourly_pay_rate == Decimal("12.21")


def test_clean_refuses_running_costs_that_leave_nothing_for_care():
    preset = RatePreset.objects.get(slug="2024-25")
    preset.running_costs_percent = Decimal("60")
    preset.surplus_percent = Decimal("70")
    with pytest.raises(ValidationError) as excinfo:
        preset.full_clean()
    assert "running_costs_percent" in excinfo.value.message_dict


def test_validators_refuse_a_percentage_of_100_or_more_and_negative_amounts():
    preset = RatePreset.objects.get(slug="2024-25")
    preset.employer_ni_rate = Decimal("100")
    preset.pence_per_mile = Decimal("-1")
    with pytest.raises(ValidationError) as excinfo:
        preset.full_clean()
    assert {"employer_ni_rate", "pence_per_mile"} <= set(excinfo.value.message_dict)


def test_the_database_refuses_a_zero_pay_rate():
    with pytest.raises(IntegrityError), transaction.atomic():
        RatePreset.objects.filter(slug="2024-25").update(hourly_pay_rate=Decimal("0"))


def test_a_commissioner_edit_is_audited_with_before_and_after(commissioner):
    preset = RatePreset.objects.get(slug="2023-24")
    preset_update(preset=preset, user=commissioner, data={"pence_per_mile": "50", "name": preset.name})
    preset.refresh_from_db()
    assert preset.pence_per_mile == Decimal("50")
    entry = AuditEntry.objects.get(action="pricing.preset_updated")
    assert entry.before == {"pence_per_mile": "45.00"}
    assert entry.after == {"pence_per_mile": "50.00"}
    assert entry.actor == commissioner
    assert audit_verify().ok


def test_an_edit_that_changes_nothing_writes_no_audit_entry(commissioner):
    preset = RatePreset.objects.get(slug="2023-24")
    preset_update(preset=preset, user=commissioner, data={"pence_per_mile": "45.00"})
    assert not AuditEntry.objects.filter(action="pricing.preset_updated").exists()


@pytest.mark.parametrize("persona", ["bidder", "evaluator", "legal"])
def test_only_commissioners_edit_presets(request, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDeniedError):
        preset_update(preset=RatePreset.objects.get(slug="2023-24"), user=user, data={"pence_per_mile": "1"})


def test_an_invalid_edit_is_refused_and_nothing_changes(commissioner):
    preset = RatePreset.objects.get(slug="2023-24")
    with pytest.raises(RuleViolation, match="hourly_pay_rate"):
        preset_update(preset=preset, user=commissioner, data={"hourly_pay_rate": "0"})
    preset.refresh_from_db()
    assert preset.hourly_pay_rate == Decimal("10.42")


def test_unknown_fields_are_refused(commissioner):
    with pytest.raises(RuleViolation, match="slug"):
        preset_update(preset=RatePreset.objects.get(slug="2023-24"), user=commissioner, data={"slug": "x"})


@pytest.mark.parametrize("status, locked", [
    (TenderStatus.DRAFT, False), (TenderStatus.CANCELLED, False), (TenderStatus.PUBLISHED, True),
    (TenderStatus.OPENED, True), (TenderStatus.AWARDED, True),
])
def test_a_preset_behind_a_published_tender_is_locked(commissioner, status, locked):
    preset = RatePreset.objects.get(slug="2020-21")
    TenderFactory(rate_preset=preset, status=status.value, reference="T-LOCK")
    if locked:
        with pytest.raises(RuleViolation, match="T-LOCK"):
            preset_update(preset=preset, user=commissioner, data={"hourly_pay_rate": "9"})
    else:
        assert preset_update(preset=preset, user=commissioner, data={"hourly_pay_rate": "9"}).hourly_pay_rate == 9


def test_a_commissioner_adds_a_preset_copied_from_another(commissioner):
    source = RatePreset.objects.get(slug="2025-26")
    data = {name: getattr(source, name) for name in RATE_ASSUMPTION_FIELDS}
    data.update(slug="2027-28", name="Minimum price 2027/28", year_label="2027/28", effective_from=date(2027, 4, 1),
                hourly_pay_rate=Decimal("13.10"))
    preset = preset_create(user=commissioner, data=data)
    assert preset_cost_of_care(preset=preset).total > preset_cost_of_care(preset=source).total
    entry = AuditEntry.objects.get(action="pricing.preset_created")
    assert entry.after["slug"] == "2027-28" and entry.after["hourly_pay_rate"] == "13.10"


def test_adding_a_preset_with_a_taken_slug_is_refused(commissioner):
    source = RatePreset.objects.get(slug="2025-26")
    data = {name: getattr(source, name) for name in RATE_ASSUMPTION_FIELDS}
    data.update(slug="2025-26", name="Again", year_label="2025/26", effective_from=date(2025, 4, 1))
    with pytest.raises(RuleViolation, match="already exists"):
        preset_create(user=commissioner, data=data)


def test_an_estimate_is_named_once():
    assert str(RatePreset.objects.get(slug="2026-27")) == "Minimum price 2026/27 (estimate)"
    assert str(RatePreset.objects.get(slug="2017-18")).endswith("(estimate)")


def test_flush_keeps_the_shipped_presets_and_never_overwrites_an_edit(commissioner):
    from pricing.signals import ensure_shipped_presets

    preset_update(preset=RatePreset.objects.get(slug="2023-24"), user=commissioner, data={"pence_per_mile": "50"})
    RatePreset.objects.filter(slug="2020-21").delete()
    ensure_shipped_presets(sender=None)  # as flush sends it: no apps registry
    assert pennies_total("2020-21") == Decimal("20.69")
    assert RatePreset.objects.get(slug="2023-24").pence_per_mile == Decimal("50")


def pennies_total(slug: str) -> Decimal:
    return preset_cost_of_care(preset=RatePreset.objects.get(slug=slug)).total.quantize(Decimal("0.01"))
