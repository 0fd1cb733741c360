"""Specifications for the pure tender scoring module (no database).

Most tests use the same three published questions, weights adding up to 100:
  q1 weight 50, scored 0-5; q2 weight 30, scored 0-5; q3 weight 20, scored 0-10
so with the default 60/40 split
  quality = 60 x (50 s1/5 + 30 s2/5 + 20 s3/10) / 100 = 0.6 x (10 s1 + 6 s2 + 2 s3).
"""
from __future__ import annotations

import copy
import itertools
import json
import pickle
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from evaluation.scoring import (
    BidInput,
    ConsensusScores,
    Eligibility,
    LotInput,
    PriceFormula,
    Question,
    ResultStatus,
    TenderRules,
    TieBreak,
    collector_paused,
    display_score,
    evaluate_tender,
    recommend_awards,
)

D = Decimal
QUESTIONS = (
    Question("q1", D(50), D(5)),
    Question("q2", D(30), D(5)),
    Question("q3", D(20), D(10)),
)
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def bid(ref, scores=(3, 3, 6), price="16.00", *, lot="north", provider=None, **kwargs):
    return BidInput(
        bid_ref=ref,
        provider_key=provider or f"provider-{ref}",
        lot_key=lot,
        price_per_contact_hour=None if price is None else D(price),
        consensus_scores=dict(zip(("q1", "q2", "q3"), (D(s) for s in scores), strict=True)),
        **kwargs,
    )


def evaluate(bids, rules=None, *, lot="north", hours="360", benchmark=None):
    lot_input = LotInput(lot, D(hours), None if benchmark is None else D(benchmark), bids)
    return evaluate_tender(rules or TenderRules(), QUESTIONS, [lot_input]).lot(lot)


def hand_worked_bids():
    return [
        bid("alpha", (4, 3, 8), "16.00"),
        bid("bravo", (5, 4, 6), "20.00"),
        bid("charlie", (3, 5, 10), "17.50"),
        bid("delta", (2, 2, 4), "15.00"),
    ]


# --- the hand-worked example -------------------------------------------------


def test_it_scores_the_hand_worked_example():
    lot = evaluate(hand_worked_bids())
    a, b, c, d = (lot.bid(ref) for ref in ("alpha", "bravo", "charlie", "delta"))

    # Quality = 0.6 x (10 s1 + 6 s2 + 2 s3)
    assert a.quality_score == D("44.4")  # 0.6 x (40 + 18 + 16) = 0.6 x 74
    assert b.quality_score == D("51.6")  # 0.6 x (50 + 24 + 12) = 0.6 x 86
    assert c.quality_score == D("48")  # 0.6 x (30 + 30 + 20) = 0.6 x 80
    assert d.quality_score == D("24")  # 0.6 x (20 + 12 + 8) = 0.6 x 40

    # Price relative to the lowest acceptable price, delta's 15.00: 40 x 15 / p
    assert lot.lowest_acceptable_price == D("15.00")
    assert a.price_score == D("37.5")  # 40 x 15 / 16 = 600 / 16
    assert b.price_score == D("30")  # 600 / 20
    assert c.price_score.quantize(D("1e-12")) == D("34.285714285714")  # 600 / 17.5
    assert d.price_score == D("40")  # the lowest price gets full marks

    # Totals and ranks: charlie 82.29 > alpha 81.90 > bravo 81.60 > delta 64.00
    assert a.total == D("81.9")
    assert b.total == D("81.6")
    assert c.total.quantize(D("1e-12")) == D("82.285714285714")
    assert d.total == D("64")
    assert [r.bid_ref for r in lot.bids] == ["charlie", "alpha", "bravo", "delta"]
    assert [r.rank for r in lot.bids] == [1, 2, 3, 4]
    assert all(r.status is ResultStatus.RANKED for r in lot.bids)

    # Rounded only when rendered: 2 places, half up.
    rendered = {r["bid_ref"]: r for r in lot.to_dict()["bids"]}
    assert rendered["charlie"]["price_score"] == "34.29"
    assert rendered["charlie"]["total"] == "82.29"
    assert rendered["alpha"]["quality_score"] == "44.40"
    assert rendered["delta"]["total"] == "64.00"


def test_it_gives_identical_results_on_a_rerun_and_renders_json():
    rules = TenderRules(max_providers_per_lot=2)
    lots = [LotInput("north", D(360), None, hand_worked_bids())]
    first = evaluate_tender(rules, QUESTIONS, lots).to_dict()
    second = evaluate_tender(rules, QUESTIONS, lots).to_dict()
    assert first == second
    assert json.loads(json.dumps(first)) == first


