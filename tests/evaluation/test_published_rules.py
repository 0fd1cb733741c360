"""Published evaluation rules in the pure scoring module (issue 15): ceilings, package prices, tie-breaks.

Same three questions as test_scoring.py: quality = 0.6 x (10 s1 + 6 s2 + 2 s3) at 60/40.
"""
from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.scoring import (
    BidInput,
    CeilingRule,
    Eligibility,
    LotInput,
    PriceFormula,
    Question,
    ResultStatus,
    TenderRules,
    TieBreak,
    draw_key,
    evaluate_tender,
)

D = Decimal
QUESTIONS = (Question("q1", D(50), D(5)), Question("q2", D(30), D(5)), Question("q3", D(20), D(10)))
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def bid(ref, scores=(3, 3, 6), price="16.00", *, package=None, **kwargs):
    return BidInput(
        bid_ref=ref,
        provider_key=f"provider-{ref}",
        lot_key="north",
        price_per_contact_hour=D(price),
        package_price_per_contact_hour=None if package is None else D(package),
        consensus_scores=dict(zip(("q1", "q2", "q3"), (D(s) for s in scores), strict=True)),
        **kwargs,
    )


def evaluate(bids, rules=None, *, package_weight="0", benchmark=None):
    lot = LotInput("north", D(360), None if benchmark is None else D(benchmark), bids, package_weight=D(package_weight))
    return evaluate_tender(rules or TenderRules(), QUESTIONS, [lot])


# --- ceilings ------------------------------------------------------------------


def test_a_bid_above_the_ceiling_is_never_recommended_and_the_same_bid_below_it_is():
    # "best" has the top quality and would win; priced above the ceiling it is not ranked.
    best_above = bid("best", (5, 5, 10), "19.00", status=Eligibility.ABOVE_CEILING, reason="above the ceiling of £18.00")
    rival = bid("rival", (3, 3, 6), "17.00")
    result = evaluate([best_above, rival])
    lot = result.lot("north")
    assert [b.bid_ref for b in lot.ranked] == ["rival"]
    assert lot.bid("best").status is ResultStatus.ABOVE_CEILING
    assert lot.bid("best").reason == "above the ceiling of £18.00"
    assert lot.bid("best").quality_score == D(60)  # its quality is still reported
    assert lot.bid("best").rank is None and not lot.bid("best").recommended
    assert result.awards.lot("north").recommended == ("rival",)
    # It never sets the lowest price either.
    assert lot.lowest_acceptable_price == D("17.00")

    # The same bid below the ceiling wins.
    best_below = bid("best", (5, 5, 10), "19.00")
    result = evaluate([best_below, rival])
    assert result.awards.lot("north").recommended == ("best",)


def test_ranked_for_information_a_bid_above_the_ceiling_is_still_never_recommended():
    rules = TenderRules(ceiling_rule=CeilingRule.RANKED_NOT_RECOMMENDED)
    best_above = bid("best", (5, 5, 10), "19.00", status=Eligibility.ABOVE_CEILING)
    rival = bid("rival", (3, 3, 6), "17.00")
    result = evaluate([best_above, rival], rules)
    lot = result.lot("north")
    assert [b.bid_ref for b in lot.ranked] == ["best", "rival"]
    assert lot.bid("best").above_ceiling and not lot.bid("best").recommended
    award = result.awards.lot("north")
    assert award.recommended == ("rival",)
    assert [p.bid_ref for p in award.passed_over] == ["best"]
    assert "ceiling" in award.passed_over[0].reason


# --- package prices -------------------------------------------------------------


def test_package_prices_change_the_ranking_where_the_published_weights_say():
    # Equal quality. "hourly" is cheaper per hour, "package" far cheaper per package.
    hourly = bid("hourly", price="16.00", package="24.00")
    package = bid("package", price="20.00", package="16.00")

    by_hour = evaluate([hourly, package], package_weight="0").lot("north")
    assert [b.bid_ref for b in by_hour.ranked] == ["hourly", "package"]

    # 50/50: hourly G = 0.5 x 1 + 0.5 x 16/24 = 0.8333; package G = 0.5 x 0.8 + 0.5 x 1 = 0.9.
    mixed = evaluate([hourly, package], package_weight="50").lot("north")
    assert [b.bid_ref for b in mixed.ranked] == ["package", "hourly"]
    assert mixed.bid("package").price_score == D(40) * D("0.9")
    assert mixed.bid("hourly").price_score.quantize(D("0.0001")) == D("33.3333")
    assert mixed.package_weight == D(50)

    # At 20% the hourly price still decides: hourly 0.8 + 0.2 x 2/3 = 0.9333 > package 0.8 x 0.8 + 0.2 = 0.84.
    light = evaluate([hourly, package], package_weight="20").lot("north")
    assert [b.bid_ref for b in light.ranked] == ["hourly", "package"]


def test_a_lot_that_scores_package_prices_needs_one_from_every_scored_bid():
    with pytest.raises(ValueError, match="package"):
        evaluate([bid("a", package="20.00"), bid("b")], package_weight="30")


