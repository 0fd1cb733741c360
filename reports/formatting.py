"""How figures look in reports and letters (pure; also registered as template filters).

Money is shown to the penny, rounded half up once here (`common.money.pennies`); scores
and percentages to 2 places half up (`common.money.quantize_score`). Times are shown in
UK time (Europe/London) whatever zone the datetime carries, dates in the long British
form ("Friday 2 January 2026"). None is shown as an en dash so an empty cell is visibly
empty rather than a zero.

- `gbp(value)` -> "£1,234.56"
- `both_bases(per_billed, contact_minutes, travel_minutes)` -> "£28.20 per billed hour (50 contact
  + 10 travel minutes) = £33.84 per contact hour"
- `score(value)`, `percent(value)`, `hours(value)`
- `uk_datetime(dt)` -> "19 December 2025, 09:30", `short_datetime(dt)` -> "19 Dec 2025, 09:30",
  `uk_date(d)` -> "Friday 2 January 2026",
  `short_date(d)` -> "2 Jan 2026"
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from common.money import pennies, quantize_score
from common.timezone import UK_TZ
from reports.context import per_contact_hour

DASH = "–"


def gbp(value: Decimal | None) -> str:
    """£ to the penny with thousands separators; negative as -£1.20."""
    if value is None:
        return DASH
    shown = pennies(Decimal(value))
    if shown == 0:
        shown = abs(shown)
    sign = "-" if shown < 0 else ""
    return f"{sign}£{abs(shown):,}"


def signed_gbp(value: Decimal | None) -> str:
    """A gap: +£1.20 or -£0.35."""
    if value is None:
        return DASH
    shown = pennies(Decimal(value))
    if shown == 0:
        return "£0.00"
    return ("+" if shown > 0 else "-") + f"£{abs(shown):,}"


def score(value: Decimal | None) -> str:
    """A score or weight to 2 places, half up."""
    if value is None:
        return DASH
    return f"{quantize_score(Decimal(value)):,}"


def percent(value: Decimal | None, *, signed: bool = False) -> str:
    if value is None:
        return DASH
    shown = quantize_score(Decimal(value))
    if shown == 0:
        shown = abs(shown)
    prefix = "+" if signed and shown > 0 else ""
    return f"{prefix}{shown}%"


def weight(value: Decimal | None) -> str:
    """A weight without needless decimals: 60, 12.5."""
    if value is None:
        return DASH
    text = f"{Decimal(value).normalize():f}"
    return text


def hours(value: Decimal | None) -> str:
    """Hours a week: 1,128 or 1,128.5."""
    if value is None:
        return DASH
    shown = Decimal(value).normalize()
    if shown == shown.to_integral_value():
        return f"{int(shown):,}"
    return f"{shown:,f}"


def basis_label(contact_minutes: int, travel_minutes: int) -> str:
    return f"{contact_minutes} contact + {travel_minutes} travel minutes"


def both_bases(price_per_billed_hour: Decimal | None, contact_minutes: int, travel_minutes: int) -> str:
    """A price per billed hour on the tender's basis and the same price per contact hour."""
    if price_per_billed_hour is None:
        return DASH
    contact = per_contact_hour(Decimal(price_per_billed_hour), contact_minutes)
    return (
        f"{gbp(price_per_billed_hour)} per billed hour ({basis_label(contact_minutes, travel_minutes)})"
        f" = {gbp(contact)} per contact hour"
    )


def uk_datetime(value: datetime | None) -> str:
    """'19 December 2025, 09:30' in UK time."""
    if value is None:
        return DASH
    if value.tzinfo is None:
        raise ValueError("a report time must be timezone-aware")
    local = value.astimezone(UK_TZ)
    return f"{local.day} {local:%B %Y, %H:%M}"


def short_datetime(value: datetime | None) -> str:
    """'8 Oct 2025, 09:47' in UK time (dense tables such as the audit trail)."""
    if value is None:
        return DASH
    if value.tzinfo is None:
        raise ValueError("a report time must be timezone-aware")
    local = value.astimezone(UK_TZ)
    return f"{local.day} {local:%b %Y, %H:%M}"


def uk_date(value: date | datetime | None) -> str:
    """'Friday 2 January 2026' (a datetime is first put in UK time)."""
    if value is None:
        return DASH
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a report time must be timezone-aware")
        value = value.astimezone(UK_TZ).date()
    return f"{value:%A} {value.day} {value:%B %Y}"


def short_date(value: date | datetime | None) -> str:
    """'2 Jan 2026'."""
    if value is None:
        return DASH
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a report time must be timezone-aware")
        value = value.astimezone(UK_TZ).date()
    return f"{value.day} {value:%b %Y}"


def ordinal(value: int | None) -> str:
    """1st, 2nd, 3rd, 11th, 22nd."""
    if value is None:
        return DASH
    if 10 <= value % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"
