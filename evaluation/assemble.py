"""From a stored snapshot of an evaluation's inputs to its stored results (pure, no ORM).

Why a separate pure step: an EvaluationRun keeps the exact inputs it was run
on, and its results must follow from those inputs alone, so anyone (a
reports engineer, an auditor, a court) can recompute them: `results_from_inputs(run.inputs)
== run.results`. `evaluation.services.evaluation_run` builds the inputs from
the database; this module turns them into `evaluation.scoring` dataclasses,
calls `evaluate_tender` and renders a complete, JSON-ready result.

All numbers are strings (Decimal as text); times are ISO 8601 strings.

INPUTS (EvaluationRun.inputs), schema 1::

    {"schema": 1,
     "tender": {"reference", "title", "service_type", "contact_minutes", "travel_minutes",
                "minute_basis", "unrated_policy", "cqc_gate_scope" (provider_wide|named_locations)},
     "rules": {"quality_weight", "price_weight", "price_formula", "max_providers_per_lot",
               "max_lots_per_provider", "fail_on_zero_score", "quality_threshold_percent",
               "ceiling_rule" (not_ranked|ranked_not_recommended), "tie_break_rule"
               (quality_price_lots|submission_time), "tie_break_seed"},
       (inputs stored before issue 15 lack the last three: no ceiling applied, ties by submission time)
     "questions": [{"key": "Q1", "number", "text", "weight", "max_score"}],
     "lots": [{"key": "Lot 1", "number", "zone", "zone_name", "hours_per_week",
               "cost_of_care_benchmark" (model minimum per contact hour, or null),
               "ceiling_price" (per billed unit, or null), "package_hours" (or null),
               "package_price_weight" (% of the price score from the package price, "0" if none),
               "bids": [{
                   "bid_ref", "provider", "provider_id", "cqc_provider_id", "version", "digest",
                   "submitted_at", "hourly_price" (per billed unit on the tender's basis),
                   "package_price" (per package, or null), "package_check" (as price_check, on
                   package price / package hours, or null),
                   "cqc": {"outcome": eligible|flagged|excluded, "reason", "stage", "assessed_at",
                           "location_ids", "evidence": [{"location_id", "service_group", "domain",
                                                          "rating", "publication_date"}]},
                   "price_check": null | {"status", "message", "needs_clarification",
                           "price_per_contact_hour", "model_minimum", "statutory_floor",
                           "gap_amount", "gap_percent", "ceiling"},
                   "clarification": null | {"status": pending|accepted|rejected, "explanation",
                           "decision_reason", "decided_by", "decided_at"},
                   "consensus": {"Q1": {"score", "rationale", "feedback" (to the bidder), "moderator", "recorded_at",
                                        "changed_after_lock", "change_reason"}},
                   "individual_scores": {"Q1": [{"evaluator", "score", "comment"}]}}]}]}

RESULTS (EvaluationRun.results), schema 1::

    {"schema": 1, "tender", "title", "minute_basis", "rules" (as used, with price bands),
     "provisional" (any lot waits for a clarification decision),
     "questions": [{"key", "number", "text", "weight", "max_score"}],
     "lots": [{
         "lot" (number), "lot_key" ("Lot 1"), "zone" (name), "zone_code", "hours_per_week",
         "provisional", "unresolved_clarifications" (bid refs),
         "lowest_acceptable_price", "mean_acceptable_price" (per contact hour),
         "cost_of_care_benchmark", "ceiling_price", "package_hours", "package_price_weight",
         "ties": [{"bids", "decided_by", "drawn", "seed", "draws"}] (equal totals and what ordered them),
         "bids": [{   # ranked first in rank order, then failed_quality, rejected_price, excluded
             "bid_ref", "provider", "provider_id",
             "status": ranked|excluded|failed_quality|above_ceiling|rejected_price,
             "reason", "quality_score", "price_score", "total" (2-place strings or null), "rank",
             "above_ceiling" (priced above the lot's ceiling: never recommended),
             "package_price" (pennies or null), "package_price_per_contact_hour", "package_check",
             "recommended", "passed_over" (why a ranked bid lost its place to the lots cap, or ""),
             "submitted_at", "version", "digest",
             "hourly_price" (per billed hour), "price_per_contact_hour" (pennies),
             "price_check" (as in the inputs, money in pennies, or null),
             "clarification" (as in the inputs, or null), "clarification_unresolved",
             "cqc": {"outcome", "reason", "stage", "assessed_at", "location_ids", "evidence"},
             "questions": [{"key", "number", "weight", "max_score", "consensus", "weighted" (2 places),
                            "rationale", "feedback",
                            "moderator", "changed_after_lock", "change_reason",
                            "individual": [{"evaluator", "score", "comment"}],
                            "spread", "divergent"}]}],
         "sensitivity": {"winner", "runner_up" (bid refs), "winner_provider", "runner_up_provider",
                         "winner_changes_at_any_split", "splits": [{"quality_weight", "price_weight",
                         "is_tender_split", "winner", "winner_changed", "ranking_changed", "ranking"}],
                         "runner_up_price_to_win", "runner_up_price_cut_percent",
                         "winner_price_to_lose", "winner_price_rise_percent"},
         "award": {"places", "places_unfilled", "recommended" (bid refs), "recommended_providers",
                   "hours_per_week_covered", "passed_over": [{"bid_ref", "provider_key", "rank", "reason"}]}}],
     "awards": {"lots": [...as "award" plus "lot_key"], "providers": [{"provider_key" (name), "lot_keys",
                "bid_refs", "hours_per_week_in_lots"}], "hours_per_week_covered",
                "hours_per_week_uncovered"},
     "published_rules": {"ceiling_rule", "cqc_gate_scope", "tie_break_rule", "tie_break_seed"}
                        with a sentence each, as a report states them,
     "excluded": [{"bid_ref", "provider", "reason", "stage", "evidence", "lots"}],
     "flagged": [{"bid_ref", "provider", "reason"}]}   # CQC due diligence
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from functools import cache
from operator import itemgetter
from typing import Any

from common.money import pennies, to_decimal
from evaluation.scoring import (
    BidResults,
    CeilingRule,
    ConsensusScores,
    Eligibility,
    LotBids,
    PriceFormula,
    Question,
    TenderResult,
    TenderRules,
    TieBreak,
    collector_paused,
    display_score,
    evaluate_tender,
)
from pricing.checks import shown_gap
from pricing.conversion import MinuteBasis, per_contact_hour

SCHEMA = 1
# A spread of this many points between individual scores is discussed at moderation.
DIVERGENCE_SPREAD = 2


def score_spread(scores: Iterable[int]) -> tuple[int | None, bool]:
    """Spread (highest - lowest) of individual scores and whether it needs discussion."""
    values = list(scores)
    if not values:
        return None, False
    spread = max(values) - min(values)
    return spread, spread >= DIVERGENCE_SPREAD


def money_text(value: Decimal | str | None) -> str | None:
    """A money figure rendered to the penny, half up (display only)."""
    if value is None:
        return None
    return str(pennies(to_decimal(value)))


def rules_from_inputs(rules: Mapping[str, Any]) -> TenderRules:
    threshold = rules.get("quality_threshold_percent")
    return TenderRules(
        quality_weight=to_decimal(rules["quality_weight"]),
        price_weight=to_decimal(rules["price_weight"]),
        price_formula=PriceFormula(rules["price_formula"]),
        max_providers_per_lot=int(rules["max_providers_per_lot"]),
        max_lots_per_provider=(
            None if rules.get("max_lots_per_provider") is None else int(rules["max_lots_per_provider"])
        ),
        fail_on_zero_score=bool(rules["fail_on_zero_score"]),
        quality_threshold_percent=None if threshold is None else to_decimal(threshold),
        ceiling_rule=CeilingRule(rules.get("ceiling_rule") or CeilingRule.NOT_RANKED),
        # Runs stored before the tie rule was published broke ties by submission time.
        tie_break=TieBreak(rules.get("tie_break_rule") or TieBreak.SUBMISSION_TIME),
        tie_break_seed=str(rules.get("tie_break_seed") or ""),
    )


CEILING_RULE_TEXT = {
    "not_ranked": "A bid priced above its lot's ceiling is non-compliant: it is not ranked and never recommended.",
    "ranked_not_recommended": (
        "A bid priced above its lot's ceiling is non-compliant: it is ranked for information only and never recommended."
    ),
}
CQC_SCOPE_TEXT = {
    "provider_wide": (
        "CQC: every location CQC lists under the bidder's CQC provider ID, and any location the bid names, is checked; "
        "Inadequate on any key question at any service group excludes the bidder."
    ),
    "named_locations": (
        "CQC: only the locations the bid names are checked; Inadequate on any key question at any service group "
        "excludes the bidder."
    ),
}
TIE_RULE_TEXT = {
    "quality_price_lots": (
        "Equal totals: the higher quality score first, then the lower price per contact hour, then a drawing of lots "
        "seeded with the stored seed (anyone can repeat it)."
    ),
    "submission_time": (
        "Equal totals: the higher quality score first, then the lower price per contact hour, then the earlier submission."
    ),
}


def published_rules(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The published evaluation rules a run applied, each with the sentence a report prints."""
    rules = inputs.get("rules") or {}
    tender = inputs.get("tender") or {}
    ceiling = rules.get("ceiling_rule") or "not_ranked"
    scope = tender.get("cqc_gate_scope") or "named_locations"  # runs before issue 15 checked named locations
    tie = rules.get("tie_break_rule") or "submission_time"
    return {
        "ceiling_rule": ceiling,
        "ceiling_rule_text": CEILING_RULE_TEXT.get(ceiling, ceiling),
        "cqc_gate_scope": scope,
        "cqc_gate_scope_text": CQC_SCOPE_TEXT.get(scope, scope),
        "tie_break_rule": tie,
        "tie_break_rule_text": TIE_RULE_TEXT.get(tie, tie),
        "tie_break_seed": str(rules.get("tie_break_seed") or ""),
    }


