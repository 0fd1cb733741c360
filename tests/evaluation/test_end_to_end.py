"""The hand-worked example, end to end through the services and the database.

The same four bids as tests/evaluation/test_scoring.py, now as stored bids on one lot,
scored blind by two evaluators, moderated, price envelope opened, and evaluated.

Published questions (weights add up to 100), 60% quality / 40% price:
  Q1 weight 50, scored 0-5; Q2 weight 30, scored 0-5; Q3 weight 20, scored 0-10
  quality = 60 x (50 s1/5 + 30 s2/5 + 20 s3/10) / 100 = 0.6 x (10 s1 + 6 s2 + 2 s3)

Prices are bid per billed hour on the 50 contact + 10 travel minute basis and compared per
contact hour: price x 60 / 50.

  bid      consensus   quality                      billed   per contact hour   price = 40 x 36.00 / p   total
  alpha    4, 3, 8     0.6 x (40+18+16) = 44.40     32.00    38.40              37.50                    81.90
  bravo    5, 4, 6     0.6 x (50+24+12) = 51.60     40.00    48.00              30.00                    81.60
  charlie  3, 5, 10    0.6 x (30+30+20) = 48.00     35.00    42.00              34.2857... -> 34.29      82.29
  delta    2, 2, 4     0.6 x (20+12+8)  = 24.00     30.00    36.00 (lowest)     40.00                    64.00
  echo     -           excluded: its CQC location is rated Inadequate on Safe, so never scored

Ranks: charlie 1, alpha 2, bravo 3, delta 4; one place per lot, so charlie is recommended.
"""
from __future__ import annotations

import pytest

from common.models import AuditEntry
from evaluation import services
from evaluation.assemble import results_from_inputs
from evaluation.models import EvaluationRun
from tests.evaluation.helpers import (
    cqc_location,
    declare,
    extra_evaluator,
    moderate,
    opened_tender,
    panel,
    score_all,
    submit_bid,
)
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db

CONSENSUS = {"alpha": (4, 3, 8), "bravo": (5, 4, 6), "charlie": (3, 5, 10), "delta": (2, 2, 4)}
PRICES = {"alpha": "32.00", "bravo": "40.00", "charlie": "35.00", "delta": "30.00"}


@pytest.fixture
def evaluated(commissioner, evaluator, moderator):
    tender = opened_tender()
    bids = {
        name: submit_bid(tender, ProviderFactory(name=f"{name.title()} Care Ltd"), prices={1: price},
                         reference=f"B-{name.upper()}")
        for name, price in PRICES.items()
    }
    echo = ProviderFactory(name="Echo Care Ltd")
    cqc_location("1-550000999", echo.cqc_provider_id, {"Overall": "Requires improvement", "Safe": "Inadequate",
                                                      "Effective": "Good"})
    bids["echo"] = submit_bid(tender, echo, prices={1: "20.00"}, location_ids=["1-550000999"], reference="B-ECHO")
    second = extra_evaluator("euan")
    panel(tender, commissioner, evaluator, second, moderator=moderator)
    services.bids_assess_cqc(tender=tender, user=commissioner)
    for name, scores in CONSENSUS.items():
        # Individual scores differ a little; the consensus is what counts.
        score_all(bids[name], evaluator, scores)
        score_all(bids[name], second, [max(0, s - 1) for s in scores])
    services.moderation_start(tender=tender, user=moderator)
    for name, scores in CONSENSUS.items():
        moderate(bids[name], moderator, scores)
    services.quality_lock(tender=tender, user=moderator)
    services.price_envelope_open(tender=tender, user=commissioner)
    run = services.evaluation_run(tender=tender, user=commissioner)
    return tender, bids, run


def _bids(run):
    (lot,) = run.results["lots"]
    return lot, {b["bid_ref"]: b for b in lot["bids"]}


