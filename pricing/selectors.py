"""Read side of the cost-of-care model: presets, zones and lots in, pure-model results out.

`lot_price_check(*, lot, price)` is what bidding and evaluation call: it judges a
price per billed unit on the tender's minute basis against the model minimum
for the lot's zone under the tender's preset, with the lot's ceiling and the
tender's far-above threshold. Every refusal is a RuleViolation (HTTP 400) with
a message a person can act on.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from common.errors import RuleViolation
from common.money import pennies, to_decimal
from pricing.checks import PriceCheck, check_price
from pricing.contract_years import contract_years, covers
from pricing.conversion import MINUTES_PER_HOUR, MinuteBasis
from pricing.cost_model import (
    DEFAULT_VISIT_LENGTHS,
    RATE_ASSUMPTION_FIELDS,
    CostBreakdown,
    RateAssumptions,
    ServicePattern,
    cost_by_visit_length,
    cost_for_visit_mix,
    cost_of_care,
    visit_minutes_error,
)
from pricing.models import MONEY_FIELDS, RatePreset
from pricing.preset_data import PRESETS
from tenders.models import Lot, Tender
from tenders.transitions import TenderStatus
from zones.models import Zone

# Tenders in these states have been seen by bidders: their preset is the record
# prices were checked against and must not change under them.
PRESET_LOCKING_STATUSES = frozenset(
    s.value for s in TenderStatus if s not in (TenderStatus.DRAFT, TenderStatus.CANCELLED)
)


def preset_list() -> QuerySet[RatePreset]:
    """Every preset, newest first."""
    return RatePreset.objects.all()


def preset_get(*, slug: str) -> RatePreset:
    """The preset with this slug; RuleViolation naming the known slugs if there is none."""
    preset = RatePreset.objects.filter(slug=slug).first()
    if preset is None:
        known = ", ".join(RatePreset.objects.values_list("slug", flat=True))
        raise RuleViolation(f"Unknown preset {slug!r}. Known presets: {known or 'none'}.", field="preset")
    return preset


def preset_assumptions(preset: RatePreset) -> RateAssumptions:
    """The preset's inputs for the pure model; RuleViolation if they cannot be priced."""
    try:
        return preset.assumptions()
    except (TypeError, ValueError) as exc:
        raise RuleViolation(f"The cost-of-care preset {preset.slug!r} cannot be priced: {exc}") from exc


def preset_locking_tenders(preset: RatePreset) -> list[str]:
    """References of tenders, past draft and not cancelled, whose price checks rest on this preset."""
    return list(
        preset.tenders.filter(status__in=PRESET_LOCKING_STATUSES).order_by("reference").values_list("reference", flat=True)
    )


def zone_pattern(*, zone: Zone | None, assumptions: RateAssumptions) -> ServicePattern:
    """Travel and miles per contact hour in a zone: its own figures, else the preset's scaled by rurality."""
    if zone is None:
        return ServicePattern.from_assumptions(assumptions)
    return ServicePattern(
        travel_minutes_per_contact_hour=zone.travel_minutes_for(assumptions.travel_minutes_per_contact_hour),
        miles_per_contact_hour=zone.miles_for(assumptions.miles_per_contact_hour),
    )


def preset_cost_of_care(
    *, preset: RatePreset, zone: Zone | None = None, visit_minutes: int | None = None
) -> CostBreakdown:
    """The model minimum per contact hour for a preset, optionally in a zone and for one visit length."""
    assumptions = preset_assumptions(preset)
    pattern = zone_pattern(zone=zone, assumptions=assumptions)
    if visit_minutes is None:
        return cost_of_care(assumptions, pattern)
    if (problem := visit_minutes_error(visit_minutes)) is not None:
        raise RuleViolation(f"{problem}.", field="visit_minutes")
    return cost_by_visit_length(assumptions, pattern, [visit_minutes])[visit_minutes]


def tender_basis(tender: Tender) -> MinuteBasis:
    """What one billed unit of the tender buys (e.g. Lancashire's 50 contact + 10 travel minutes)."""
    try:
        return MinuteBasis(contact_minutes=int(tender.contact_minutes), travel_minutes=int(tender.travel_minutes))
    except ValueError as exc:
        raise RuleViolation(f"Tender {tender.reference} has an unusable minute basis: {exc}") from exc


