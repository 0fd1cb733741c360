"""Issue 17: the faster `evaluate_tender` gives the very same result as the all-Decimal one.

The reference is `tests/evaluation/scoring_reference.py`, the module as it was before the change,
verbatim. Every case below builds the same tender for both and compares every field of the
result: each Decimal as its exact text (so even a different exponent would show), enums by
value, times as ISO text, and `to_dict()` as well. The tenders cover what the float pre-ordering
has to get right: drawn and real ties, near-ties closer than a float can tell apart, ceilings
under both rules, exclusions, rejected prices, failed quality, the lots-per-provider cap, the
three price formulas, package prices, a basis (45 contact minutes) whose prices per contact hour
do not terminate, and inputs floats cannot hold, which must take the exact path.
"""
from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import evaluation.scoring as scoring
from pricing.conversion import MinuteBasis, per_contact_hour
from tests.evaluation import scoring_reference as reference
from tests.evaluation.test_scoring_properties import PROPERTY_SETTINGS, QUESTIONS, benchmarks, bid_lists, rule_sets

D = Decimal
T0 = datetime(2025, 10, 6, 8, 0, tzinfo=UTC)
NO_PACKAGE = D(0)


# --- Comparing results ------------------------------------------------------------------------


def exact(value: Any) -> Any:
    """A result as nested tuples of text: Decimals by their exact text, so 1.0 and 1.00 differ."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,) + tuple(
            (f.name, exact(getattr(value, f.name))) for f in dataclasses.fields(value)
        )
    if isinstance(value, Enum):
        return ("enum", value.value)
    if isinstance(value, Decimal):
        return ("Decimal", str(value))
    if isinstance(value, datetime):
        return ("datetime", value.isoformat())
    if isinstance(value, (tuple, list, scoring.BidResults)):  # the results of a lot, made as they are read
        return tuple(exact(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, exact(v)) for k, v in value.items()))
    assert value is None or isinstance(value, (str, int, bool, frozenset)), type(value)
    return (type(value).__name__, repr(value))


def assert_identical(spec: dict[str, Any], rendered: bool = True) -> Any:
    """Evaluate `spec` with both modules; every field and `to_dict()` must be the same. Returns today's."""
    expected = reference.evaluate_tender(*build(reference, spec))
    actual = scoring.evaluate_tender(*build(scoring, spec))
    assert exact(actual) == exact(expected)
    if rendered:
        assert actual.to_dict() == expected.to_dict()
    return actual


# --- Generated tenders --------------------------------------------------------------------------


def build(module: Any, spec: dict[str, Any], shared_scores: bool = False) -> tuple[Any, list[Any], list[Any]]:
    """The spec's rules, questions and lots as `module`'s own input classes (enums go in as text).

    `shared_scores`: each bid's scores go in as one `ConsensusScores` for all the lots it prices,
    as `evaluation.assemble` hands them over, instead of a plain dict per bid-lot."""
    rules = module.TenderRules(**spec["rules"])
    questions = [module.Question(*q) for q in spec["questions"]]
    shared: dict[int, Any] = {}

    def bid_input(bid: dict[str, Any]) -> Any:
        if shared_scores:
            scores = bid["consensus_scores"]
            if id(scores) not in shared:
                shared[id(scores)] = module.ConsensusScores(scores)
            bid = {**bid, "consensus_scores": shared[id(scores)]}
        return module.BidInput(**bid)

    lots = [
        module.LotInput(
            lot_key=lot["lot_key"], hours_per_week=lot["hours"], cost_of_care_benchmark=lot["benchmark"],
            package_weight=lot["package_weight"], bids=[bid_input(bid) for bid in lot["bids"]],
        )
        for lot in spec["lots"]
    ]
    return rules, questions, lots


