"""The demo's CQC ratings: loaded through the real import, idempotently, with one exclusion."""
from __future__ import annotations

import pytest

from common.models import AuditEntry
from cqc.models import CQCImport, CQCLocation
from cqc.parse import Outcome, assess_locations
from cqc.selectors import locations_by_id
from demo.cqc import load_demo_cqc
from demo.lancashire import load_providers

pytestmark = pytest.mark.django_db

DEMO_LOCATIONS = {
    "1-990000001": "1-991000001", "1-990000002": "1-991000002", "1-990000003": "1-991000003",
    "1-990000004": "1-991000004", "1-990000005": "1-991000005", "1-990000006": "1-991000006",
}


def test_it_loads_one_location_per_demo_provider_through_the_import():
    cqc_import = load_demo_cqc()

    assert cqc_import.count_new == 6
    assert dict(CQCLocation.objects.values_list("provider_id", "location_id")) == DEMO_LOCATIONS
    assert AuditEntry.objects.filter(action="cqc.import_done").count() == 1


def test_loading_twice_changes_nothing():
    first = load_demo_cqc()
    rows = list(CQCLocation.objects.values_list("location_id", "content_digest", "updated_at"))
    entries = AuditEntry.objects.count()

    assert load_demo_cqc() == first

    assert CQCImport.objects.count() == 1
    assert AuditEntry.objects.count() == entries
    assert list(CQCLocation.objects.values_list("location_id", "content_digest", "updated_at")) == rows


def test_the_ratings_match_the_demo_story():
    load_demo_cqc()
    by_id = {row.location_id: row for row in CQCLocation.objects.all()}

    assert {by_id["1-991000001"].overall_rating, by_id["1-991000001"].safe, by_id["1-991000001"].well_led} == {"Good"}
    assert by_id["1-991000002"].overall_rating == "Outstanding"
    assert {by_id["1-991000002"].safe, by_id["1-991000002"].effective} <= {"Good", "Outstanding"}
    assert (by_id["1-991000003"].overall_rating, by_id["1-991000003"].effective) == ("Good", "Requires improvement")
    assert by_id["1-991000004"].overall_rating == "Good"
    redrose = by_id["1-991000005"]
    assert redrose.overall_rating == "Requires improvement"
    assert [row for row in redrose.rating_rows if row[2] == "Inadequate"] == [["Overall", "Safe", "Inadequate", "2016-11-03"]]
    dockside = by_id["1-991000006"]
    assert dockside.is_unrated and dockside.rating_rows == [] and dockside.overall_rating == ""
    assert [loc for loc, row in by_id.items() if row.is_inadequate] == ["1-991000005"]


def test_the_api_shows_red_rose_excluded_for_its_safe_rating(api_as, commissioner):
    load_providers()
    load_demo_cqc()

    body = api_as(commissioner).get("/api/cqc/providers/1-990000005/").json()

    assert body["has_inadequate"] is True
    assert [(r["location_id"], r["domain"], r["rating"]) for r in body["inadequate_rows"]] == [
        ("1-991000005", "Safe", "Inadequate"),
    ]
    assert body["registered_provider"]["name"] == "Red Rose Domiciliary Care Ltd (fictional)"
    assert api_as(commissioner).get("/api/cqc/providers/1-990000001/").json()["has_inadequate"] is False


def test_the_gate_excludes_red_rose_and_flags_dockside_when_the_tender_flags_unrated():
    load_demo_cqc()

    def gate(provider_id, policy="flag"):
        location_id = DEMO_LOCATIONS[provider_id]
        return assess_locations(provider_id, [location_id], locations_by_id([location_id]), policy).outcome

    assert gate("1-990000005") == Outcome.EXCLUDED
    assert gate("1-990000006") == Outcome.FLAGGED
    assert gate("1-990000006", "allow") == Outcome.ELIGIBLE
    assert [gate(p) for p in ("1-990000001", "1-990000002", "1-990000003", "1-990000004")] == [Outcome.ELIGIBLE] * 4
