"""Properties of tender scoring that must hold for any bids (Hypothesis, no database)."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Context, Decimal, localcontext

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.scoring import (
    BidInput,
    Eligibility,
    LotInput,
    PriceFormula,
    Question,
    ResultStatus,
    TenderRules,
    evaluate_tender,
)

D = Decimal
QUESTIONS = (
    Question("q1", D(50), D(5)),
    Question("q2", D(30), D(3)),  # 3 and 7 make quality fractions that do not terminate
    Question("q3", D(20), D(7)),
)
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Few distinct values on purpose, so equal totals (ties) are common.
prices = st.integers(min_value=1200, max_value=4000).map(lambda p: D(p).scaleb(-2)) | st.sampled_from(
    [D("15.00"), D("16.00"), D("20.00"), D("24.00")]
)
scores = st.fixed_dictionaries(
    {"q1": st.integers(0, 5).map(D), "q2": st.integers(0, 3).map(D), "q3": st.integers(0, 7).map(D)}
)
times = st.none() | st.integers(0, 3).map(lambda d: T0 + timedelta(days=d))
statuses = st.sampled_from([Eligibility.ELIGIBLE] * 6 + [Eligibility.EXCLUDED, Eligibility.REJECTED_PRICE])


@st.composite
def bid_lists(draw, min_size=1, max_size=8, lot="north", statuses=statuses):
    n = draw(st.integers(min_size, max_size))
    return [
        BidInput(
            bid_ref=f"{lot}-{i:02d}",
            provider_key=draw(st.sampled_from(["alice", "bob", "carol", "dave", "erin"])),
            lot_key=lot,
            status=draw(statuses),
            reason="CQC Inadequate",
            price_per_contact_hour=draw(prices),
            consensus_scores=draw(scores),
            submitted_at=draw(times),
            needs_clarification_unresolved=draw(st.booleans()),
        )
        for i in range(n)
    ]


@st.composite
def rule_sets(draw, formula=None):
    quality_weight = D(draw(st.integers(0, 100)))
    return TenderRules(
        quality_weight=quality_weight,
        price_weight=D(100) - quality_weight,
        price_formula=formula or draw(st.sampled_from(list(PriceFormula))),
        max_providers_per_lot=draw(st.integers(1, 3)),
        max_lots_per_provider=draw(st.none() | st.integers(1, 2)),
        fail_on_zero_score=draw(st.booleans()),
        quality_threshold_percent=draw(st.none() | st.integers(0, 80).map(D)),
    )


DEFAULT_BENCHMARK = D("20.00")
benchmarks = st.integers(min_value=1200, max_value=3000).map(lambda p: D(p).scaleb(-2))


def run(rules, bids, benchmark=DEFAULT_BENCHMARK):
    return evaluate_tender(rules, QUESTIONS, [LotInput("north", D(360), benchmark, bids)]).lot("north")


@PROPERTY_SETTINGS
@given(rules=rule_sets(), bids=bid_lists(), benchmark=benchmarks)
def test_it_keeps_every_score_within_its_bounds(rules, bids, benchmark):
    lot = run(rules, bids, benchmark)
    for result in lot.ranked:
        assert D(0) <= result.quality_score <= rules.quality_weight
        assert D(0) <= result.price_score <= rules.price_weight
        assert D(0) <= result.total <= D(100)
        # total is quality + price (each rounded once, at the 34th significant digit)
        with localcontext(Context(prec=80)):
            assert abs(result.total - (result.quality_score + result.price_score)) < D("1e-30")


@PROPERTY_SETTINGS
@given(rules=rule_sets(), bids=bid_lists(min_size=2), benchmark=benchmarks)
def test_it_never_gives_a_lower_price_a_lower_price_score_within_a_lot(rules, bids, benchmark):
    ranked = sorted(run(rules, bids, benchmark).ranked, key=lambda r: r.price_per_contact_hour)
    for cheaper, dearer in zip(ranked, ranked[1:], strict=False):
        assert cheaper.price_score >= dearer.price_score


@PROPERTY_SETTINGS
@given(
    formula=st.sampled_from(list(PriceFormula)),
    bids=bid_lists(statuses=st.just(Eligibility.ELIGIBLE)),
    which=st.integers(0, 7),
    cut=st.integers(1, 1000),
    benchmark=benchmarks,
)
def test_it_never_lowers_a_bids_price_score_when_it_lowers_its_price(formula, bids, which, cut, benchmark):
    rules = TenderRules(price_formula=formula)
    target = bids[which % len(bids)]
    cheaper_price = max(D("0.01"), target.price_per_contact_hour - D(cut).scaleb(-2))
    cheaper = [replace(b, price_per_contact_hour=cheaper_price) if b is target else b for b in bids]
    before = run(rules, bids, benchmark).bid(target.bid_ref)
    after = run(rules, cheaper, benchmark).bid(target.bid_ref)
    assert after.price_score >= before.price_score
    assert after.total >= before.total


@PROPERTY_SETTINGS
@given(rules=rule_sets(formula=PriceFormula.RELATIVE_TO_LOWEST), bids=bid_lists())
def test_it_gives_the_lowest_acceptable_price_full_price_marks(rules, bids):
    lot = run(rules, bids)
    ranked = lot.ranked
    if not ranked:
        return
    lowest = min(r.price_per_contact_hour for r in ranked)
    assert lot.lowest_acceptable_price == lowest
    for result in ranked:
        if result.price_per_contact_hour == lowest:
            assert result.price_score == rules.price_weight
        elif rules.price_weight:
            assert result.price_score < rules.price_weight


@PROPERTY_SETTINGS
@given(rules=rule_sets(), bids=bid_lists(), benchmark=benchmarks)
def test_it_never_ranks_or_recommends_excluded_or_rejected_bids(rules, bids, benchmark):
    lot = run(rules, bids, benchmark)
    for bid in bids:
        result = lot.bid(bid.bid_ref)
        if bid.status is Eligibility.EXCLUDED:
            assert result.status is ResultStatus.EXCLUDED
            assert (result.quality_score, result.price_score, result.total) == (None, None, None)
        if bid.status is not Eligibility.ELIGIBLE:
            assert result.rank is None and not result.recommended
            assert all(bid.bid_ref not in split.ranking for split in lot.sensitivity.splits)
    assert [r.rank for r in lot.ranked] == list(range(1, len(lot.ranked) + 1))
    assert [r.bid_ref for r in lot.bids[: len(lot.ranked)]] == [r.bid_ref for r in lot.ranked]


@PROPERTY_SETTINGS
@given(rules=rule_sets(), bids=bid_lists(max_size=7), data=st.data(), benchmark=benchmarks)
def test_it_resolves_ties_the_same_way_in_any_input_order(rules, bids, data, benchmark):
    shuffled = data.draw(st.permutations(bids))
    assert run(rules, shuffled, benchmark).to_dict() == run(rules, bids, benchmark).to_dict()


@PROPERTY_SETTINGS
@given(rules=rule_sets(), bids=bid_lists(min_size=2, statuses=st.just(Eligibility.ELIGIBLE)), benchmark=benchmarks)
def test_it_finds_the_exact_penny_at_which_the_runner_up_would_overtake(rules, bids, benchmark):
    rules = replace(rules, fail_on_zero_score=False, quality_threshold_percent=None)
    sensitivity = run(rules, bids, benchmark).sensitivity
    winner, runner_up = sensitivity.winner, sensitivity.runner_up
    target = next(b for b in bids if b.bid_ref == runner_up)

    def positions(price):
        moved = [replace(b, price_per_contact_hour=price) if b is target else b for b in bids]
        order = [r.bid_ref for r in run(rules, moved, benchmark).ranked]
        return order.index(runner_up), order.index(winner)

    price = sensitivity.runner_up_price_to_win
    if price is None:
        runner_up_place, winner_place = positions(D("0.01"))
        assert runner_up_place > winner_place
        return
    assert price < target.price_per_contact_hour
    runner_up_place, winner_place = positions(price)
    assert runner_up_place < winner_place
    one_penny_more = price + D("0.01")
    if one_penny_more < target.price_per_contact_hour:
        runner_up_place, winner_place = positions(one_penny_more)
        assert runner_up_place > winner_place


@PROPERTY_SETTINGS
@given(rules=rule_sets(), bids=bid_lists(min_size=2, statuses=st.just(Eligibility.ELIGIBLE)), benchmark=benchmarks)
def test_it_finds_the_exact_penny_at_which_the_winner_would_lose_first_place(rules, bids, benchmark):
    rules = replace(rules, fail_on_zero_score=False, quality_threshold_percent=None)
    sensitivity = run(rules, bids, benchmark).sensitivity
    target = next(b for b in bids if b.bid_ref == sensitivity.winner)

    def first(price):
        moved = [replace(b, price_per_contact_hour=price) if b is target else b for b in bids]
        return run(rules, moved, benchmark).ranked[0].bid_ref

    price = sensitivity.winner_price_to_lose
    if price is None:
        assert first(target.price_per_contact_hour * 1000) == sensitivity.winner
        return
    assert price > target.price_per_contact_hour
    assert first(price) != sensitivity.winner
    one_penny_less = price - D("0.01")
    if one_penny_less > target.price_per_contact_hour:
        assert first(one_penny_less) == sensitivity.winner


@PROPERTY_SETTINGS
@given(
    rules=rule_sets(),
    north=bid_lists(lot="north"),
    east=bid_lists(lot="east"),
    central=bid_lists(lot="central"),
)
def test_it_respects_places_per_lot_and_the_lots_per_provider_cap(rules, north, east, central):
    lots = [
        LotInput("north", D(360), D("20.00"), north),
        LotInput("east", D(575), D("20.00"), east),
        LotInput("central", D(2369), D("20.00"), central),
    ]
    result = evaluate_tender(rules, QUESTIONS, lots)
    lots_per_provider: dict[str, int] = {}
    for lot_award in result.awards.lots:
        lot = result.lot(lot_award.lot_key)
        assert len(lot_award.recommended) <= rules.max_providers_per_lot
        assert len(set(lot_award.recommended_providers)) == len(lot_award.recommended_providers)
        ranks = [lot.bid(ref).rank for ref in lot_award.recommended]
        assert None not in ranks and ranks == sorted(ranks)
        for provider in set(lot_award.recommended_providers):
            lots_per_provider[provider] = lots_per_provider.get(provider, 0) + 1
        # A place is left empty only when every other ranked bidder was blocked.
        if lot_award.places_unfilled:
            for other in lot.ranked:
                if other.bid_ref not in lot_award.recommended:
                    blocked_by_cap = other.bid_ref in {p.bid_ref for p in lot_award.passed_over}
                    assert blocked_by_cap or other.provider_key in lot_award.recommended_providers
    if rules.max_lots_per_provider is not None:
        assert all(count <= rules.max_lots_per_provider for count in lots_per_provider.values())
