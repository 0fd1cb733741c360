"""Contract years and which year a preset covers (pure: dates in, dates out, no Django).

A shipped preset is the cost of care for one year from its `effective_from`
(the April the National Living Wage changes). A contract starting on 1 April
2017 must be priced with 2017/18 rates, not 2016/17's; a three-year contract
has three contract years, each priced with the preset in force when it starts.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a year without one."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def covers(effective_from: date, on: date) -> bool:
    """True when a preset starting on `effective_from` is the year's rates on `on` (one year from its start)."""
    return effective_from <= on < add_years(effective_from, 1)


@dataclass(frozen=True)
class Period:
    number: int  # 1 for the first contract year
    start: date
    end: date  # inclusive


def contract_years(start: date, end: date | None) -> list[Period]:
    """The contract's years from its start: year n runs from start + (n-1) years to the day before start + n years.

    The last year ends on the contract's end date. Without an end date the contract has its first year only.
    """
    if end is not None and end < start:
        raise ValueError(f"the contract must end after it starts ({start} to {end})")
    periods = []
    number = 1
    begin = start
    while True:
        next_start = add_years(start, number)
        last = next_start - timedelta(days=1)
        if end is None:
            periods.append(Period(number, begin, last))
            return periods
        periods.append(Period(number, begin, min(last, end)))
        if last >= end:
            return periods
        begin = next_start
        number += 1
