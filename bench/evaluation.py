"""Evaluation: 1,000 bids x 20 lots x 10 questions x 5 evaluators, generated.

Timed (the pure path `evaluation.services.evaluation_run` takes once its inputs are read):
the consensus of the 5 evaluators' scores per bid and question (the median, and the spread
moderation looks at), the CQC exclusion of every bid (`cqc.parse.assess_locations` on the
locations it names), prices converted per contact hour, then `evaluation.scoring.evaluate_tender`:
quality, price, ranking, award recommendation (with a lots-per-provider cap) and sensitivity
(rankings at three other splits, the price the runner-up needs to win, the price at which
the winner loses), all in exact Decimal arithmetic.

Baseline: the same arithmetic in float with numpy/pandas over the raw arrays, vectorised
across bids and lots (the sensitivity searches as vectorised bisections). Its winners are
checked against the exact result, so the two really do the same job.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from bench.common import Result, measure

TARGET_SECONDS = 2.0
TARGET_RATIO = 3.0
QUALITY_WEIGHT, PRICE_WEIGHT = 60, 40
CONTACT_MINUTES, TRAVEL_MINUTES = 50, 10
THRESHOLD_PERCENT = 40
MAX_LOTS_PER_PROVIDER = 3
SPLITS = ((60, 40), (50, 50), (70, 30), (80, 20))  # the tender's own split first, as scoring reports them
DOMAINS = ("Overall", "Safe", "Effective", "Caring", "Responsive", "Well-led")


@dataclass(frozen=True)
class Size:
    bids: int
    lots: int
    questions: int
    evaluators: int
    repeat: int


FULL = Size(bids=1000, lots=20, questions=10, evaluators=5, repeat=3)
SMOKE = Size(bids=12, lots=3, questions=3, evaluators=5, repeat=1)


@dataclass
class Workload:
    """The raw inputs, as arrays (what the database would hand over)."""

    size: Size
    weights: np.ndarray  # (questions,) int
    max_scores: np.ndarray  # (questions,) int
    individual: np.ndarray  # (bids, questions, evaluators) int 0..max
    price_pennies: np.ndarray  # (bids, lots) int, per billed hour on the 50 + 10 basis
    hours: np.ndarray  # (lots,) int
    provider_ids: list[str]
    bid_locations: list[list[str]]
    location_provider: dict[str, str]
    location_rows: dict[str, tuple[tuple[str, str, str | None, date | None], ...]]
    submitted_at: list[datetime]


def generate(size: Size, seed: int = 9) -> Workload:
    """A reproducible tender: most bids sound, a few weak, ~2% of locations Inadequate, ~3% unrated."""
    rng = np.random.default_rng(seed)
    b, q, e, n_lots = size.bids, size.questions, size.evaluators, size.lots
    weights = rng.integers(5, 21, size=q)
    max_scores = np.full(q, 5)
    ability = rng.normal(3.4, 0.7, size=(b, 1, 1))
    individual = np.clip(np.rint(ability + rng.normal(0, 0.8, size=(b, q, e))), 0, 5).astype(int)
    weak = rng.random(b) < 0.02  # a few bids whose answer to one question the panel scores 0
    individual[weak, 0, :] = 0
    base = rng.integers(2500, 3200, size=(b, 1))
    price_pennies = base + rng.integers(-150, 151, size=(b, n_lots)) + (np.arange(n_lots) * 7)[None, :]
    hours = rng.integers(300, 2400, size=n_lots)

    provider_ids = [f"1-{100000000 + i}" for i in range(b)]
    bid_locations: list[list[str]] = []
    location_provider: dict[str, str] = {}
    location_rows: dict[str, tuple] = {}
    published = date(2025, 6, 1)
    ratings = ("Good", "Good", "Good", "Outstanding", "Requires improvement")
    for i in range(b):
        ids = []
        for k in range(int(rng.integers(1, 4))):
            location_id = f"1-{200000000 + i * 10 + k}"
            ids.append(location_id)
            location_provider[location_id] = provider_ids[i]
            roll = rng.random()
            if roll < 0.02:
                rows = tuple((d, "Inadequate" if d == "Safe" else "Requires improvement") for d in DOMAINS)
            elif roll < 0.05:
                rows = (("Overall", "Not Rated"),)
            else:
                overall = ratings[int(rng.integers(0, len(ratings)))]
                rows = tuple((d, overall) for d in DOMAINS)
            location_rows[location_id] = tuple(("Overall", d, r, published) for d, r in rows)
        bid_locations.append(ids)
    start = datetime(2025, 10, 6, 8, 0, tzinfo=UTC)
    submitted_at = [start + timedelta(seconds=int(s)) for s in rng.permutation(b)]
    return Workload(size, weights, max_scores, individual, price_pennies, hours, provider_ids, bid_locations,
                    location_provider, location_rows, submitted_at)


# --- The system's pure path ---------------------------------------------------------------


def _locations(work: Workload) -> dict[str, Any]:
    """Location records as the CQC app stores them (built once, outside the timing: they come from the DB)."""
    from cqc.parse import LocationRecord, ServiceRating

    records = {}
    for location_id, rows in work.location_rows.items():
        records[location_id] = LocationRecord(
            location_id=location_id, provider_id=work.location_provider[location_id], location_name=location_id,
            provider_name="", location_type="Social Care Org", service_types=("Homecare agencies",),
            local_authority="Lancashire", postcode="PR1 1AA", overall_rating=rows[0][2],
            key_question_ratings={}, service_ratings=tuple(ServiceRating(*row) for row in rows),
            publication_date=rows[0][3], url="",
        )
    return records


def system_evaluation(work: Workload, locations: dict[str, Any]) -> Any:
    """Consensus, exclusion, conversion and `evaluate_tender`, as the evaluation service runs them."""
    from cqc.parse import Outcome, assess_locations
    from evaluation.assemble import score_spread
    from evaluation.scoring import BidInput, BidStatus, LotInput, Question, TenderRules, evaluate_tender
    from pricing.conversion import MinuteBasis, per_contact_hour

    size = work.size
    basis = MinuteBasis(CONTACT_MINUTES, TRAVEL_MINUTES)
    rules = TenderRules(
        quality_weight=Decimal(QUALITY_WEIGHT), price_weight=Decimal(PRICE_WEIGHT),
        max_lots_per_provider=MAX_LOTS_PER_PROVIDER, fail_on_zero_score=True,
        quality_threshold_percent=Decimal(THRESHOLD_PERCENT),
        sensitivity_splits=tuple((Decimal(a), Decimal(b)) for a, b in SPLITS[1:]),
    )
    keys = [f"Q{j + 1}" for j in range(size.questions)]
    questions = [Question(k, Decimal(int(w)), Decimal(int(m))) for k, w, m in zip(keys, work.weights, work.max_scores,
                                                                                    strict=True)]
    individual = work.individual.tolist()
    prices = work.price_pennies.tolist()
    per_lot: list[list[BidInput]] = [[] for _ in range(size.lots)]
    divergent = 0
    for i in range(size.bids):
        consensus = {}
        for j, key in enumerate(keys):
            scores = individual[i][j]
            consensus[key] = Decimal(sorted(scores)[len(scores) // 2])  # the median of an odd panel
            divergent += score_spread(scores)[1]
        named = work.bid_locations[i]
        found = {loc: locations[loc] for loc in named if loc in locations}
        check = assess_locations(work.provider_ids[i], named, found, "flag")
        excluded = check.outcome is Outcome.EXCLUDED
        for lot in range(size.lots):
            per_lot[lot].append(
                BidInput(
                    bid_ref=f"B{i:04d}-L{lot + 1:02d}", provider_key=work.provider_ids[i], lot_key=f"L{lot + 1:02d}",
                    status=BidStatus.EXCLUDED if excluded else BidStatus.ELIGIBLE,
                    reason=check.reason if excluded else "",
                    price_per_contact_hour=per_contact_hour(Decimal(prices[i][lot]).scaleb(-2), basis),
                    consensus_scores={} if excluded else consensus,
                    submitted_at=work.submitted_at[i],
                )
            )
    lots = [
        LotInput(lot_key=f"L{lot + 1:02d}", hours_per_week=Decimal(int(work.hours[lot])), bids=per_lot[lot])
        for lot in range(size.lots)
    ]
    return evaluate_tender(rules, questions, lots)


# --- The baseline: numpy/pandas over the raw arrays ---------------------------------------


def baseline_evaluation(work: Workload) -> dict[str, Any]:
    """The same arithmetic, vectorised, in float."""
    size = work.size
    b, n_lots = size.bids, size.lots
    qw, pw = float(QUALITY_WEIGHT), float(PRICE_WEIGHT)

    # Consensus and spread.
    ordered = np.sort(work.individual, axis=2)
    consensus = ordered[:, :, size.evaluators // 2]
    divergent = int(((ordered[:, :, -1] - ordered[:, :, 0]) >= 2).sum())

    # CQC exclusion: long table of (bid, location) joined to the locations' flags.
    links = pd.DataFrame(
        [(i, loc) for i, ids in enumerate(work.bid_locations) for loc in ids], columns=["bid", "location"]
    )
    rated = {"Outstanding", "Good", "Requires improvement", "Inadequate"}
    flags = pd.DataFrame(
        {
            "location": list(work.location_rows),
            "inadequate": [any(r[2] == "Inadequate" for r in rows) for rows in work.location_rows.values()],
            "unrated": [not any(r[2] in rated for r in rows) for rows in work.location_rows.values()],
            "provider": [work.location_provider[loc] for loc in work.location_rows],
        }
    )
    merged = links.merge(flags, on="location", how="left")
    merged["bid_provider"] = np.asarray(work.provider_ids, dtype=object)[merged["bid"].to_numpy()]
    merged["bad"] = merged["inadequate"].fillna(True).astype(bool) | (merged["provider"] != merged["bid_provider"])
    excluded = merged.groupby("bid")["bad"].any().reindex(range(b), fill_value=False).to_numpy()

    # Quality.
    fraction = (consensus / work.max_scores * work.weights).sum(axis=1) / work.weights.sum()
    quality = qw * fraction
    failed = ((consensus == 0).any(axis=1) | (fraction * 100 < THRESHOLD_PERCENT)) & ~excluded
    acceptable = ~excluded & ~failed

    # Price, per contact hour, relative to the lowest acceptable price in each lot.
    price = work.price_pennies / 100.0 * 60.0 / CONTACT_MINUTES
    masked = np.where(acceptable[:, None], price, np.inf)
    lowest = masked.min(axis=0)
    order_time = np.argsort(np.argsort(np.array([t.timestamp() for t in work.submitted_at])))
    bid_index = np.arange(b)

    def ranking(qa: float, pa: float) -> tuple[np.ndarray, np.ndarray]:
        total = qa * fraction[:, None] + pa * lowest[None, :] / price
        ranks = np.empty((n_lots, int(acceptable.sum())), dtype=int)
        for lot in range(n_lots):  # one lexsort per lot: total desc, quality desc, price asc, time, ref
            idx = bid_index[acceptable]
            keys = (idx, order_time[idx], price[idx, lot], -fraction[idx], -total[idx, lot])
            ranks[lot] = idx[np.lexsort(keys)]
        return total, ranks

    total, ranks = ranking(qw, pw)
    split_winners = {(a, c): ranking(float(a), float(c))[1][:, 0] for a, c in SPLITS[1:]}

    # Sensitivity: runner-up's highest winning price, winner's lowest losing price (vectorised bisection).
    lots = np.arange(n_lots)
    w, r = ranks[:, 0], ranks[:, 1]
    acc_price = np.where(acceptable[:, None], price, np.inf)

    def lowest_without(who: np.ndarray) -> np.ndarray:
        p = acc_price.copy()
        p[who, lots] = np.inf
        return p.min(axis=0)

    low_r, low_w = lowest_without(r), lowest_without(w)
    q_w, q_r = quality[w], quality[r]
    p_w, p_r = price[w, lots], price[r, lots]

    def runner_up_wins(c: np.ndarray) -> np.ndarray:
        ref = np.minimum(low_r, c / 100)
        return q_r + pw * ref / (c / 100) > q_w + pw * ref / p_w

    lo = np.ones(n_lots)
    hi = np.ceil(p_r * 100) - 1
    possible = runner_up_wins(lo)
    while np.any(lo < hi):
        mid = np.floor((lo + hi + 1) / 2)
        ok = runner_up_wins(mid)
        lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid - 1)
    price_to_win = np.where(possible, lo / 100, np.nan)

    others_q = quality[:, None] * acceptable[:, None]

    def winner_loses(c: np.ndarray) -> np.ndarray:
        ref = np.minimum(low_w, c / 100)
        others = np.where(acceptable[:, None], others_q + pw * ref[None, :] / price, -np.inf)
        others[w, lots] = -np.inf
        return others.max(axis=0) > q_w + pw * ref / (c / 100)

    lo = np.floor(p_w * 100) + 1
    hi = np.ceil(p_w * 100) * 1000
    reachable = winner_loses(hi)
    while np.any(lo < hi):
        mid = np.floor((lo + hi) / 2)
        ok = winner_loses(mid)
        lo, hi = np.where(ok, lo, mid + 1), np.where(ok, mid, hi)
    price_to_lose = np.where(reachable, hi / 100, np.nan)

    # Awards: best places first (rank, total), one per lot, at most MAX_LOTS_PER_PROVIDER lots a provider.
    candidates = pd.DataFrame(
        {"lot": np.repeat(lots, ranks.shape[1]), "bid": ranks.ravel(), "rank": np.tile(np.arange(ranks.shape[1]), n_lots)}
    )
    candidates["total"] = total[candidates["bid"].to_numpy(), candidates["lot"].to_numpy()]
    candidates = candidates.sort_values(["rank", "total", "lot"], ascending=[True, False, True])
    awarded: dict[int, int] = {}
    held: dict[int, int] = {}
    for lot, bid in zip(candidates["lot"].to_numpy(), candidates["bid"].to_numpy(), strict=True):
        if len(awarded) == n_lots:
            break
        if lot in awarded or held.get(bid, 0) >= MAX_LOTS_PER_PROVIDER:
            continue
        awarded[int(lot)] = int(bid)
        held[bid] = held.get(bid, 0) + 1
    return {
        "winners": w, "excluded": int(excluded.sum()), "failed": int(failed.sum()), "divergent": divergent,
        "split_winners": split_winners, "price_to_win": price_to_win, "price_to_lose": price_to_lose,
        "awarded": awarded,
    }


def _compare(result: Any, base: dict[str, Any], work: Workload) -> list[str]:
    """Where the float baseline and the exact evaluation disagree (should be nowhere)."""
    problems = []
    winners = [lot.sensitivity.winner for lot in result.lots]
    expected = [f"B{int(i):04d}-L{n + 1:02d}" for n, i in enumerate(base["winners"])]
    if winners != expected:
        problems.append(f"winners differ in {sum(a != b for a, b in zip(winners, expected, strict=True))} lot(s)")
    to_win = [lot.sensitivity.runner_up_price_to_win for lot in result.lots]
    off = sum(
        1 for exact, approx in zip(to_win, base["price_to_win"], strict=True)
        if (exact is None) != bool(np.isnan(approx)) or (exact is not None and abs(float(exact) - approx) > 0.011)
    )
    if off:
        problems.append(f"runner-up price to win differs in {off} lot(s)")
    awarded = {n: ref for n, lot in enumerate(result.awards.lots) for ref in lot.recommended}
    expected_awards = {lot: f"B{bid:04d}-L{lot + 1:02d}" for lot, bid in base["awarded"].items()}
    if awarded != expected_awards:
        problems.append("award recommendations differ")
    return problems


def run(size: Size = FULL) -> Result:
    import cqc.parse  # noqa: F401 - imported before the clock starts
    import evaluation.assemble  # noqa: F401
    import evaluation.scoring  # noqa: F401

    work = generate(size)
    locations = _locations(work)
    system = measure(lambda: system_evaluation(work, locations), size.repeat)
    plain = measure(lambda: baseline_evaluation(work), size.repeat)
    result, base = system.value, plain.value
    system_seconds, baseline_seconds = system.wall, plain.wall
    ratio = system_seconds / baseline_seconds
    problems = _compare(result, base, work)
    outcome = Result(
        name="evaluation",
        workload=f"{size.bids:,} bids x {size.lots} lots x {size.questions} questions x {size.evaluators} evaluators",
        absolute=system_seconds,
        baseline=baseline_seconds,
        target=f"< {TARGET_SECONDS:.0f} s, within {TARGET_RATIO:.0f}x of pandas",
        ratio_target=f"<= {TARGET_RATIO:.0f}x",
        met=system_seconds < TARGET_SECONDS and ratio <= TARGET_RATIO and not problems,
        figures={
            "bid_lot_entries": size.bids * size.lots, "excluded_bids": base["excluded"],
            "failed_quality_bids": base["failed"], "divergent_question_scores": base["divergent"],
            "disagreements": problems, "cpu_seconds": round(system.cpu, 2), "baseline_cpu_seconds": round(plain.cpu, 2),
        },
    )
    outcome.notes.append(
        f"{size.bids * size.lots:,} priced bid-lots; {base['excluded']} bids excluded by CQC, {base['failed']} failed "
        f"quality; baseline agrees on winners, awards and runner-up prices" if not problems
        else "baseline DISAGREES: " + "; ".join(problems)
    )
    outcome.notes.append(f"CPU {system.cpu:.2f} s (baseline {plain.cpu:.2f} s)")
    return outcome