def test_it_rounds_half_up_for_display():
    assert display_score(D("82.285")) == "82.29"
    assert display_score(D("0.005")) == "0.01"
    assert display_score(None) is None


# --- ties and input order ----------------------------------------------------


def test_it_ranks_the_same_whatever_the_input_order():
    bids = hand_worked_bids()
    expected = evaluate(bids).to_dict()
    rng = random.Random(2016)
    for _ in range(20):
        rng.shuffle(bids)
        assert evaluate(bids).to_dict() == expected


def test_it_breaks_a_tie_on_total_by_higher_quality():
    # x: 0.6 x 80 = 48 quality + 40 x 15/25 = 24 price = 72
    # y: 0.6 x 70 = 42 quality + 40 x 15/20 = 30 price = 72
    # y was submitted first and has the earlier reference: neither matters here.
    x = bid("x-ray", (3, 5, 10), "25.00", submitted_at=T0 + timedelta(hours=1))
    y = bid("a-yankee", (3, 5, 5), "20.00", submitted_at=T0)
    anchor = bid("delta", (2, 2, 4), "15.00")
    for order in itertools.permutations([x, y, anchor]):
        lot = evaluate(list(order))
        assert lot.bid("x-ray").total == lot.bid("a-yankee").total == D(72)
        assert [r.bid_ref for r in lot.ranked] == ["x-ray", "a-yankee", "delta"]


def test_it_breaks_a_full_tie_by_lower_price_then_earlier_submission_then_bid_reference():
    # Banded formula, benchmark 20.00: every price up to 22.00 earns full price
    # marks, so equal quality gives equal totals and only the tie rules decide.
    # Submission time decides only where the tender publishes that rule (issue 15).
    rules = TenderRules(price_formula=PriceFormula.BANDED_COST_OF_CARE, tie_break=TieBreak.SUBMISSION_TIME)
    bids = [
        bid("e-cheaper", price="21.00", submitted_at=T0 + timedelta(days=2)),
        bid("d-early", price="21.50", submitted_at=T0),
        bid("c-late", price="21.50", submitted_at=T0 + timedelta(days=1)),
        bid("b-untimed", price="21.50"),
        bid("a-untimed", price="21.50"),
    ]
    expected = ["e-cheaper", "d-early", "c-late", "a-untimed", "b-untimed"]
    for order in itertools.permutations(bids):
        lot = evaluate(list(order), rules, benchmark="20.00")
        assert len({r.total for r in lot.ranked}) == 1
        assert [r.bid_ref for r in lot.ranked] == expected
        assert [r.rank for r in lot.ranked] == [1, 2, 3, 4, 5]


# --- who is scored at all ----------------------------------------------------


def test_it_never_scores_or_ranks_excluded_bids():
    inadequate = BidInput(
        bid_ref="echo",
        provider_key="echo-care",
        lot_key="north",
        status=Eligibility.EXCLUDED,
        reason="CQC Inadequate on Safe",
        price_per_contact_hour=D("10.00"),  # would have been the lowest price
        consensus_scores={"q1": D(5), "q2": D(5), "q3": D(10)},
    )
    no_scores = BidInput(bid_ref="foxtrot", provider_key="fox", lot_key="north", status="excluded", reason="late")
    lot = evaluate([*hand_worked_bids(), inadequate, no_scores])

    for ref, reason in (("echo", "CQC Inadequate on Safe"), ("foxtrot", "late")):
        excluded = lot.bid(ref)
        assert excluded.status is ResultStatus.EXCLUDED
        assert excluded.reason == reason
        assert (excluded.quality_score, excluded.price_score, excluded.total, excluded.rank) == (None,) * 4
        assert not excluded.recommended
    assert [r.bid_ref for r in lot.bids][-2:] == ["echo", "foxtrot"]
    assert lot.lowest_acceptable_price == D("15.00")
    assert lot.bid("alpha").price_score == D("37.5")
    assert "echo" not in lot.sensitivity.splits[0].ranking


