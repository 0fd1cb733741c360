"""Cost of care per contact hour, built up line by line (the Homecare Association's method).

Pure arithmetic: Decimal in, Decimal out, no Django. Every figure is kept at
full precision; `common.money.pennies` is applied only when a figure is
shown (the line explanations) so a commissioner can defend each line.

The build-up per contact hour (60 minutes with the person):

1. contact_pay   hourly rate x 1 hour
2. travel_pay    hourly rate x travel minutes per contact hour / 60
3. holiday       holiday % x pay for all hours worked (contact, travel, training, other paid time)
4. training      training % x contact and travel pay (paid training time)
5. other_on_costs  sick pay % and other paid non-contact time % x contact and travel pay
6. ni            employer NI on weekly gross pay above the secondary threshold, per contact hour
7. pension       employer pension on weekly qualifying earnings above the lower limit, per contact hour
8. mileage       pence per mile x miles per contact hour
9. running_costs  £ per contact hour plus running_costs_percent of the final price
10. surplus      surplus % of all costs (a mark-up)

Two lines a bid is tested against (issue 15; docs/cost_of_care.md says why):
- statutory_floor ("cannot pay the minimum wage"): the direct cost of employing
  care workers at the minimum wage, lines 1-8: pay for contact, travel and
  training time, holiday, sick pay and other paid time, employer NI and
  pension, mileage. Unreimbursed driving costs count against the minimum wage
  and sick pay is statutory, so a price below this cannot be lawful. It is the
  Homecare Association's "direct costs of employing careworkers at the minimum
  wage" (2025/26: £22.71).
- legal_minimum: the narrower line kept on its own (pay for contact, travel and
  training time, holiday, employer NI and pension), what the wage law alone
  names.

docs/cost_of_care.md explains the choices and the calibration of each preset.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from decimal import Decimal

from common.money import pennies
from pricing.conversion import MINUTES_PER_HOUR, MinuteBasis, as_money

HUNDRED = Decimal(100)
ZERO = Decimal(0)

# Which visit length the average service pattern is taken to describe when a
# caller asks for prices by visit length without saying how long travel per
# visit is. 45 minutes makes a 45-minute visit cost the preset's headline price;
# shorter visits then cost more per contact hour, longer ones less.
DEFAULT_REFERENCE_VISIT_MINUTES = 45

DEFAULT_VISIT_LENGTHS: tuple[int, ...] = (15, 30, 45, 60)

# The visit lengths the model prices. The Homecare Association prices 15- to 60-minute visits; a visit
# shorter than 15 minutes is a data-entry error, not a price (a 1-minute visit carrying a 15-minute
# visit's travel would cost over £300 an hour), and beyond 4 hours care is not bought by the visit.
MIN_VISIT_MINUTES = 15
MAX_VISIT_MINUTES = 240


def visit_minutes_error(visit_minutes: object) -> str | None:
    """Why a visit length cannot be priced, or None when it can (a whole number of 15 to 240 minutes)."""
    if isinstance(visit_minutes, bool) or not isinstance(visit_minutes, int):
        return f"visit_minutes must be a whole number of minutes, got {visit_minutes!r}"
    if not MIN_VISIT_MINUTES <= visit_minutes <= MAX_VISIT_MINUTES:
        return (
            f"visit_minutes must be from {MIN_VISIT_MINUTES} to {MAX_VISIT_MINUTES} minutes, got {visit_minutes}: "
            f"a visit shorter than {MIN_VISIT_MINUTES} minutes is a data-entry error, not a price"
        )
    return None

_PERCENT_FIELDS = (
    "employer_ni_rate",
    "pension_rate",
    "holiday_pay_percent",
    "sick_pay_percent",
    "training_time_percent",
    "other_paid_time_percent",
    "running_costs_percent",
    "surplus_percent",
)


def _pct(value: Decimal) -> str:
    """Show a percentage without trailing zeros, e.g. 13.8%."""
    text = f"{value.normalize():f}"
    return f"{text}%"


def _num(value: Decimal) -> str:
    """Show a quantity (minutes, miles, hours) without trailing zeros."""
    return f"{value.normalize():f}"


def _gbp(value: Decimal) -> str:
    """Show money rounded to the penny, for explanations only (never '£-0.00')."""
    shown = pennies(value)
    return f"£{abs(shown) if shown == 0 else shown:,}"


@dataclass(frozen=True)
class RateAssumptions:
    """The dated inputs of the model; field names match the RatePreset model.

    Percentages are given as percent (13.8 means 13.8%). pence_per_mile is in
    pence (45 means 45p). Weekly figures are £ per week.
    """

    hourly_pay_rate: Decimal
    employer_ni_rate: Decimal
    ni_secondary_threshold_weekly: Decimal
    pension_rate: Decimal
    pension_lower_limit_weekly: Decimal
    holiday_pay_percent: Decimal
    sick_pay_percent: Decimal
    training_time_percent: Decimal
    other_paid_time_percent: Decimal
    pence_per_mile: Decimal
    running_costs_per_hour: Decimal
    running_costs_percent: Decimal
    surplus_percent: Decimal
    weekly_contact_hours: Decimal
    travel_minutes_per_contact_hour: Decimal
    miles_per_contact_hour: Decimal

    def __post_init__(self) -> None:
        for field in fields(self):
            object.__setattr__(self, field.name, as_money(getattr(self, field.name), field.name))
        if self.hourly_pay_rate <= 0:
            raise ValueError(f"hourly_pay_rate must be greater than 0, got {self.hourly_pay_rate}")
        if self.weekly_contact_hours <= 0:
            raise ValueError(
                f"weekly_contact_hours must be greater than 0, got {self.weekly_contact_hours}: "
                "NI and pension thresholds are weekly, so a week of work is needed"
            )
        for name in _PERCENT_FIELDS:
            value = getattr(self, name)
            if not ZERO <= value < HUNDRED:
                raise ValueError(f"{name} must be a percentage from 0 up to (not including) 100, got {value}")
        for name in (
            "ni_secondary_threshold_weekly",
            "pension_lower_limit_weekly",
            "pence_per_mile",
            "running_costs_per_hour",
            "travel_minutes_per_contact_hour",
            "miles_per_contact_hour",
        ):
            value = getattr(self, name)
            if value < 0:
                raise ValueError(f"{name} must not be negative, got {value}")
        # The price is grossed up for running_costs_percent; past this point no price covers it.
        growth = (HUNDRED + self.surplus_percent) / HUNDRED
        if self.running_costs_percent / HUNDRED * growth >= 1:
            raise ValueError(
                "running_costs_percent with the surplus mark-up leaves nothing for care: "
                f"{self.running_costs_percent}% of price x (1 + {self.surplus_percent}%) must be below 100%"
            )


RATE_ASSUMPTION_FIELDS: tuple[str, ...] = tuple(field.name for field in fields(RateAssumptions))


def assumptions_from_mapping(mapping: Mapping[str, object]) -> RateAssumptions:
    """Build RateAssumptions from a preset dict or a model's values dict, ignoring extra keys.

    Decimal strings (as in preset_data) are accepted; a missing field raises
    ValueError naming every missing field.
    """
    missing = [name for name in RATE_ASSUMPTION_FIELDS if name not in mapping]
    if missing:
        raise ValueError(f"missing rate assumptions: {', '.join(missing)}")
    return RateAssumptions(**{name: as_money(mapping[name], name) for name in RATE_ASSUMPTION_FIELDS})


@dataclass(frozen=True)
class ServicePattern:
    """How care is delivered: travel and mileage per contact hour, optionally for one visit length.

    With visit_minutes and travel_minutes_per_visit, travel per visit is fixed,
    so travel per contact hour = travel_minutes_per_visit x 60 / visit_minutes
    and shorter visits carry more travel per hour of care. Miles scale in the
    same proportion (same journeys, same average speed as the average pattern
    given by travel_minutes_per_contact_hour and miles_per_contact_hour).
    """

    travel_minutes_per_contact_hour: Decimal
    miles_per_contact_hour: Decimal
    visit_minutes: int | None = None
    travel_minutes_per_visit: Decimal | None = None

    def __post_init__(self) -> None:
        for name in ("travel_minutes_per_contact_hour", "miles_per_contact_hour"):
            value = as_money(getattr(self, name), name)
            if value < 0:
                raise ValueError(f"{name} must not be negative, got {value}")
            object.__setattr__(self, name, value)
        if (self.visit_minutes is None) != (self.travel_minutes_per_visit is None):
            raise ValueError(
                "visit_minutes and travel_minutes_per_visit go together: give both to price one "
                "visit length, or neither to use the average pattern"
            )
        if self.visit_minutes is not None:
            if (problem := visit_minutes_error(self.visit_minutes)) is not None:
                raise ValueError(problem)
            per_visit = as_money(self.travel_minutes_per_visit, "travel_minutes_per_visit")
            if per_visit < 0:
                raise ValueError(f"travel_minutes_per_visit must not be negative, got {per_visit}")
            object.__setattr__(self, "travel_minutes_per_visit", per_visit)

    @classmethod
    def from_assumptions(cls, assumptions: RateAssumptions) -> ServicePattern:
        """The preset's default (average) service pattern."""
        return cls(
            travel_minutes_per_contact_hour=assumptions.travel_minutes_per_contact_hour,
            miles_per_contact_hour=assumptions.miles_per_contact_hour,
        )

    def for_visit(self, visit_minutes: int, travel_minutes_per_visit: Decimal) -> ServicePattern:
        """The same average pattern, priced for visits of one length with fixed travel per visit."""
        return replace(self, visit_minutes=visit_minutes, travel_minutes_per_visit=travel_minutes_per_visit)

    @property
    def effective_travel_minutes(self) -> Decimal:
        """Travel minutes per contact hour actually used in the costing."""
        if self.visit_minutes is None or self.travel_minutes_per_visit is None:
            return self.travel_minutes_per_contact_hour
        return self.travel_minutes_per_visit * MINUTES_PER_HOUR / Decimal(self.visit_minutes)

    @property
    def effective_miles(self) -> Decimal:
        """Miles per contact hour actually used: scaled with travel time when a visit length is set.

        With no average travel time there is no speed to scale by, so the
        average miles per contact hour are used unchanged.
        """
        if self.visit_minutes is None or self.travel_minutes_per_contact_hour == 0:
            return self.miles_per_contact_hour
        return self.miles_per_contact_hour * self.effective_travel_minutes / self.travel_minutes_per_contact_hour


