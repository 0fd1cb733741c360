"""Price/quality scoring, ranking, award recommendation and sensitivity (pure).

Why a pure module: the arithmetic that decides who is awarded public money must
be testable without a database and reproducible from the published rules alone.
Nothing here imports Django; callers convert models to the input dataclasses.

Quality (per bid)
    quality = quality_weight x sum(w_i x s_i / max_i) / sum(w_i)
    where s_i is the moderated consensus score for question i. Optional
    thresholds stated before publication fail a bid (status "failed_quality")
    if any question scored 0, or if quality < threshold% of the quality weight
    (meeting the threshold exactly passes). Failed bids are not price-scored.

Price (per lot, on the price per contact hour the caller has already converted)
    Only acceptable prices count: bids that are eligible and passed quality.
    Excluded bids and abnormally low prices rejected after clarification never
    set the lowest or mean price.

    relative_to_lowest (default):
        price = price_weight x lowest acceptable price / bid price
    relative_to_mean:
        price = price_weight x (1 - (p - mean) / mean), clamped to
        [0, price_weight]: full marks at or below the mean of acceptable
        prices, 1% of the price marks lost per 1% above the mean, zero at twice
        the mean or more. Never rewards a price for being higher.
    banded_cost_of_care:
        bands relative to the lot's cost-of-care benchmark (model minimum per
        contact hour). Default bands (TenderRules.price_bands): up to 10% above
        the benchmark 100% of the price marks, up to 20% 75%, up to 30% 50%, up
        to 40% 25%, above that 0. Each band includes its upper bound. A price
        at or below the benchmark earns full marks: it can only be here if the
        authority accepted it after clarification (otherwise the caller sends
        it as "rejected_price").

    Every formula is monotone: for the same competitors a lower price never
    earns a lower price score.

Package prices (reablement lots priced per package as well as per hour)
    When a lot publishes a package price weight w% (LotInput.package_weight),
    G = (100 - w)% x G(hourly price) + w% x G(package price), each G by the
    tender's formula over the acceptable bids' prices of that kind. The package
    price enters as its hourly equivalent per contact hour (package price /
    package hours, converted), so the banded formula compares it with the same
    benchmark. With w = 0 the package price is not scored.

Ceilings (TenderRules.ceiling_rule)
    The caller marks a bid priced above its lot's published ceiling with status
    "above_ceiling". "not_ranked" (default): it is non-compliant, not scored on
    price, not ranked and never sets the lowest or mean price; its quality is
    reported. "ranked_not_recommended": it is ranked for information as if
    compliant but never recommended; the next compliant bid takes the place.

Total and ranking
    total = quality + price (0-100; the weights must add up to 100). Ranks per
    lot are 1..n with no shared ranks. Ties on total are broken by the published
    tie rule (TenderRules.tie_break): higher quality, then lower price per
    contact hour, then "quality_price_lots" (default) a drawing of lots
    seeded with `tie_break_seed` (SHA-256 of seed and bid key: reproducible
    from the stored seed, independent of input order and of who clicked first),
    or "submission_time" earlier submission time (a missing time sorts last);
    bid reference (ascending) last. Every tie on total is recorded with what
    decided it (LotResult.ties), so a drawing of lots can be audited.

Exactness
    Sums and products are computed exactly (a context that traps Inexact), and
    every reported score is ONE correctly rounded division of exact operands
    to 34 significant digits. Mathematically equal scores therefore compare
    equal, so a tie is a real tie and the published tie rules decide it rather
    than rounding noise. Rounding to 2 places (ROUND_HALF_UP) happens only in
    the `to_dict()` renderers; a displayed total is the rounded exact total,
    not the sum of the rounded parts.

Awards: see `recommend_awards`. Sensitivity: see `LotSensitivity`.
"""
from __future__ import annotations

import gc
import heapq
import math
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import (
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from enum import StrEnum
from hashlib import sha256
from operator import attrgetter, eq, itemgetter, mul
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from common.money import pennies, quantize_score, to_decimal

__all__ = [
    "DEFAULT_PRICE_BANDS",
    "DEFAULT_SENSITIVITY_SPLITS",
    "AwardRecommendation",
    "BidInput",
    "BidResult",
    "ConsensusScores",
    "Eligibility",
    "CeilingRule",
    "LotAward",
    "LotInput",
    "LotResult",
    "LotSensitivity",
    "PassedOver",
    "PriceBand",
    "PriceFormula",
    "ProviderAward",
    "Question",
    "ResultStatus",
    "SplitOutcome",
    "TenderResult",
    "TieBreak",
    "TieRecord",
    "TenderRules",
    "collector_paused",
    "display_score",
    "draw_key",
    "evaluate_tender",
    "recommend_awards",
]

ZERO = Decimal(0)
ONE = Decimal(1)
TWO = Decimal(2)
HUNDRED = Decimal(100)

# Additions and multiplications never round here; Inexact would raise, so a
# silent loss of precision cannot happen and sums do not depend on order.
_EXACT = Context(prec=1000, traps=[Inexact, InvalidOperation, DivisionByZero, Overflow])
# The one rounding step of every score: a correctly rounded division.
_DIVISION = Context(
    prec=34, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)
# Rendering context: roomy enough for any 34-digit score, default traps.
_DISPLAY = Context(prec=60)
# A winner that still comes first at this multiple of its price "cannot" lose
# on price in any practical sense; the search stops there.
_WINNER_RISE_SEARCH_LIMIT = 1000


class PriceFormula(StrEnum):
    """Price scoring formula, chosen and published with the tender."""

    RELATIVE_TO_LOWEST = "relative_to_lowest"
    RELATIVE_TO_MEAN = "relative_to_mean"
    BANDED_COST_OF_CARE = "banded_cost_of_care"


class CeilingRule(StrEnum):
    """What the published rules do with a bid above its lot's ceiling price."""

    NOT_RANKED = "not_ranked"
    RANKED_NOT_RECOMMENDED = "ranked_not_recommended"


class TieBreak(StrEnum):
    """The published last tie-break after quality and price per contact hour."""

    QUALITY_PRICE_LOTS = "quality_price_lots"  # a seeded drawing of lots
    SUBMISSION_TIME = "submission_time"


class Eligibility(StrEnum):
    """Status of a bid on entry to scoring (decided by earlier checks)."""

    ELIGIBLE = "eligible"
    EXCLUDED = "excluded"  # e.g. CQC Inadequate on a key question
    REJECTED_PRICE = "rejected_price"  # abnormally low, explanation not accepted
    ABOVE_CEILING = "above_ceiling"  # priced above the lot's published ceiling


class ResultStatus(StrEnum):
    """Outcome of scoring for one bid."""

    RANKED = "ranked"
    EXCLUDED = "excluded"
    FAILED_QUALITY = "failed_quality"
    REJECTED_PRICE = "rejected_price"
    ABOVE_CEILING = "above_ceiling"


# Order of unranked bids after the ranked ones in a lot result.
_UNRANKED_ORDER = {
    ResultStatus.FAILED_QUALITY: 0,
    ResultStatus.ABOVE_CEILING: 1,
    ResultStatus.REJECTED_PRICE: 2,
    ResultStatus.EXCLUDED: 3,
}


def _dec(value: object, name: str) -> Decimal:
    """Coerce an input number to Decimal; floats are refused to keep money exact."""
    if isinstance(value, (float, bool)):
        raise TypeError(f"{name} must be a Decimal, int or str, not {type(value).__name__}")
    try:
        return to_decimal(value)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from exc


def _positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}")
    return value


def display_score(value: Decimal | None) -> str | None:
    """Render a score, percentage or weight to 2 places, half up (display only)."""
    if value is None:
        return None
    with localcontext(_DISPLAY):  # safe to call from inside the exact context
        return str(quantize_score(value))


def _display_money(value: Decimal | None) -> str | None:
    if value is None:
        return None
    with localcontext(_DISPLAY):
        return str(pennies(value))


# --------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceBand:
    """A band of the banded formula: prices up to `up_to_percent_above` the
    benchmark (inclusive; None = no limit) earn `share_percent` of the price marks."""

    up_to_percent_above: Decimal | None
    share_percent: Decimal

    def __post_init__(self) -> None:
        if self.up_to_percent_above is not None:
            up_to = _dec(self.up_to_percent_above, "up_to_percent_above")
            if up_to < 0:
                raise ValueError("a price band cannot end below the benchmark")
            object.__setattr__(self, "up_to_percent_above", up_to)
        share = _dec(self.share_percent, "share_percent")
        if not ZERO <= share <= HUNDRED:
            raise ValueError(f"share_percent must be 0-100, got {share}")
        object.__setattr__(self, "share_percent", share)


DEFAULT_PRICE_BANDS: tuple[PriceBand, ...] = (
    PriceBand(Decimal(10), Decimal(100)),
    PriceBand(Decimal(20), Decimal(75)),
    PriceBand(Decimal(30), Decimal(50)),
    PriceBand(Decimal(40), Decimal(25)),
    PriceBand(None, ZERO),
)