def _tender_preset(tender: Tender) -> RatePreset:
    preset = tender.rate_preset if tender.rate_preset_id is not None else None
    if preset is None:
        raise RuleViolation(
            f"Tender {tender.reference} has no cost-of-care model: choose a rate preset before prices can be checked."
        )
    return preset


def tender_visit_mix(tender: Tender) -> dict[int, Decimal] | None:
    """The tender's expected visit mix as {visit minutes: share of contact hours}, or None if it has none.

    Stored as JSON ({"30": "40", ...}); keys must be whole minutes, shares numbers.
    """
    raw: Any = tender.expected_visit_mix
    if not raw:
        return None
    if not isinstance(raw, Mapping):
        raise RuleViolation(f"Tender {tender.reference}: the expected visit mix must map visit minutes to shares.")
    mix: dict[int, Decimal] = {}
    for key, value in raw.items():
        try:
            minutes = int(str(key))
            share = to_decimal(value)
        except ValueError as exc:
            raise RuleViolation(
                f"Tender {tender.reference}: the expected visit mix has {key!r}: {value!r}; "
                "use whole visit minutes and numeric shares, e.g. {\"30\": 40, \"60\": 60}."
            ) from exc
        if minutes <= 0 or share < 0:
            raise RuleViolation(
                f"Tender {tender.reference}: in the expected visit mix, visit lengths must be above 0 minutes and"
                f" shares not negative (got {key!r}: {value!r})."
            )
        mix[minutes] = share
    if sum(mix.values(), Decimal(0)) <= 0:
        raise RuleViolation(f"Tender {tender.reference}: the expected visit mix must give some visit length a share.")
    return mix


def lot_cost_of_care(*, lot: Lot) -> CostBreakdown:
    """The model minimum per contact hour for the lot's zone under the tender's preset (average visits)."""
    assumptions = preset_assumptions(_tender_preset(lot.tender))
    return cost_of_care(assumptions, zone_pattern(zone=lot.zone, assumptions=assumptions))


def lot_visit_lengths(*, lot: Lot, visit_lengths: Iterable[int] = DEFAULT_VISIT_LENGTHS) -> dict[int, CostBreakdown]:
    """Price per contact hour in the lot's zone for each visit length (shorter visits carry more travel)."""
    assumptions = preset_assumptions(_tender_preset(lot.tender))
    return cost_by_visit_length(assumptions, zone_pattern(zone=lot.zone, assumptions=assumptions), visit_lengths)


def lot_visit_mix_cost(*, lot: Lot) -> CostBreakdown | None:
    """Price per contact hour in the lot's zone for the tender's expected visit mix; None without a mix."""
    mix = tender_visit_mix(lot.tender)
    if mix is None:
        return None
    assumptions = preset_assumptions(_tender_preset(lot.tender))
    return cost_for_visit_mix(assumptions, zone_pattern(zone=lot.zone, assumptions=assumptions), mix)


def lot_benchmark(*, lot: Lot) -> CostBreakdown:
    """What bid prices on the lot are checked against: the visit-mix cost if the tender has a mix, else the average."""
    return lot_visit_mix_cost(lot=lot) or lot_cost_of_care(lot=lot)


def lot_price_check(*, lot: Lot, price: object, benchmark: CostBreakdown | None = None) -> PriceCheck:
    """Judge a price per billed unit on the tender's minute basis against the lot's model minimum.

    Uses the tender's preset, the lot zone's travel and miles, the tender's
    expected visit mix when it has one, the lot's ceiling and the tender's
    far_above_model_percent. Bad input (not a number, zero or negative) is a RuleViolation.
    `benchmark`: the lot's `lot_benchmark`, from a caller checking many prices on one lot.
    """
    tender = lot.tender
    try:
        amount = to_decimal(price)
    except ValueError as exc:
        raise RuleViolation(f"price must be a number of pounds, e.g. 15.30; got {price!r}.", field="price") from exc
    if amount <= 0:
        raise RuleViolation(f"price must be greater than 0, got {amount}.", field="price")
    try:
        return check_price(
            amount,
            tender_basis(tender),
            lot_benchmark(lot=lot) if benchmark is None else benchmark,
            ceiling=lot.ceiling_price,
            far_above_percent=tender.far_above_model_percent,
        )
    except (TypeError, ValueError) as exc:
        raise RuleViolation(f"The price cannot be checked: {exc}") from exc