def tender(
    seed: int,
    *,
    formula: str = "relative_to_lowest",
    bids: int = 60,
    lots: int = 4,
    contact_minutes: int = 50,
    ceiling_rule: str = "not_ranked",
    tie_break: str = "quality_price_lots",
    package_weight: Decimal = NO_PACKAGE,
    weights: tuple[Decimal, Decimal] = (D(60), D(40)),
    max_lots_per_provider: int | None = 2,
) -> dict[str, Any]:
    """A reproducible tender: few distinct scores and prices (so totals tie), some bids copying
    another's scores and prices exactly (real ties, drawn or timed), exclusions, rejected and
    above-ceiling prices, weak bids that fail quality, unresolved clarifications, providers in
    several lots (the cap), and the same score objects for a bid in every lot (the quality cache)."""
    rng = random.Random(seed)
    basis = MinuteBasis(contact_minutes, 60 - contact_minutes)
    questions = [("q1", D(40), D(5)), ("q2", D(35), D(3)), ("q3", D(25), D(7))]
    score_sets = [
        {"q1": D(rng.randint(0, 5)), "q2": D(rng.randint(1, 3)), "q3": D(rng.randint(0, 7))} for _ in range(8)
    ]
    people: list[dict[str, Any]] = []
    for i in range(bids):
        if people and rng.random() < 0.1:
            people.append({**people[rng.randrange(len(people))], "provider": f"P{i:03d}"})  # an exact copy
            continue
        people.append({
            "provider": f"P{i:03d}",
            "scores": rng.choice(score_sets),
            "pennies": [rng.choice([2400, 2500, 2550, 2600, 2750, 3000]) + rng.choice([0, 0, 1, 37])
                        for _ in range(lots)],
            "package": [rng.randint(2000, 3200) for _ in range(lots)],
        })
    people[0]["scores"] = {"q1": D(0), "q2": D(3), "q3": D(7)}  # fails quality (a 0, or under 35%)
    people[1].update(scores={"q1": D(5), "q2": D(3), "q3": D(7)}, pennies=[2400] * lots)  # wins where it may
    lot_list = []
    for n in range(lots):
        lot_bids = []
        for i, person in enumerate(people):
            if rng.random() < 0.15 and i != 1:  # not every provider bids for every lot
                continue
            roll = 1.0 if i == 1 else rng.random()
            status = ("excluded" if roll < 0.05 else "rejected_price" if roll < 0.1
                      else "above_ceiling" if roll < 0.17 else "eligible")
            hourly = D(person["pennies"][n]).scaleb(-2)
            bid: dict[str, Any] = {
                "bid_ref": f"B{i:03d}-L{n}", "provider_key": person["provider"], "lot_key": f"L{n}",
                "status": status, "reason": "",
                "price_per_contact_hour": per_contact_hour(hourly, basis),
                "consensus_scores": {} if status == "excluded" else person["scores"],
                "submitted_at": None if rng.random() < 0.1 else T0 + timedelta(minutes=rng.randint(0, 5)),
                "needs_clarification_unresolved": rng.random() < 0.05,
            }
            if package_weight:
                bid["package_price_per_contact_hour"] = per_contact_hour(D(person["package"][n]).scaleb(-2), basis)
            lot_bids.append(bid)
        rng.shuffle(lot_bids)
        lot_list.append({"lot_key": f"L{n}", "hours": D(rng.randint(100, 900)), "benchmark": D("28.00"),
                         "package_weight": package_weight, "bids": lot_bids})
    return {
        "rules": {
            "quality_weight": weights[0], "price_weight": weights[1], "price_formula": formula,
            "max_lots_per_provider": max_lots_per_provider, "fail_on_zero_score": True,
            "quality_threshold_percent": D(35), "ceiling_rule": ceiling_rule, "tie_break": tie_break,
            "tie_break_seed": f"seed-{seed}",
            "sensitivity_splits": ((D(50), D(50)), (D(70), D(30)), (D(80), D(20)), weights),
        },
        "questions": questions,
        "lots": lot_list,
    }