DEFAULT_SENSITIVITY_SPLITS: tuple[tuple[Decimal, Decimal], ...] = (
    (Decimal(50), Decimal(50)),
    (Decimal(70), Decimal(30)),
    (Decimal(80), Decimal(20)),
)


@dataclass(frozen=True)
class TenderRules:
    """Evaluation rules published with the tender (60/40 by default, seed 004)."""

    quality_weight: Decimal = Decimal(60)
    price_weight: Decimal = Decimal(40)
    price_formula: PriceFormula = PriceFormula.RELATIVE_TO_LOWEST
    max_providers_per_lot: int = 1
    max_lots_per_provider: int | None = None
    fail_on_zero_score: bool = False
    quality_threshold_percent: Decimal | None = None
    price_bands: tuple[PriceBand, ...] = DEFAULT_PRICE_BANDS
    sensitivity_splits: tuple[tuple[Decimal, Decimal], ...] = DEFAULT_SENSITIVITY_SPLITS
    ceiling_rule: CeilingRule = CeilingRule.NOT_RANKED
    tie_break: TieBreak = TieBreak.QUALITY_PRICE_LOTS
    tie_break_seed: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "ceiling_rule", CeilingRule(self.ceiling_rule))
        object.__setattr__(self, "tie_break", TieBreak(self.tie_break))
        object.__setattr__(self, "tie_break_seed", str(self.tie_break_seed or ""))
        qw = _dec(self.quality_weight, "quality_weight")
        pw = _dec(self.price_weight, "price_weight")
        if qw < 0 or pw < 0 or qw + pw != HUNDRED:
            raise ValueError(f"quality and price weights must be >= 0 and add up to 100, got {qw}/{pw}")
        object.__setattr__(self, "quality_weight", qw)
        object.__setattr__(self, "price_weight", pw)
        object.__setattr__(self, "price_formula", PriceFormula(self.price_formula))
        _positive_int(self.max_providers_per_lot, "max_providers_per_lot")
        if self.max_lots_per_provider is not None:
            _positive_int(self.max_lots_per_provider, "max_lots_per_provider")
        if self.quality_threshold_percent is not None:
            threshold = _dec(self.quality_threshold_percent, "quality_threshold_percent")
            if not ZERO <= threshold <= HUNDRED:
                raise ValueError(f"quality_threshold_percent must be 0-100, got {threshold}")
            object.__setattr__(self, "quality_threshold_percent", threshold)
        bands = tuple(self.price_bands)
        if not bands:
            raise ValueError("price_bands must not be empty")
        for earlier, later in zip(bands, bands[1:], strict=False):
            if earlier.up_to_percent_above is None:
                raise ValueError("only the last price band may be open-ended")
            if later.up_to_percent_above is not None and (
                later.up_to_percent_above <= earlier.up_to_percent_above
            ):
                raise ValueError("price bands must be in increasing order")
            if later.share_percent > earlier.share_percent:
                # A higher price must never earn more marks.
                raise ValueError("price band shares must not increase with price")
        object.__setattr__(self, "price_bands", bands)
        splits = []
        for split in self.sensitivity_splits:
            q, p = (_dec(v, "sensitivity split") for v in split)
            if q < 0 or p < 0 or q + p != HUNDRED:
                raise ValueError(f"a sensitivity split must add up to 100, got {q}/{p}")
            splits.append((q, p))
        object.__setattr__(self, "sensitivity_splits", tuple(splits))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready rules, so a published result carries the rules that made it."""
        return {
            "quality_weight": str(self.quality_weight),
            "price_weight": str(self.price_weight),
            "price_formula": str(self.price_formula),
            "max_providers_per_lot": self.max_providers_per_lot,
            "max_lots_per_provider": self.max_lots_per_provider,
            "fail_on_zero_score": self.fail_on_zero_score,
            "quality_threshold_percent": (
                None if self.quality_threshold_percent is None else str(self.quality_threshold_percent)
            ),
            "price_bands": [
                {
                    "up_to_percent_above": (
                        None if b.up_to_percent_above is None else str(b.up_to_percent_above)
                    ),
                    "share_percent": str(b.share_percent),
                }
                for b in self.price_bands
            ],
            "ceiling_rule": str(self.ceiling_rule),
            "tie_break": str(self.tie_break),
            "tie_break_seed": self.tie_break_seed,
        }


@dataclass(frozen=True)
class Question:
    """A published quality question: its weight and the top of its scoring scale."""

    key: str
    weight: Decimal
    max_score: Decimal

    def __post_init__(self) -> None:
        if not self.key:
            raise ValueError("a question needs a key")
        weight = _dec(self.weight, f"question {self.key} weight")
        max_score = _dec(self.max_score, f"question {self.key} max_score")
        if weight < 0:
            raise ValueError(f"question {self.key}: weight cannot be negative")
        if max_score <= 0:
            raise ValueError(f"question {self.key}: max_score must be positive")
        object.__setattr__(self, "weight", weight)
        object.__setattr__(self, "max_score", max_score)


_NO_SCORES: Mapping[str, Decimal] = MappingProxyType({})


class ConsensusScores(dict[str, Decimal]):
    """A bid's moderated consensus scores, checked once and read-only from then on.

    Why: a bid sends the same scores to every lot it prices. A `BidInput` given a
    ConsensusScores keeps it as it is instead of copying and checking it again, and
    scoring recognises the bid's quality by the object (issue 17: 20,000 bid-lots
    share 1,000 bids' scores). A plain mapping still works, checked per bid-lot.
    """

    __slots__ = ()

    def __init__(self, scores: Mapping[str, object] = _NO_SCORES, owner: str = "a bid") -> None:
        checked: dict[str, Decimal] = {}
        for key, value in dict(scores).items():
            # A finite Decimal is taken as it is (what _dec returns for it); anything else is coerced or refused.
            checked[key] = value if type(value) is Decimal and value.is_finite() else _dec(
                value, f"{owner} score for {key}"
            )
        super().__init__(checked)

    def _read_only(self, *args: object, **kwargs: object) -> None:
        raise TypeError("consensus scores are read-only once checked")

    __setitem__ = __delitem__ = _read_only
    clear = pop = popitem = setdefault = update = __ior__ = _read_only  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return ConsensusScores, (dict(self),)


@dataclass(frozen=True, init=False)
class BidInput:
    """One bid for one lot, as the evaluation stands after moderation.

    `price_per_contact_hour` must already be converted to contact hours (see
    domain notes: billed price x 60 / contact minutes). It is required for an
    eligible bid. `submitted_at` (timezone-aware) only breaks exact ties.
    Excluded bids need no scores or price; a rejected-price bid may carry all
    its scores (its quality is then reported) or none.
    """

    bid_ref: str
    provider_key: str
    lot_key: str
    status: Eligibility = Eligibility.ELIGIBLE
    reason: str = ""
    price_per_contact_hour: Decimal | None = None
    consensus_scores: Mapping[str, Decimal] = field(default_factory=dict)
    submitted_at: datetime | None = None
    needs_clarification_unresolved: bool = False
    # The package price as its hourly equivalent per contact hour; scored only where the lot weights it.
    package_price_per_contact_hour: Decimal | None = None

    def __init__(
        self,
        bid_ref: str,
        provider_key: str,
        lot_key: str,
        status: Eligibility = Eligibility.ELIGIBLE,
        reason: str = "",
        price_per_contact_hour: Decimal | None = None,
        consensus_scores: Mapping[str, Decimal] = _NO_SCORES,
        submitted_at: datetime | None = None,
        needs_clarification_unresolved: bool = False,
        package_price_per_contact_hour: Decimal | None = None,
    ) -> None:
        """The dataclass's own __init__ and checks, with the fields set at once (issue 17: the
        frozen dataclass sets each through object.__setattr__, and a tender has 20,000 bid-lots)."""
        if not bid_ref or not provider_key:
            raise ValueError("a bid needs a bid_ref and a provider_key")
        if type(status) is not Eligibility:
            status = Eligibility(status)
        if package_price_per_contact_hour is not None:
            package_price_per_contact_hour = _dec(package_price_per_contact_hour, f"bid {bid_ref} package price")
            if package_price_per_contact_hour <= 0:
                raise ValueError(f"bid {bid_ref}: the package price must be positive")
        price = price_per_contact_hour
        if price is not None:
            # A finite Decimal is what _dec would return for it; anything else is coerced or refused.
            if type(price) is not Decimal or not price.is_finite():
                price = _dec(price, f"bid {bid_ref} price_per_contact_hour")
            if price <= 0:
                raise ValueError(f"bid {bid_ref}: price per contact hour must be positive")
        if type(consensus_scores) is ConsensusScores:
            scores: Mapping[str, Decimal] = consensus_scores  # checked when it was made, and read-only
        else:
            scores = ConsensusScores(consensus_scores, f"bid {bid_ref}")
        object.__setattr__(self, "__dict__", {
            "bid_ref": bid_ref,
            "provider_key": provider_key,
            "lot_key": lot_key,
            "status": status,
            "reason": reason,
            "price_per_contact_hour": price,
            "consensus_scores": scores,
            "submitted_at": submitted_at,
            "needs_clarification_unresolved": needs_clarification_unresolved,
            "package_price_per_contact_hour": package_price_per_contact_hour,
        })


@dataclass(frozen=True)
class LotInput:
    """A lot (zone) with its weekly hours, optional cost-of-care benchmark and bids."""

    lot_key: str
    hours_per_week: Decimal
    cost_of_care_benchmark: Decimal | None = None
    bids: Sequence[BidInput] = ()
    package_weight: Decimal = ZERO  # % of the price score taken from the package price

    def __post_init__(self) -> None:
        weight = _dec(self.package_weight, f"lot {self.lot_key} package_weight")
        if not ZERO <= weight <= HUNDRED:
            raise ValueError(f"lot {self.lot_key}: package_weight must be 0-100, got {weight}")
        object.__setattr__(self, "package_weight", weight)
        hours = _dec(self.hours_per_week, f"lot {self.lot_key} hours_per_week")
        if hours < 0:
            raise ValueError(f"lot {self.lot_key}: hours_per_week cannot be negative")
        object.__setattr__(self, "hours_per_week", hours)
        if self.cost_of_care_benchmark is not None:
            benchmark = _dec(self.cost_of_care_benchmark, f"lot {self.lot_key} benchmark")
            if benchmark <= 0:
                raise ValueError(f"lot {self.lot_key}: cost-of-care benchmark must be positive")
            object.__setattr__(self, "cost_of_care_benchmark", benchmark)
        object.__setattr__(self, "bids", tuple(self.bids))


# --------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class BidResult:
    """Scores and outcome of one bid. Scores are full precision; None = not scored.

    Failed-quality bids keep their quality score, and so do rejected-price bids
    that were quality-scored, because the assessment summary must give each
    bidder its scores (Procurement Act 2023). Excluded bids are never scored.
    """

    bid_ref: str
    provider_key: str
    lot_key: str
    status: ResultStatus
    reason: str
    price_per_contact_hour: Decimal | None
    submitted_at: datetime | None
    quality_score: Decimal | None
    price_score: Decimal | None
    total: Decimal | None
    rank: int | None
    recommended: bool = False
    clarification_unresolved: bool = False
    above_ceiling: bool = False  # ranked for information only, never recommended
    package_price_per_contact_hour: Decimal | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, scores as 2-place strings rounded half up."""
        return {
            "bid_ref": self.bid_ref,
            "provider_key": self.provider_key,
            "lot_key": self.lot_key,
            "status": str(self.status),
            "reason": self.reason,
            "price_per_contact_hour": _display_money(self.price_per_contact_hour),
            "submitted_at": None if self.submitted_at is None else self.submitted_at.isoformat(),
            "quality_score": display_score(self.quality_score),
            "price_score": display_score(self.price_score),
            "total": display_score(self.total),
            "rank": self.rank,
            "recommended": self.recommended,
            "clarification_unresolved": self.clarification_unresolved,
            "above_ceiling": self.above_ceiling,
            "package_price_per_contact_hour": _display_money(self.package_price_per_contact_hour),
        }