def test_it_fails_a_bid_that_scored_zero_when_the_tender_says_so():
    zero = bid("zulu", (5, 5, 0), "12.00")  # quality 0.6 x 80 = 48, cheapest of all

    lenient = evaluate([*hand_worked_bids(), zero])
    assert lenient.bid("zulu").status is ResultStatus.RANKED
    assert lenient.lowest_acceptable_price == D("12.00")

    strict = evaluate([*hand_worked_bids(), zero], TenderRules(fail_on_zero_score=True))
    failed = strict.bid("zulu")
    assert failed.status is ResultStatus.FAILED_QUALITY
    assert failed.reason == "scored 0 on question(s) q3"
    assert failed.quality_score == D(48)  # shown for the assessment summary
    assert (failed.price_score, failed.total, failed.rank) == (None, None, None)
    # A failed bid's price is not an acceptable price.
    assert strict.lowest_acceptable_price == D("15.00")
    assert strict.bid("alpha").price_score == D("37.5")


def test_it_fails_a_bid_below_the_quality_threshold_and_passes_one_exactly_at_it():
    rules = TenderRules(quality_threshold_percent=D(40))  # 40% of 60 = 24.00
    weak = bid("weak", (2, 2, 3), "14.00")  # 0.6 x (20 + 12 + 6) = 22.8
    lot = evaluate([*hand_worked_bids(), weak], rules)

    assert lot.bid("weak").status is ResultStatus.FAILED_QUALITY
    assert lot.bid("weak").reason == "quality score 22.80 is below the threshold of 24.00 (40% of 60)"
    assert lot.bid("delta").status is ResultStatus.RANKED  # exactly 24.00 passes
    assert lot.lowest_acceptable_price == D("15.00")


def test_it_uses_the_lowest_acceptable_price_when_an_abnormally_low_price_is_rejected():
    rejected = bid("romeo", (5, 5, 10), "11.00", status=Eligibility.REJECTED_PRICE)
    lot = evaluate([*hand_worked_bids(), rejected])

    romeo = lot.bid("romeo")
    assert romeo.status is ResultStatus.REJECTED_PRICE
    assert romeo.reason == "abnormally low price rejected after clarification"
    assert romeo.quality_score == D(60)
    assert (romeo.price_score, romeo.total, romeo.rank) == (None, None, None)
    assert lot.lowest_acceptable_price == D("15.00")  # delta, not romeo's 11.00
    assert lot.bid("delta").price_score == D(40)
    assert [r.bid_ref for r in lot.ranked] == ["charlie", "alpha", "bravo", "delta"]


def test_it_marks_the_lot_provisional_while_a_price_clarification_is_unresolved():
    bids = hand_worked_bids()
    assert not evaluate(bids).provisional

    bids[3] = bid("delta", (2, 2, 4), "15.00", needs_clarification_unresolved=True)
    lot = evaluate(bids)
    assert lot.provisional
    assert lot.unresolved_clarifications == ("delta",)
    assert lot.bid("delta").clarification_unresolved
    assert lot.to_dict()["provisional"] is True


def test_it_does_not_mark_the_lot_provisional_for_a_bid_that_is_not_price_scored():
    unresolved_but_failed = bid("weak", (0, 0, 0), "9.00", needs_clarification_unresolved=True)
    lot = evaluate([*hand_worked_bids(), unresolved_but_failed], TenderRules(fail_on_zero_score=True))
    assert not lot.provisional


# --- the other price formulas ------------------------------------------------


def test_it_scores_relative_to_the_mean_with_full_marks_at_or_below_it():
    # Acceptable prices 16 + 20 + 17.50 + 15 = 68.50, mean 17.125.
    # price = 40 x (1 - (p - m)/m) = 40 x (2S - n p)/S, capped at 40, floored at 0.
    lot = evaluate(hand_worked_bids(), TenderRules(price_formula=PriceFormula.RELATIVE_TO_MEAN))
    assert lot.mean_acceptable_price == D("17.125")
    assert lot.bid("alpha").price_score == D(40)  # 16.00 is below the mean
    assert lot.bid("delta").price_score == D(40)
    c = lot.bid("charlie").price_score  # 40 x (137 - 70) / 68.5 = 39.1241
    b = lot.bid("bravo").price_score  # 40 x (137 - 80) / 68.5 = 33.2847
    assert c.quantize(D("0.0001")) == D("39.1241")
    assert b.quantize(D("0.0001")) == D("33.2847")
    # charlie 48 + 39.12 = 87.12; bravo 51.6 + 33.28 = 84.88; alpha 84.40; delta 64
    assert [r.bid_ref for r in lot.ranked] == ["charlie", "bravo", "alpha", "delta"]