# The narrower legal minimum: what the wage law alone names (no sick pay, other paid time or mileage).
LEGAL_MINIMUM_KEYS: tuple[str, ...] = ("contact_pay", "travel_pay", "holiday", "training", "ni", "pension")


@dataclass(frozen=True)
class CostLine:
    """One line of the breakdown, per contact hour, unrounded, with how it was worked out.

    `statutory`: the line is part of the floor (the direct cost of employing care
    workers at the minimum wage).
    """

    key: str
    label: str
    amount: Decimal
    explanation: str
    statutory: bool


# The Homecare Association publishes seven lines; ours map onto them as follows.
HCA_LINES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("contact_time", "Careworkers' contact time", ("contact_pay",)),
    ("travel_time", "Careworkers' travel time", ("travel_pay",)),
    ("ni_and_pension", "Employer NI and pension", ("ni", "pension")),
    (
        "other_wage_on_costs",
        "Other wage on-costs (holiday, sickness, training)",
        ("holiday", "training", "other_on_costs"),
    ),
    ("mileage", "Careworkers' mileage", ("mileage",)),
    ("running_the_business", "Cost of running the business", ("running_costs",)),
    ("surplus", "Provider's profit or surplus", ("surplus",)),
)

LINE_KEYS: tuple[str, ...] = (
    "contact_pay",
    "travel_pay",
    "holiday",
    "training",
    "other_on_costs",
    "ni",
    "pension",
    "mileage",
    "running_costs",
    "surplus",
)


