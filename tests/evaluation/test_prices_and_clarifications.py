"""Abnormally low prices: explained and decided before a lot's price scores are final."""
from __future__ import annotations

from decimal import Decimal

import pytest

from common.errors import RuleViolation
from evaluation import services
from evaluation.models import PriceClarification, PriceClarificationStatus
from pricing.selectors import lot_price_check
from tests.evaluation.helpers import moderate, opened_tender, panel, score_all, submit_bid
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db

LOW = "18.00"  # per billed hour on 50 + 10 minutes: 21.60 per contact hour, far below the test preset's model


@pytest.fixture
def priced(commissioner, evaluator, moderator):
    tender = opened_tender()
    lot = tender.lots.get()
    assert lot_price_check(lot=lot, price=Decimal(LOW)).needs_clarification
    assert not lot_price_check(lot=lot, price=Decimal("32.00")).needs_clarification
    bids = {
        "alpha": submit_bid(tender, ProviderFactory(name="Alpha Care Ltd"), prices={1: "32.00"}, reference="B-ALPHA"),
        "bravo": submit_bid(tender, ProviderFactory(name="Bravo Care Ltd"), prices={1: "36.00"}, reference="B-BRAVO"),
        "cheap": submit_bid(tender, ProviderFactory(name="Cheap Care Ltd"), prices={1: LOW}, reference="B-CHEAP"),
    }
    panel(tender, commissioner, evaluator, moderator=moderator)
    for bid in bids.values():
        score_all(bid, evaluator, (3, 3, 6))
    services.moderation_start(tender=tender, user=moderator)
    for bid in bids.values():
        moderate(bid, moderator, (3, 3, 6))
    services.quality_lock(tender=tender, user=moderator)
    services.price_envelope_open(tender=tender, user=commissioner)
    return tender, lot, bids


def _lot(run):
    (lot,) = run.results["lots"]
    return lot, {b["bid_ref"]: b for b in lot["bids"]}


def test_opening_the_price_envelope_raises_a_clarification_for_the_abnormally_low_price(priced):
    tender, lot, bids = priced
    (clarification,) = PriceClarification.objects.all()
    assert clarification.bid == bids["cheap"] and clarification.lot == lot
    assert clarification.status == PriceClarificationStatus.PENDING
    assert clarification.price_check["needs_clarification"] is True
    assert "Abnormally low" in clarification.price_check["message"]


def test_the_lot_is_provisional_and_cannot_be_awarded_until_the_clarification_is_decided(priced, commissioner):
    tender, _, _ = priced
    run = services.evaluation_run(tender=tender, user=commissioner)
    lot, by_ref = _lot(run)
    assert run.results["provisional"] and lot["provisional"]
    assert lot["unresolved_clarifications"] == ["B-CHEAP"]
    assert by_ref["B-CHEAP"]["clarification_unresolved"] is True
    with pytest.raises(RuleViolation, match="decide the price clarifications of B-CHEAP"):
        services.evaluation_award(tender=tender, user=commissioner)


def test_an_accepted_explanation_keeps_the_price_as_the_lowest(priced, commissioner):
    tender, lot, bids = priced
    services.clarification_record(
        bid=bids["cheap"], lot=lot, user=commissioner, decision="accepted",
        explanation="Shared office with an existing contract; staff paid the living wage for travel time.",
        reason="Pays the legal minimum for contact and travel time; running costs covered elsewhere.",
    )
    run = services.evaluation_run(tender=tender, user=commissioner)
    result, by_ref = _lot(run)
    assert not result["provisional"]
    assert result["lowest_acceptable_price"] == "21.60"  # 18.00 x 60 / 50
    assert by_ref["B-CHEAP"]["price_score"] == "40.00" and by_ref["B-CHEAP"]["rank"] == 1
    assert by_ref["B-CHEAP"]["clarification"]["status"] == "accepted"


def test_a_rejected_price_is_not_scored_and_does_not_set_the_lowest_price(priced, commissioner):
    tender, lot, bids = priced
    services.clarification_record(
        bid=bids["cheap"], lot=lot, user=commissioner, decision="rejected",
        explanation="Travel time between visits is not paid.",
        reason="Unpaid travel time takes pay below the National Living Wage.",
    )
    run = services.evaluation_run(tender=tender, user=commissioner)
    result, by_ref = _lot(run)
    assert by_ref["B-CHEAP"]["status"] == "rejected_price"
    assert "Unpaid travel time" in by_ref["B-CHEAP"]["reason"]
    assert by_ref["B-CHEAP"]["quality_score"] == "36.00"  # shown for the assessment summary
    assert by_ref["B-CHEAP"]["total"] is None
    assert result["lowest_acceptable_price"] == "38.40"  # Alpha's 32.00 x 60 / 50
    assert by_ref["B-ALPHA"]["price_score"] == "40.00"


def test_a_decision_needs_the_explanation_and_a_reason(priced, commissioner):
    _, lot, bids = priced
    with pytest.raises(RuleViolation, match="explanation"):
        services.clarification_record(bid=bids["cheap"], lot=lot, user=commissioner, decision="accepted",
                                      explanation="", reason="Fine.")
    with pytest.raises(RuleViolation, match="reason"):
        services.clarification_record(bid=bids["cheap"], lot=lot, user=commissioner, decision="rejected",
                                      explanation="Explained.", reason=" ")


def test_a_price_that_is_not_abnormally_low_needs_no_clarification(priced, commissioner):
    _, lot, bids = priced
    with pytest.raises(RuleViolation, match="not flagged as abnormally low"):
        services.clarification_record(bid=bids["alpha"], lot=lot, user=commissioner, decision="accepted",
                                      explanation="x", reason="y")


def test_the_api_records_a_decision_and_answers_400_for_an_unknown_bid(priced, api_as, commissioner):
    tender, _, _ = priced
    client = api_as(commissioner)
    url = f"/api/evaluation/tenders/{tender.reference}/clarifications/"
    unknown = client.post(url, {"bid": "NOPE", "lot": 1, "explanation": "x", "decision": "accepted", "reason": "y"},
                          format="json")
    assert unknown.status_code == 400
    decided = client.post(url, {"bid": "B-CHEAP", "lot": 1, "explanation": "Explained.", "decision": "accepted",
                                "reason": "Sustainable."}, format="json")
    assert decided.status_code == 200
    assert decided.json()["status"] == "accepted"
    assert [c["status"] for c in client.get(url).json()["results"]] == ["accepted"]
