"""Standstill period after a contract award notice (Procurement Act 2023).

Pure module: standard library and the `holidays` package, no Django.

The rule. Procurement Act 2023 s.51: the mandatory standstill period is "the period of
eight working days beginning with the day" the contract award notice is published, and the
contract may not be entered into before it ends (Cabinet Office guidance, "Contract award
notices and standstill", para 2 and 4: "at least eight working days beginning with the day
on which the contract award notice is published").

How days are counted here:
- "Beginning with the day" means the publication day itself is working day 1 when it is a
  working day (it is not day 0). Published on a Monday with no bank holiday in between, the
  period runs Monday to the following Wednesday.
- Published on a weekend or bank holiday, the period still begins that day, but its first
  working day is the next working day.
- The period ends at midnight at the end of the eighth working day, so `standstill_end`
  returns that day and `earliest_entry_date` the calendar day after it.
- Check against a published worked example: a period beginning on 24 December 2024 ends
  14 calendar days later (7 January 2025) under this counting with England and Wales bank
  holidays (Muckle LLP, "When is a standstill letter not a standstill letter?", 2024). A
  "day 0" count, or one that also skips Scotland's 2 January holiday, would give 8 January.

Working days are Monday to Friday other than bank holidays in England and Wales (this
system's councils are English), taken from the `holidays` package ("GB", subdiv "ENG"),
which includes substitute days (e.g. 27 December 2022, 28 December 2020) and one-off
holidays (19 September 2022 state funeral, 8 May 2023 coronation). One-off holidays
proclaimed after the installed `holidays` release are not known until it is upgraded.
The Act's own definition of "working day" was not checked for this module; a caller that
must also skip Scottish or Northern Irish bank holidays passes
`subdivisions=("ENG", "SCT", "NIR")`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

# Procurement Act 2023 s.51(2): eight working days.
STANDSTILL_WORKING_DAYS = 8
ENGLAND_AND_WALES: tuple[str, ...] = ("ENG",)


@lru_cache(maxsize=256)
def _bank_holidays(year: int, subdivisions: tuple[str, ...]) -> frozenset[date]:
    days: set[date] = set()
    for subdivision in subdivisions:
        days.update(holidays.country_holidays("GB", subdiv=subdivision, years=year).keys())
    return frozenset(days)


def _check_date(day: date, name: str) -> None:
    # A datetime is a date, but would never match a holiday; make the caller choose the
    # London calendar day explicitly.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"{name} must be a datetime.date (the Europe/London calendar day), not {type(day).__name__}")


def _subdivisions(subdivisions: Iterable[str]) -> tuple[str, ...]:
    subs = tuple(sorted(set(subdivisions)))
    if not subs:
        raise ValueError("subdivisions must name at least one part of the UK, e.g. ('ENG',)")
    return subs


def bank_holidays(year: int, subdivisions: Iterable[str] = ENGLAND_AND_WALES) -> frozenset[date]:
    """Bank holidays in `year` (England and Wales by default)."""
    return _bank_holidays(year, _subdivisions(subdivisions))


def is_working_day(day: date, subdivisions: Iterable[str] = ENGLAND_AND_WALES) -> bool:
    """Monday to Friday and not a bank holiday."""
    _check_date(day, "day")
    return day.weekday() < 5 and day not in _bank_holidays(day.year, _subdivisions(subdivisions))


def add_working_days(start: date, days: int, subdivisions: Iterable[str] = ENGLAND_AND_WALES) -> date:
    """The date `days` working days after `start`, not counting `start` itself.

    `add_working_days(friday, 1)` is the next Monday (if not a bank holiday); `days=0`
    returns `start` unchanged, working day or not.
    """
    _check_date(start, "start")
    if days < 0:
        raise ValueError("days must be zero or more")
    subs = _subdivisions(subdivisions)
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in _bank_holidays(current.year, subs):
            remaining -= 1
    return current


def standstill_end(
    published: date,
    working_days: int = STANDSTILL_WORKING_DAYS,
    subdivisions: Iterable[str] = ENGLAND_AND_WALES,
) -> date:
    """Last day of the standstill period; it ends at midnight at the end of this day.

    The period is `working_days` working days beginning with the day of publication
    (Procurement Act 2023 s.51), so a notice published on a working day counts that day.
    """
    _check_date(published, "published")
    if working_days < 1:
        raise ValueError("working_days must be at least 1")
    subs = _subdivisions(subdivisions)
    first = published if is_working_day(published, subs) else add_working_days(published, 1, subs)
    return add_working_days(first, working_days - 1, subs)


def earliest_entry_date(
    published: date,
    working_days: int = STANDSTILL_WORKING_DAYS,
    subdivisions: Iterable[str] = ENGLAND_AND_WALES,
) -> date:
    """First calendar day on which the contract may be entered into (the day after the end)."""
    return standstill_end(published, working_days, subdivisions) + timedelta(days=1)


def working_days_between(first: date, last: date, subdivisions: Iterable[str] = ENGLAND_AND_WALES) -> int:
    """Working days from `first` to `last`, both included (0 if `last` is before `first`)."""
    _check_date(first, "first")
    _check_date(last, "last")
    subs = _subdivisions(subdivisions)
    count = 0
    current = first
    while current <= last:
        if is_working_day(current, subs):
            count += 1
        current += timedelta(days=1)
    return count
