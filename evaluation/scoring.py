"""Price/quality scoring, ranking, award recommendation and sensitivity (pure).

Why a pure module: the arithmetic that decides who is awarded public money must
be testable without a database and reproducible from the published rules alone.
Nothing here imports Django; callers convert models to the input dataclasses: a
lot's bids as columns (`LotBids`, what the service sends: no object per bid-lot), or as
one `BidInput` each (`LotInput`, turned into columns here).

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
from dataclasses import dataclass, field
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
from itertools import compress
from operator import attrgetter, eq, itemgetter, le, mul, not_
from types import MappingProxyType
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from common.money import pennies, quantize_score, to_decimal

__all__ = [
    "DEFAULT_PRICE_BANDS",
    "DEFAULT_SENSITIVITY_SPLITS",
    "AwardRecommendation",
    "BidInput",
    "BidResult",
    "BidResults",
    "ConsensusScores",
    "Eligibility",
    "CeilingRule",
    "LotAward",
    "LotBids",
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
        package_price_per_contact_hour = _package_price(bid_ref, package_price_per_contact_hour)
        price = _bid_price(bid_ref, price_per_contact_hour)
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

    def columns(self) -> LotBids:
        """The lot as columns, which is what scoring works on."""
        for bid in self.bids:
            if bid.lot_key != self.lot_key:
                raise ValueError(f"bid {bid.bid_ref} is for lot {bid.lot_key}, listed under {self.lot_key}")
        bids = self.bids
        return LotBids(
            lot_key=self.lot_key,
            hours_per_week=self.hours_per_week,
            bid_refs=[b.bid_ref for b in bids],
            provider_keys=[b.provider_key for b in bids],
            prices=[b.price_per_contact_hour for b in bids],
            consensus_scores=[b.consensus_scores for b in bids],
            statuses=[b.status for b in bids],
            reasons=[b.reason for b in bids],
            submitted_at=[b.submitted_at for b in bids],
            unresolved=[b.needs_clarification_unresolved for b in bids],
            package_prices=[b.package_price_per_contact_hour for b in bids],
            cost_of_care_benchmark=self.cost_of_care_benchmark,
            package_weight=self.package_weight,
        )


@dataclass(frozen=True, init=False)
class LotBids:
    """A lot and its bids as columns: position i of every column is one bid for this lot.

    Why (issue 17): a tender of 1,000 bids over 20 lots is 20,000 bid-lots, and an object for each
    was most of an evaluation's time. What a bid brings to every lot it prices (its provider,
    consensus scores, submission time) can be the very same list for every lot; only the
    references, prices and statuses need be the lot's own. The meaning and the checks are those
    of a `LotInput` of `BidInput`s (scoring turns one into this): prices per contact hour, a
    reference unique across the tender, a `ConsensusScores` (or mapping) per bid. Left out,
    `statuses` are all eligible, `reasons` empty, `submitted_at` and `package_prices` None and
    `unresolved` (an open price clarification) False.
    """

    lot_key: str
    hours_per_week: Decimal
    bid_refs: tuple[str, ...]
    provider_keys: tuple[str, ...]
    prices: tuple[Decimal | None, ...]
    consensus_scores: tuple[ConsensusScores, ...]
    statuses: tuple[Eligibility, ...]
    reasons: tuple[str, ...]
    submitted_at: tuple[datetime | None, ...]
    unresolved: tuple[bool, ...]
    package_prices: tuple[Decimal | None, ...]
    cost_of_care_benchmark: Decimal | None
    package_weight: Decimal

    def __init__(
        self,
        lot_key: str,
        hours_per_week: Decimal,
        bid_refs: Sequence[str],
        provider_keys: Sequence[str],
        prices: Sequence[Decimal | None],
        consensus_scores: Sequence[Mapping[str, Decimal]],
        statuses: Sequence[Eligibility | str] | None = None,
        reasons: Sequence[str] | None = None,
        submitted_at: Sequence[datetime | None] | None = None,
        unresolved: Sequence[bool] | None = None,
        package_prices: Sequence[Decimal | None] | None = None,
        cost_of_care_benchmark: Decimal | None = None,
        package_weight: Decimal = ZERO,
    ) -> None:
        lot = LotInput(lot_key, hours_per_week, cost_of_care_benchmark, (), package_weight)  # the lot's own checks
        refs = tuple(bid_refs)
        n = len(refs)

        def column(values: Sequence[Any] | None, name: str, default: Any = None) -> tuple[Any, ...]:
            if values is None:
                return (default,) * n
            values = tuple(values)
            if len(values) != n:
                raise ValueError(f"lot {lot_key}: {n} bid references but {len(values)} {name}")
            return values

        providers = column(provider_keys, "provider keys")
        if not (all(refs) and all(providers)):
            raise ValueError("a bid needs a bid_ref and a provider_key")
        # Each column is checked at C speed where it is already what scoring needs, else item by item.
        checked_statuses = column(statuses, "statuses", Eligibility.ELIGIBLE)
        if not set(map(type, checked_statuses)) <= {Eligibility}:
            checked_statuses = tuple(map(Eligibility, checked_statuses))
        checked_prices = column(prices, "prices")
        if not (set(map(type, checked_prices)) <= {Decimal} and all(map(Decimal.is_finite, checked_prices))
                and (not checked_prices or min(checked_prices) > 0)):
            checked_prices = tuple(_bid_price(ref, price) for ref, price in zip(refs, checked_prices, strict=True))
        scores = column(consensus_scores, "sets of consensus scores")
        if not set(map(type, scores)) <= {ConsensusScores}:
            scores = tuple(
                s if type(s) is ConsensusScores else ConsensusScores(s, f"bid {ref}")
                for ref, s in zip(refs, scores, strict=True)
            )
        packages = column(package_prices, "package prices")
        if any(price is not None for price in packages):
            packages = tuple(_package_price(ref, price) for ref, price in zip(refs, packages, strict=True))
        object.__setattr__(self, "__dict__", {
            "lot_key": lot.lot_key,
            "hours_per_week": lot.hours_per_week,
            "bid_refs": refs,
            "provider_keys": providers,
            "prices": checked_prices,
            "consensus_scores": scores,
            "statuses": checked_statuses,
            "reasons": column(reasons, "reasons", ""),
            "submitted_at": column(submitted_at, "submission times"),
            "unresolved": column(unresolved, "clarification flags", False),
            "package_prices": packages,
            "cost_of_care_benchmark": lot.cost_of_care_benchmark,
            "package_weight": lot.package_weight,
        })


def _bid_price(bid_ref: str, price: object) -> Decimal | None:
    """A bid's price per contact hour, checked: None (an excluded bid needs none) or positive."""
    if price is None:
        return None
    # A finite Decimal is what _dec would return for it; anything else is coerced or refused.
    checked = price if type(price) is Decimal and price.is_finite() else _dec(price, f"bid {bid_ref} price_per_contact_hour")
    if checked <= 0:
        raise ValueError(f"bid {bid_ref}: price per contact hour must be positive")
    return checked