@dataclass(frozen=True)
class CostBreakdown:
    """The model minimum price per contact hour, line by line.

    total is the sustainable minimum price; statutory_floor is the sum of the
    statutory lines: the direct cost of employing care workers at the preset's
    rate (pay for contact, travel and training time, holiday, sick pay and other
    paid time, employer NI and pension, mileage), the line "cannot pay the
    minimum wage". legal_minimum is the narrower line (pay for contact, travel
    and training time, holiday, employer NI and pension), shown on its own.
    """

    lines: tuple[CostLine, ...]
    total: Decimal
    statutory_floor: Decimal
    travel_minutes_per_contact_hour: Decimal
    miles_per_contact_hour: Decimal
    visit_minutes: int | None = None
    legal_minimum: Decimal = ZERO

    def line(self, key: str) -> CostLine:
        """The line with this key; KeyError if there is none."""
        for line in self.lines:
            if line.key == key:
                return line
        raise KeyError(key)

    def amounts(self) -> dict[str, Decimal]:
        """Unrounded amount per line key, in breakdown order."""
        return {line.key: line.amount for line in self.lines}

    @property
    def careworker_costs(self) -> Decimal:
        """Everything paid for the care worker (pay, on-costs, mileage): the lines before running costs."""
        return sum((line.amount for line in self.lines if line.key not in ("running_costs", "surplus")), ZERO)

    def total_on_basis(self, basis: MinuteBasis) -> Decimal:
        """The model minimum as a price per billed unit on another basis (unrounded)."""
        return self.total * Decimal(basis.contact_minutes) / MINUTES_PER_HOUR

    def statutory_floor_on_basis(self, basis: MinuteBasis) -> Decimal:
        """The statutory floor as a price per billed unit on another basis (unrounded)."""
        return self.statutory_floor * Decimal(basis.contact_minutes) / MINUTES_PER_HOUR

    def hca_summary(self) -> tuple[tuple[str, str, Decimal], ...]:
        """The breakdown regrouped into the Homecare Association's seven published lines."""
        amounts = self.amounts()
        return tuple(
            (key, label, sum((amounts.get(part, ZERO) for part in parts), ZERO))
            for key, label, parts in HCA_LINES
        )