def _basis(tender: Mapping[str, Any]) -> MinuteBasis:
    return MinuteBasis(int(tender["contact_minutes"]), int(tender["travel_minutes"]))


def is_above_ceiling(hourly_price: Decimal | str, ceiling: Decimal | str | None) -> bool:
    """A price per billed unit above the lot's published ceiling (compared to the penny, as both are shown)."""
    return above_ceiling_test(ceiling)(hourly_price)


_HALF_PENNY = Decimal("0.005")


def above_ceiling_test(ceiling: Decimal | str | None) -> Callable[[Decimal | str], bool]:
    """`is_above_ceiling` against one ceiling, for a lot's many prices: one comparison each.

    A price shown to the penny (half up) is above the ceiling shown to the penny exactly when the
    price is at least half a penny above the rounded ceiling, so the prices need no rounding."""
    if ceiling is None or ceiling == "":
        return _never
    limit = pennies(to_decimal(ceiling))
    if limit < 0:  # no real ceiling is negative; halves round away from zero there, so compare as shown
        return lambda hourly_price: pennies(to_decimal(hourly_price)) > limit
    threshold = limit + _HALF_PENNY
    return lambda hourly_price: to_decimal(hourly_price) >= threshold


def _never(hourly_price: Decimal | str) -> bool:
    return False