def _package_price(bid_ref: str, price: object) -> Decimal | None:
    """A bid's package price per contact hour, checked: None or positive."""
    if price is None:
        return None
    checked = _dec(price, f"bid {bid_ref} package price")
    if checked <= 0:
        raise ValueError(f"bid {bid_ref}: the package price must be positive")
    return checked


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
        return _bid_row(vars(self), money=_display_money, quality=display_score, score=display_score, time=_iso)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _bid_row(
    fields: Mapping[str, Any], *, money: Callable[[Any], str | None], quality: Callable[[Any], str | None],
    score: Callable[[Any], str | None], time: Callable[[Any], str | None],
) -> dict[str, Any]:
    """A bid result's fields as `BidResult.to_dict` gives them, rendered by `money`, `quality` (the
    quality score), `score` (price score and total) and `time`: one object's renderers, or those
    `BidResults.rows` shares across a lot."""
    return {
        **fields,
        "status": str(fields["status"]),
        "price_per_contact_hour": money(fields["price_per_contact_hour"]),
        "submitted_at": time(fields["submitted_at"]),
        "quality_score": quality(fields["quality_score"]),
        "price_score": score(fields["price_score"]),
        "total": score(fields["total"]),
        "package_price_per_contact_hour": money(fields["package_price_per_contact_hour"]),
    }


