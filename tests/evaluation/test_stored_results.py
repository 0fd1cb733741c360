"""The stored result of a run renders a bid's question rows once, whatever the number of lots it prices (issue 17).

The benchmark's workload stored as a run's inputs (`bench.evaluation.stored_inputs`) at its small size:
several lots, exclusions, ceilings and drawn ties.
"""
from __future__ import annotations

import copy

from bench import evaluation as bench
from evaluation import assemble
from tenders.receipts import content_digest


def _inputs() -> dict:
    work = bench.generate(bench.SMOKE)
    return bench.stored_inputs(work, bench._locations(work))


def _rendered_per_lot(inputs: dict) -> dict:
    """The result as it was rendered before: every bid's question rows worked out again in each lot."""
    result = assemble.results_from_inputs(inputs)
    by_lot = {lot["key"]: {bid["bid_ref"]: bid for bid in lot["bids"]} for lot in inputs["lots"]}
    weight = assemble.to_decimal(inputs["rules"]["quality_weight"])
    for lot in result["lots"]:
        for bid in lot["bids"]:
            if bid["status"] != "excluded":
                bid["questions"] = assemble._questions_detail(
                    list(inputs["questions"]), by_lot[lot["lot_key"]][bid["bid_ref"]], weight
                )
    return result


def test_a_bids_question_rows_are_rendered_once_for_all_its_lots(monkeypatch):
    inputs = _inputs()
    calls = []
    real = assemble._questions_detail
    monkeypatch.setattr(assemble, "_questions_detail", lambda *args: calls.append(args[1]["bid_ref"]) or real(*args))
    result = assemble.results_from_inputs(inputs)
    assert len(calls) == len(set(calls))  # once per bid
    scored = {b["bid_ref"] for lot in result["lots"] for b in lot["bids"] if b["status"] != "excluded"}
    assert set(calls) == scored
    monkeypatch.undo()
    assert content_digest(result) == content_digest(_rendered_per_lot(inputs))  # the same document


def test_a_bid_whose_scores_differ_between_lots_gets_each_lots_own_rows():
    """The rows are shared only when the scores they come from are the same (they always are, from the
    database; a hand-edited snapshot must still render what it says)."""
    inputs = _inputs()
    changed = copy.deepcopy(inputs)
    first_lot_bid = changed["lots"][0]["bids"][0]
    assert changed["lots"][1]["bids"][0]["bid_ref"] == first_lot_bid["bid_ref"]
    assert first_lot_bid["cqc"]["outcome"] != "excluded"  # so it has question rows in both lots
    consensus = first_lot_bid["consensus"]  # shared by both lots' entries; the first lot gets its own
    first_lot_bid["consensus"] = {**consensus, "Q1": {**consensus["Q1"], "rationale": "Only in the first lot."}}
    result = assemble.results_from_inputs(changed)
    first, second = (next(b for b in lot["bids"] if b["bid_ref"] == first_lot_bid["bid_ref"])["questions"]
                     for lot in result["lots"][:2])
    assert first[0]["rationale"] == "Only in the first lot." and second[0]["rationale"] == "Consensus on Q1."
    assert content_digest(result) == content_digest(_rendered_per_lot(changed))