# --- The cases ------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("formula", ["relative_to_lowest", "relative_to_mean", "banded_cost_of_care"])
def test_it_gives_the_reference_result_under_each_price_formula(seed, formula):
    result = assert_identical(tender(seed, formula=formula))
    # The tenders really have what the comparison is about.
    assert any(tie.drawn for lot in result.lots for tie in lot.ties)
    statuses = {str(b.status) for lot in result.lots for b in lot.bids}
    assert statuses == {"ranked", "excluded", "rejected_price", "above_ceiling", "failed_quality"}
    assert all(len(lot.sensitivity.splits) == 4 for lot in result.lots)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("formula", ["relative_to_lowest", "relative_to_mean", "banded_cost_of_care"])
def test_it_gives_the_reference_result_when_each_bid_shares_one_consensus_scores(seed, formula):
    """The quality worked out once per ConsensusScores object is the quality of every lot it is in."""
    spec = tender(seed, formula=formula)
    expected = reference.evaluate_tender(*build(reference, spec))
    actual = scoring.evaluate_tender(*build(scoring, spec, shared_scores=True))
    assert exact(actual) == exact(expected)
    assert actual.to_dict() == expected.to_dict()
    inputs = [bid for lot in build(scoring, spec, shared_scores=True)[2] for bid in lot.bids]
    assert len({id(bid.consensus_scores) for bid in inputs}) < len(inputs) / 2  # really shared


@pytest.mark.parametrize("seed", range(3))
def test_it_gives_the_reference_result_for_ceilings_ranked_for_information_and_timed_ties(seed):
    result = assert_identical(
        tender(seed, ceiling_rule="ranked_not_recommended", tie_break="submission_time", max_lots_per_provider=1)
    )
    assert any(b.above_ceiling for lot in result.lots for b in lot.bids)
    assert not any(str(b.status) == "above_ceiling" for lot in result.lots for b in lot.bids)  # all ranked
    assert any(a.passed_over for a in result.awards.lots)


@pytest.mark.parametrize("formula", ["relative_to_lowest", "relative_to_mean", "banded_cost_of_care"])
def test_it_gives_the_reference_result_on_a_basis_whose_prices_do_not_terminate(formula):
    spec = tender(11, formula=formula, contact_minutes=45)
    prices = [bid["price_per_contact_hour"] for bid in spec["lots"][0]["bids"]]
    assert any(len(p.as_tuple().digits) >= 28 for p in prices)  # 60/45 of a price: rounded at the 28th digit
    assert_identical(spec)


@pytest.mark.parametrize("formula", ["relative_to_lowest", "relative_to_mean", "banded_cost_of_care"])
def test_it_gives_the_reference_result_with_package_prices(formula):
    assert_identical(tender(5, formula=formula, package_weight=D("12.5")))


@pytest.mark.parametrize("weights", [(D(0), D(100)), (D(100), D(0)), (D("33.3"), D("66.7"))])
def test_it_gives_the_reference_result_at_extreme_and_fractional_splits(weights):
    assert_identical(tender(3, weights=weights))


def test_it_decides_near_ties_a_float_cannot_see_as_the_exact_keys_do():
    """Totals 1e-20 apart are one float: the run is ordered by the exact key, as before."""
    spec = tender(7, bids=12, lots=1)
    bids = spec["lots"][0]["bids"]
    scores = {"q1": D(4), "q2": D(2), "q3": D(5)}
    for k, bid in enumerate(bids):
        bid.update(status="eligible", consensus_scores=scores, needs_clarification_unresolved=False,
                   price_per_contact_hour=D("30") + D(k % 4).scaleb(-20))
    result = assert_identical(spec)
    totals = [b.total for b in result.lots[0].ranked]
    assert len(set(totals)) == 4 and len(set(map(float, totals))) == 1