class BidResults(Sequence[BidResult]):
    """A lot's bid results in result order (ranked ones by rank, then failed, above the ceiling,
    rejected, excluded), each made from the evaluation's columns when it is first read.

    Why (issue 17): a tender's 20,000 results were a large part of the evaluation's time, and
    most callers read a few of them (the awards, a lot's winner) or render them all to rows.
    Every figure is worked out by the evaluation; only the objects wait. Reads like a tuple.
    """

    __slots__ = ("_work", "_recommended", "_made")

    def __init__(self, work: _LotWork, recommended: frozenset[int] = frozenset()) -> None:
        self._work = work
        self._recommended = recommended  # ranked indices (rank - 1)
        self._made: list[BidResult | None] = [None] * (len(work.ranked) + len(work.unranked))

    def __len__(self) -> int:
        return len(self._made)

    @overload
    def __getitem__(self, index: int) -> BidResult: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[BidResult, ...]: ...

    def __getitem__(self, index: int | slice) -> BidResult | tuple[BidResult, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        made = self._made
        if index < 0:
            index += len(made)
        if not 0 <= index < len(made):
            raise IndexError("bid result index out of range")
        result = made[index]
        if result is None:
            result = made[index] = self._make(index)
        return result

    def __iter__(self) -> Iterator[BidResult]:
        for index in range(len(self._made)):
            yield self[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (BidResults, tuple, list)):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"BidResults({tuple(self)!r})"

    def positions(self) -> list[int]:
        """Where each result's bid stands in the lot's columns (the LotBids it was scored from), in result order."""
        return list(self._work.ranked.positions) + [position for _, position, _, _ in self._work.unranked]

    def rows(self) -> list[dict[str, Any]]:
        """`[result.to_dict() for result in self]`, made from the columns without the objects (issue 17:
        a stored run renders 20,000): one rendering context, and each price, quality score and time
        rendered once per object (a bid's figures are the same objects in every lot it prices)."""

        def rendered_once(render: Callable[[Any], str]) -> Callable[[Any], str | None]:
            """`render`, kept by the id of each object it is given (all alive in the columns meanwhile)."""
            texts: dict[int, str] = {}

            def text_of(value: Any) -> str | None:
                if value is None:
                    return None
                text = texts.get(id(value))
                if text is None:
                    text = texts[id(value)] = render(value)
                return text
            return text_of

        money = rendered_once(lambda value: str(pennies(value)))
        quality = rendered_once(lambda value: str(quantize_score(value)))
        time = rendered_once(datetime.isoformat)

        def score(value: Decimal | None) -> str | None:  # every bid-lot's own: nothing to share
            return None if value is None else str(quantize_score(value))

        with localcontext(_DISPLAY):
            return [
                _bid_row(self._fields(index), money=money, quality=quality, score=score, time=time)
                for index in range(len(self))
            ]

    def _make(self, index: int) -> BidResult:
        """Result `index`, as BidResult(...) would build it: BidResult is frozen and has no
        __post_init__, so filling its __dict__ gives the very same object, without the generated
        __init__ setting each of its 15 fields through object.__setattr__."""
        result = object.__new__(BidResult)
        object.__setattr__(result, "__dict__", self._fields(index))
        return result

    def _fields(self, index: int) -> dict[str, Any]:
        """Result `index`'s fields, from the columns."""
        work = self._work
        lot, ranked = work.lot, work.ranked
        if index < len(ranked):
            position = ranked.positions[index]
            fields = {
                "bid_ref": lot.bid_refs[position],
                "provider_key": lot.provider_keys[position],
                "lot_key": lot.lot_key,
                "status": ResultStatus.RANKED,
                "reason": "",
                "price_per_contact_hour": ranked.prices[index],
                "submitted_at": lot.submitted_at[position],
                "quality_score": ranked.figures[index].score,
                "price_score": ranked.price_scores[index],
                "total": ranked.totals[index],
                "rank": index + 1,
                "recommended": index in self._recommended,
                "clarification_unresolved": lot.unresolved[position],
                "above_ceiling": ranked.above[index],
                "package_price_per_contact_hour": lot.package_prices[position],
            }
        else:
            status, position, reason, quality = work.unranked[index - len(ranked)]
            fields = {
                "bid_ref": lot.bid_refs[position],
                "provider_key": lot.provider_keys[position],
                "lot_key": lot.lot_key,
                "status": status,
                "reason": reason,
                "price_per_contact_hour": lot.prices[position],
                "submitted_at": lot.submitted_at[position],
                "quality_score": quality,
                "price_score": None,
                "total": None,
                "rank": None,
                "recommended": False,
                "clarification_unresolved": lot.unresolved[position],
                "above_ceiling": False,
                "package_price_per_contact_hour": lot.package_prices[position],
            }
        return fields


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
    bids: Sequence[BidResult]  # a BidResults when evaluate_tender made it
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
            "bids": (
                (self.bids.rows() if isinstance(self.bids, BidResults) else [b.to_dict() for b in self.bids])
                if with_bids else None
            ),
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


def _float_ratios(numerators: list[Decimal] | Decimal, denominators: list[Decimal]) -> npt.NDArray[np.float64]:
    """`_float_ratio` of each pair, vectorised (`numerators` one Decimal: the same for every pair)."""
    if isinstance(numerators, Decimal):
        n = np.full(len(denominators), float(numerators))
    else:
        n = np.fromiter(map(float, numerators), dtype=np.float64, count=len(numerators))
    d = np.fromiter(map(float, denominators), dtype=np.float64, count=len(denominators))
    held = (d >= _FLOAT_MIN_NORMAL) & (d <= _FLOAT_MAX) & (n >= 0.0) & (n <= _FLOAT_MAX)
    with np.errstate(all="ignore"):
        ratios: npt.NDArray[np.float64] = np.where(held, n / d, math.nan)
    return ratios


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

    def numerator(self, values: Sequence[Decimal], bid_ref: str) -> tuple[Decimal, list[str]]:
        """Exact weighted-score numerator and the questions scored 0, from a bid's scores in `key_order`
        (read and counted by `_Qualities.of`). Call in _EXACT."""
        if min(values) > ZERO and all(map(le, values, self.max_scores)):
            # Every score on its scale and none 0: the usual case, checked at C speed.
            return sum(map(mul, self.coefficients, values), ZERO), []
        zeros: list[str] = []
        for key, value, max_score in zip(self.key_order, values, self.max_scores, strict=True):
            if not ZERO < value <= max_score:
                if value:  # negative or above the scale
                    raise ValueError(
                        f"bid {bid_ref}: score {value} for question {key} is outside 0-{max_score}"
                    )
                zeros.append(key)
        return sum(map(mul, self.coefficients, values), ZERO), zeros


@dataclass(frozen=True, slots=True)
class _BidQuality:
    """What a bid's consensus scores give it, the same in every lot it prices."""

    qn: Decimal  # exact numerator over _QualityModel.denominator
    weighted_qn: Decimal  # quality_weight x qn, exact
    score: Decimal  # quality_weight x F, one rounded division
    neg_fraction: Decimal  # minus F, one rounded division (a sort key)
    fails: str  # why it fails the published quality thresholds ("; "-joined), or ""
    fraction: float  # F as a float within _FLOAT_ERROR, or nan (see _float_ratio); for pre-ordering only


class _Qualities:
    """Each bid's quality worked out once per tender rather than once per lot it prices.

    A bid sends the same `ConsensusScores` to every lot, and a read-only object always gives
    the same figures: scoring finds them by the object (`object_get`). Scores that are other
    objects holding the very same Decimal objects (the caller builds them once per bid) are
    found by those. Both memos are keyed by ids and keep the objects alive, so a hit is the
    identical computation. Missing or unknown questions are refused when a set of scores is
    first seen, under the reference of the bid-lot that brought it.
    """

    def __init__(self, quality: _QualityModel, rules: TenderRules) -> None:
        self.model = quality
        self.rules = rules
        self._seen: dict[tuple[int, ...], tuple[tuple[Decimal, ...], _BidQuality]] = {}
        # A ConsensusScores is read-only, so the same object always gives the same figures.
        self._by_object: dict[int, tuple[ConsensusScores, _BidQuality]] = {}
        self.object_get = self._by_object.get
        keys = quality.key_order
        self.values_of: Callable[[Mapping[str, Decimal]], tuple[Decimal, ...]] = (
            itemgetter(*keys) if len(keys) > 1 else lambda scores: (scores[keys[0]],)
        )

    def of(self, scores: ConsensusScores, bid_ref: str) -> _BidQuality:
        """The quality figures of bid `bid_ref`, scored `scores`. Call in _EXACT."""
        model = self.model
        try:
            values = self.values_of(scores)
        except KeyError as exc:
            raise ValueError(f"bid {bid_ref}: no consensus score for question {exc.args[0]}") from None
        if len(scores) != len(values):
            unknown = sorted(set(scores) - model.keys)
            raise ValueError(f"bid {bid_ref}: scores for unknown questions {unknown}")
        ids = tuple(map(id, values))
        seen = self._seen.get(ids)
        if seen is not None:
            self._by_object[id(scores)] = (scores, seen[1])
            return seen[1]
        qn, zeros = model.numerator(values, bid_ref)
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
            weighted_qn=qw * qn,
            score=_DIVISION.divide(qw * qn, qd),
            neg_fraction=_DIVISION.divide(qn, qd).copy_negate(),
            fails="; ".join(reasons),
            fraction=_float_ratio(qn, qd),
        )
        self._seen[ids] = (values, figures)
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


