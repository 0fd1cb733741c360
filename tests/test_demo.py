"""The Lancashire demo: real numbers, loaded idempotently."""
from decimal import Decimal

import pytest
from django.core.management import call_command

from accounts.models import User
from common.models import AuditEntry
from providers.models import Provider
from tenders.models import Lot, QualityQuestion, Tender
from zones.models import Zone

pytestmark = pytest.mark.django_db


def _counts():
    return {m.__name__: m.objects.count() for m in (Zone, Provider, User, Tender, Lot, QualityQuestion, AuditEntry)}


def test_loading_twice_changes_nothing():
    call_command("load_demo")
    first = _counts()
    snapshot = list(Lot.objects.order_by("pk").values("tender__reference", "zone__code", "hours_per_week"))
    call_command("load_demo")
    assert _counts() == first
    assert list(Lot.objects.order_by("pk").values("tender__reference", "zone__code", "hours_per_week")) == snapshot


def test_the_reablement_tender_has_six_lots_summing_to_5678_hours():
    call_command("load_demo")
    lots = Lot.objects.filter(tender__reference="LCC-REAB-2017")
    assert lots.count() == 6
    assert sum(lot.hours_per_week for lot in lots) == Decimal("5678")
    assert lots.get(zone__name="Burnley, Hyndburn and Rossendale").hours_per_week == Decimal("1197")


def test_the_crisis_tender_has_north_east_and_central():
    call_command("load_demo")
    hours = {lot.zone.name: lot.hours_per_week for lot in Lot.objects.filter(tender__reference="LCC-CRISIS-2017")}
    assert hours == {"North": Decimal("360"), "East": Decimal("575"), "Central": Decimal("2369")}


def test_reablement_spend_at_12_75_matches_the_scrutiny_report():
    # 5,678 hours a week x 52 weeks x £12.75 = £3,764,514 a year (seed 004).
    call_command("load_demo")
    hours = sum(lot.hours_per_week for lot in Lot.objects.filter(tender__reference="LCC-REAB-2017"))
    assert hours * 52 * Decimal("12.75") == Decimal("3764514")


def test_every_role_has_a_demo_user_and_providers_are_fictional():
    call_command("load_demo")
    assert set(User.objects.values_list("role", flat=True)) >= {"commissioner", "provider", "evaluator", "legal"}
    assert all("(fictional)" in name for name in Provider.objects.values_list("name", flat=True))