def test_it_takes_the_exact_path_for_figures_floats_cannot_hold(monkeypatch):
    """A price beyond the float range (1E+400) makes its price fraction nan: that lot's splits are
    then ordered by the exact keys alone, and the result is still the reference one (field by
    field: no module can render such a price to the penny)."""
    spec = tender(4, bids=20, lots=2)
    for bid in spec["lots"][0]["bids"][:3]:
        bid.update(status="eligible", price_per_contact_hour=D("1E+400"),
                   consensus_scores={"q1": D(5), "q2": D(3), "q3": D(7)})
    used = []
    real = scoring._split_ranking
    monkeypatch.setattr(scoring, "_split_ranking", lambda *args: used.append(args[2]) or real(*args))
    result = assert_identical(spec, rendered=False)
    assert any(b.price_per_contact_hour == D("1E+400") for b in result.lots[0].ranked)
    lots_ordered_by_floats = {ranked.lot.lot_key for ranked in used}
    assert lots_ordered_by_floats == {"L1"}  # L0 took the exact path


def test_it_takes_the_exact_path_when_the_quality_denominator_is_below_the_float_range():
    spec = tender(9, bids=15, lots=2)
    spec["questions"] = [("q1", D("1E-400"), D(5)), ("q2", D("1E-400"), D(3)), ("q3", D("1E-400"), D(7))]
    assert scoring._float_ratio(D("1E-400"), D("3E-400")) != scoring._float_ratio(D("1E-400"), D("3E-400"))  # nan
    assert_identical(spec)


def test_the_float_pre_ordering_leaves_only_near_ties_to_the_exact_key(monkeypatch):
    """The point of the change: at the other splits the exact key is worked out for a few bids, not all."""
    calls = []
    real = scoring._Ranked.key
    monkeypatch.setattr(scoring._Ranked, "key", lambda ranked, a, b, k: calls.append(k) or real(ranked, a, b, k))
    spec = tender(2, bids=80, lots=3)
    rng = random.Random(2)
    for lot in spec["lots"]:
        for bid in lot["bids"]:  # few equal totals here
            bid["price_per_contact_hour"] = D(rng.randint(2000, 3500)).scaleb(-2)
            bid["consensus_scores"] = {"q1": D(rng.randint(2, 5)), "q2": D(rng.randint(1, 3)), "q3": D(rng.randint(3, 7))}
    result = assert_identical(spec)
    ranked = sum(len(lot.ranked) for lot in result.lots)
    assert ranked > 100
    assert len(calls) < ranked  # the reference works it out 3 times per ranked bid


def test_every_bid_result_has_exactly_the_fields_of_a_bid_result():
    """Ranked and unranked results are made by filling the frozen dataclass's __dict__: every field is set."""
    result = scoring.evaluate_tender(*build(scoring, tender(1, bids=30, lots=1)))
    names = {f.name for f in dataclasses.fields(scoring.BidResult)}
    statuses = {str(b.status) for b in result.lots[0].bids}
    assert "ranked" in statuses and len(statuses) >= 3  # ranked results and two kinds of unranked ones
    for bid in result.lots[0].bids:
        assert set(vars(bid)) == names
        assert bid == scoring.BidResult(**vars(bid))


def test_close_runs_are_the_neighbours_within_the_separation():
    import numpy as np

    totals = np.array([90.0, 80.0, 80.0 - 1e-12, 80.0 - 2e-12, 70.0, 60.0, 60.0])
    assert scoring._close_runs(totals) == [(1, 4), (5, 7)]
    assert scoring._close_runs(np.array([1.0])) == []


def test_float_ratio_is_nan_where_floats_cannot_hold_the_operands():
    assert scoring._float_ratio(D(1), D(3)) == pytest.approx(1 / 3, rel=1e-15)
    for numerator, denominator in [(D(1), D("1E+400")), (D("1E+400"), D("1E+401")), (D(0), D("1E-320"))]:
        ratio = scoring._float_ratio(numerator, denominator)
        assert ratio != ratio


# --- Random tenders (Hypothesis), one lot ----------------------------------------------------------