def _price_status(
    bid: Mapping[str, Any], lot: Mapping[str, Any] | None = None,
    above_ceiling: Callable[[Decimal | str], bool] | None = None,
) -> tuple[Eligibility, str, bool]:
    """Status on entry to scoring, its reason, and whether a clarification is still open.

    `above_ceiling`: the lot's `above_ceiling_test`, made once for its many bids (else made here)."""
    cqc = bid.get("cqc") or {}
    if cqc.get("outcome") == "excluded":
        return Eligibility.EXCLUDED, f"CQC: {cqc.get('reason', '')}".strip(), False
    check = bid.get("price_check") or {}
    package_check = bid.get("package_check") or {}
    clarification = bid.get("clarification") or {}
    if clarification.get("status") == "rejected":
        reason = (
            "abnormally low price rejected after clarification: "
            f"{clarification.get('decision_reason', '')}"
        ).strip()
        return Eligibility.REJECTED_PRICE, reason, False
    ceiling = (lot or {}).get("ceiling_price")
    if (above_ceiling or above_ceiling_test(ceiling))(bid["hourly_price"]):
        reason = (
            f"priced above the lot's published ceiling: £{money_text(bid['hourly_price'])} per billed hour "
            f"against a ceiling of £{money_text(ceiling)}"
        )
        return Eligibility.ABOVE_CEILING, reason, False
    needs = bool(check.get("needs_clarification")) or bool(package_check.get("needs_clarification"))
    unresolved = needs and clarification.get("status") != "accepted"
    return Eligibility.ELIGIBLE, "", unresolved