def test_a_package_weight_outside_0_to_100_is_refused():
    with pytest.raises(ValueError, match="package_weight"):
        LotInput("north", D(1), None, [], package_weight=D(101))


# --- tie-breaks -----------------------------------------------------------------


def _full_tie():
    # Banded formula against a 20.00 benchmark: up to 22.00 earns full price marks (40), 26.01-28.00 a quarter (10).
    # Quality 0.6 x (10 + 6 + 4) = 12, total 52; "quality" scores 0.6 x (50 + 12 + 8) = 42 + 10 = 52 too.
    low = (1, 1, 2)
    return [
        bid("cheaper", low, price="21.00", submitted_at=T0 + timedelta(days=2)),
        bid("early", low, price="21.50", submitted_at=T0),
        bid("late", low, price="21.50", submitted_at=T0 + timedelta(days=1)),
        bid("quality", (5, 2, 4), price="27.00", submitted_at=T0 + timedelta(days=3)),
    ]


def test_ties_go_to_higher_quality_then_lower_price_then_a_drawing_of_lots_by_default():
    rules = TenderRules(price_formula=PriceFormula.BANDED_COST_OF_CARE, tie_break_seed="seed-1")
    lot = evaluate(_full_tie(), rules, benchmark="20.00").lot("north")
    order = [b.bid_ref for b in lot.ranked]
    assert order[:2] == ["quality", "cheaper"]
    drawn = sorted(["early", "late"], key=lambda ref: draw_key("seed-1", ref))
    assert order[2:] == drawn
    # The record says what decided every step, and the drawing is recomputable from the seed.
    (quality_tie,) = [t for t in lot.ties if "cheaper" in t.bids]
    assert quality_tie.bids == tuple(order)
    assert quality_tie.decided_by == ("quality", "price", "drawing of lots")
    assert quality_tie.drawn and quality_tie.seed == "seed-1"
    assert dict(quality_tie.draws) == {ref: draw_key("seed-1", ref) for ref in order}


def test_the_drawing_of_lots_is_reproducible_from_its_seed_and_ignores_submission_time():
    def order(seed, bids):
        rules = TenderRules(price_formula=PriceFormula.BANDED_COST_OF_CARE, tie_break_seed=seed)
        return [b.bid_ref for b in evaluate(bids, rules, benchmark="20.00").lot("north").ranked]

    tied = [bid(f"b{i}", price="21.50", submitted_at=T0 + timedelta(minutes=i)) for i in range(6)]
    first = order("stored-seed", tied)
    for permutation in itertools.islice(itertools.permutations(tied), 30):
        assert order("stored-seed", list(permutation)) == first
    # Different seeds give different draws (for six bids, a same order by chance is 1 in 720).
    assert any(order(f"other-{n}", tied) != first for n in range(3))
    assert first == sorted((b.bid_ref for b in tied), key=lambda ref: draw_key("stored-seed", ref))


def test_submission_time_decides_only_where_the_tender_publishes_it():
    rules = TenderRules(price_formula=PriceFormula.BANDED_COST_OF_CARE, tie_break=TieBreak.SUBMISSION_TIME)
    lot = evaluate(_full_tie(), rules, benchmark="20.00").lot("north")
    assert [b.bid_ref for b in lot.ranked] == ["quality", "cheaper", "early", "late"]
    (tie,) = lot.ties
    assert tie.decided_by == ("quality", "price", "submission time")
    assert not tie.drawn and tie.to_dict()["draws"] == []


def test_rules_carry_the_tie_rule_and_seed_into_the_published_result():
    rules = TenderRules(tie_break_seed="abc", ceiling_rule="not_ranked")
    shown = rules.to_dict()
    assert shown["tie_break"] == "quality_price_lots"
    assert shown["tie_break_seed"] == "abc"
    assert shown["ceiling_rule"] == "not_ranked"


# --- properties -------------------------------------------------------------------

_scores = st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(1, 10))
_prices = st.sampled_from(["15.00", "16.00", "17.50", "19.00", "21.00"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(_scores, _prices, st.booleans()), min_size=1, max_size=6),
    st.sampled_from(list(CeilingRule)),
    st.integers(1, 3),
    st.text(min_size=0, max_size=8),
)
def test_no_bid_above_its_ceiling_is_ever_recommended(rows, rule, places, seed):
    bids = [
        bid(f"b{i}", scores, price, **({"status": Eligibility.ABOVE_CEILING} if above else {}))
        for i, (scores, price, above) in enumerate(rows)
    ]
    rules = TenderRules(ceiling_rule=rule, max_providers_per_lot=places, tie_break_seed=seed)
    result = evaluate(bids, rules)
    above = {f"b{i}" for i, (_, _, flag) in enumerate(rows) if flag}
    assert not above & set(result.awards.lot("north").recommended)
    # Every place goes to a compliant bid while one is left.
    compliant = len(rows) - len(above)
    assert len(result.awards.lot("north").recommended) == min(places, compliant)