@dataclass(frozen=True)
class SplitOutcome:
    """The lot's ranking if the quality/price weights had been this split."""

    quality_weight: Decimal
    price_weight: Decimal
    is_tender_split: bool
    winner: str | None
    ranking: tuple[str, ...]
    winner_changed: bool
    ranking_changed: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "quality_weight": str(self.quality_weight),
            "price_weight": str(self.price_weight),
            "is_tender_split": self.is_tender_split,
            "winner": self.winner,
            "winner_changed": self.winner_changed,
            "ranking_changed": self.ranking_changed,
            "ranking": list(self.ranking),
        }


@dataclass(frozen=True)
class LotSensitivity:
    """How robust the lot's outcome is, so a commissioner can defend it.

    `splits`: the ranking at the tender's own split (first) and at each split
    in `TenderRules.sensitivity_splits`. Quality thresholds are percentages of
    the quality weight, so the same bids pass at every split.

    Price moves are at the tender's own split, all other prices unchanged
    (the lowest or mean price follows the moved price), searched over
    whole-penny prices per contact hour, which is exact because every formula
    is monotone in a bid's own price:
    - `runner_up_price_to_win`: the highest whole-penny price at which the
      runner-up would rank above the current winner (None = cannot: not even
      1p would do it); `runner_up_price_cut_percent` is the cut that needs.
    - `winner_price_to_lose`: the lowest whole-penny price at which the winner
      would no longer rank first (None = it would still win at 1,000 times its
      price, i.e. its quality lead alone carries it); `winner_price_rise_percent`.
    """

    winner: str | None
    runner_up: str | None
    splits: tuple[SplitOutcome, ...]
    runner_up_price_to_win: Decimal | None = None
    runner_up_price_cut_percent: Decimal | None = None
    winner_price_to_lose: Decimal | None = None
    winner_price_rise_percent: Decimal | None = None

    @property
    def winner_changes_at_any_split(self) -> bool:
        return any(s.winner_changed for s in self.splits)

    def to_dict(self) -> dict[str, Any]:
        return {
            "winner": self.winner,
            "runner_up": self.runner_up,
            "winner_changes_at_any_split": self.winner_changes_at_any_split,
            "splits": [s.to_dict() for s in self.splits],
            "runner_up_price_to_win": _display_money(self.runner_up_price_to_win),
            "runner_up_price_cut_percent": display_score(self.runner_up_price_cut_percent),
            "winner_price_to_lose": _display_money(self.winner_price_to_lose),
            "winner_price_rise_percent": display_score(self.winner_price_rise_percent),
        }


@dataclass(frozen=True)
class TieRecord:
    """Bids with equal totals, in the order the tie rules put them.

    `decided_by[i]` says what put bids[i] above bids[i + 1]: "quality", "price",
    "drawing of lots", "submission time" or "bid reference". `draws` is each
    bid's drawn number (hex) where a drawing of lots was used, so anyone can
    recompute it from the seed with `draw_key`.
    """

    bids: tuple[str, ...]
    decided_by: tuple[str, ...]
    seed: str = ""
    draws: tuple[tuple[str, str], ...] = ()

    @property
    def drawn(self) -> bool:
        return "drawing of lots" in self.decided_by

    def to_dict(self) -> dict[str, Any]:
        return {
            "bids": list(self.bids),
            "decided_by": list(self.decided_by),
            "drawn": self.drawn,
            "seed": self.seed if self.drawn else "",
            "draws": [list(d) for d in self.draws] if self.drawn else [],
        }


@dataclass(frozen=True)
class LotResult:
    """A lot's bids, ranked ones first by rank, then failed, rejected, excluded.

    `provisional` is True while any price-scored bid has an unresolved
    clarification: its price could still be rejected, which would move the
    lowest or mean price and so every price score in the lot.
    """

    lot_key: str
    hours_per_week: Decimal
    bids: tuple[BidResult, ...]
    provisional: bool
    unresolved_clarifications: tuple[str, ...]
    lowest_acceptable_price: Decimal | None
    mean_acceptable_price: Decimal | None
    cost_of_care_benchmark: Decimal | None
    sensitivity: LotSensitivity
    ties: tuple[TieRecord, ...] = ()
    package_weight: Decimal = ZERO

    @property
    def ranked(self) -> tuple[BidResult, ...]:
        return tuple(b for b in self.bids if b.status is ResultStatus.RANKED)

    def bid(self, bid_ref: str) -> BidResult:
        for b in self.bids:
            if b.bid_ref == bid_ref:
                return b
        raise KeyError(bid_ref)

    def to_dict(self, with_bids: bool = True) -> dict[str, Any]:
        """JSON-ready. `with_bids=False` leaves the bids out, for a caller that renders them itself
        (issue 17: `evaluation.assemble` did every bid twice)."""
        rendered = {
            "lot_key": self.lot_key,
            "hours_per_week": str(self.hours_per_week),
            "provisional": self.provisional,
            "unresolved_clarifications": list(self.unresolved_clarifications),
            "lowest_acceptable_price": _display_money(self.lowest_acceptable_price),
            "mean_acceptable_price": _display_money(self.mean_acceptable_price),
            "cost_of_care_benchmark": _display_money(self.cost_of_care_benchmark),
            "bids": [b.to_dict() for b in self.bids] if with_bids else None,
            "sensitivity": self.sensitivity.to_dict(),
            "ties": [t.to_dict() for t in self.ties],
            "package_weight": str(self.package_weight),
        }
        if not with_bids:
            del rendered["bids"]
        return rendered