def package_per_contact_hour(
    package_price: Decimal | str | None, package_hours: Decimal | str | None, basis: MinuteBasis
) -> Decimal | None:
    """A package price as its hourly equivalent per contact hour: price / package hours (billed), converted."""
    if package_price is None or not package_hours or to_decimal(package_hours) <= 0:
        return None
    return per_contact_hour(to_decimal(package_price) / to_decimal(package_hours), basis)


def entry_key(bid_ref: str, lot_key: str) -> str:
    """The scoring key of one bid on one lot: a bid prices several lots, scoring wants one key per lot entry.

    It starts with the bid reference, so the last tie-break (reference, ascending) is unchanged.
    """
    return f"{bid_ref}@{lot_key}"


def _ref(key: str | None) -> str | None:
    return None if key is None else key.rsplit("@", 1)[0]


_NO_CONSENSUS = ConsensusScores()  # an excluded bid is never scored (read-only, so one will do)
_SCORE = itemgetter("score")


def tender_result_from_inputs(inputs: Mapping[str, Any]) -> TenderResult:
    """The scoring module's result for a stored snapshot of inputs."""
    with collector_paused():  # 20,000 bid-lots' figures and no reference cycles (issue 17)
        return _tender_result_from_inputs(inputs)


def _tender_result_from_inputs(inputs: Mapping[str, Any]) -> TenderResult:
    if inputs.get("schema") != SCHEMA:
        raise ValueError(f"unknown evaluation inputs schema {inputs.get('schema')!r}")
    rules = rules_from_inputs(inputs["rules"])
    basis = _basis(inputs["tender"])
    questions = [
        Question(q["key"], to_decimal(q["weight"]), to_decimal(q["max_score"])) for q in inputs["questions"]
    ]
    lots = []
    # One Decimal per distinct score text, so a bid's scores are the same objects in every lot it prices
    # and scoring works its quality out once (the same value either way: Decimal(text) is exact).
    shared: dict[str, Decimal] = {}

    def score(value: object) -> Decimal:
        text = str(value)
        found = shared.get(text)
        if found is None:
            found = shared[text] = to_decimal(value)
        return found

    # A bid's scores as one ConsensusScores, the same object in every lot it prices (checked once), and
    # each distinct price converted once: issue 17, a tender's 20,000 bid-lots share far fewer of both.
    # Each lot goes to scoring as columns (LotBids), with no object per bid-lot.
    consensus_of: dict[tuple[tuple[str, ...], tuple[str, ...]], ConsensusScores] = {}
    contact_hour_price = cache(lambda text: per_contact_hour(to_decimal(text), basis))
    submitted = cache(datetime.fromisoformat)

    def consensus(bid: Mapping[str, Any]) -> ConsensusScores:
        given = bid.get("consensus") or {}
        signature = (tuple(given), tuple(map(str, map(_SCORE, given.values()))))  # questions, score texts
        found = consensus_of.get(signature)
        if found is None:
            found = consensus_of[signature] = ConsensusScores(
                {key: score(text) for key, text in zip(*signature, strict=True)}, f"bid {bid['bid_ref']}"
            )
        return found

    lots: list[LotBids] = []
    for lot in inputs["lots"]:
        weight = to_decimal(lot.get("package_price_weight") or "0")
        above_ceiling = above_ceiling_test(lot.get("ceiling_price"))
        bids = lot["bids"]
        statuses, reasons, unresolved, scores = [], [], [], []
        for bid in bids:
            status, reason, open_clarification = _price_status(bid, lot, above_ceiling)
            statuses.append(status)
            reasons.append(reason)
            unresolved.append(open_clarification)
            scores.append(_NO_CONSENSUS if status is Eligibility.EXCLUDED else consensus(bid))
        benchmark = lot.get("cost_of_care_benchmark")
        lots.append(
            LotBids(
                lot_key=lot["key"],
                hours_per_week=to_decimal(lot["hours_per_week"]),
                bid_refs=[entry_key(bid["bid_ref"], lot["key"]) for bid in bids],
                provider_keys=[bid["provider"] for bid in bids],
                prices=[contact_hour_price(str(bid["hourly_price"])) for bid in bids],
                consensus_scores=scores,
                statuses=statuses,
                reasons=reasons,
                submitted_at=[submitted(bid["submitted_at"]) if bid.get("submitted_at") else None for bid in bids],
                unresolved=unresolved,
                package_prices=[
                    package_per_contact_hour(bid.get("package_price"), lot.get("package_hours"), basis)
                    for bid in bids
                ] if weight else None,
                cost_of_care_benchmark=None if benchmark is None else to_decimal(benchmark),
                package_weight=weight,
            )
        )
    return evaluate_tender(rules, questions, lots)