def test_it_gives_no_price_marks_at_twice_the_mean_or_more():
    rules = TenderRules(price_formula=PriceFormula.RELATIVE_TO_MEAN)
    lot = evaluate([bid("a", price="10.00"), bid("b", price="10.00"), bid("c", price="40.00")], rules)
    assert lot.mean_acceptable_price == D(20)
    assert lot.bid("c").price_score == D(0)
    lot = evaluate([bid("a", price="10.00"), bid("b", price="30.00")], rules)
    assert lot.bid("b").price_score == D(20)  # 50% above the mean loses half the marks


@pytest.mark.parametrize(
    ("price", "expected"),
    [
        ("18.00", D(40)),  # below the benchmark, accepted after clarification: full marks
        ("20.00", D(40)),
        ("22.00", D(40)),  # exactly 10% above: the band includes its upper bound
        ("22.01", D(30)),  # 75%
        ("24.00", D(30)),
        ("25.50", D(20)),  # 27.5% above: 50%
        ("28.00", D(10)),  # 40% above: 25%
        ("28.01", D(0)),
    ],
)
def test_it_scores_price_in_bands_above_the_cost_of_care_benchmark(price, expected):
    rules = TenderRules(price_formula=PriceFormula.BANDED_COST_OF_CARE)
    lot = evaluate([bid("solo", price=price)], rules, benchmark="20.00")
    assert lot.bid("solo").price_score == expected


def test_it_refuses_the_banded_formula_without_a_benchmark():
    with pytest.raises(ValueError, match="benchmark"):
        evaluate([bid("solo")], TenderRules(price_formula="banded_cost_of_care"))


# --- awards ------------------------------------------------------------------


def three_lots():
    """Same price everywhere (40 price marks each), so quality alone orders a lot.

    (5,5,10) = 60, (5,5,5) = 54, (4,4,8) = 48, (3,3,6) = 36, (2,2,4) = 24.
    """
    def lot(key, hours, ranking):
        bids = [bid(f"{who}-{key}", scores, "18.00", lot=key, provider=who) for who, scores in ranking]
        return LotInput(key, D(hours), None, bids)

    return [
        lot("north", 360, [("alice", (5, 5, 5)), ("bob", (4, 4, 8)), ("carol", (3, 3, 6)), ("dave", (2, 2, 4))]),
        lot("east", 575, [("alice", (5, 5, 10)), ("carol", (4, 4, 8)), ("bob", (3, 3, 6)), ("dave", (2, 2, 4))]),
        lot("central", 2369, [("bob", (5, 5, 10)), ("alice", (4, 4, 8)), ("dave", (3, 3, 6)), ("carol", (2, 2, 4))]),
    ]


def test_it_recommends_the_top_bidders_per_lot_with_the_hours_they_cover():
    result = evaluate_tender(TenderRules(max_providers_per_lot=2), QUESTIONS, three_lots())
    awards = result.awards
    assert awards.lot("north").recommended == ("alice-north", "bob-north")
    assert awards.lot("east").recommended == ("alice-east", "carol-east")
    assert awards.lot("central").recommended == ("bob-central", "alice-central")
    assert awards.hours_per_week_covered == D(360 + 575 + 2369)
    assert {p.provider_key: p.hours_per_week_in_lots for p in awards.providers} == {
        "alice": D(360 + 575 + 2369),
        "bob": D(360 + 2369),
        "carol": D(575),
    }
    north = result.lot("north")
    assert [b.recommended for b in north.bids] == [True, True, False, False]


def test_it_keeps_a_capped_providers_best_lots_and_recommends_the_next_bidder_instead():
    rules = TenderRules(max_providers_per_lot=1, max_lots_per_provider=1)
    result = evaluate_tender(rules, QUESTIONS, three_lots())
    awards = result.awards

    # alice is first in north (total 94) and east (100): she keeps east, her
    # higher total. bob, next in north, already holds central, where he is
    # first; so north goes to carol, third.
    assert awards.lot("east").recommended == ("alice-east",)
    assert awards.lot("central").recommended == ("bob-central",)
    assert awards.lot("north").recommended == ("carol-north",)
    passed = awards.lot("north").passed_over
    assert [(p.bid_ref, p.rank) for p in passed] == [("alice-north", 1), ("bob-north", 2)]
    assert "maximum of 1 lot(s)" in passed[0].reason and "east" in passed[0].reason
    assert {p.provider_key: p.lot_keys for p in awards.providers} == {
        "alice": ("east",),
        "bob": ("central",),
        "carol": ("north",),
    }
    assert result.lot("north").bid("carol-north").recommended
    assert not result.lot("north").bid("alice-north").recommended
    # The same function is available on its own for "what if" caps.
    assert recommend_awards(result.lots, 1, 1) == awards