def cost_of_care(assumptions: RateAssumptions, pattern: ServicePattern | None = None) -> CostBreakdown:
    """Build the minimum price per contact hour line by line for one service pattern.

    Without a pattern the preset's own average travel and mileage are used.
    """
    a = assumptions
    pattern = pattern if pattern is not None else ServicePattern.from_assumptions(a)
    rate = a.hourly_pay_rate
    travel_minutes = pattern.effective_travel_minutes
    miles = pattern.effective_miles
    hours_a_week = a.weekly_contact_hours

    contact_pay = rate
    travel_pay = rate * travel_minutes / MINUTES_PER_HOUR
    worked_pay = contact_pay + travel_pay
    training = worked_pay * a.training_time_percent / HUNDRED
    other_paid = worked_pay * a.other_paid_time_percent / HUNDRED
    sick = worked_pay * a.sick_pay_percent / HUNDRED
    # Holiday accrues on every hour worked (contact, travel, training, meetings), not on sick days.
    holiday_base = worked_pay + training + other_paid
    holiday = holiday_base * a.holiday_pay_percent / HUNDRED
    other_on_costs = sick + other_paid

    # NI and pension thresholds are weekly, so cost a typical week and divide back.
    gross_per_hour = worked_pay + holiday + training + other_on_costs
    weekly_gross = gross_per_hour * hours_a_week
    ni_weekly = max(weekly_gross - a.ni_secondary_threshold_weekly, ZERO) * a.employer_ni_rate / HUNDRED
    pension_weekly = max(weekly_gross - a.pension_lower_limit_weekly, ZERO) * a.pension_rate / HUNDRED
    ni = ni_weekly / hours_a_week
    pension = pension_weekly / hours_a_week

    mileage = a.pence_per_mile / HUNDRED * miles

    direct = worked_pay + holiday + training + other_on_costs + ni + pension + mileage + a.running_costs_per_hour
    growth = (HUNDRED + a.surplus_percent) / HUNDRED
    share_of_price = a.running_costs_percent / HUNDRED
    # Solve price = (direct + share x price) x growth for the price.
    price = direct * growth / (1 - share_of_price * growth)
    running_from_percent = share_of_price * price
    running_costs = a.running_costs_per_hour + running_from_percent
    surplus = price - direct - running_from_percent

    visit_note = ""
    if pattern.visit_minutes is not None and pattern.travel_minutes_per_visit is not None:
        visit_note = (
            f" ({_num(pattern.travel_minutes_per_visit)} travel minutes per {pattern.visit_minutes}-minute visit"
            f" x 60 / {pattern.visit_minutes})"
        )
    running_text = f"{_gbp(a.running_costs_per_hour)} per contact hour"
    if share_of_price:
        running_text += f" + {_pct(a.running_costs_percent)} of the price {_gbp(price)} = {_gbp(running_from_percent)}"
    ni_text = (
        f"{_pct(a.employer_ni_rate)} x ({_gbp(weekly_gross)} weekly gross - {_gbp(a.ni_secondary_threshold_weekly)}"
        f" secondary threshold) = {_gbp(ni_weekly)} a week / {_num(hours_a_week)} contact hours; weekly gross ="
        f" {_gbp(gross_per_hour)} pay per contact hour x {_num(hours_a_week)} contact hours"
    )
    pension_text = (
        f"{_pct(a.pension_rate)} x ({_gbp(weekly_gross)} weekly gross - {_gbp(a.pension_lower_limit_weekly)}"
        f" qualifying earnings lower limit) = {_gbp(pension_weekly)} a week / {_num(hours_a_week)} contact hours"
    )

    lines = (
        CostLine("contact_pay", "Care worker pay for contact time", contact_pay,
                 f"{_gbp(rate)} an hour x 1 contact hour", True),
        CostLine("travel_pay", "Care worker pay for travel time", travel_pay,
                 f"{_gbp(rate)} an hour x {_num(travel_minutes)} travel minutes / 60{visit_note}", True),
        CostLine("holiday", "Holiday pay", holiday,
                 f"{_pct(a.holiday_pay_percent)} x {_gbp(holiday_base)} pay for hours worked"
                 " (contact, travel, training and other paid time)", True),
        CostLine("training", "Paid training time", training,
                 f"{_pct(a.training_time_percent)} x {_gbp(worked_pay)} contact and travel pay", True),
        CostLine("other_on_costs", "Sick pay and other paid non-contact time", other_on_costs,
                 f"({_pct(a.sick_pay_percent)} sick pay + {_pct(a.other_paid_time_percent)} other paid time)"
                 f" x {_gbp(worked_pay)} contact and travel pay", True),
        CostLine("ni", "Employer National Insurance", ni, ni_text, True),
        CostLine("pension", "Employer pension contribution", pension, pension_text, True),
        CostLine("mileage", "Care worker mileage", mileage,
                 f"{_num(a.pence_per_mile)}p a mile x {_num(miles)} miles per contact hour", True),
        CostLine("running_costs", "Cost of running the business", running_costs, running_text, False),
        CostLine("surplus", "Surplus", surplus,
                 f"{_pct(a.surplus_percent)} x {_gbp(direct + running_from_percent)} total costs", False),
    )
    return _breakdown(lines, travel_minutes, miles, pattern.visit_minutes)