def _price_check_display(check: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not check:
        return None
    shown = dict(check)
    for name in ("price_per_contact_hour", "model_minimum", "statutory_floor", "gap_amount", "ceiling"):
        shown[name] = money_text(check.get(name))
    if check.get("price_per_contact_hour") and check.get("model_minimum"):
        # As every page and export shows it: from the penny-rounded figures (pricing.checks.shown_gap).
        gap, gap_percent = shown_gap(Decimal(str(check["price_per_contact_hour"])), Decimal(str(check["model_minimum"])))
        shown["gap_amount"], shown["gap_percent"] = money_text(gap), money_text(gap_percent)
    else:
        shown["gap_percent"] = money_text(check.get("gap_percent"))
    return shown


def question_contribution(
    *, quality_weight: Decimal, question_weight: Decimal, total_question_weight: Decimal, score: Decimal, max_score: int
) -> Decimal:
    """A question's share of the quality score: Qw x w x s / max / sum(w) (evaluation.scoring's formula)."""
    return quality_weight * question_weight * score / Decimal(max_score) / total_question_weight


def _questions_detail(
    questions: list[Mapping[str, Any]], bid: Mapping[str, Any], quality_weight: Decimal | None = None
) -> list[dict[str, Any]]:
    consensus = bid.get("consensus") or {}
    individual = bid.get("individual_scores") or {}
    total_weight = sum((to_decimal(q["weight"]) for q in questions), Decimal(0))
    rows = []
    for q in questions:
        c = consensus.get(q["key"]) or {}
        # The question's weighted contribution, stored so reports read it rather than re-derive it.
        weighted = None
        if c.get("score") is not None and quality_weight is not None and total_weight:
            weighted = display_score(question_contribution(
                quality_weight=quality_weight, question_weight=to_decimal(q["weight"]),
                total_question_weight=total_weight, score=to_decimal(c["score"]), max_score=int(q["max_score"]),
            ))  # fmt: skip
        scores = list(individual.get(q["key"]) or [])
        spread, divergent = score_spread(int(s["score"]) for s in scores)
        rows.append(
            {
                "key": q["key"],
                "number": q["number"],
                "weight": q["weight"],
                "max_score": q["max_score"],
                "consensus": c.get("score"),
                "weighted": weighted,
                "rationale": c.get("rationale", ""),
                "feedback": c.get("feedback", ""),
                "moderator": c.get("moderator", ""),
                "changed_after_lock": bool(c.get("changed_after_lock")),
                "change_reason": c.get("change_reason", ""),
                "individual": scores,
                "spread": spread,
                "divergent": divergent,
            }
        )
    return rows


def _sensitivity_with_refs(sensitivity: dict[str, Any]) -> dict[str, Any]:
    sensitivity["winner"] = _ref(sensitivity["winner"])
    sensitivity["runner_up"] = _ref(sensitivity["runner_up"])
    for split in sensitivity["splits"]:
        split["winner"] = _ref(split["winner"])
        split["ranking"] = [_ref(k) for k in split["ranking"]]
    return sensitivity


def _tie_with_refs(tie: dict[str, Any]) -> dict[str, Any]:
    tie["bids"] = [_ref(k) for k in tie["bids"]]
    # The drawn number stays that of the scoring key (bid@lot), so draw_key(seed, key) recomputes it.
    tie["draws"] = [{"bid_ref": _ref(k), "key": k, "draw": d} for k, d in tie["draws"]]
    return tie


def _awards_with_refs(awards: dict[str, Any]) -> dict[str, Any]:
    for lot in awards["lots"]:
        lot["recommended"] = [_ref(k) for k in lot["recommended"]]
        for passed in lot["passed_over"]:
            passed["bid_ref"] = _ref(passed["bid_ref"])
    for provider in awards["providers"]:
        provider["bid_refs"] = list(dict.fromkeys(_ref(k) for k in provider["bid_refs"]))
    return awards


def results_from_inputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The complete stored result of an evaluation run, as a pure function of its inputs.

    A bid's question rows (its scores, rationale and panel) are the same in every lot it prices, so
    they are rendered once per bid and the same rows appear under each of its lots (issue 17: they
    were most of the time of a large run). The result is a JSON document to store, not to edit.
    """
    with collector_paused():  # a large run renders hundreds of thousands of small objects, no cycles
        return _results_from_inputs(inputs)


def _results_from_inputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    result = tender_result_from_inputs(inputs)
    questions = list(inputs["questions"])
    quality_weight = to_decimal(inputs["rules"]["quality_weight"])
    # bid_ref -> (its consensus, its individual scores, the rows rendered from them)
    detail_of: dict[str, tuple[Any, Any, list[dict[str, Any]]]] = {}

    def questions_detail(bid: Mapping[str, Any]) -> list[dict[str, Any]]:
        consensus, individual = bid.get("consensus"), bid.get("individual_scores")
        known = detail_of.get(bid["bid_ref"])
        if known is not None and known[0] == consensus and known[1] == individual:
            return known[2]
        rows = _questions_detail(questions, bid, quality_weight)
        detail_of[bid["bid_ref"]] = (consensus, individual, rows)
        return rows

    provider_of = {bid["bid_ref"]: bid["provider"] for lot in inputs["lots"] for bid in lot["bids"]}
    price_text = cache(money_text)  # each distinct price text rendered once
    awards = _awards_with_refs(result.awards.to_dict())
    basis = _basis(inputs["tender"])
    lots_out = []
    for lot_in, lot_result in zip(inputs["lots"], result.lots, strict=True):
        award = next(dict(a) for a in awards["lots"] if a["lot_key"] == lot_result.lot_key)
        award.pop("lot_key", None)
        award.pop("hours_per_week", None)
        award.pop("provisional", None)
        passed = {p["bid_ref"]: p["reason"] for p in award["passed_over"]}
        bids_out = []
        results = lot_result.bids
        assert isinstance(results, BidResults)  # what evaluate_tender makes: rows straight from its columns
        for position, row in zip(results.positions(), results.rows(), strict=True):
            bid = lot_in["bids"][position]  # the bid's entry for this lot, as scored
            row.pop("lot_key", None)
            row.pop("provider_key", None)
            row.pop("bid_ref", None)
            row.pop("package_price_per_contact_hour", None)  # shown for every bid below, weighted or not
            is_excluded = row["status"] == "excluded"
            bids_out.append(
                {
                    "bid_ref": bid["bid_ref"],
                    "provider": bid["provider"],
                    "provider_id": bid.get("provider_id"),
                    **row,
                    "passed_over": passed.get(bid["bid_ref"], ""),
                    "version": bid.get("version"),
                    "digest": bid.get("digest", ""),
                    "hourly_price": price_text(bid["hourly_price"]),
                    "package_price": money_text(bid.get("package_price")),
                    "package_price_per_contact_hour": money_text(
                        package_per_contact_hour(bid.get("package_price"), lot_in.get("package_hours"), basis)
                    ),
                    "price_check": _price_check_display(bid.get("price_check")),
                    "package_check": _price_check_display(bid.get("package_check")),
                    "clarification": bid.get("clarification"),
                    "cqc": bid.get("cqc"),
                    "questions": [] if is_excluded else questions_detail(bid),
                }
            )
        sensitivity = _sensitivity_with_refs(lot_result.sensitivity.to_dict())
        sensitivity["winner_provider"] = provider_of.get(sensitivity["winner"])
        sensitivity["runner_up_provider"] = provider_of.get(sensitivity["runner_up"])
        lot_dict = lot_result.to_dict(with_bids=False)  # the bids are rendered above, with their details
        lots_out.append(
            {
                "lot": lot_in["number"],
                "lot_key": lot_in["key"],
                "zone": lot_in["zone_name"],
                "zone_code": lot_in["zone"],
                "hours_per_week": lot_dict["hours_per_week"],
                "provisional": lot_dict["provisional"],
                "unresolved_clarifications": [_ref(k) for k in lot_dict["unresolved_clarifications"]],
                "lowest_acceptable_price": lot_dict["lowest_acceptable_price"],
                "mean_acceptable_price": lot_dict["mean_acceptable_price"],
                "cost_of_care_benchmark": lot_dict["cost_of_care_benchmark"],
                "ceiling_price": money_text(lot_in.get("ceiling_price")),
                "package_hours": lot_in.get("package_hours"),
                "package_price_weight": lot_dict["package_weight"],
                "ties": [_tie_with_refs(t) for t in lot_dict["ties"]],
                "bids": bids_out,
                "sensitivity": sensitivity,
                "award": award,
            }
        )

    excluded: dict[str, dict[str, Any]] = {}
    flagged: dict[str, dict[str, Any]] = {}
    for lot in inputs["lots"]:
        for bid in lot["bids"]:
            cqc = bid.get("cqc") or {}
            if cqc.get("outcome") == "excluded":
                entry = excluded.setdefault(
                    bid["bid_ref"],
                    {
                        "bid_ref": bid["bid_ref"],
                        "provider": bid["provider"],
                        "reason": f"CQC: {cqc.get('reason', '')}",
                        "stage": cqc.get("stage"),
                        "evidence": cqc.get("evidence", []),
                        "lots": [],
                    },
                )
                entry["lots"].append(lot["number"])
            elif cqc.get("outcome") == "flagged":
                flagged.setdefault(
                    bid["bid_ref"], {"bid_ref": bid["bid_ref"], "provider": bid["provider"], "reason": cqc.get("reason", "")}
                )

    return {
        "schema": SCHEMA,
        "tender": inputs["tender"]["reference"],
        "title": inputs["tender"].get("title", ""),
        "minute_basis": inputs["tender"].get("minute_basis", ""),
        "rules": result.rules.to_dict(),
        "published_rules": published_rules(inputs),
        "provisional": any(lot.provisional for lot in result.lots),
        "questions": questions,
        "lots": lots_out,
        "awards": awards,
        "excluded": sorted(excluded.values(), key=lambda e: e["bid_ref"]),
        "flagged": sorted(flagged.values(), key=lambda e: e["bid_ref"]),
    }