class _Ranked:
    """A lot's price-scored bids as columns, index k for one bid (issue 17: no object per bid-lot).

    Built in the order the lot lists its bids; `reorder` then puts every column in rank order at
    the tender's split, so index k is rank k + 1. `positions` index the lot's own columns.

    total(a, b, k) = a x F + b x G = (a qn gd + b gn qd) / (qd gd): exact products and one rounded
    division per bid and split.
    """

    __slots__ = ("lot", "rules", "qd", "positions", "figures", "prices", "above", "gn", "gd", "g",
                 "fractions", "totals", "price_scores", "_ties")

    def __init__(
        self, lot: LotBids, rules: TenderRules, qd: Decimal, positions: list[int], figures: list[_BidQuality],
        prices: list[Decimal], above: list[bool],
    ) -> None:
        self.lot, self.rules, self.qd = lot, rules, qd
        self.positions, self.figures, self.prices, self.above = positions, figures, prices, above
        self.gn: list[Decimal] = []  # price fraction G = gn / gd, exact
        self.gd: list[Decimal] = []
        self.g: npt.NDArray[np.float64] = np.empty(0)  # G as a float (pre-ordering only)
        self.fractions: npt.NDArray[np.float64] = np.empty(0)  # F as a float (pre-ordering only)
        self.totals: list[Decimal] = []  # the published totals at the tender's split
        self.price_scores: list[Decimal] = []
        self._ties: dict[int, tuple[Any, ...]] = {}  # by the lot's position, so reordering keeps it

    def __len__(self) -> int:
        return len(self.positions)

    def ref(self, k: int) -> str:
        return self.lot.bid_refs[self.positions[k]]

    def refs(self, indices: Iterable[int]) -> list[str]:
        bid_refs, positions = self.lot.bid_refs, self.positions
        return [bid_refs[positions[k]] for k in indices]

    def tie(self, k: int) -> tuple[Any, ...]:
        """(published last tie-break key, bid_ref): drawn only when it has to decide something."""
        position = self.positions[k]
        found = self._ties.get(position)
        if found is None:
            lot = self.lot
            found = self._ties[position] = _tie_key(lot.bid_refs[position], lot.submitted_at[position], self.rules)
        return found

    def total(self, a: Decimal, b: Decimal, k: int) -> Decimal:
        """a x F + b x G, one rounded division of exact operands. Call in _EXACT."""
        gd, qd = self.gd[k], self.qd
        return _DIVISION.divide(a * (self.figures[k].qn * gd) + b * (self.gn[k] * qd), qd * gd)

    def key(self, a: Decimal, b: Decimal, k: int) -> tuple[Any, ...]:
        """Sort key, smaller = better: total desc, quality desc, price asc, time, ref. Call in _EXACT."""
        return (self.total(a, b, k).copy_negate(), self.figures[k].neg_fraction, self.prices[k], self.tie(k))

    def moved_key(self, a: Decimal, b: Decimal, k: int, gn: Decimal, gd: Decimal, price: Decimal) -> tuple[Any, ...]:
        """`key` for bid k with its price or price fraction hypothetically moved. Call in _EXACT."""
        qd = self.qd
        total = _DIVISION.divide(a * self.figures[k].qn * gd + b * gn * qd, qd * gd)
        return (total.copy_negate(), self.figures[k].neg_fraction, price, self.tie(k))

    def reorder(self, order: list[int]) -> None:
        """Put every column in `order` (a permutation of the indices)."""
        if not order:
            return
        take = itemgetter(*order) if len(order) > 1 else lambda column: (column[order[0]],)
        self.positions, self.figures, self.prices = list(take(self.positions)), list(take(self.figures)), list(
            take(self.prices))
        self.above, self.gn, self.gd = list(take(self.above)), list(take(self.gn)), list(take(self.gd))
        self.totals = list(take(self.totals))
        self.g, self.fractions = self.g[order], self.fractions[order]


