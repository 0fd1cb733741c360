"""Working days, the standstill period and the contract details notice deadline (Procurement Act 2023).

Pure module: standard library and the `holidays` package, no Django.

Working days. Procurement Act 2023 s.123 ("working day"): a day other than a Saturday or
Sunday, Christmas Day, Good Friday, or a day that is a bank holiday under the Banking and
Financial Dealings Act 1971 *in any part of the United Kingdom*. So a Scottish-only bank
holiday (2 January, the first Monday in August, St Andrew's Day) and a Northern-Irish-only
one (17 March, 12 July) are not working days for a council in England either. The
`holidays` package gives each part ("GB" subdivisions ENG, WLS, SCT, NIR) with substitute
days (e.g. 27 December 2022) and one-off proclaimed days (3 June 2022 Platinum Jubilee,
19 September 2022 state funeral, 8 May 2023 coronation); we take their union. A one-off
holiday proclaimed after the installed `holidays` release is unknown until it is upgraded.
Counting UK-wide is also the safe side: it can only make a standstill longer.

Standstill. s.51: the mandatory standstill period is "the period of eight working days
beginning with the day on which the contract award notice is published"; the
contract may not be entered into before it ends. The Cabinet Office guidance "Contract award
notices and standstill" (para 2 and 4) says the same ("at least eight working days beginning
with the day on which the contract award notice is published").
- "Beginning with the day" makes the publication day working day 1 when it is a working day
  (not day 0): published on a Monday with no bank holiday, the period runs to the following
  Wednesday.
- Published on a Saturday, Sunday or bank holiday, the period still *begins* that day, but
  that day is not a working day and cannot be counted, so the first of the eight working days
  is the next working day (the plain reading of s.51 with the s.123 definition).
- The period ends at midnight at the end of the eighth working day: `standstill_end` returns
  that day and `earliest_entry_date` the calendar day after it.
- Checked against a published example: a period beginning on 24 December 2024 "would end 14
  calendar days later" (Muckle LLP, "When is a standstill letter not a standstill letter?",
  2024), i.e. on 7 January 2025 counting England's holidays only. Counting Scotland's
  2 January too, as s.123 requires, it ends on 8 January 2025.
Light-touch contracts (s.9) are among s.51's exemptions from the mandatory standstill; s.51
also provides for a voluntary standstill period where an exemption applies (guidance para 4),
counted here the same way.

Contract details notice. s.53: published within 30 days beginning with the day the contract
is entered into, or 120 days for a light-touch contract.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

# Procurement Act 2023 s.51: eight working days.
STANDSTILL_WORKING_DAYS = 8
# s.123: a bank holiday in any part of the United Kingdom.
UK_PARTS: tuple[str, ...] = ("ENG", "WLS", "SCT", "NIR")
# s.53: the contract details notice, days beginning with the day the contract is entered into.
DETAILS_NOTICE_DAYS = 30
DETAILS_NOTICE_DAYS_LIGHT_TOUCH = 120


@lru_cache(maxsize=128)
def bank_holidays(year: int) -> frozenset[date]:
    """Christmas Day, Good Friday and every bank holiday in any part of the UK in `year` (s.123)."""
    days: set[date] = set()
    for part in UK_PARTS:
        days.update(holidays.country_holidays("GB", subdiv=part, years=year).keys())
    # Christmas Day and Good Friday are named by s.123 itself; the package lists both, but
    # the rule must not depend on that.
    days.add(date(year, 12, 25))
    return frozenset(days)


def _check_date(day: date, name: str) -> None:
    # A datetime is a date, but would never match a holiday; make the caller choose the
    # UK calendar day explicitly.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"{name} must be a datetime.date (the Europe/London calendar day), not {type(day).__name__}")


def is_working_day(day: date) -> bool:
    """Procurement Act 2023 s.123: not a weekend, Christmas Day, Good Friday or UK bank holiday."""
    _check_date(day, "day")
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start`, not counting `start` itself.

    `add_working_days(friday, 1)` is the next Monday (if not a bank holiday); `days=0`
    returns `start` unchanged, working day or not.
    """
    _check_date(start, "start")
    if days < 0:
        raise ValueError("days must be zero or more")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def standstill_end(published: date, working_days: int = STANDSTILL_WORKING_DAYS) -> date:
    """Last day of the standstill period; it ends at midnight at the end of this day.

    s.51: `working_days` working days beginning with the day the contract award notice is
    published; a notice published on a working day counts that day, one published on a
    non-working day starts the count on the next working day.
    """
    _check_date(published, "published")
    if working_days < 1:
        raise ValueError("working_days must be at least 1")
    first = published if is_working_day(published) else add_working_days(published, 1)
    return add_working_days(first, working_days - 1)


def earliest_entry_date(published: date, working_days: int = STANDSTILL_WORKING_DAYS) -> date:
    """First calendar day on which the contract may be entered into (the day after the end)."""
    return standstill_end(published, working_days) + timedelta(days=1)


def working_days_between(first: date, last: date) -> int:
    """Working days from `first` to `last`, both included (0 if `last` is before `first`)."""
    _check_date(first, "first")
    _check_date(last, "last")
    count = 0
    current = first
    while current <= last:
        if is_working_day(current):
            count += 1
        current += timedelta(days=1)
    return count


def details_notice_due(entered_on: date, *, light_touch: bool) -> date:
    """Last day to publish the contract details notice (s.53: 30 days, 120 for light-touch).

    The period begins with the day the contract is entered into, so that day is day 1.
    """
    _check_date(entered_on, "entered_on")
    days = DETAILS_NOTICE_DAYS_LIGHT_TOUCH if light_touch else DETAILS_NOTICE_DAYS
    return entered_on + timedelta(days=days - 1)