@dataclass(frozen=True)
class PassedOver:
    """A bid that would have had a place but for the lots-per-provider cap."""

    bid_ref: str
    provider_key: str
    rank: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "bid_ref": self.bid_ref,
            "provider_key": self.provider_key,
            "rank": self.rank,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class LotAward:
    """Recommended bids for one lot, in rank order, and the weekly hours at stake."""

    lot_key: str
    hours_per_week: Decimal
    places: int
    recommended: tuple[str, ...]
    recommended_providers: tuple[str, ...]
    passed_over: tuple[PassedOver, ...]
    provisional: bool

    @property
    def places_unfilled(self) -> int:
        return self.places - len(self.recommended)

    @property
    def hours_per_week_covered(self) -> Decimal:
        """The lot's hours if anyone is recommended (providers share them on call-off)."""
        return self.hours_per_week if self.recommended else ZERO

    def to_dict(self) -> dict[str, Any]:
        return {
            "lot_key": self.lot_key,
            "hours_per_week": str(self.hours_per_week),
            "hours_per_week_covered": str(self.hours_per_week_covered),
            "places": self.places,
            "places_unfilled": self.places_unfilled,
            "recommended": list(self.recommended),
            "recommended_providers": list(self.recommended_providers),
            "passed_over": [p.to_dict() for p in self.passed_over],
            "provisional": self.provisional,
        }


@dataclass(frozen=True)
class ProviderAward:
    """What one provider is recommended for across the tender.

    `hours_per_week_in_lots` adds up the whole weekly hours of each lot; where
    a lot has several providers the split between them is a call-off matter.
    """

    provider_key: str
    lot_keys: tuple[str, ...]
    bid_refs: tuple[str, ...]
    hours_per_week_in_lots: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {
            "provider_key": self.provider_key,
            "lot_keys": list(self.lot_keys),
            "bid_refs": list(self.bid_refs),
            "hours_per_week_in_lots": str(self.hours_per_week_in_lots),
        }


@dataclass(frozen=True)
class AwardRecommendation:
    """Per-lot recommendations (lot order as given) and per-provider totals."""

    lots: tuple[LotAward, ...]
    providers: tuple[ProviderAward, ...]

    @property
    def hours_per_week_covered(self) -> Decimal:
        return sum((lot.hours_per_week_covered for lot in self.lots), ZERO)

    @property
    def hours_per_week_uncovered(self) -> Decimal:
        return sum((lot.hours_per_week for lot in self.lots if not lot.recommended), ZERO)

    @property
    def recommended_bid_refs(self) -> frozenset[str]:
        return frozenset(ref for lot in self.lots for ref in lot.recommended)

    def lot(self, lot_key: str) -> LotAward:
        for lot in self.lots:
            if lot.lot_key == lot_key:
                return lot
        raise KeyError(lot_key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "lots": [lot.to_dict() for lot in self.lots],
            "providers": [p.to_dict() for p in self.providers],
            "hours_per_week_covered": str(self.hours_per_week_covered),
            "hours_per_week_uncovered": str(self.hours_per_week_uncovered),
        }


@dataclass(frozen=True)
class TenderResult:
    """The whole evaluation: rules used, lot results and award recommendation."""

    rules: TenderRules
    lots: tuple[LotResult, ...]
    awards: AwardRecommendation

    def lot(self, lot_key: str) -> LotResult:
        for lot in self.lots:
            if lot.lot_key == lot_key:
                return lot
        raise KeyError(lot_key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules": self.rules.to_dict(),
            "lots": [lot.to_dict() for lot in self.lots],
            "awards": self.awards.to_dict(),
        }


# --------------------------------------------------------------------------
# Pre-ordering in floats (issue 17)
# --------------------------------------------------------------------------
#
# Sorting a lot's bids on exact 34-digit keys, at the tender's split and again at each other
# sensitivity split, was the largest part of the evaluation's time. Floats now do the bulk of it
# without changing any result, because they only decide what they can prove:
# - The quality fraction F and the price fraction G are in [0, 1]. Each float of them is one
#   correctly rounded conversion of each exact operand and one division: within 5u of the exact
#   ratio (u = 2**-53; a numerator below the normal range adds at most 2u, a denominator outside
#   it gives nan and the exact path). A float total a F + b G (a + b = 100) is then within
#   100 x 10u < _FLOAT_ERROR of the exact total.
# - Bids whose float totals differ by more than _SEPARATION have exact totals more than
#   _SEPARATION - 2 _FLOAT_ERROR apart: far more than one unit in the 34th digit of a total of
#   at most 100 (1e-32). Their 34-digit rounded totals, the first element of `_key`, are then in
#   the same strict order, and that element alone decides the comparison.
# - Everything closer (real ties, near-ties) is decided by `_key` itself, the exact path.
# So the order is the one the exact keys give, element for element, and no published figure is
# ever a float: scores, totals and prices stay the exact Decimals. (The penny searches of the
# sensitivity analysis stay exact: after this change they were under 2% of the time.)

_FLOAT_ERROR = 1e-12
_SEPARATION = 1e-9
_FLOAT_MAX = sys.float_info.max
_FLOAT_MIN_NORMAL = sys.float_info.min


def _float_ratio(numerator: Decimal, denominator: Decimal) -> float:
    """A ratio in [0, 1] of exact Decimals as a float within 5u, or nan where floats cannot hold it."""
    n, d = float(numerator), float(denominator)
    if not (_FLOAT_MIN_NORMAL <= d <= _FLOAT_MAX and 0.0 <= n <= _FLOAT_MAX):
        return math.nan
    return n / d


def _float_ratios(numerators: list[Decimal], denominators: list[Decimal]) -> list[float]:
    """`_float_ratio` of each pair, vectorised."""
    n = np.fromiter(map(float, numerators), dtype=np.float64, count=len(numerators))
    d = np.fromiter(map(float, denominators), dtype=np.float64, count=len(denominators))
    held = (d >= _FLOAT_MIN_NORMAL) & (d <= _FLOAT_MAX) & (n >= 0.0) & (n <= _FLOAT_MAX)
    with np.errstate(all="ignore"):
        ratios = np.where(held, n / d, math.nan)
    result: list[float] = ratios.tolist()
    return result


def _float_order(
    a: Decimal, b: Decimal, fractions: npt.NDArray[np.float64], price_fractions: npt.NDArray[np.float64]
) -> tuple[list[int], list[tuple[int, int]]]:
    """Positions by float total a F + b G, highest first (stable), and the runs too close to call there."""
    totals = float(a) * fractions + float(b) * price_fractions
    index = np.argsort(-totals, kind="stable")
    return index.tolist(), _close_runs(totals[index])


def _close_runs(totals: npt.NDArray[np.float64]) -> list[tuple[int, int]]:
    """Runs [start, stop) of positions in `totals` (sorted, highest first) within _SEPARATION of a neighbour."""
    close = np.flatnonzero(totals[:-1] - totals[1:] <= _SEPARATION).tolist()
    runs: list[tuple[int, int]] = []
    for k in close:
        if runs and runs[-1][1] == k + 1:
            runs[-1] = (runs[-1][0], k + 2)
        else:
            runs.append((k, k + 2))
    return runs


# --------------------------------------------------------------------------
# Quality
# --------------------------------------------------------------------------


class _QualityModel:
    """Quality fraction F = sum(w_i s_i / max_i) / sum(w_i) as an exact ratio.

    With K the product of the distinct max scores, F = sum(c_i s_i) / (W K)
    where c_i = w_i K / max_i is exact; the bid-specific numerator is exact and
    the denominator shared, so equal qualities give identical Decimals.
    """

    def __init__(self, questions: Sequence[Question]) -> None:
        if not questions:
            raise ValueError("at least one quality question is needed")
        keys = [q.key for q in questions]
        if len(set(keys)) != len(keys):
            raise ValueError("question keys must be unique")
        with localcontext(_EXACT):
            total_weight = sum((q.weight for q in questions), ZERO)
            if total_weight <= 0:
                raise ValueError("the question weights must add up to more than 0")
            distinct_max = sorted(set(q.max_score for q in questions))
            k = ONE
            for m in distinct_max:
                k *= m
            items = []
            for q in questions:
                others = ONE
                for m in distinct_max:
                    if m != q.max_score:
                        others *= m
                items.append((q.key, q.weight * others, q.max_score))
            self.denominator = total_weight * k
        self.key_order = tuple(key for key, _, _ in items)
        self.coefficients = tuple(c for _, c, _ in items)
        self.max_scores = tuple(m for _, _, m in items)
        self.keys = frozenset(keys)

    def numerator(self, bid: BidInput) -> tuple[Decimal, list[str]]:
        """Exact weighted-score numerator and the questions scored 0. Call in _EXACT."""
        scores = bid.consensus_scores
        try:
            values = [scores[key] for key in self.key_order]
        except KeyError as exc:
            raise ValueError(f"bid {bid.bid_ref}: no consensus score for question {exc.args[0]}") from None
        if len(scores) != len(values):
            unknown = sorted(set(scores) - self.keys)
            raise ValueError(f"bid {bid.bid_ref}: scores for unknown questions {unknown}")
        zeros: list[str] = []
        for key, value, max_score in zip(self.key_order, values, self.max_scores, strict=True):
            if not ZERO < value <= max_score:
                if value:  # negative or above the scale
                    raise ValueError(
                        f"bid {bid.bid_ref}: score {value} for question {key} is outside 0-{max_score}"
                    )
                zeros.append(key)
        return sum(map(mul, self.coefficients, values), ZERO), zeros