def test_it_scores_ranks_and_recommends_the_hand_worked_example_through_the_database(evaluated):
    tender, _, run = evaluated
    lot, by_ref = _bids(run)
    got = {ref: (b["quality_score"], b["price_score"], b["total"], b["rank"]) for ref, b in by_ref.items()}
    assert got == {
        "B-ALPHA": ("44.40", "37.50", "81.90", 2),
        "B-BRAVO": ("51.60", "30.00", "81.60", 3),
        "B-CHARLIE": ("48.00", "34.29", "82.29", 1),
        "B-DELTA": ("24.00", "40.00", "64.00", 4),
        "B-ECHO": (None, None, None, None),
    }
    assert [b["bid_ref"] for b in lot["bids"]] == ["B-CHARLIE", "B-ALPHA", "B-BRAVO", "B-DELTA", "B-ECHO"]
    assert by_ref["B-DELTA"]["hourly_price"] == "30.00"
    assert by_ref["B-DELTA"]["price_per_contact_hour"] == "36.00"  # 30.00 x 60 / 50
    assert lot["lowest_acceptable_price"] == "36.00"
    assert lot["award"]["recommended"] == ["B-CHARLIE"]
    assert by_ref["B-CHARLIE"]["recommended"] is True
    assert run.results["awards"]["hours_per_week_covered"] == "500.00"
    assert run.is_current and run.number == 1


def test_it_lists_the_excluded_bid_with_its_reason_and_rating_evidence(evaluated):
    _, _, run = evaluated
    _, by_ref = _bids(run)
    echo = by_ref["B-ECHO"]
    assert echo["status"] == "excluded"
    assert "Inadequate" in echo["reason"] and "Safe" in echo["reason"]
    assert echo["questions"] == []  # never scored
    (excluded,) = run.results["excluded"]
    assert excluded["provider"] == "Echo Care Ltd"
    assert {"location_id": "1-550000999", "service_group": "Overall", "domain": "Safe", "rating": "Inadequate",
            "publication_date": "2016-11-01"} in excluded["evidence"]


def test_it_keeps_individual_and_consensus_scores_in_the_stored_result(evaluated):
    _, _, run = evaluated
    _, by_ref = _bids(run)
    q1 = by_ref["B-ALPHA"]["questions"][0]
    assert q1["consensus"] == 4
    assert q1["rationale"] == "Panel agreed 4."
    assert sorted((s["evaluator"], s["score"]) for s in q1["individual"]) == [("erin", 4), ("euan", 3)]
    assert q1["spread"] == 1 and q1["divergent"] is False


def test_re_running_on_the_same_inputs_gives_identical_results(evaluated, commissioner):
    tender, _, first = evaluated
    second = services.evaluation_run(tender=tender, user=commissioner)
    first.refresh_from_db()
    assert second.number == 2 and second.is_current and not first.is_current
    assert second.inputs_digest == first.inputs_digest
    assert second.results == first.results
    assert second.results_digest == first.results_digest
    # The stored results follow from the stored inputs alone.
    assert results_from_inputs(second.inputs) == second.results
    assert EvaluationRun.objects.filter(tender=tender, is_current=True).count() == 1


def test_every_step_is_in_the_audit_log(evaluated):
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "evaluation.assigned", "evaluation.conflict_declared", "evaluation.cqc_assessed",
        "evaluation.score_submitted", "evaluation.moderation_started", "evaluation.consensus_recorded",
        "evaluation.quality_locked", "tender.in_evaluation", "evaluation.price_envelope_opened", "evaluation.run",
    } <= actions


def test_the_award_rechecks_cqc_and_moves_the_tender_to_awarded(evaluated, commissioner):
    tender, _, _ = evaluated
    tender = services.evaluation_award(tender=tender, user=commissioner, note="Panel report approved.")
    assert tender.status == "awarded"
    assert AuditEntry.objects.filter(action="evaluation.awarded").exists()
    assert AuditEntry.objects.filter(action="evaluation.cqc_assessed", after__stage="award").count() == 1