def _by_key_then_tie(
    pairs: list[tuple[tuple[Any, ...], int]], tie: Callable[[int], tuple[Any, ...]]
) -> list[tuple[tuple[Any, ...], int]]:
    """`pairs` (key, k) sorted by key and then by `tie(k)`: what sorting by key + (tie,) gives, with
    the tie key (a SHA-256 for the drawing of lots) worked out only where the keys are equal."""
    pairs = sorted(pairs, key=_FIRST)
    for start, stop in _equal_runs([key for key, _ in pairs]):
        pairs[start:stop] = sorted(pairs[start:stop], key=lambda pair: tie(pair[1]))
    return pairs


def _rank_order(a: Decimal, b: Decimal, ranked: _Ranked) -> list[int]:
    """Indices of `ranked` in `ranked.key(a, b, k)` order, given its totals at (a, b). Call in _EXACT.

    By float total where floats can hold every figure; runs too close to call (and every tie) by
    the exact key, the tie element drawn only where the rest of it is equal.
    """
    fractions, g = ranked.fractions, ranked.g
    if np.isnan(fractions).any() or np.isnan(g).any():
        index, runs = list(range(len(ranked))), [(0, len(ranked))]
    else:
        index, runs = _float_order(a, b, fractions, g)
    totals, figures, prices = ranked.totals, ranked.figures, ranked.prices
    for start, stop in runs:
        keyed = _by_key_then_tie(
            [((totals[k].copy_negate(), figures[k].neg_fraction, prices[k]), k) for k in index[start:stop]],
            ranked.tie,
        )
        index[start:stop] = [k for _, k in keyed]
    return index


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


_FIRST = itemgetter(0)


def draw_key(seed: str, bid_ref: str) -> str:
    """A bid's number in the seeded drawing of lots: lower draws first. Anyone can recompute it."""
    return sha256(f"{seed}\x1f{bid_ref}".encode()).hexdigest()


def _tie_key(bid_ref: str, submitted_at: datetime | None, rules: TenderRules) -> tuple[Any, ...]:
    if rules.tie_break is TieBreak.SUBMISSION_TIME:
        submitted = (1, 0) if submitted_at is None else (0, submitted_at)
        return (submitted, bid_ref)
    return ((0, draw_key(rules.tie_break_seed, bid_ref)), bid_ref)


def _tie_records(rules: TenderRules, ranked: _Ranked) -> tuple[TieRecord, ...]:
    """Every run of equal totals in `ranked` (rank order), with what ordered each neighbouring pair."""
    last_rule = "drawing of lots" if rules.tie_break is TieBreak.QUALITY_PRICE_LOTS else "submission time"
    figures, prices, tie = ranked.figures, ranked.prices, ranked.tie
    records = []
    for start, stop in _equal_runs(ranked.totals):
        decided = []
        for k in range(start, stop - 1):
            if figures[k].neg_fraction != figures[k + 1].neg_fraction:
                decided.append("quality")
            elif prices[k] != prices[k + 1]:
                decided.append("price")
            elif tie(k)[0] != tie(k + 1)[0]:
                decided.append(last_rule)
            else:
                decided.append("bid reference")
        draws: tuple[tuple[str, str], ...] = ()
        if rules.tie_break is TieBreak.QUALITY_PRICE_LOTS:
            draws = tuple((ranked.ref(k), tie(k)[0][1]) for k in range(start, stop))
        records.append(
            TieRecord(
                bids=tuple(ranked.ref(k) for k in range(start, stop)),
                decided_by=tuple(decided),
                seed=rules.tie_break_seed,
                draws=draws,
            )
        )
    return tuple(records)


# An unranked bid-lot: (its status, its position in the lot's columns, why, its quality score if shown).
_Unranked = tuple[ResultStatus, int, str, Decimal | None]


@dataclass(slots=True)
class _LotWork:
    """What scoring one lot found, kept as columns: its results are made from it when read."""

    lot: LotBids
    ranked: _Ranked  # in rank order
    unranked: list[_Unranked]  # in result order
    ref: _Reference | None  # for the price-move sensitivity (None where it would mislead)
    lowest: Decimal | None
    mean: Decimal | None
    ties: tuple[TieRecord, ...]
    unresolved: tuple[str, ...]


_NO_SENSITIVITY = LotSensitivity(winner=None, runner_up=None, splits=())