def test_it_leaves_places_unfilled_when_too_few_bids_pass():
    lots = [
        LotInput("north", D(360), None, [bid("solo", lot="north")]),
        LotInput("east", D(575), None, [bid("weak", (0, 0, 0), lot="east")]),
    ]
    result = evaluate_tender(TenderRules(max_providers_per_lot=2, fail_on_zero_score=True), QUESTIONS, lots)
    assert result.awards.lot("north").places_unfilled == 1
    assert result.awards.lot("east").recommended == ()
    assert result.awards.hours_per_week_uncovered == D(575)
    assert result.lot("east").sensitivity.winner is None


# --- sensitivity -------------------------------------------------------------


def test_it_shows_the_winner_changing_at_80_20():
    # At 80/20: bravo 0.8 x 86 + 20 x 0.75 = 83.80 beats charlie 64 + 17.14 = 81.14.
    sensitivity = evaluate(hand_worked_bids()).sensitivity
    by_split = {(s.quality_weight, s.price_weight): s for s in sensitivity.splits}
    assert sensitivity.splits[0].is_tender_split
    assert by_split[(D(60), D(40))].winner == "charlie"
    assert by_split[(D(80), D(20))].winner == "bravo"
    assert by_split[(D(80), D(20))].winner_changed
    assert by_split[(D(70), D(30))].winner == "bravo"
    # At 50/50 price leads: alpha 37 + 46.875 = 83.875.
    assert by_split[(D(50), D(50))].ranking == ("alpha", "charlie", "bravo", "delta")
    assert sensitivity.winner_changes_at_any_split


def test_it_shows_a_dominant_winner_unchanged_at_every_split():
    bids = [bid("best", (5, 5, 10), "15.00"), *hand_worked_bids()[:3]]
    sensitivity = evaluate(bids).sensitivity
    assert {s.winner for s in sensitivity.splits} == {"best"}
    assert not sensitivity.winner_changes_at_any_split
    assert any(s.ranking_changed for s in sensitivity.splits)  # the places below it do move


def test_it_works_out_how_far_prices_must_move_to_change_the_winner():
    sensitivity = evaluate(hand_worked_bids()).sensitivity
    assert (sensitivity.winner, sensitivity.runner_up) == ("charlie", "alpha")

    # alpha wins when 44.4 + 600/p > 82.2857, i.e. p < 15.8371: 15.83, a 1.06% cut.
    assert sensitivity.runner_up_price_to_win == D("15.83")
    assert display_score(sensitivity.runner_up_price_cut_percent) == "1.06"
    moved = [bid("alpha", (4, 3, 8), "15.83"), *hand_worked_bids()[1:]]
    assert evaluate(moved).ranked[0].bid_ref == "alpha"
    moved = [bid("alpha", (4, 3, 8), "15.84"), *hand_worked_bids()[1:]]
    assert evaluate(moved).ranked[0].bid_ref == "charlie"

    # charlie loses first place when 48 + 600/p < 81.90 (alpha), i.e. p > 17.699: 17.70, +1.14%.
    assert sensitivity.winner_price_to_lose == D("17.70")
    assert display_score(sensitivity.winner_price_rise_percent) == "1.14"


def test_it_says_cannot_when_no_price_move_would_change_the_winner():
    # The winner's quality (60) beats the runner-up's best possible total (12 + 40).
    bids = [bid("strong", (5, 5, 10), "20.00"), bid("weak", (1, 1, 2), "21.00")]
    sensitivity = evaluate(bids).sensitivity
    assert sensitivity.runner_up == "weak"
    assert sensitivity.runner_up_price_to_win is None
    assert sensitivity.runner_up_price_cut_percent is None
    assert sensitivity.winner_price_to_lose is None
    assert sensitivity.to_dict()["runner_up_price_to_win"] is None


# --- bad input ---------------------------------------------------------------


def test_it_refuses_weights_that_do_not_add_up_to_100():
    with pytest.raises(ValueError, match="add up to 100"):
        TenderRules(quality_weight=D(60), price_weight=D(30))