def lot_package_price_check(
    *, lot: Lot, package_price: object, benchmark: CostBreakdown | None = None
) -> PriceCheck:
    """Judge a package price against package hours x the model's rate (issue 15).

    The package price divided by the lot's package hours (billed hours on the
    tender's basis) is checked as a price per billed unit, so the floor and the
    sustainable minimum apply to packages exactly as to hourly prices. No ceiling:
    the lot's ceiling is published per hour. `benchmark`: as for `lot_price_check`.
    """
    try:
        amount = to_decimal(package_price)
    except ValueError as exc:
        raise RuleViolation(
            f"package price must be a number of pounds, e.g. 600.00; got {package_price!r}.", field="package_price"
        ) from exc
    if amount <= 0:
        raise RuleViolation(f"package price must be greater than 0, got {amount}.", field="package_price")
    if not lot.package_hours or lot.package_hours <= 0:
        raise RuleViolation(f"Lot {lot.number} has no package hours to check a package price against.")
    per_hour = amount / lot.package_hours
    tender = lot.tender
    try:
        check = check_price(
            per_hour, tender_basis(tender), lot_benchmark(lot=lot) if benchmark is None else benchmark,
            far_above_percent=tender.far_above_model_percent,
        )
    except (TypeError, ValueError) as exc:
        raise RuleViolation(f"The package price cannot be checked: {exc}") from exc
    hours = f"{lot.package_hours.normalize():f}"
    return replace(check, message=f"Package price £{pennies(amount):,} for {hours} hours: {check.message}")


@dataclass(frozen=True)
class LotCost:
    """Everything "what does this lot cost?" shows for one lot; money per contact hour unless named."""

    lot: Lot
    basis: MinuteBasis
    average: CostBreakdown
    by_visit_length: dict[int, CostBreakdown]
    visit_mix: CostBreakdown | None

    @property
    def benchmark(self) -> CostBreakdown:
        """The figure prices on this lot are checked against."""
        return self.visit_mix or self.average

    def on_basis(self, per_contact_hour: Decimal) -> Decimal:
        """A price per contact hour re-expressed per billed unit on the tender's basis."""
        return per_contact_hour * Decimal(self.basis.contact_minutes) / MINUTES_PER_HOUR

    @property
    def weekly_cost_at_minimum(self) -> Decimal:
        """The lot's hours a week (billed units) at the benchmark price on the tender's basis."""
        return self.lot.hours_per_week * self.on_basis(self.benchmark.total)


def tender_lot_costs(*, tender: Tender, visit_lengths: Iterable[int] = DEFAULT_VISIT_LENGTHS) -> list[LotCost]:
    """The model's figures for every lot of a tender, on its minute basis and per contact hour."""
    basis = tender_basis(tender)
    assumptions = preset_assumptions(_tender_preset(tender))
    mix = tender_visit_mix(tender)
    lengths = tuple(visit_lengths)
    costs = []
    for lot in tender.lots.select_related("zone").order_by("number"):
        pattern = zone_pattern(zone=lot.zone, assumptions=assumptions)
        costs.append(
            LotCost(
                lot=lot,
                basis=basis,
                average=cost_of_care(assumptions, pattern),
                by_visit_length=cost_by_visit_length(assumptions, pattern, lengths),
                visit_mix=cost_for_visit_mix(assumptions, pattern, mix) if mix else None,
            )
        )
    return costs


@dataclass(frozen=True)
class ComparisonRow:
    key: str
    label: str
    values: tuple[Decimal, ...]
    statutory: bool = False
    money: bool = True


@dataclass(frozen=True)
class PresetComparison:
    """Chosen presets side by side: their inputs, then the model's lines, the total and the floor."""

    presets: tuple[RatePreset, ...]
    assumptions: tuple[ComparisonRow, ...]
    lines: tuple[ComparisonRow, ...]
    association_lines: tuple[ComparisonRow, ...]
    totals: tuple[Decimal, ...]
    floors: tuple[Decimal, ...]
    breakdowns: tuple[CostBreakdown, ...]