@dataclass(frozen=True, slots=True)
class _BidQuality:
    """What a bid's consensus scores give it, the same in every lot it prices."""

    qn: Decimal  # exact numerator over _QualityModel.denominator
    zeros: tuple[str, ...]  # questions scored 0
    score: Decimal  # quality_weight x F, one rounded division
    neg_fraction: Decimal  # minus F, one rounded division (a sort key)
    fails: str  # why it fails the published quality thresholds ("; "-joined), or ""
    fraction: float  # F as a float within _FLOAT_ERROR, or nan (see _float_ratio); for pre-ordering only


class _Qualities:
    """Each bid's quality worked out once per tender rather than once per lot it prices.

    A bid sends the same consensus scores for every lot; when they are the very same
    Decimal objects (the caller builds them once per bid), the lot reuses the figures
    already computed. Keyed by the objects' ids, kept alive with the entry, so a hit is
    the identical computation. Each bid-lot is still checked for missing or unknown
    questions under its own reference.
    """

    def __init__(self, quality: _QualityModel, rules: TenderRules) -> None:
        self.model = quality
        self.rules = rules
        self._seen: dict[tuple[int, ...], tuple[tuple[Decimal, ...], _BidQuality]] = {}
        self.seen_get = self._seen.get
        # A ConsensusScores is read-only, so the same object always gives the same figures.
        self._by_object: dict[int, tuple[ConsensusScores, _BidQuality]] = {}
        self.object_get = self._by_object.get
        keys = quality.key_order
        self.values_of: Callable[[Mapping[str, Decimal]], tuple[Decimal, ...]] = (
            itemgetter(*keys) if len(keys) > 1 else lambda scores: (scores[keys[0]],)
        )

    def of(self, bid: BidInput) -> _BidQuality:
        """The bid's quality figures. Call in _EXACT."""
        model = self.model
        scores = bid.consensus_scores
        try:
            values = self.values_of(scores)
        except KeyError as exc:
            raise ValueError(f"bid {bid.bid_ref}: no consensus score for question {exc.args[0]}") from None
        if len(scores) != len(values):
            unknown = sorted(set(scores) - model.keys)
            raise ValueError(f"bid {bid.bid_ref}: scores for unknown questions {unknown}")
        ids = tuple(map(id, values))
        seen = self._seen.get(ids)
        if seen is not None:
            if type(scores) is ConsensusScores:
                self._by_object[id(scores)] = (scores, seen[1])
            return seen[1]
        qn, zeros = model.numerator(bid)
        rules = self.rules
        qw, qd, threshold = rules.quality_weight, model.denominator, rules.quality_threshold_percent
        reasons = []
        if rules.fail_on_zero_score and zeros:
            reasons.append(f"scored 0 on question(s) {', '.join(zeros)}")
        # F < threshold% exactly: 100 qn < threshold x qd.
        if threshold is not None and HUNDRED * qn < threshold * qd:
            reasons.append(
                f"quality score {display_score(_DIVISION.divide(qw * qn, qd))} is below the "
                f"threshold of {display_score(_DIVISION.divide(qw * threshold, HUNDRED))} "
                f"({threshold}% of {qw})"
            )
        figures = _BidQuality(
            qn=qn,
            zeros=tuple(zeros),
            score=_DIVISION.divide(qw * qn, qd),
            neg_fraction=_DIVISION.divide(qn, qd).copy_negate(),
            fails="; ".join(reasons),
            fraction=_float_ratio(qn, qd),
        )
        self._seen[ids] = (values, figures)
        if type(scores) is ConsensusScores:
            self._by_object[id(scores)] = (scores, figures)
        return figures


# --------------------------------------------------------------------------
# Price
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Reference:
    """What a bid's price is measured against in a lot (all formulas' inputs)."""

    lowest: Decimal
    total: Decimal  # sum of acceptable prices
    count: Decimal
    benchmark: Decimal | None


def _price_fraction(rules: TenderRules, price: Decimal, ref: _Reference) -> tuple[Decimal, Decimal]:
    """Price fraction G in [0, 1] as an exact (numerator, denominator). Call in _EXACT."""
    formula = rules.price_formula
    if formula is PriceFormula.RELATIVE_TO_LOWEST:
        return ref.lowest, price
    if formula is PriceFormula.RELATIVE_TO_MEAN:
        # 1 - (p - m)/m = (2m - p)/m = (2S - n p)/S with m = S/n.
        n_price = ref.count * price
        if n_price <= ref.total:
            return ONE, ONE
        if n_price >= TWO * ref.total:
            return ZERO, ONE
        return TWO * ref.total - n_price, ref.total
    benchmark = ref.benchmark
    assert benchmark is not None
    if price <= benchmark:
        return ONE, ONE
    for band in rules.price_bands:
        # price within up_to% above benchmark, without dividing.
        if band.up_to_percent_above is None or (
            HUNDRED * price <= benchmark * (HUNDRED + band.up_to_percent_above)
        ):
            return band.share_percent, HUNDRED
    return ZERO, ONE


# --------------------------------------------------------------------------
# Scoring one lot
# --------------------------------------------------------------------------


@dataclass(slots=True)
class _Scored:
    """Working state of a bid that is price-scored and ranked.

    total(a, b) = a x F + b x G = (a qn gd + b gn qd) / (qd gd): exact products and
    one rounded division per bid and split (see `total`).
    """

    bid: BidInput
    qn: Decimal  # exact quality numerator (over _QualityModel.denominator)
    neg_fraction: Decimal  # minus the quality fraction F (rounded once), for sorting
    quality_score: Decimal  # quality_weight x F (rounded once)
    price: Decimal
    rules: TenderRules
    fraction: float  # F as a float (pre-ordering only, see _float_ratio)
    qd: Decimal  # _QualityModel.denominator
    above_ceiling: bool = False
    gn: Decimal = ZERO
    gd: Decimal = ONE
    g: float = math.nan  # G as a float (pre-ordering only)
    _tie: tuple[Any, ...] | None = None

    @property
    def tie(self) -> tuple[Any, ...]:
        """(published last tie-break key, bid_ref): drawn only when it has to decide something."""
        if self._tie is None:
            self._tie = _tie_key(self.bid, self.rules)
        return self._tie

    def total(self, a: Decimal, b: Decimal) -> Decimal:
        """a x F + b x G, one rounded division of exact operands. Call in _EXACT."""
        gd, qd = self.gd, self.qd
        return _DIVISION.divide(a * (self.qn * gd) + b * (self.gn * qd), qd * gd)


def _rank(a: Decimal, b: Decimal, scored: list[_Scored], totals: list[Decimal]) -> list[tuple[Decimal, _Scored]]:
    """(total, bid) in `_key(a, b, bid)` order, given each bid's total at that split. Call in _EXACT.

    By float total where floats can hold every figure; runs too close to call (and every tie) by
    the exact key, the tie element drawn only where the rest of it is equal.
    """
    pairs = list(zip(totals, scored, strict=True))
    fractions = np.fromiter(map(_FRACTION, scored), dtype=np.float64, count=len(scored))
    price_fractions = np.fromiter(map(_PRICE_FRACTION, scored), dtype=np.float64, count=len(scored))
    if np.isnan(fractions).any() or np.isnan(price_fractions).any():
        runs = [(0, len(pairs))]
    else:
        index, runs = _float_order(a, b, fractions, price_fractions)
        pairs = [pairs[i] for i in index]
    for start, stop in runs:
        keyed = _by_key_then_tie([((t.copy_negate(), s.neg_fraction, s.price), s) for t, s in pairs[start:stop]])
        pairs[start:stop] = [(key[0].copy_negate(), s) for key, s in keyed]
    return pairs


def _equal_runs(values: Sequence[Any]) -> list[tuple[int, int]]:
    """Runs [start, stop) of two or more neighbouring equal values (found by a C-level scan, not a Python loop)."""
    equal = list(map(eq, values, values[1:]))  # equal[i]: values i and i + 1 are equal
    runs: list[tuple[int, int]] = []
    i, n = 0, len(equal)
    while True:
        try:
            i = equal.index(True, i)
        except ValueError:
            return runs
        j = i + 1
        while j < n and equal[j]:
            j += 1
        runs.append((i, j + 1))
        i = j + 1


def _by_key_then_tie(pairs: list[tuple[tuple[Any, ...], _Scored]]) -> list[tuple[tuple[Any, ...], _Scored]]:
    """`pairs` sorted by key and then by the bids' tie key: what sorting by key + (tie,) gives,
    with the tie key (a SHA-256 for the drawing of lots) worked out only where the keys are equal."""
    pairs = sorted(pairs, key=_FIRST)
    for start, stop in _equal_runs([key for key, _ in pairs]):
        pairs[start:stop] = sorted(pairs[start:stop], key=lambda pair: pair[1].tie)
    return pairs


_FIRST = itemgetter(0)
_BID_REF = attrgetter("bid.bid_ref")
_FRACTION = attrgetter("fraction")
_PRICE_FRACTION = attrgetter("g")
_PRICE = attrgetter("price")
_INPUT_REF = attrgetter("bid_ref")


def _package_price(s: _Scored) -> Decimal:
    """The package price of a bid in a lot that scores it (checked present when the bid was taken in)."""
    price = s.bid.package_price_per_contact_hour
    if price is None:
        raise ValueError(f"bid {s.bid.bid_ref}: no package price")
    return price