def _evaluate_lot(rules: TenderRules, quality: _QualityModel, lot: LotBids, qualities: _Qualities) -> _LotWork:
    """Score and rank one lot. `qualities` shares each bid's quality across lots."""
    qw, pw, qd = rules.quality_weight, rules.price_weight, quality.denominator
    refs, statuses, all_scores, prices, reasons = lot.bid_refs, lot.statuses, lot.consensus_scores, lot.prices, lot.reasons
    package = lot.package_weight
    ranked_above = rules.ceiling_rule is CeilingRule.RANKED_NOT_RECOMMENDED
    eligible, above_ceiling = Eligibility.ELIGIBLE, Eligibility.ABOVE_CEILING
    # The quality cache's hit path, inlined (scores already seen, as the same object); anything
    # else, including every error, goes through `qualities.of`.
    quality_of, object_get = qualities.of, qualities.object_get
    unranked: list[_Unranked] = []
    ties: tuple[TieRecord, ...] = ()
    with localcontext(_EXACT):
        # Column by column (issue 17): the bids that go on to price scoring, their quality (the cache's
        # hit path inlined: scores already seen as the same object; anything else, including every
        # error, through `qualities.of`), and which of them fail it.
        if ranked_above:
            candidates = [i for i, status in enumerate(statuses) if status is eligible or status is above_ceiling]
        else:
            candidates = [i for i, status in enumerate(statuses) if status is eligible]
        known = list(map(object_get, map(id, map(all_scores.__getitem__, candidates))))
        candidate_figures = [
            found[1] if found is not None else quality_of(all_scores[i], refs[i])
            for i, found in zip(candidates, known, strict=True)
        ]
        positions, figures = candidates, candidate_figures
        fails = list(map(_FAILS, candidate_figures))
        if any(fails):
            passes = list(map(not_, fails))
            positions, figures = list(compress(candidates, passes)), list(compress(candidate_figures, passes))
            unranked.extend(
                (ResultStatus.FAILED_QUALITY, i, bid_quality.fails, bid_quality.score)
                for i, bid_quality in compress(zip(candidates, candidate_figures, strict=True), fails)
            )
        kept_prices: list[Decimal] = [prices[i] for i in positions]  # type: ignore[misc]
        if not all(kept_prices):  # a None (the prices are checked positive); `None in` would compare each
            missing = refs[positions[kept_prices.index(None)]]  # type: ignore[arg-type]
            raise ValueError(f"bid {missing}: an eligible bid needs a price per contact hour")
        if package and any(lot.package_prices[i] is None for i in positions):
            missing = next(refs[i] for i in positions if lot.package_prices[i] is None)
            raise ValueError(f"bid {missing}: lot {lot.lot_key} scores package prices and the bid has none")
        above = [statuses[i] is not eligible for i in positions] if ranked_above else [False] * len(positions)
        if len(candidates) < len(statuses):
            taken = set(candidates)
            for i in [i for i in range(len(statuses)) if i not in taken]:
                status = statuses[i]
                if status is Eligibility.EXCLUDED:
                    unranked.append((ResultStatus.EXCLUDED, i, reasons[i] or "excluded", None))
                    continue
                # Rejected price, or above the ceiling and not ranked: quality is shown when it was
                # scored, for the assessment summary.
                scores = all_scores[i]
                q = quality_of(scores, refs[i]).score if scores else None
                if status is Eligibility.REJECTED_PRICE:
                    reason = reasons[i] or "abnormally low price rejected after clarification"
                    unranked.append((ResultStatus.REJECTED_PRICE, i, reason, q))
                else:
                    reason = reasons[i] or "priced above the lot's published ceiling: non-compliant, not ranked"
                    unranked.append((ResultStatus.ABOVE_CEILING, i, reason, q))

        if rules.price_formula is PriceFormula.BANDED_COST_OF_CARE and lot.cost_of_care_benchmark is None and positions:
            raise ValueError(f"lot {lot.lot_key}: the banded formula needs a cost-of-care benchmark")
        ranked = _Ranked(lot, rules, qd, positions, figures, kept_prices, above)
        ref: _Reference | None = None
        lowest = mean = None
        if positions:
            lowest = min(kept_prices)
            price_sum = sum(kept_prices, ZERO)  # exact, so order does not matter
            count = Decimal(len(kept_prices))
            mean = _DIVISION.divide(price_sum, count)
            ref = _Reference(lowest, price_sum, count, lot.cost_of_care_benchmark)
            price_term = None
            if rules.price_formula is PriceFormula.RELATIVE_TO_LOWEST and not package:
                gn, gd = [lowest] * len(kept_prices), list(kept_prices)
                price_term = pw * (lowest * qd)  # every bid's pw gn qd
            else:
                fractions = [_price_fraction(rules, p, ref) for p in kept_prices]
                if package:
                    package_prices: list[Decimal] = [lot.package_prices[i] for i in positions]  # type: ignore[misc]
                    package_ref = _Reference(
                        min(package_prices), sum(package_prices, ZERO), Decimal(len(package_prices)),
                        lot.cost_of_care_benchmark,
                    )
                    # G = (100 - w)% G_hourly + w% G_package, kept as one exact fraction.
                    combined = []
                    for (hn, hd), package_price in zip(fractions, package_prices, strict=True):
                        pn, pd = _price_fraction(rules, package_price, package_ref)
                        combined.append(((HUNDRED - package) * hn * pd + package * pn * hd, HUNDRED * hd * pd))
                    fractions = combined
                gn, gd = [n for n, _ in fractions], [d for _, d in fractions]
            ranked.gn, ranked.gd = gn, gd
            ranked.g = _float_ratios(lowest if price_term is not None else gn, gd)
            ranked.fractions = np.fromiter(map(_FRACTION, figures), dtype=np.float64, count=len(figures))
            divide = _DIVISION.divide
            # Each total is qw qn gd + pw gn qd over qd gd. The products are exact, so grouping them
            # differently (qw qn once per bid; under the default formula gn is the lowest price for
            # every bid) gives the same Decimal, exponent included.
            if price_term is not None:
                ranked.totals = [
                    divide(f.weighted_qn * d + price_term, qd * d) for f, d in zip(figures, gd, strict=True)
                ]
            else:
                ranked.totals = [
                    divide(qw * (f.qn * d) + pw * (n * qd), qd * d) for f, n, d in zip(figures, gn, gd, strict=True)
                ]
            ranked.reorder(_rank_order(qw, pw, ranked))
            if price_term is not None:
                price_numerator = pw * lowest
                ranked.price_scores = [divide(price_numerator, d) for d in ranked.gd]
            else:
                ranked.price_scores = [divide(pw * n, d) for n, d in zip(ranked.gn, ranked.gd, strict=True)]
            ties = _tie_records(rules, ranked)

    unranked.sort(key=lambda u: (_UNRANKED_ORDER[u[0]], refs[u[1]]))
    unresolved = tuple(sorted(map(refs.__getitem__, compress(positions, map(lot.unresolved.__getitem__, positions)))))
    # Price-move sensitivity models the hourly price alone; with a package weight it would mislead.
    return _LotWork(lot, ranked, unranked, None if package else ref, lowest, mean, ties, unresolved)