def _breakdown(
    lines: tuple[CostLine, ...], travel_minutes: Decimal, miles: Decimal, visit_minutes: int | None
) -> CostBreakdown:
    """Total and floor are sums of the lines, so the lines always add up exactly."""
    return CostBreakdown(
        lines=lines,
        total=sum((line.amount for line in lines), ZERO),
        statutory_floor=sum((line.amount for line in lines if line.statutory), ZERO),
        travel_minutes_per_contact_hour=travel_minutes,
        miles_per_contact_hour=miles,
        visit_minutes=visit_minutes,
        legal_minimum=sum((line.amount for line in lines if line.key in LEGAL_MINIMUM_KEYS), ZERO),
    )


def _travel_per_visit(
    pattern: ServicePattern, travel_minutes_per_visit: Decimal | None, reference_visit_minutes: int
) -> Decimal:
    """Travel per visit: given, else the pattern's, else the average pattern read as reference-length visits."""
    if travel_minutes_per_visit is not None:
        value = as_money(travel_minutes_per_visit, "travel_minutes_per_visit")
    elif pattern.travel_minutes_per_visit is not None:
        value = pattern.travel_minutes_per_visit
    else:
        if isinstance(reference_visit_minutes, bool) or not isinstance(reference_visit_minutes, int):
            raise ValueError(f"reference_visit_minutes must be a whole number, got {reference_visit_minutes!r}")
        if reference_visit_minutes <= 0:
            raise ValueError(f"reference_visit_minutes must be greater than 0, got {reference_visit_minutes}")
        value = pattern.travel_minutes_per_contact_hour * Decimal(reference_visit_minutes) / MINUTES_PER_HOUR
    if value < 0:
        raise ValueError(f"travel_minutes_per_visit must not be negative, got {value}")
    return value