def draw_key(seed: str, bid_ref: str) -> str:
    """A bid's number in the seeded drawing of lots: lower draws first. Anyone can recompute it."""
    return sha256(f"{seed}\x1f{bid_ref}".encode()).hexdigest()


def _tie_key(bid: BidInput, rules: TenderRules) -> tuple[Any, ...]:
    if rules.tie_break is TieBreak.SUBMISSION_TIME:
        submitted = (1, 0) if bid.submitted_at is None else (0, bid.submitted_at)
        return (submitted, bid.bid_ref)
    return ((0, draw_key(rules.tie_break_seed, bid.bid_ref)), bid.bid_ref)


def _tie_records(rules: TenderRules, ranked: list[tuple[Decimal, _Scored]]) -> tuple[TieRecord, ...]:
    """Every run of equal totals in `ranked` ((total, bid) in rank order), with what ordered each neighbouring pair."""
    last_rule = "drawing of lots" if rules.tie_break is TieBreak.QUALITY_PRICE_LOTS else "submission time"
    records = []
    for start, stop in _equal_runs([total for total, _ in ranked]):
        group = ranked[start:stop]
        decided = []
        for (_, sa), (_, sb) in zip(group, group[1:], strict=False):
            if sa.neg_fraction != sb.neg_fraction:
                decided.append("quality")
            elif sa.price != sb.price:
                decided.append("price")
            elif sa.tie[0] != sb.tie[0]:
                decided.append(last_rule)
            else:
                decided.append("bid reference")
        draws: tuple[tuple[str, str], ...] = ()
        if rules.tie_break is TieBreak.QUALITY_PRICE_LOTS:
            draws = tuple((s.bid.bid_ref, s.tie[0][1]) for _, s in group)
        records.append(
            TieRecord(
                bids=tuple(s.bid.bid_ref for _, s in group),
                decided_by=tuple(decided),
                seed=rules.tie_break_seed,
                draws=draws,
            )
        )
    return tuple(records)


def _key(a: Decimal, b: Decimal, s: _Scored) -> tuple[Any, ...]:
    """Sort key, smaller = better: total desc, quality desc, price asc, time, ref. Call in _EXACT."""
    return (s.total(a, b).copy_negate(), s.neg_fraction, s.price, s.tie)


def _moved_key(
    a: Decimal, b: Decimal, qd: Decimal, s: _Scored, gn: Decimal, gd: Decimal, price: Decimal
) -> tuple[Any, ...]:
    """`_key` for a bid whose price or price fraction is hypothetically moved. Call in _EXACT."""
    return (_DIVISION.divide(a * s.qn * gd + b * gn * qd, qd * gd).copy_negate(), s.neg_fraction, price, s.tie)


def _unscored(bid: BidInput, status: ResultStatus, reason: str, quality: Decimal | None = None) -> BidResult:
    """The BidResult of a bid that is not ranked (built as `_ranked_result` explains)."""
    result = object.__new__(BidResult)
    object.__setattr__(result, "__dict__", {
        "bid_ref": bid.bid_ref,
        "provider_key": bid.provider_key,
        "lot_key": bid.lot_key,
        "status": status,
        "reason": reason,
        "price_per_contact_hour": bid.price_per_contact_hour,
        "submitted_at": bid.submitted_at,
        "quality_score": quality,
        "price_score": None,
        "total": None,
        "rank": None,
        "recommended": False,
        "clarification_unresolved": bid.needs_clarification_unresolved,
        "above_ceiling": False,
        "package_price_per_contact_hour": bid.package_price_per_contact_hour,
    })
    return result


def _ranked_result(s: _Scored, lot_key: str, price_score: Decimal, total: Decimal, rank: int) -> BidResult:
    """The BidResult of a ranked bid, as BidResult(...) would build it.

    BidResult is frozen and has no __post_init__, so filling its __dict__ gives the very same
    object; the generated __init__ sets each of its 15 fields through object.__setattr__, which
    was a tenth of the evaluation's time at 18,000 ranked bid-lots.
    """
    bid = s.bid
    result = object.__new__(BidResult)
    object.__setattr__(result, "__dict__", {
        "bid_ref": bid.bid_ref,
        "provider_key": bid.provider_key,
        "lot_key": lot_key,
        "status": ResultStatus.RANKED,
        "reason": "",
        "price_per_contact_hour": s.price,
        "submitted_at": bid.submitted_at,
        "quality_score": s.quality_score,
        "price_score": price_score,
        "total": total,
        "rank": rank,
        "recommended": False,
        "clarification_unresolved": bid.needs_clarification_unresolved,
        "above_ceiling": s.above_ceiling,
        "package_price_per_contact_hour": bid.package_price_per_contact_hour,
    })
    return result


@dataclass(slots=True)
class _LotWork:
    """A lot's ranked bids and price references, kept so its sensitivity can be redone alone."""

    ordered: list[_Scored]
    ref: _Reference | None


_NO_SENSITIVITY = LotSensitivity(winner=None, runner_up=None, splits=())


def _evaluate_lot(
    rules: TenderRules, quality: _QualityModel, lot: LotInput, qualities: _Qualities, work: list[_LotWork],
) -> LotResult:
    """Score and rank one lot. `qualities` shares each bid's quality across lots; `work` receives the
    lot's ranked bids and references, for its `_sensitivity`, which the caller makes once the awards
    are known (the result's `sensitivity` is a placeholder until then)."""
    qw, pw, qd = rules.quality_weight, rules.price_weight, quality.denominator
    unranked: list[BidResult] = []
    scored: list[_Scored] = []
    ties: tuple[TieRecord, ...] = ()
    # The quality cache's hit path, inlined (a bid-lot whose scores are the objects already seen);
    # anything else, including every error, goes through `qualities.of`.
    quality_of, values_of, seen_get = qualities.of, qualities.values_of, qualities.seen_get
    object_get = qualities.object_get
    n_questions = len(quality.key_order)
    with localcontext(_EXACT):
        for bid in lot.bids:
            if bid.lot_key != lot.lot_key:
                raise ValueError(f"bid {bid.bid_ref} is for lot {bid.lot_key}, listed under {lot.lot_key}")
            if bid.status is Eligibility.EXCLUDED:
                unranked.append(_unscored(bid, ResultStatus.EXCLUDED, bid.reason or "excluded"))
                continue
            if bid.status is Eligibility.REJECTED_PRICE:
                # Quality is shown when it was scored, for the assessment summary.
                q = qualities.of(bid).score if bid.consensus_scores else None
                reason = bid.reason or "abnormally low price rejected after clarification"
                unranked.append(_unscored(bid, ResultStatus.REJECTED_PRICE, reason, q))
                continue
            above_ceiling = bid.status is Eligibility.ABOVE_CEILING
            if above_ceiling and rules.ceiling_rule is CeilingRule.NOT_RANKED:
                q = qualities.of(bid).score if bid.consensus_scores else None
                reason = bid.reason or "priced above the lot's published ceiling: non-compliant, not ranked"
                unranked.append(_unscored(bid, ResultStatus.ABOVE_CEILING, reason, q))
                continue
            scores = bid.consensus_scores
            known = object_get(id(scores)) if type(scores) is ConsensusScores else None
            hit = None
            if known is None and len(scores) == n_questions:
                try:
                    hit = seen_get(tuple(map(id, values_of(scores))))
                except KeyError:
                    pass
            figures = known[1] if known is not None else quality_of(bid) if hit is None else hit[1]
            if figures.fails:
                unranked.append(_unscored(bid, ResultStatus.FAILED_QUALITY, figures.fails, figures.score))
                continue
            if bid.price_per_contact_hour is None:
                raise ValueError(f"bid {bid.bid_ref}: an eligible bid needs a price per contact hour")
            if lot.package_weight and bid.package_price_per_contact_hour is None:
                raise ValueError(f"bid {bid.bid_ref}: lot {lot.lot_key} scores package prices and the bid has none")
            scored.append(  # bid, qn, neg_fraction, quality_score, price, rules, fraction, qd, above_ceiling
                _Scored(bid, figures.qn, figures.neg_fraction, figures.score, bid.price_per_contact_hour, rules,
                        figures.fraction, qd, above_ceiling)
            )

        if rules.price_formula is PriceFormula.BANDED_COST_OF_CARE and lot.cost_of_care_benchmark is None and scored:
            raise ValueError(f"lot {lot.lot_key}: the banded formula needs a cost-of-care benchmark")
        ref: _Reference | None = None
        lowest = mean = None
        if scored:
            prices = [s.price for s in scored]
            lowest = min(prices)
            price_sum = sum(prices, ZERO)  # exact, so order does not matter
            mean = _DIVISION.divide(price_sum, Decimal(len(prices)))
            ref = _Reference(lowest, price_sum, Decimal(len(prices)), lot.cost_of_care_benchmark)
            w = lot.package_weight
            package_ref = None
            if w:
                package_prices = [_package_price(s) for s in scored]
                package_ref = _Reference(
                    min(package_prices), sum(package_prices, ZERO), Decimal(len(package_prices)),
                    lot.cost_of_care_benchmark,
                )
            for s in scored:
                gn, gd = _price_fraction(rules, s.price, ref)
                if package_ref is not None:
                    # G = (100 - w)% G_hourly + w% G_package, kept as one exact fraction.
                    pn, pd = _price_fraction(rules, _package_price(s), package_ref)
                    gn, gd = (HUNDRED - w) * gn * pd + w * pn * gd, HUNDRED * gd * pd
                s.gn, s.gd = gn, gd
            for s, g in zip(scored, _float_ratios([s.gn for s in scored], [s.gd for s in scored]), strict=True):
                s.g = g

        # The published totals, and the bids in `_key` order at the tender's split.
        divide = _DIVISION.divide
        ranked = _rank(qw, pw, scored, [s.total(qw, pw) for s in scored])
        ordered = [s for _, s in ranked]
        ranked_results = [
            _ranked_result(s, lot.lot_key, divide(pw * s.gn, s.gd), total, rank)
            for rank, (total, s) in enumerate(ranked, start=1)
        ]
        # Price-move sensitivity models the hourly price alone; with a package weight it would mislead.
        work.append(_LotWork(ordered, ref if not lot.package_weight else None))
        ties = _tie_records(rules, ranked)

    unranked.sort(key=lambda r: (_UNRANKED_ORDER[r.status], r.bid_ref))
    unresolved = tuple(sorted([s.bid.bid_ref for s in scored if s.bid.needs_clarification_unresolved]))
    return LotResult(
        lot_key=lot.lot_key,
        hours_per_week=lot.hours_per_week,
        bids=tuple(ranked_results) + tuple(unranked),
        provisional=bool(unresolved),
        unresolved_clarifications=unresolved,
        lowest_acceptable_price=lowest,
        mean_acceptable_price=mean,
        cost_of_care_benchmark=lot.cost_of_care_benchmark,
        sensitivity=_NO_SENSITIVITY,
        ties=ties,
        package_weight=lot.package_weight,
    )