_FRACTION = attrgetter("fraction")
_FAILS = attrgetter("fails")


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


def _lowest_excluding(prices: list[Decimal], k: int) -> Decimal:
    """The lowest price among the other bids (the first such in rank order: what a stable sort gives)."""
    others = prices[:k] + prices[k + 1:]
    if not others:
        raise AssertionError("needs at least two price-scored bids")
    return min(others)


def _cheapest_at_each_quality(ranked: _Ranked, candidates: list[int]) -> list[int]:
    """The bids after the first of `candidates` (the winner) priced lowest among those of the same
    quality (all of them where several share that price). Only these can be on the quality/price
    frontier: a dearer bid of the same quality comes after them in (quality, price) order and is
    never strictly cheaper.

    Read off the rank order, without grouping every bid by price (issue 17): among bids of equal
    quality a lower price never scores less on price (every formula is monotone, and all of a
    lot's bids share its price reference), and equal totals are ordered by price, so a quality's
    first bid in rank order is its cheapest, and any others at that price (equal quality and
    price: equal totals) come straight after it.
    """
    figures, prices = ranked.figures, ranked.prices
    others = candidates[1:]
    qualities = [figures[k].neg_fraction for k in others]
    first_place = dict(zip(reversed(qualities), range(len(others) - 1, -1, -1), strict=True))  # the first wins
    cheapest = []
    for place in sorted(first_place.values()):
        quality, price = qualities[place], prices[others[place]]
        cheapest.append(others[place])
        place += 1
        while place < len(others) and qualities[place] == quality and prices[others[place]] == price:
            cheapest.append(others[place])
            place += 1
    return cheapest


def _split_ranking(
    a: Decimal, b: Decimal, ranked: _Ranked, candidates: list[int], refs: list[str],
    fractions: npt.NDArray[np.float64], price_fractions: npt.NDArray[np.float64],
) -> tuple[str, ...]:
    """The references of `candidates` (`refs`, same positions) in `ranked.key(a, b, k)` order: by float
    total, runs too close to call by the exact key. Call in _EXACT.

    A run of bids equal in quality and price (copies) is left as it is: their totals are equal at
    every split, so the tie key alone orders them, and they already stand in that order (`candidates`
    is in rank order, where it did, and a stable sort of equal floats keeps it)."""
    index, runs = _float_order(a, b, fractions, price_fractions)
    figures, prices = ranked.figures, ranked.prices
    for start, stop in runs:
        first = candidates[index[start]]
        quality, price = figures[first].neg_fraction, prices[first]
        if all(figures[candidates[i]].neg_fraction == quality and prices[candidates[i]] == price
               for i in index[start + 1:stop]):
            continue
        index[start:stop] = sorted(index[start:stop], key=lambda i: ranked.key(a, b, candidates[i]))
    return tuple(map(refs.__getitem__, index))