def preset_comparison(*, presets: Iterable[RatePreset], zone: Zone | None = None) -> PresetComparison:
    """Line-by-line comparison of presets (in the order given), optionally for one zone."""
    chosen = tuple(presets)
    breakdowns = tuple(preset_cost_of_care(preset=p, zone=zone) for p in chosen)
    meta = RatePreset._meta
    assumption_rows = tuple(
        ComparisonRow(name, str(getattr(meta.get_field(name), "verbose_name", name)), tuple(getattr(p, name) for p in chosen),
                      money=name in MONEY_FIELDS)
        for name in RATE_ASSUMPTION_FIELDS
    )
    line_rows: tuple[ComparisonRow, ...] = ()
    association_rows: tuple[ComparisonRow, ...] = ()
    if breakdowns:
        first = breakdowns[0]
        line_rows = tuple(
            ComparisonRow(line.key, line.label, tuple(b.line(line.key).amount for b in breakdowns), line.statutory)
            for line in first.lines
        )
        summaries = [b.hca_summary() for b in breakdowns]
        association_rows = tuple(
            ComparisonRow(key, label, tuple(summary[index][2] for summary in summaries))
            for index, (key, label, _amount) in enumerate(summaries[0])
        )
    return PresetComparison(
        presets=chosen,
        assumptions=assumption_rows,
        lines=line_rows,
        association_lines=association_rows,
        totals=tuple(b.total for b in breakdowns),
        floors=tuple(b.statutory_floor for b in breakdowns),
        breakdowns=breakdowns,
    )


# --------------------------------------------------------------------------
# Which preset covers a date, and each contract year (issue 15)
# --------------------------------------------------------------------------


def preset_covers(*, preset: RatePreset, on: date) -> bool:
    """True when the preset is the year's rates on `on` (it runs one year from its effective_from)."""
    return covers(preset.effective_from, on)


def preset_for_date(*, on: date, prefer: RatePreset | None = None) -> RatePreset | None:
    """The preset covering `on`: `prefer` if it does, else a shipped one, else any; latest start first. None if none."""
    if prefer is not None and preset_covers(preset=prefer, on=on):
        return prefer
    shipped = {str(entry["slug"]) for entry in PRESETS}
    candidates = [p for p in RatePreset.objects.order_by("-effective_from", "slug") if preset_covers(preset=p, on=on)]
    candidates.sort(key=lambda p: (p.slug not in shipped, p.is_estimate))
    return candidates[0] if candidates else None


@dataclass(frozen=True)
class ContractYear:
    """One year of a contract and the model it is priced with; `estimate` when no preset covers its start."""

    number: int
    start: date
    end: date
    preset: RatePreset | None
    estimate: bool
    note: str


def tender_contract_years(*, tender: Tender) -> list[ContractYear]:
    """Each contract year with the preset covering its start (the tender's own where it covers it).

    A year no preset covers is priced with the latest preset that starts before it, labelled an estimate.
    Empty without a contract start.
    """
    if tender.contract_start is None:
        return []
    years = []
    for period in contract_years(tender.contract_start, tender.contract_end):
        preset = preset_for_date(on=period.start, prefer=tender.rate_preset)
        if preset is not None:
            note = f"{preset.year_label} rates ({preset.name})" + (", itself an estimate" if preset.is_estimate else "")
            years.append(ContractYear(period.number, period.start, period.end, preset, preset.is_estimate, note))
            continue
        earlier = RatePreset.objects.filter(effective_from__lte=period.start).order_by("-effective_from").first()
        note = (
            f"Estimate: no preset covers {period.start:%-d %B %Y}; "
            + (f"the {earlier.year_label} rates are carried forward unchanged." if earlier else "no earlier preset either.")
        )
        years.append(ContractYear(period.number, period.start, period.end, earlier, True, note))
    return years


def tender_preset_warning(*, tender: Tender) -> str | None:
    """Why the tender's preset does not fit its contract start (for the builder); None when it does or cannot tell."""
    preset, start = tender.rate_preset, tender.contract_start
    if preset is None or start is None or preset_covers(preset=preset, on=start):
        return None
    better = preset_for_date(on=start)
    advice = f" Choose {better.year_label} ({better.name})." if better else " No preset covers that date yet."
    return (
        f"The cost-of-care preset {preset.year_label} ({preset.name}) runs from {preset.effective_from:%-d %B %Y} for"
        f" one year, so it does not cover the contract start on {start:%-d %B %Y}: prices would be checked against"
        f" another year's wages.{advice}"
    )


def lot_benchmark_for_preset(*, lot: Lot, preset: RatePreset) -> CostBreakdown:
    """The lot's benchmark (visit mix, else average) under another preset: the model for a later contract year."""
    assumptions = preset_assumptions(preset)
    pattern = zone_pattern(zone=lot.zone, assumptions=assumptions)
    mix = tender_visit_mix(lot.tender)
    if mix is None:
        return cost_of_care(assumptions, pattern)
    return cost_for_visit_mix(assumptions, pattern, mix)
