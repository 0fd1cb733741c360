"""The Lancashire reablement demo evaluates end to end: `load_demo`, then `evaluate LCC-REAB-2017 --json`.

Consensus quality (5 questions, weights 30/25/20/15/10, scored 0-5; quality = 60 x sum(w s / 5) / 100):
  Morecambe 5,4,4,5,4 -> 60 x (30+20+16+15+8)/100 = 53.40
  Bowland   4,4,3,4,3 -> 60 x (24+20+12+12+6)/100 = 44.40
  Fylde     3,4,4,4,4 -> 60 x (18+20+16+12+8)/100 = 44.40
  Pendle    4,3,4,3,3 -> 60 x (24+15+16+9+6)/100  = 42.00
  Dockside  3,3,3,3,4 -> 60 x (18+15+12+9+8)/100  = 37.20
  Red Rose  excluded at opening: its location is rated Inadequate on Safe, so never scored.
Price = 40 x lowest acceptable price / price (per contact hour = billed x 60 / 50; the ratio is the same).
  Lot 1 Lancaster: Bowland 14.85 is lowest -> Morecambe 40 x 14.85/15.40 = 38.57 -> 91.97;
    Bowland 40 -> 84.40; Fylde 40 x 14.85/14.95 = 39.73 -> 84.13.
  Lot 4 Burnley: Morecambe's 12.60 was abnormally low; its explanation was accepted, so it is the lowest:
    Morecambe 93.40; Pendle 40 x 12.60/14.25 = 35.37 -> 77.37; Dockside 40 x 12.60/14.60 = 34.52 -> 71.72.
  Lot 5 Chorley: Dockside's 11.40 was rejected after clarification; Pendle's 14.30 is the lowest:
    Fylde 40 x 14.30/14.45 = 39.58 -> 83.98; Pendle 82.00.
One provider per lot, at most three lots each: Morecambe ranks first in lots 1, 2, 4 and 6 and keeps its
three best totals (4: 93.40, 6: 92.91, 1: 91.97), so lot 2 goes to the next-ranked, Fylde.
"""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from common.audit import audit_verify
from evaluation.models import EvaluationRun, IndividualScore
from tenders.models import Tender

pytestmark = pytest.mark.django_db

MORECAMBE = "Morecambe Bay Care Co-operative (fictional)"
BOWLAND = "Bowland Fells Home Support Ltd (fictional)"
FYLDE = "Fylde Coast Companions Ltd (fictional)"
PENDLE = "Pendle Hill Reablement Services (fictional)"
DOCKSIDE = "Dockside Care Partners Ltd (fictional)"
REDROSE = "Red Rose Domiciliary Care Ltd (fictional)"


@pytest.fixture
def result():
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("evaluate", "LCC-REAB-2017", "--json", stdout=out)
    return json.loads(out.getvalue())


def _rows(lot):
    return [(b["provider"], b["status"], b["quality_score"], b["price_score"], b["total"], b["rank"]) for b in lot["bids"]]


def test_the_reablement_demo_evaluates_end_to_end(result):
    assert result["tender"] == "LCC-REAB-2017"
    assert result["provisional"] is False
    lots = {lot["lot"]: lot for lot in result["lots"]}
    assert [lots[n]["zone"] for n in range(1, 7)] == [
        "Lancaster", "Fylde and Wyre", "Pendle and Ribble Valley", "Burnley, Hyndburn and Rossendale",
        "Chorley, South Ribble and Greater Preston", "West Lancashire",
    ]
    assert _rows(lots[1]) == [
        (MORECAMBE, "ranked", "53.40", "38.57", "91.97", 1),
        (BOWLAND, "ranked", "44.40", "40.00", "84.40", 2),
        (FYLDE, "ranked", "44.40", "39.73", "84.13", 3),
    ]
    assert _rows(lots[4])[:3] == [
        (MORECAMBE, "ranked", "53.40", "40.00", "93.40", 1),
        (PENDLE, "ranked", "42.00", "35.37", "77.37", 2),
        (DOCKSIDE, "ranked", "37.20", "34.52", "71.72", 3),
    ]
    assert _rows(lots[5])[:2] == [
        (FYLDE, "ranked", "44.40", "39.58", "83.98", 1),
        (PENDLE, "ranked", "42.00", "40.00", "82.00", 2),
    ]
    dockside = lots[5]["bids"][2]
    assert (dockside["provider"], dockside["status"]) == (DOCKSIDE, "rejected_price")
    assert dockside["clarification"]["status"] == "rejected"
    assert lots[4]["bids"][0]["clarification"]["status"] == "accepted"
    assert lots[4]["bids"][0]["hourly_price"] == "12.60" and lots[4]["bids"][0]["price_per_contact_hour"] == "15.12"