def _sensitivity(
    rules: TenderRules, ranked: _Ranked, ref: _Reference | None, skip: frozenset[str] = frozenset(),
) -> LotSensitivity:
    """Rankings at other splits and the price moves that would change the winner. Call in _EXACT.

    `skip`: bids that cannot be awarded the lot (passed over under the lots cap or above the
    ceiling); the analysis is then about the bid actually recommended and the ones that could
    displace it, while every acceptable price still sets the price references.
    """
    candidates = list(range(len(ranked)))
    fractions, price_fractions = ranked.fractions, ranked.g
    refs = ranked.refs(candidates)
    if skip:
        candidates = [k for k, ref in zip(candidates, refs, strict=True) if ref not in skip]
        fractions, price_fractions = fractions[candidates], price_fractions[candidates]
        refs = ranked.refs(candidates)
    qw, pw = rules.quality_weight, rules.price_weight
    own = (qw, pw)
    base = tuple(refs)
    winner = base[0] if base else None
    splits = [own] + [split for split in rules.sensitivity_splits if split != own]
    outcomes = []
    seen: set[tuple[Decimal, Decimal]] = set()
    floats = not (np.isnan(fractions).any() or np.isnan(price_fractions).any())
    for a, b in splits:
        if (a, b) in seen:
            continue
        seen.add((a, b))
        if (a, b) == own:
            ranking = base
        elif floats:
            ranking = _split_ranking(a, b, ranked, candidates, refs, fractions, price_fractions)
        else:
            ranking = tuple(ranked.ref(k) for k in sorted(candidates, key=lambda k: ranked.key(a, b, k)))
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
    if len(candidates) < 2 or ref is None:
        return LotSensitivity(winner=winner, runner_up=None, splits=tuple(outcomes))

    w, r = candidates[0], candidates[1]
    prices = ranked.prices
    w_price, r_price = prices[w], prices[r]

    # Runner-up cuts its price to c pennies; only it and the winner matter,
    # because a cut can only lower the winner's score.
    lowest_without_r = _lowest_excluding(prices, r)

    def runner_up_wins(c: int) -> bool:
        price = Decimal(c).scaleb(-2)
        moved = _Reference(min(lowest_without_r, price), ref.total - r_price + price, ref.count, ref.benchmark)
        rn, rd = _price_fraction(rules, price, moved)
        wn, wd = _price_fraction(rules, w_price, moved)
        return ranked.moved_key(qw, pw, r, rn, rd, price) < ranked.moved_key(qw, pw, w, wn, wd, w_price)

    highest_penny_below = int((r_price * HUNDRED).to_integral_value(rounding=ROUND_CEILING)) - 1
    c = _highest_true(runner_up_wins, 1, highest_penny_below)
    price_to_win = cut = None
    if c is not None:
        price_to_win = Decimal(c).scaleb(-2)
        cut = _DIVISION.divide((r_price - price_to_win) * HUNDRED, r_price)

    # Winner raises its price to c pennies: anyone may overtake it, but the
    # best of the others is always on their quality/price Pareto frontier
    # (a bid no better on quality and no lower on price can never beat the
    # one that is), so only the frontier is checked.
    figures = ranked.figures
    frontier: list[int] = []
    best_price: Decimal | None = None
    cheapest = _cheapest_at_each_quality(ranked, candidates)
    for _, k in _by_key_then_tie([((figures[k].neg_fraction, prices[k]), k) for k in cheapest], ranked.tie):
        if best_price is None or prices[k] < best_price:
            frontier.append(k)
            best_price = prices[k]
    lowest_without_w = _lowest_excluding(prices, w)

    def winner_loses(c: int) -> bool:
        price = Decimal(c).scaleb(-2)
        moved = _Reference(min(lowest_without_w, price), ref.total - w_price + price, ref.count, ref.benchmark)
        wn, wd = _price_fraction(rules, price, moved)
        winner_key = ranked.moved_key(qw, pw, w, wn, wd, price)
        for k in frontier:
            sn, sd = _price_fraction(rules, prices[k], moved)
            if ranked.moved_key(qw, pw, k, sn, sd, prices[k]) < winner_key:
                return True
        return False

    pennies_now = w_price * HUNDRED
    start = int(pennies_now.to_integral_value(rounding=ROUND_FLOOR)) + 1
    limit = int(pennies_now.to_integral_value(rounding=ROUND_CEILING)) * _WINNER_RISE_SEARCH_LIMIT
    c = _lowest_true(winner_loses, start, limit)
    price_to_lose = rise = None
    if c is not None:
        price_to_lose = Decimal(c).scaleb(-2)
        rise = _DIVISION.divide((price_to_lose - w_price) * HUNDRED, w_price)

    return LotSensitivity(
        winner=winner,
        runner_up=ranked.ref(r),
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
    rules: TenderRules, questions: Sequence[Question], lots: Sequence[LotInput | LotBids]
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
    rules: TenderRules, questions: Sequence[Question], lots: Sequence[LotInput | LotBids]
) -> TenderResult:
    """`evaluate_tender` with the collector paused."""
    columns = [lot if isinstance(lot, LotBids) else lot.columns() for lot in lots]
    lot_keys = [lot.lot_key for lot in columns]
    if len(set(lot_keys)) != len(lot_keys):
        raise ValueError("lot keys must be unique")
    refs = [ref for lot in columns for ref in lot.bid_refs]
    if len(set(refs)) != len(refs):
        raise ValueError("bid references must be unique across the tender")
    quality = _QualityModel(questions)
    qualities = _Qualities(quality, rules)  # a bid's quality once, whatever the number of lots it prices
    works = [_evaluate_lot(rules, quality, lot, qualities) for lot in columns]
    lot_results = [_lot_result(work, BidResults(work)) for work in works]
    awards = _recommend_awards(
        lot_results, rules.max_providers_per_lot, rules.max_lots_per_provider, in_rank_order=True
    )
    # Sensitivity is about the bid recommended in each lot (issue 14): where the top-ranked bid was
    # passed over (lots cap, ceiling), the lot is analysed without the bids that cannot win it. The
    # ranking and references stand either way, so each lot's analysis is made once, here.
    finished = []
    for work, award in zip(works, awards.lots, strict=True):
        ranked = work.ranked
        skip = frozenset(p.bid_ref for p in award.passed_over)
        if not (skip and award.recommended and len(ranked) and ranked.ref(0) in skip):
            skip = frozenset()
        with localcontext(_EXACT):
            sensitivity = _sensitivity(rules, ranked, work.ref, skip)
        # The recommended bids are ranked, so near the top of the list.
        recommended = frozenset(next(k for k in range(len(ranked)) if ranked.ref(k) == ref) for ref in award.recommended)
        finished.append(_lot_result(work, BidResults(work, recommended), sensitivity))
    return TenderResult(rules=rules, lots=tuple(finished), awards=awards)


def _lot_result(work: _LotWork, bids: BidResults, sensitivity: LotSensitivity = _NO_SENSITIVITY) -> LotResult:
    lot = work.lot
    return LotResult(
        lot_key=lot.lot_key,
        hours_per_week=lot.hours_per_week,
        bids=bids,
        provisional=bool(work.unresolved),
        unresolved_clarifications=work.unresolved,
        lowest_acceptable_price=work.lowest,
        mean_acceptable_price=work.mean,
        cost_of_care_benchmark=lot.cost_of_care_benchmark,
        sensitivity=sensitivity,
        ties=work.ties,
        package_weight=lot.package_weight,
    )
