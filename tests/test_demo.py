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


def test_tenders_open_for_bids_run_on_todays_calendar_and_the_2017_tender_keeps_its_dates():
    from datetime import date

    from django.utils import timezone

    from pricing.models import RatePreset

    call_command("load_demo")
    now = timezone.now()
    for reference in ("LCC-CRISIS-2017", "LCC-HOME-2017"):
        tender = Tender.objects.get(reference=reference)
        assert tender.submission_deadline > now
        assert tender.contract_start > timezone.localdate(tender.submission_deadline)
        in_force = RatePreset.objects.filter(effective_from__lte=tender.contract_start).order_by("-effective_from").first()
        assert tender.rate_preset == in_force
    reablement = Tender.objects.get(reference="LCC-REAB-2017")
    assert reablement.submission_deadline.year == 2017 and reablement.contract_start == date(2017, 4, 1)
    assert reablement.rate_preset.slug == "2016-17"


def test_no_lot_guarantees_more_hours_than_it_buys():
    call_command("load_demo")
    for lot in Lot.objects.exclude(guaranteed_minimum_hours=None):
        assert lot.guaranteed_minimum_hours <= lot.hours_per_week
    north = Lot.objects.get(tender__reference="LCC-CRISIS-2017", zone__code="crisis-north")
    assert (north.hours_per_week, north.guaranteed_minimum_hours) == (Decimal("360"), Decimal("300"))
