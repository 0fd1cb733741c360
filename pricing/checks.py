"""Check a bid price against the cost-of-care model, pure.

A price far below the model minimum is abnormally low: the authority must ask
the bidder to explain it before it may reject the bid, and a price that
cannot pay the legal minimum wage with its on-costs is the clearest case.
Prices are compared per contact hour, so bids on different minute bases can be
judged against one model.

Statuses are decided on figures rounded to the penny, the precision at which
prices are bid and the minimums are shown, so a bid of exactly the displayed
minimum is never called "below" it by a fraction of a penny. The amounts in
the result stay unrounded.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from common.money import pennies
from pricing.conversion import MinuteBasis, as_money, per_contact_hour
from pricing.cost_model import CostBreakdown

HUNDRED = Decimal(100)
DEFAULT_FAR_ABOVE_PERCENT = Decimal("25")


class PriceStatus(StrEnum):
    """Outcome of a price check, most serious first (this is also the precedence)."""

    BELOW_STATUTORY_FLOOR = "below_statutory_floor"
    BELOW_SUSTAINABLE = "below_sustainable_minimum"
    ABOVE_CEILING = "above_ceiling"
    FAR_ABOVE_MODEL = "far_above_model"
    WITHIN_RANGE = "within_range"


CLARIFICATION_STATUSES = frozenset({PriceStatus.BELOW_STATUTORY_FLOOR, PriceStatus.BELOW_SUSTAINABLE})


@dataclass(frozen=True)
class PriceCheck:
    """A bid price judged against the model; amounts unrounded, per contact hour unless named."""

    price: Decimal
    basis: MinuteBasis
    price_per_contact_hour: Decimal
    model_minimum: Decimal
    statutory_floor: Decimal
    gap_amount: Decimal
    gap_percent: Decimal
    status: PriceStatus
    message: str
    ceiling: Decimal | None = None
    far_above_percent: Decimal = DEFAULT_FAR_ABOVE_PERCENT

    @property
    def needs_clarification(self) -> bool:
        """True when the price looks abnormally low and the bidder must be asked to explain it."""
        return self.status in CLARIFICATION_STATUSES


def _gbp(value: Decimal) -> str:
    shown = pennies(value)
    return f"£{abs(shown) if shown == 0 else shown:,}"


def _pct(value: Decimal) -> str:
    shown = pennies(value)
    return f"{abs(shown) if shown == 0 else shown}%"


def check_price(
    price: Decimal,
    basis: MinuteBasis,
    breakdown: CostBreakdown | None = None,
    *,
    model_minimum: Decimal | None = None,
    statutory_floor: Decimal | None = None,
    ceiling: Decimal | None = None,
    far_above_percent: Decimal = DEFAULT_FAR_ABOVE_PERCENT,
) -> PriceCheck:
    """Judge a price per billed unit on `basis` against the model.

    Give either a CostBreakdown or both model_minimum and statutory_floor (per
    contact hour, e.g. stored on a tender). ceiling, if any, is a price per
    billed unit on the same basis as the bid, as a tender publishes it.
    Precedence: below floor > below sustainable > above ceiling > far above > within.
    """
    amount = as_money(price, "price")
    if amount <= 0:
        raise ValueError(f"price must be greater than 0, got {amount}")
    if breakdown is not None:
        if model_minimum is not None or statutory_floor is not None:
            raise ValueError("give either a breakdown or model_minimum and statutory_floor, not both")
        minimum, floor = breakdown.total, breakdown.statutory_floor
    else:
        if model_minimum is None or statutory_floor is None:
            raise ValueError("give a breakdown, or both model_minimum and statutory_floor")
        minimum = as_money(model_minimum, "model_minimum")
        floor = as_money(statutory_floor, "statutory_floor")
    if minimum <= 0:
        raise ValueError(f"model_minimum must be greater than 0, got {minimum}")
    if floor < 0:
        raise ValueError(f"statutory_floor must not be negative, got {floor}")
    if floor > minimum:
        raise ValueError(f"statutory_floor {floor} cannot be above the model minimum {minimum}")
    limit = None
    if ceiling is not None:
        limit = as_money(ceiling, "ceiling")
        if limit <= 0:
            raise ValueError(f"ceiling must be greater than 0, got {limit}")
    far = as_money(far_above_percent, "far_above_percent")
    if far < 0:
        raise ValueError(f"far_above_percent must not be negative, got {far}")

    hourly = per_contact_hour(amount, basis)
    gap = hourly - minimum
    gap_percent = gap / minimum * HUNDRED

    # Decide and explain on the figures people see, so the message never contradicts them.
    shown_hourly, shown_minimum, shown_floor = pennies(hourly), pennies(minimum), pennies(floor)
    shown_gap = shown_hourly - shown_minimum
    shown_gap_percent = shown_gap / shown_minimum * HUNDRED
    bid = f"{_gbp(amount)} per billed unit ({basis.label}) is {_gbp(hourly)} per contact hour"
    if shown_hourly < shown_floor:
        status = PriceStatus.BELOW_STATUTORY_FLOOR
        message = (
            f"{bid}, below the statutory floor of {_gbp(floor)} (the direct cost of employing care workers at the"
            f" minimum wage: pay for contact, travel and training time, holiday and sick pay, employer NI and pension,"
            f" mileage) and {_gbp(-shown_gap)} ({_pct(-shown_gap_percent)}) below the"
            f" sustainable minimum of {_gbp(minimum)}. Abnormally low: ask the bidder to explain how it"
            " will meet its legal obligations before deciding."
        )
    elif shown_hourly < shown_minimum:
        status = PriceStatus.BELOW_SUSTAINABLE
        message = (
            f"{bid}, {_gbp(-shown_gap)} ({_pct(-shown_gap_percent)}) below the sustainable minimum of {_gbp(minimum)}"
            f" though above the statutory floor of {_gbp(floor)}. Abnormally low: ask the bidder to explain"
            " the price before deciding."
        )
    elif limit is not None and pennies(amount) > pennies(limit):
        status = PriceStatus.ABOVE_CEILING
        message = f"{bid}; the price per billed unit is above the tender's ceiling of {_gbp(limit)}."
    elif shown_gap * HUNDRED > far * shown_minimum:
        status = PriceStatus.FAR_ABOVE_MODEL
        message = (
            f"{bid}, {_gbp(shown_gap)} ({_pct(shown_gap_percent)}) above the model minimum of {_gbp(minimum)},"
            f" more than {far.normalize():f}% above it. Check what the price includes."
        )
    else:
        status = PriceStatus.WITHIN_RANGE
        message = (
            f"{bid}, within range: {_gbp(shown_gap)} ({_pct(shown_gap_percent)}) above the sustainable minimum of"
            f" {_gbp(minimum)}."
        )
    return PriceCheck(
        price=amount,
        basis=basis,
        price_per_contact_hour=hourly,
        model_minimum=minimum,
        statutory_floor=floor,
        gap_amount=gap,
        gap_percent=gap_percent,
        status=status,
        message=message,
        ceiling=limit,
        far_above_percent=far,
    )


STATUS_LABELS: dict[PriceStatus, str] = {
    PriceStatus.BELOW_STATUTORY_FLOOR: "Below statutory floor",
    PriceStatus.BELOW_SUSTAINABLE: "Below sustainable minimum: abnormally low, needs clarification",
    PriceStatus.ABOVE_CEILING: "Above ceiling",
    PriceStatus.FAR_ABOVE_MODEL: "Far above model",
    PriceStatus.WITHIN_RANGE: "Within range",
}


def shown_gap(price_per_contact_hour: Decimal, model_minimum: Decimal) -> tuple[Decimal, Decimal]:
    """(gap in £, gap in %) as people see them: from the penny-rounded price and minimum, the % rounded
    half up to 2 places. Every page, report and export uses this, so they agree figure for figure."""
    hourly, minimum = pennies(price_per_contact_hour), pennies(model_minimum)
    gap = hourly - minimum
    return gap, pennies(gap / minimum * HUNDRED)


def shown_figures(check: PriceCheck) -> dict[str, Decimal]:
    """The check's figures rounded to the penny as people see them, gap taken from the rounded figures.

    The gap is the rounded price less the rounded minimum (as in the message and
    as the status was decided), so the shown figures always add up.
    """
    hourly, minimum = pennies(check.price_per_contact_hour), pennies(check.model_minimum)
    gap, gap_percent = shown_gap(check.price_per_contact_hour, check.model_minimum)
    return {
        "price": pennies(check.price),
        "price_per_contact_hour": hourly,
        "model_minimum": minimum,
        "statutory_floor": pennies(check.statutory_floor),
        "gap_amount": gap,
        "gap_percent": gap_percent,
    }