def test_it_refuses_floats_for_money():
    with pytest.raises(TypeError):
        BidInput("alpha", "alpha-care", "north", price_per_contact_hour=16.3)
    with pytest.raises(TypeError):
        Question("q1", 0.5, D(5))


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({"q1": D(6), "q2": D(1), "q3": D(1)}, "outside 0-5"),
        ({"q1": D(-1), "q2": D(1), "q3": D(1)}, "outside 0-5"),
        ({"q1": D(1), "q2": D(1)}, "no consensus score for question q3"),
        ({"q1": D(1), "q2": D(1), "q3": D(1), "q9": D(1)}, "unknown questions"),
    ],
)
def test_it_refuses_scores_off_the_published_scale(scores, message):
    bad = BidInput("x", "px", "north", price_per_contact_hour=D(16), consensus_scores=scores)
    with pytest.raises(ValueError, match=message):
        evaluate([bad])


def test_it_refuses_inconsistent_bids():
    with pytest.raises(ValueError, match="unique"):
        evaluate([bid("alpha"), bid("alpha")])
    with pytest.raises(ValueError, match="listed under"):
        evaluate([bid("alpha", lot="east")])
    with pytest.raises(ValueError, match="needs a price"):
        evaluate([bid("alpha", price=None)])


# --- consensus scores checked once (issue 17) ------------------------------------


def test_consensus_scores_are_checked_once_and_then_read_only():
    scores = ConsensusScores({"q1": 4, "q2": "3", "q3": D(8)}, "bid alpha")
    assert scores == {"q1": D(4), "q2": D(3), "q3": D(8)} and all(type(v) is Decimal for v in scores.values())
    for change in (lambda: scores.__setitem__("q1", D(5)), lambda: scores.update(q1=D(5)), scores.clear,
                   lambda: scores.pop("q1"), scores.popitem, lambda: scores.setdefault("q4", D(1))):
        with pytest.raises(TypeError, match="read-only"):
            change()
    assert scores["q1"] == D(4)
    copied = copy.deepcopy(scores)
    assert type(copied) is ConsensusScores and copied == scores
    assert pickle.loads(pickle.dumps(scores)) == scores
    with pytest.raises(TypeError, match="bid alpha score for q1"):
        ConsensusScores({"q1": 4.5}, "bid alpha")
    with pytest.raises(ValueError, match="bid alpha score for q2"):
        ConsensusScores({"q2": "NaN"}, "bid alpha")


def test_a_bid_keeps_a_consensus_scores_as_it_is_and_copies_a_plain_mapping():
    shared = ConsensusScores({"q1": D(4), "q2": D(3), "q3": D(8)})
    north = BidInput("a-north", "alpha", "north", price_per_contact_hour=D(16), consensus_scores=shared)
    east = BidInput("a-east", "alpha", "east", price_per_contact_hour=D(17), consensus_scores=shared)
    assert north.consensus_scores is shared and east.consensus_scores is shared
    plain = {"q1": D(4), "q2": D(3), "q3": D(8)}
    own = BidInput("b-north", "bravo", "north", price_per_contact_hour=D(16), consensus_scores=plain)
    plain["q1"] = D(0)  # the caller's later change does not reach the bid
    assert own.consensus_scores["q1"] == D(4) and own.consensus_scores is not plain


def test_shared_scores_give_each_lot_the_quality_plain_ones_do():
    shared = ConsensusScores({"q1": D(4), "q2": D(3), "q3": D(8)})
    lots = [LotInput(lot, D(100), None, [
        BidInput(f"a-{lot}", "alpha", lot, price_per_contact_hour=D(16), consensus_scores=shared),
        bid(f"b-{lot}", (4, 3, 8), "17.00", lot=lot, provider="bravo"),
    ]) for lot in ("north", "east")]
    result = evaluate_tender(TenderRules(), QUESTIONS, lots)
    for lot in result.lots:
        alpha, bravo = (lot.bid(f"{who}-{lot.lot_key}") for who in ("a", "b"))
        assert alpha.quality_score == bravo.quality_score and alpha.rank == 1


def test_a_shared_score_off_the_scale_is_refused_in_every_lot():
    shared = ConsensusScores({"q1": D(6), "q2": D(3), "q3": D(8)})
    bad = BidInput("x", "px", "north", price_per_contact_hour=D(16), consensus_scores=shared)
    with pytest.raises(ValueError, match="bid x: score 6 for question q1 is outside 0-5"):
        evaluate([bad])


def test_collector_paused_switches_the_collector_back_on_however_the_block_ends():
    import gc

    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with collector_paused():
            assert not gc.isenabled()
            raise RuntimeError("stop")
    assert gc.isenabled()