# --------------------------------------------------------------------------
# Sensitivity
# --------------------------------------------------------------------------


def _highest_true(pred: Callable[[int], bool], lo: int, hi: int) -> int | None:
    """Largest c in [lo, hi] with pred(c), for pred true up to a point then false."""
    if hi < lo or not pred(lo):
        return None
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if pred(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _lowest_true(pred: Callable[[int], bool], start: int, limit: int) -> int | None:
    """Smallest c in [start, limit] with pred(c), for pred false up to a point then true."""
    previous, hi, step = start - 1, start, 1
    while not pred(hi):
        if hi >= limit:
            return None
        previous, hi, step = hi, min(limit, start + step), step * 2
    lo = previous + 1
    while lo < hi:
        mid = (lo + hi) // 2
        if pred(mid):
            hi = mid
        else:
            lo = mid + 1
    return hi


def _lowest_excluding(bids: list[_Scored], bid: _Scored) -> Decimal:
    """The lowest price among the other bids (the first such in `bids` order: what a stable sort gives)."""
    position = next(i for i, s in enumerate(bids) if s is bid)  # near the top: the winner or runner-up
    others = bids[:position] + bids[position + 1:]
    if not others:
        raise AssertionError("needs at least two price-scored bids")
    lowest: Decimal = min(map(_PRICE, others))
    return lowest


def _cheapest_at_each_quality(ordered: list[_Scored], winner: _Scored) -> list[_Scored]:
    """The bids other than the winner priced lowest among those of the same quality (all of them where
    several share that price). Only these can be on the quality/price frontier: a dearer bid of the
    same quality comes after them in (quality, price) order and is never strictly cheaper. Issue 17:
    sorting a short list instead of every bid in the lot."""
    cheapest: dict[Decimal, list[_Scored]] = {}
    for s in ordered:
        if s is winner:
            continue
        group = cheapest.get(s.neg_fraction)
        if group is None:
            cheapest[s.neg_fraction] = [s]
        elif s.price < group[0].price:
            group[:] = [s]
        elif s.price == group[0].price:
            group.append(s)
    return [s for group in cheapest.values() for s in group]


def _split_ranking(
    a: Decimal, b: Decimal, ordered: list[_Scored], refs: list[str],
    fractions: npt.NDArray[np.float64], price_fractions: npt.NDArray[np.float64],
) -> tuple[str, ...]:
    """The references of `ordered` (`refs`, same positions) in `_key(a, b, s)` order: by float total,
    runs too close to call by `_key`. Call in _EXACT."""
    index, runs = _float_order(a, b, fractions, price_fractions)
    for start, stop in runs:
        index[start:stop] = sorted(index[start:stop], key=lambda i: _key(a, b, ordered[i]))
    return tuple(map(refs.__getitem__, index))


def _sensitivity(
    rules: TenderRules, qd: Decimal, ordered: list[_Scored], ref: _Reference | None,
    skip: frozenset[str] = frozenset(),
) -> LotSensitivity:
    """Rankings at other splits and the price moves that would change the winner. Call in _EXACT.

    `skip`: bids that cannot be awarded the lot (passed over under the lots cap or above the
    ceiling); the analysis is then about the bid actually recommended and the ones that could
    displace it, while every acceptable price still sets the price references.
    """
    everyone = ordered
    if skip:
        ordered = [s for s in ordered if s.bid.bid_ref not in skip]
    qw, pw = rules.quality_weight, rules.price_weight
    own = (qw, pw)
    refs = list(map(_BID_REF, ordered))
    base = tuple(refs)
    winner = base[0] if base else None
    splits = [own] + [split for split in rules.sensitivity_splits if split != own]
    outcomes = []
    seen: set[tuple[Decimal, Decimal]] = set()
    fractions = np.fromiter(map(_FRACTION, ordered), dtype=np.float64, count=len(ordered))
    price_fractions = np.fromiter(map(_PRICE_FRACTION, ordered), dtype=np.float64, count=len(ordered))
    floats = not (np.isnan(fractions).any() or np.isnan(price_fractions).any())
    for a, b in splits:
        if (a, b) in seen:
            continue
        seen.add((a, b))
        if (a, b) == own:
            ranking = base
        elif floats:
            ranking = _split_ranking(a, b, ordered, refs, fractions, price_fractions)
        else:
            ranking = tuple(map(_BID_REF, sorted(ordered, key=lambda s: _key(a, b, s))))
        outcomes.append(
            SplitOutcome(
                quality_weight=a,
                price_weight=b,
                is_tender_split=(a, b) == own,
                winner=ranking[0] if ranking else None,
                ranking=ranking,
                winner_changed=bool(ranking) and ranking[0] != winner,
                ranking_changed=ranking != base,
            )
        )
    if len(ordered) < 2 or ref is None:
        return LotSensitivity(winner=winner, runner_up=None, splits=tuple(outcomes))

    w, r = ordered[0], ordered[1]

    # Runner-up cuts its price to c pennies; only it and the winner matter,
    # because a cut can only lower the winner's score.
    lowest_without_r = _lowest_excluding(everyone, r)

    def runner_up_wins(c: int) -> bool:
        price = Decimal(c).scaleb(-2)
        moved = _Reference(min(lowest_without_r, price), ref.total - r.price + price, ref.count, ref.benchmark)
        rn, rd = _price_fraction(rules, price, moved)
        wn, wd = _price_fraction(rules, w.price, moved)
        return _moved_key(qw, pw, qd, r, rn, rd, price) < _moved_key(qw, pw, qd, w, wn, wd, w.price)

    highest_penny_below = int((r.price * HUNDRED).to_integral_value(rounding=ROUND_CEILING)) - 1
    c = _highest_true(runner_up_wins, 1, highest_penny_below)
    price_to_win = cut = None
    if c is not None:
        price_to_win = Decimal(c).scaleb(-2)
        cut = _DIVISION.divide((r.price - price_to_win) * HUNDRED, r.price)

    # Winner raises its price to c pennies: anyone may overtake it, but the
    # best of the others is always on their quality/price Pareto frontier
    # (a bid no better on quality and no lower on price can never beat the
    # one that is), so only the frontier is checked.
    frontier: list[_Scored] = []
    best_price: Decimal | None = None
    for _, s in _by_key_then_tie([((s.neg_fraction, s.price), s) for s in _cheapest_at_each_quality(ordered, w)]):
        if best_price is None or s.price < best_price:
            frontier.append(s)
            best_price = s.price
    lowest_without_w = _lowest_excluding(everyone, w)

    def winner_loses(c: int) -> bool:
        price = Decimal(c).scaleb(-2)
        moved = _Reference(min(lowest_without_w, price), ref.total - w.price + price, ref.count, ref.benchmark)
        wn, wd = _price_fraction(rules, price, moved)
        winner_key = _moved_key(qw, pw, qd, w, wn, wd, price)
        for s in frontier:
            sn, sd = _price_fraction(rules, s.price, moved)
            if _moved_key(qw, pw, qd, s, sn, sd, s.price) < winner_key:
                return True
        return False

    pennies_now = w.price * HUNDRED
    start = int(pennies_now.to_integral_value(rounding=ROUND_FLOOR)) + 1
    limit = int(pennies_now.to_integral_value(rounding=ROUND_CEILING)) * _WINNER_RISE_SEARCH_LIMIT
    c = _lowest_true(winner_loses, start, limit)
    price_to_lose = rise = None
    if c is not None:
        price_to_lose = Decimal(c).scaleb(-2)
        rise = _DIVISION.divide((price_to_lose - w.price) * HUNDRED, w.price)

    return LotSensitivity(
        winner=winner,
        runner_up=r.bid.bid_ref,
        splits=tuple(outcomes),
        runner_up_price_to_win=price_to_win,
        runner_up_price_cut_percent=cut,
        winner_price_to_lose=price_to_lose,
        winner_price_rise_percent=rise,
    )


# --------------------------------------------------------------------------
# Awards
# --------------------------------------------------------------------------


def _candidate_order(candidate: tuple[int, Decimal, int, BidResult]) -> tuple[int, Decimal, int]:
    return candidate[0], candidate[1], candidate[2]


def recommend_awards(
    lot_results: Sequence[LotResult],
    max_per_lot: int,
    max_lots_per_provider: int | None = None,
) -> AwardRecommendation:
    """Recommend the top `max_per_lot` ranked bids per lot, honouring a lots cap.

    A provider that would exceed `max_lots_per_provider` keeps its best lots
    and the next-ranked bidder is recommended instead. "Best" for a provider:
    the lot where it ranks higher; at equal rank, where its total is higher;
    then the lot listed first. Implemented as one greedy pass over all ranked
    bids in that order (rank, total desc, lot order), which gives the same
    result as repeatedly dropping each over-cap provider's worst lot and
    promoting the next bidder, and is independent of processing order.
    A provider takes at most one place per lot.
    """
    return _recommend_awards(lot_results, max_per_lot, max_lots_per_provider)


def _ranked_candidates(position: int, lot: LotResult) -> Iterator[tuple[int, Decimal, int, BidResult]]:
    """A lot's candidates as `evaluate_tender` made them: ranked bids first, in rank order (1..n)."""
    for bid in lot.bids:
        if bid.status is not ResultStatus.RANKED:
            return
        assert bid.rank is not None and bid.total is not None
        yield bid.rank, bid.total.copy_negate(), position, bid


def _recommend_awards(
    lot_results: Sequence[LotResult],
    max_per_lot: int,
    max_lots_per_provider: int | None = None,
    in_rank_order: bool = False,
) -> AwardRecommendation:
    """`recommend_awards`; `in_rank_order` says each lot lists its ranked bids first, by rank 1..n
    (as `evaluate_tender` builds them), so the candidates are made only as far as the pass reads."""
    _positive_int(max_per_lot, "max_per_lot")
    if max_lots_per_provider is not None:
        _positive_int(max_lots_per_provider, "max_lots_per_provider")
    # The candidates in (rank, total desc, lot order): each lot's ranked bids in its own order, merged
    # lazily across lots, so the pass can stop once every place is filled (nothing after that could
    # take a place or be passed over) without ordering the long tail of lower-ranked bids.
    per_lot: list[Iterable[tuple[int, Decimal, int, BidResult]]] = [
        _ranked_candidates(position, lot) if in_rank_order else sorted(
            (
                (bid.rank, bid.total.copy_negate(), position, bid)
                for bid in lot.bids
                if bid.status is ResultStatus.RANKED and bid.rank is not None and bid.total is not None
            ),
            key=_candidate_order,
        )
        for position, lot in enumerate(lot_results)
    ]
    chosen: dict[int, list[BidResult]] = {i: [] for i in range(len(lot_results))}
    passed: dict[int, list[PassedOver]] = {i: [] for i in range(len(lot_results))}
    held: dict[str, list[int]] = {}
    unfilled = len(lot_results)
    for rank, _, position, bid in heapq.merge(*per_lot, key=_candidate_order):
        if not unfilled:
            break
        places = chosen[position]
        if len(places) >= max_per_lot:
            continue
        if any(p.provider_key == bid.provider_key for p in places):
            continue
        if bid.above_ceiling:
            passed[position].append(
                PassedOver(
                    bid_ref=bid.bid_ref,
                    provider_key=bid.provider_key,
                    rank=rank,
                    reason="priced above the lot's published ceiling: non-compliant, never recommended",
                )
            )
            continue
        lots_held = held.setdefault(bid.provider_key, [])
        if max_lots_per_provider is not None and len(lots_held) >= max_lots_per_provider:
            names = ", ".join(lot_results[i].lot_key for i in sorted(lots_held))
            passed[position].append(
                PassedOver(
                    bid_ref=bid.bid_ref,
                    provider_key=bid.provider_key,
                    rank=rank,
                    reason=(
                        f"provider already recommended for its maximum of "
                        f"{max_lots_per_provider} lot(s), where it scores better: {names}"
                    ),
                )
            )
            continue
        places.append(bid)
        lots_held.append(position)
        if len(places) == max_per_lot:
            unfilled -= 1

    lots = tuple(
        LotAward(
            lot_key=lot.lot_key,
            hours_per_week=lot.hours_per_week,
            places=max_per_lot,
            recommended=tuple(b.bid_ref for b in chosen[i]),
            recommended_providers=tuple(b.provider_key for b in chosen[i]),
            passed_over=tuple(passed[i]),
            provisional=lot.provisional,
        )
        for i, lot in enumerate(lot_results)
    )
    providers = []
    for provider_key in sorted(held):
        positions = sorted(held[provider_key])
        if not positions:
            continue
        providers.append(
            ProviderAward(
                provider_key=provider_key,
                lot_keys=tuple(lot_results[i].lot_key for i in positions),
                bid_refs=tuple(
                    b.bid_ref for i in positions for b in chosen[i] if b.provider_key == provider_key
                ),
                hours_per_week_in_lots=sum((lot_results[i].hours_per_week for i in positions), ZERO),
            )
        )
    return AwardRecommendation(lots=lots, providers=tuple(providers))


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------


def evaluate_tender(
    rules: TenderRules, questions: Sequence[Question], lots: Sequence[LotInput]
) -> TenderResult:
    """Score, rank, recommend and test sensitivity for every lot of a tender.

    Deterministic: the same inputs, in any bid order, give identical results.
    Raises ValueError on inconsistent input (duplicate keys, missing scores or
    prices, scores off the scale, a banded tender without a benchmark).

    The cyclic garbage collector is paused meanwhile (issue 17): the evaluation makes tens of
    thousands of small objects and no reference cycles, and the full collections they set off
    scan the whole process's heap (0.18 s of a 0.40 s evaluation in one measurement). Reference
    counting still frees everything; the collector is switched back on (if it was on) however
    this returns.
    """
    with collector_paused():
        return _evaluate_tender(rules, questions, lots)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector, and switch it back on (if it was on) however the block ends.

    For work that makes tens of thousands of small objects and no reference cycles: an
    evaluation, and the callers that build its 20,000 inputs (reference counting frees them).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _evaluate_tender(
    rules: TenderRules, questions: Sequence[Question], lots: Sequence[LotInput]
) -> TenderResult:
    """`evaluate_tender` with the collector paused."""
    lot_keys = [lot.lot_key for lot in lots]
    if len(set(lot_keys)) != len(lot_keys):
        raise ValueError("lot keys must be unique")
    refs = [ref for lot in lots for ref in map(_INPUT_REF, lot.bids)]
    if len(set(refs)) != len(refs):
        raise ValueError("bid references must be unique across the tender")
    quality = _QualityModel(questions)
    qualities = _Qualities(quality, rules)  # a bid's quality once, whatever the number of lots it prices
    work: list[_LotWork] = []
    lot_results = [_evaluate_lot(rules, quality, lot, qualities=qualities, work=work) for lot in lots]
    awards = _recommend_awards(
        lot_results, rules.max_providers_per_lot, rules.max_lots_per_provider, in_rank_order=True
    )
    # Sensitivity is about the bid recommended in each lot (issue 14): where the top-ranked bid was
    # passed over (lots cap, ceiling), the lot is analysed without the bids that cannot win it. The
    # ranking and references stand either way, so each lot's analysis is made once, here.
    finished = []
    for lot_result, award, lot_work in zip(lot_results, awards.lots, work, strict=True):
        skip = frozenset(p.bid_ref for p in award.passed_over)
        ordered = lot_work.ordered
        if not (skip and award.recommended and ordered and ordered[0].bid.bid_ref in skip):
            skip = frozenset()
        with localcontext(_EXACT):
            sensitivity = _sensitivity(rules, quality.denominator, ordered, lot_work.ref, skip)
        bids = lot_result.bids
        if award.recommended:  # the recommended bids are marked
            marked = list(bids)
            for ref in award.recommended:  # ranked, so near the top of the list
                k = next(k for k, b in enumerate(marked) if b.bid_ref == ref)
                marked[k] = replace(marked[k], recommended=True)
            bids = tuple(marked)
        finished.append(replace(lot_result, bids=bids, sensitivity=sensitivity))
    return TenderResult(rules=rules, lots=tuple(finished), awards=awards)