def cost_by_visit_length(
    assumptions: RateAssumptions,
    pattern: ServicePattern | None = None,
    visit_lengths: Iterable[int] = DEFAULT_VISIT_LENGTHS,
    *,
    travel_minutes_per_visit: Decimal | None = None,
    reference_visit_minutes: int = DEFAULT_REFERENCE_VISIT_MINUTES,
) -> dict[int, CostBreakdown]:
    """Price per contact hour for each visit length, travel per visit held fixed.

    Travel per visit comes from the argument, else the pattern, else the
    average pattern read as visits of reference_visit_minutes.
    """
    base = pattern if pattern is not None else ServicePattern.from_assumptions(assumptions)
    per_visit = _travel_per_visit(base, travel_minutes_per_visit, reference_visit_minutes)
    lengths = list(visit_lengths)
    if not lengths:
        raise ValueError("visit_lengths must name at least one visit length")
    return {minutes: cost_of_care(assumptions, base.for_visit(minutes, per_visit)) for minutes in sorted(set(lengths))}


def contact_hour_shares(visit_counts: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """Turn numbers of visits by length into shares of contact hours (count x minutes, normalised).

    cost_for_visit_mix weights by contact hours, so a mix known as visit
    counts must be converted first: 10 fifteen-minute visits are 150 minutes of
    care, not ten times as much as one hour-long visit.
    """
    minutes = {length: as_money(count, f"visits of {length} minutes") * Decimal(length)
               for length, count in visit_counts.items()}
    return _normalised(minutes)


def _normalised(weights: Mapping[int, Decimal]) -> dict[int, Decimal]:
    if not weights:
        raise ValueError("the visit mix is empty")
    clean: dict[int, Decimal] = {}
    for length, weight in weights.items():
        if (problem := visit_minutes_error(length)) is not None:
            raise ValueError(f"in the visit mix, {problem}")
        value = as_money(weight, f"share for {length}-minute visits")
        if value < 0:
            raise ValueError(f"share for {length}-minute visits must not be negative, got {value}")
        clean[length] = value
    total = sum(clean.values(), ZERO)
    if total <= 0:
        raise ValueError("the visit mix must give some visit length a share above 0")
    return {length: clean[length] / total for length in sorted(clean)}


def cost_for_visit_mix(
    assumptions: RateAssumptions,
    pattern: ServicePattern | None,
    mix: Mapping[int, Decimal],
    *,
    travel_minutes_per_visit: Decimal | None = None,
    reference_visit_minutes: int = DEFAULT_REFERENCE_VISIT_MINUTES,
) -> CostBreakdown:
    """Price per contact hour for a mix of visit lengths, weighted by share of contact hours.

    mix maps visit minutes to a share of contact hours (any scale; shares are
    normalised). Weighting by contact hours makes the result total cost /
    total contact hours. Use contact_hour_shares to convert visit counts.
    """
    shares = _normalised(mix)
    by_length = cost_by_visit_length(
        assumptions,
        pattern,
        shares.keys(),
        travel_minutes_per_visit=travel_minutes_per_visit,
        reference_visit_minutes=reference_visit_minutes,
    )
    mix_text = ", ".join(f"{length} min {_pct(share * HUNDRED)}" for length, share in shares.items())
    lines = []
    for index, key in enumerate(LINE_KEYS):
        first = by_length[next(iter(shares))].lines[index]
        if first.key != key:  # cost_of_care's line order is part of its contract
            raise RuntimeError(f"breakdown line {index} is {first.key!r}, expected {key!r}")
        amount = sum((by_length[length].lines[index].amount * share for length, share in shares.items()), ZERO)
        parts = ", ".join(
            f"{length} min {_gbp(by_length[length].lines[index].amount)}" for length in shares
        )
        lines.append(CostLine(
            key, first.label, amount,
            f"weighted by share of contact hours ({mix_text}): {parts}", first.statutory,
        ))
    travel = sum((by_length[length].travel_minutes_per_contact_hour * share for length, share in shares.items()), ZERO)
    miles = sum((by_length[length].miles_per_contact_hour * share for length, share in shares.items()), ZERO)
    return _breakdown(tuple(lines), travel, miles, None)