def to_reference(value: Any) -> Any:
    """An input of today's module as the reference module's class of the same name."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, scoring.LotBids):  # columns: the reference takes one BidInput per bid-lot
        return reference.LotInput(
            value.lot_key, value.hours_per_week, value.cost_of_care_benchmark,
            [
                reference.BidInput(
                    bid_ref=ref, provider_key=provider, lot_key=value.lot_key, status=status.value, reason=reason,
                    price_per_contact_hour=price, consensus_scores=dict(scores), submitted_at=submitted,
                    needs_clarification_unresolved=unresolved, package_price_per_contact_hour=package,
                )
                for ref, provider, price, scores, status, reason, submitted, unresolved, package in zip(
                    value.bid_refs, value.provider_keys, value.prices, value.consensus_scores, value.statuses,
                    value.reasons, value.submitted_at, value.unresolved, value.package_prices, strict=True,
                )
            ],
            package_weight=value.package_weight,
        )
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = getattr(reference, type(value).__name__)
        return cls(**{f.name: to_reference(getattr(value, f.name)) for f in dataclasses.fields(value)})
    if isinstance(value, tuple):
        return tuple(to_reference(v) for v in value)
    return value


@PROPERTY_SETTINGS
@given(rules=rule_sets(), bids=bid_lists(min_size=1, max_size=12), benchmark=benchmarks,
       package=st.sampled_from([None, D(25)]))
def test_it_gives_the_reference_result_for_any_bids(rules, bids, benchmark, package):
    if package is not None:
        bids = [dataclasses.replace(b, package_price_per_contact_hour=b.price_per_contact_hour * D("0.9"))
                for b in bids]
    lots = [scoring.LotInput("north", D(360), benchmark, bids, package_weight=package or D(0))]
    actual = scoring.evaluate_tender(rules, QUESTIONS, lots)
    expected = reference.evaluate_tender(to_reference(rules), to_reference(QUESTIONS), [to_reference(lot) for lot in lots])
    assert exact(actual) == exact(expected)
    assert actual.to_dict() == expected.to_dict()


def test_it_gives_the_reference_result_on_the_benchmark_workload(monkeypatch):
    """`bench/evaluation.py` at its smoke size (CQC exclusions, ceilings, drawn ties, the lots cap),
    inputs built as the evaluation service builds them."""
    from bench import evaluation as bench

    seen = []
    real = scoring.evaluate_tender
    monkeypatch.setattr(scoring, "evaluate_tender", lambda *args: seen.append(args) or real(*args))
    work = bench.generate(bench.SMOKE)
    actual = bench.system_evaluation(work, bench._locations(work))
    rules, questions, lots = seen[0]
    expected = reference.evaluate_tender(
        to_reference(rules), [to_reference(q) for q in questions], [to_reference(lot) for lot in lots]
    )
    assert exact(actual) == exact(expected)
    assert actual.to_dict() == expected.to_dict()
    assert any(tie.drawn for lot in actual.lots for tie in lot.ties)


def test_it_leaves_the_garbage_collector_as_it_found_it():
    """The collector is paused during an evaluation, also one that raises, and never left off or switched on."""
    import gc

    spec = tender(6, bids=8, lots=1)
    assert gc.isenabled()
    scoring.evaluate_tender(*build(scoring, spec))
    assert gc.isenabled()
    spec["lots"][0]["bids"][0]["lot_key"] = "elsewhere"
    with pytest.raises(ValueError, match="listed under"):
        scoring.evaluate_tender(*build(scoring, spec))
    assert gc.isenabled()
    gc.disable()
    try:
        scoring.evaluate_tender(*build(scoring, tender(6, bids=8, lots=1)))
        assert not gc.isenabled()
    finally:
        gc.enable()


# --- A lot as columns (LotBids) and results made as they are read (BidResults) ----------------------


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("package_weight", [NO_PACKAGE, D(30)])
def test_a_lot_given_as_columns_gives_the_reference_result(seed, package_weight):
    """`LotBids` is the same tender as the `LotInput` of `BidInput`s it transposes: field for field the reference."""
    spec = tender(seed, package_weight=package_weight, formula=("relative_to_lowest", "relative_to_mean")[seed % 2])
    rules, questions, lots = build(scoring, spec, shared_scores=True)
    columns = [lot.columns() for lot in lots]
    assert all(isinstance(lot, scoring.LotBids) for lot in columns)
    actual = scoring.evaluate_tender(rules, questions, columns)
    expected = reference.evaluate_tender(*build(reference, spec))
    assert exact(actual) == exact(expected)
    assert actual.to_dict() == expected.to_dict()


def test_columns_a_bid_brings_to_every_lot_can_be_one_list_for_all_lots():
    """Providers, scores and submission times as one list that every lot shares; prices the lot's own."""
    providers = ["P1", "P2", "P3"]
    scores = [scoring.ConsensusScores({"q1": D(5)}), scoring.ConsensusScores({"q1": D(3)}),
              scoring.ConsensusScores()]
    statuses = ["eligible", "eligible", "excluded"]
    lots = [
        scoring.LotBids(f"L{n}", D(100), [f"B{i}-L{n}" for i in range(3)], providers, prices, scores, statuses)
        for n, prices in enumerate([[D(20), D(25), None], [D(30), D(15), None]])
    ]
    result = scoring.evaluate_tender(scoring.TenderRules(), [scoring.Question("q1", D(1), D(5))], lots)
    assert [b.bid_ref for b in result.lots[0].ranked] == ["B0-L0", "B1-L0"]  # best quality and cheaper
    assert result.lots[1].bid("B2-L1").status is scoring.ResultStatus.EXCLUDED
    assert result.lots[1].bid("B1-L1").price_score == D(40)  # the lowest price in its lot
    assert result.awards.lot("L0").recommended == ("B0-L0",)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"provider_keys": ["P1"]}, "2 bid references but 1 provider keys"),
        ({"prices": [D(20), D(0)]}, "bid B2: price per contact hour must be positive"),
        ({"prices": [D(20), 21.5]}, "must be a Decimal"),
        ({"statuses": ["eligible", "struck off"]}, "not a valid Eligibility"),
        ({"bid_refs": ["B1", ""]}, "a bid needs a bid_ref and a provider_key"),
        ({"consensus_scores": [{"q1": D(5)}, {"q1": "lots"}]}, "bid B2 score for q1"),
        ({"package_prices": [D(20), D(-1)]}, "bid B2: the package price must be positive"),
        ({"package_weight": D(101)}, "package_weight must be 0-100"),
    ],
)
def test_columns_are_checked_as_bid_inputs_are(change, message):
    columns = {"lot_key": "L", "hours_per_week": D(100), "bid_refs": ["B1", "B2"], "provider_keys": ["P1", "P2"],
               "prices": [D(20), D(21)], "consensus_scores": [{"q1": D(5)}, {"q1": D(4)}]}
    with pytest.raises((ValueError, TypeError), match=message):
        scoring.LotBids(**{**columns, **change})


def test_bid_results_read_like_a_tuple_and_each_is_made_once():
    spec = tender(3, bids=25, lots=1)
    result = scoring.evaluate_tender(*build(scoring, spec))
    bids = result.lots[0].bids
    assert isinstance(bids, scoring.BidResults)
    everything = tuple(bids)
    n = len(spec["lots"][0]["bids"])
    assert len(bids) == len(everything) == n > 15
    assert bids[0] is everything[0] and bids[-1] is everything[-1]  # made when first read, then kept
    assert bids[2:5] == everything[2:5] and bids == everything and bids == list(everything)
    assert [b.rank for b in bids[: len(result.lots[0].ranked)]] == list(range(1, len(result.lots[0].ranked) + 1))
    with pytest.raises(IndexError):
        bids[n]
    assert hash(bids) == hash(everything)
    assert bids.rows() == [b.to_dict() for b in everything]  # rendered from the columns, the same rows
    assert [spec["lots"][0]["bids"][p]["bid_ref"] for p in bids.positions()] == [b.bid_ref for b in everything]