def test_red_rose_is_excluded_with_its_reason_and_evidence_and_never_scored(result):
    lots = {lot["lot"]: lot for lot in result["lots"]}
    for number in (3, 4, 5):
        (red_rose,) = [b for b in lots[number]["bids"] if b["provider"] == REDROSE]
        assert red_rose["status"] == "excluded"
        assert red_rose["rank"] is None and red_rose["total"] is None and red_rose["quality_score"] is None
        assert "Inadequate: Safe" in red_rose["reason"]
    (excluded,) = result["excluded"]
    assert excluded["provider"] == REDROSE and excluded["lots"] == [3, 4, 5]
    assert any(
        (e["location_id"], e["domain"], e["rating"]) == ("1-991000005", "Safe", "Inadequate") and e["publication_date"]
        for e in excluded["evidence"]
    )
    assert not IndividualScore.objects.filter(bid__provider__name=REDROSE).exists()
    assert [f["provider"] for f in result["flagged"]] == [DOCKSIDE]  # not yet rated: due diligence


def test_the_awards_respect_the_lots_cap_and_cover_every_hour(result):
    winners = {lot["lot_key"]: lot["recommended_providers"] for lot in result["awards"]["lots"]}
    assert winners == {
        "Lot 1": [MORECAMBE], "Lot 2": [FYLDE], "Lot 3": [BOWLAND],
        "Lot 4": [MORECAMBE], "Lot 5": [FYLDE], "Lot 6": [MORECAMBE],
    }
    (passed,) = result["awards"]["lots"][1]["passed_over"]
    assert passed["provider_key"] == MORECAMBE and passed["rank"] == 1
    assert result["awards"]["hours_per_week_covered"] == "5678.00"
    assert result["awards"]["hours_per_week_uncovered"] == "0"


def test_the_demo_shows_divergent_scores_and_a_conflicted_evaluator(result):
    lots = {lot["lot"]: lot for lot in result["lots"]}
    pendle = next(b for b in lots[3]["bids"] if b["provider"] == PENDLE)
    q1 = pendle["questions"][0]
    assert q1["divergent"] and q1["spread"] == 2 and q1["consensus"] == 4
    fylde = next(b for b in lots[1]["bids"] if b["provider"] == FYLDE)
    assert {s["evaluator"] for s in fylde["questions"][0]["individual"]} == {"evaluator", "evaluator2"}


def test_loading_the_demo_again_changes_nothing_and_the_audit_chain_holds(result):
    tender = Tender.objects.get(reference="LCC-REAB-2017")
    assert tender.status == "in_evaluation" and tender.price_envelope_opened_at is not None
    runs = EvaluationRun.objects.filter(tender=tender).count()
    call_command("load_demo", stdout=StringIO())
    assert EvaluationRun.objects.filter(tender=tender).count() == runs == 2  # the demo's run and the command's
    first, second = EvaluationRun.objects.filter(tender=tender).order_by("number")
    assert first.results == second.results  # same inputs, same results
    assert audit_verify().ok