def test_a_published_quality_threshold_fails_a_weak_bid_before_price_scoring(evaluated, commissioner):
    tender, _, _ = evaluated
    # Stated before publication in real life; set here to show the rule end to end.
    tender.quality_threshold_percent = 50
    tender.save(update_fields=["quality_threshold_percent"])
    run = services.evaluation_run(tender=tender, user=commissioner)
    _, by_ref = _bids(run)
    delta = by_ref["B-DELTA"]
    assert delta["status"] == "failed_quality"
    assert delta["reason"] == "quality score 24.00 is below the threshold of 30.00 (50.00% of 60.00)"
    assert delta["price_score"] is None and delta["rank"] is None
    # Delta's 36.00 no longer sets the lowest price: alpha's 38.40 does.
    # alpha 44.40 + 40 = 84.40; bravo 51.60 + 40 x 38.40/48.00 = 83.60; charlie 48.00 + 40 x 38.40/42.00 = 84.57
    assert by_ref["B-ALPHA"]["price_score"] == "40.00"
    assert [(r, by_ref[r]["total"], by_ref[r]["rank"]) for r in ("B-CHARLIE", "B-ALPHA", "B-BRAVO")] == [
        ("B-CHARLIE", "84.57", 1), ("B-ALPHA", "84.40", 2), ("B-BRAVO", "83.60", 3),
    ]


def test_the_inputs_work_out_each_lots_cost_model_once_for_all_its_bids(evaluated, monkeypatch):
    """The price checks in a run's inputs are the same with the lot's model worked out once (issue 17)."""
    import pricing.selectors
    from evaluation import selectors

    tender, _bids, _run = evaluated
    real = pricing.selectors.lot_benchmark
    calls = []
    monkeypatch.setattr(pricing.selectors, "lot_benchmark", lambda *, lot: calls.append(lot.pk) or real(lot=lot))
    memo = selectors.evaluation_inputs(tender=tender)
    checks = sum(b["price_check"] is not None for lot in memo["lots"] for b in lot["bids"])
    assert checks >= 4 and len(calls) == len(memo["lots"])  # one model per lot, for its checks and its benchmark
    real_model = selectors._lot_model
    monkeypatch.setattr(selectors, "_lot_model", lambda lot, models: real_model(lot, None))  # worked out each time
    assert selectors.evaluation_inputs(tender=tender) == memo


def test_a_runs_inputs_take_the_same_queries_however_many_bids(evaluated, evaluator, moderator):
    """Reading a run's inputs (also each time a page asks whether the run is stale) makes a fixed set of
    queries: six more bids, one of them with a declared conflict, add none (issue 17: the conflicts
    were read once per bid)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from evaluation import selectors

    tender, _bids, _run = evaluated
    with CaptureQueriesContext(connection) as before:
        inputs = selectors.evaluation_inputs(tender=tender)
    assert sum(len(lot["bids"]) for lot in inputs["lots"]) == 5
    more = [submit_bid(tender, ProviderFactory(), prices={1: f"3{n}.00"}) for n in range(6)]
    declare(tender, evaluator, conflicts=more[:1])
    declare(tender, moderator)
    with CaptureQueriesContext(connection) as after:
        inputs = selectors.evaluation_inputs(tender=tender)
    assert sum(len(lot["bids"]) for lot in inputs["lots"]) == 11
    assert len(after.captured_queries) == len(before.captured_queries), [q["sql"] for q in after.captured_queries]


def test_an_evaluator_who_declares_a_conflict_after_scoring_is_left_out_of_the_inputs(commissioner, evaluator):
    from evaluation import selectors

    tender = opened_tender()
    alpha, bravo = (submit_bid(tender, ProviderFactory(), prices={1: price}) for price in ("30.00", "31.00"))
    second = extra_evaluator("euan")
    panel(tender, commissioner, evaluator, second)
    for bid in (alpha, bravo):
        score_all(bid, evaluator, (4, 4, 8))
        score_all(bid, second, (3, 3, 6))
    declare(tender, evaluator, conflicts=[alpha.provider])  # found later, before moderation

    def scorers(bid):
        entry = next(b for b in selectors.evaluation_inputs(tender=tender)["lots"][0]["bids"] if b["bid_ref"] == bid.reference)
        return {s["evaluator"] for row in entry["individual_scores"].values() for s in row}

    assert scorers(alpha) == {"euan"}
    assert scorers(bravo) == {evaluator.username, "euan"}
