"""Minute bases: the same hourly price buys different amounts of care.

A council may buy "an hour" as 60 minutes of provider time (Lancashire:
50 contact + 10 travel minutes), while the Homecare Association quotes a
price per *contact* hour (60 contact + 11 travel minutes). Prices can only
be compared once they are re-expressed per contact hour:

    price per contact hour = price per billed unit x 60 / contact minutes

`per_contact_hour`, `per_billed_hour` and `convert` stay unrounded, for calculations.
`contact_hour_price` and `billed_hour_price` are the figures people see: the same conversion
rounded once to the penny, half up (`common.money.pennies`). Every page, report, export, API
answer and message shows these, so £10.03 per billed hour on a 40-contact-minute basis is
£15.05 per contact hour everywhere (15.045 rounds up; never `f"{x:.2f}"`, which rounds half
to even, nor JavaScript's `toFixed`, which works on binary fractions).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from common.money import pennies, to_decimal

MINUTES_PER_HOUR = Decimal(60)


def as_money(value: object, name: str = "value") -> Decimal:
    """Turn an input into Decimal, refusing floats so binary fractions never reach money maths."""
    if isinstance(value, float):
        raise TypeError(f"{name} must be a Decimal, int or str, not float ({value!r})")
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, not a bool")
    try:
        return to_decimal(value)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from exc


@dataclass(frozen=True)
class MinuteBasis:
    """What one billed unit buys: contact minutes with the person plus travel minutes."""

    contact_minutes: int
    travel_minutes: int

    def __post_init__(self) -> None:
        for name in ("contact_minutes", "travel_minutes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be a whole number of minutes, got {value!r}")
        if self.contact_minutes <= 0:
            raise ValueError(
                f"contact_minutes must be greater than 0, got {self.contact_minutes}: "
                "a billed unit with no contact time cannot be priced per contact hour"
            )
        if self.travel_minutes < 0:
            raise ValueError(f"travel_minutes must not be negative, got {self.travel_minutes}")

    @property
    def total_minutes(self) -> int:
        """Provider minutes in one billed unit (contact plus travel)."""
        return self.contact_minutes + self.travel_minutes

    @property
    def label(self) -> str:
        """Short human label, e.g. '50 contact + 10 travel minutes'."""
        return f"{self.contact_minutes} contact + {self.travel_minutes} travel minutes"

    def __str__(self) -> str:
        return self.label


# Lancashire County Council's hour: 60 provider minutes = 50 contact + 10 travel (seed 004).
LANCASHIRE_BASIS = MinuteBasis(contact_minutes=50, travel_minutes=10)
# The Homecare Association's contact hour: 60 contact + 11 travel = 71 provider minutes (seed 004).
UKHCA_BASIS = MinuteBasis(contact_minutes=60, travel_minutes=11)


def per_contact_hour(price: Decimal, basis: MinuteBasis) -> Decimal:
    """Re-express a price per billed unit as a price per 60 contact minutes (unrounded).

    Only contact minutes matter: travel inside the unit is a cost to the
    provider, not care delivered, so it does not change what the buyer gets.
    """
    amount = as_money(price, "price")
    if amount < 0:
        raise ValueError(f"price must not be negative, got {amount}")
    return amount * MINUTES_PER_HOUR / Decimal(basis.contact_minutes)


def convert(price: Decimal, from_basis: MinuteBasis, to_basis: MinuteBasis) -> Decimal:
    """Re-express a price per billed unit on one basis as a price per billed unit on another.

    Equal value per contact minute is kept: price per contact hour x
    to_basis.contact_minutes / 60. Unrounded.
    """
    return per_contact_hour(price, from_basis) * Decimal(to_basis.contact_minutes) / MINUTES_PER_HOUR


def per_billed_hour(price_per_contact_hour: Decimal, basis: MinuteBasis) -> Decimal:
    """Re-express a price per 60 contact minutes as a price per billed unit on `basis` (unrounded)."""
    amount = as_money(price_per_contact_hour, "price_per_contact_hour")
    return amount * Decimal(basis.contact_minutes) / MINUTES_PER_HOUR


def contact_hour_price(price_per_billed_unit: Decimal, basis: MinuteBasis) -> Decimal:
    """The price per contact hour as shown: `per_contact_hour` rounded to the penny, half up."""
    return pennies(per_contact_hour(price_per_billed_unit, basis))


def billed_hour_price(price_per_contact_hour: Decimal, basis: MinuteBasis) -> Decimal:
    """The price per billed unit as shown: `per_billed_hour` rounded to the penny, half up."""
    return pennies(per_billed_hour(price_per_contact_hour, basis))
