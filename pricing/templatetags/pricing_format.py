"""Display filters for money and quantities: rounded once, here, for people to read."""
from __future__ import annotations

from decimal import Decimal

from django import template

from common.money import pennies, to_decimal

register = template.Library()


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return to_decimal(value)
    except ValueError:
        return None


@register.filter
def gbp(value: object) -> str:
    """£1,234.56, rounded half up to the penny; a dash for nothing."""
    amount = _decimal(value)
    if amount is None:
        return "–"
    shown = pennies(amount)
    shown = abs(shown) if shown == 0 else shown
    return f"-£{-shown:,}" if shown < 0 else f"£{shown:,}"


@register.filter
def num(value: object) -> str:
    """A quantity without trailing zeros, to at most two decimal places, thousands separated (2,369; 11.7)."""
    amount = _decimal(value)
    if amount is None:
        return "–"
    shown = pennies(amount)
    if shown == shown.to_integral_value():
        return f"{shown.to_integral_value():,}"
    return f"{shown.normalize():,f}"


@register.filter
def pct(value: object) -> str:
    """A percentage to at most two decimal places, e.g. 13.8%."""
    shown = num(value)
    return shown if shown == "–" else f"{shown}%"


@register.filter
def index(sequence: object, position: int) -> object:
    """sequence[position] in a template (for side-by-side columns)."""
    try:
        return sequence[position]  # type: ignore[index]
    except (IndexError, KeyError, TypeError):
        return None
