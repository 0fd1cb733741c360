"""Money and score helpers: Decimal in, Decimal out, rounded once at the edge.

Every calculation module keeps full precision and calls `pennies` (or
`quantize_score`) only when a figure leaves it for display, storage or a report.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")
SCORE_PLACES = Decimal("0.01")


def to_decimal(value: object) -> Decimal:
    """Convert an input (str, int, Decimal) to Decimal without float artefacts.

    Floats are converted through `str` so 0.1 stays 0.1; anything else that is
    not a finite number raises ValueError with the offending value.
    """
    if isinstance(value, Decimal):
        result = value
    else:
        try:
            result = Decimal(str(value).strip())
        except (InvalidOperation, ValueError) as exc:
            raise ValueError(f"not a number: {value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def pennies(value: Decimal) -> Decimal:
    """Round to the penny, half up (the convention in UK public pricing)."""
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


def quantize_score(value: Decimal, places: Decimal = SCORE_PLACES) -> Decimal:
    """Round a score for display or storage, half up."""
    return value.quantize(places, rounding=ROUND_HALF_UP)
