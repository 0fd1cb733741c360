"""Standstill period after the contract award notice (Procurement Act 2023 s.51)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.standstill import (
    STANDSTILL_WORKING_DAYS,
    add_working_days,
    bank_holidays,
    earliest_entry_date,
    is_working_day,
    standstill_end,
    working_days_between,
)

UK_WIDE = ("ENG", "SCT", "NIR")


@pytest.mark.parametrize(
    "day",
    [
        date(2020, 5, 8),  # VE Day anniversary, moved May Day
        date(2020, 12, 28),  # Boxing Day fell on a Saturday: substitute Monday
        date(2021, 12, 27),  # Christmas on a Saturday: substitute Monday
        date(2021, 12, 28),  # Boxing Day on a Sunday: substitute Tuesday
        date(2022, 6, 2),  # Spring bank holiday moved for the Platinum Jubilee
        date(2022, 6, 3),  # Platinum Jubilee
        date(2022, 9, 19),  # State funeral of Queen Elizabeth II
        date(2022, 12, 27),  # Christmas on a Sunday: substitute Tuesday
        date(2023, 1, 2),  # New Year's Day on a Sunday: substitute Monday
        date(2023, 5, 8),  # Coronation of King Charles III
        date(2025, 4, 18),  # Good Friday
        date(2025, 4, 21),  # Easter Monday
        date(2025, 8, 25),  # Summer bank holiday (England and Wales: last Monday in August)
    ],
)
def test_it_knows_england_and_wales_bank_holidays(day):
    assert day.weekday() < 5
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 1, 2),  # 2 January: a bank holiday in Scotland only
        date(2025, 3, 17),  # St Patrick's Day: Northern Ireland only
        date(2025, 8, 4),  # first Monday in August: Scotland only
        date(2025, 2, 24),  # an ordinary Monday (the Act's commencement day)
    ],
)
def test_it_counts_holidays_elsewhere_in_the_uk_as_working_days_by_default(day):
    assert is_working_day(day)


def test_it_skips_every_uk_bank_holiday_when_asked():
    assert not is_working_day(date(2025, 1, 2), UK_WIDE)
    assert not is_working_day(date(2025, 3, 17), UK_WIDE)


def test_it_treats_weekends_as_non_working():
    assert not is_working_day(date(2025, 3, 1))  # Saturday
    assert not is_working_day(date(2025, 3, 2))  # Sunday
    assert is_working_day(date(2025, 3, 3))


def test_it_counts_the_day_of_publication_as_the_first_working_day():
    # Published Monday 3 March 2025: Mon-Fri, then Mon, Tue, Wed 12 March is day 8.
    assert standstill_end(date(2025, 3, 3)) == date(2025, 3, 12)
    assert earliest_entry_date(date(2025, 3, 3)) == date(2025, 3, 13)
    assert working_days_between(date(2025, 3, 3), date(2025, 3, 12)) == STANDSTILL_WORKING_DAYS


@pytest.mark.parametrize(
    ("published", "end"),
    [
        (date(2025, 2, 28), date(2025, 3, 11)),  # Friday: Fri + 5 + Mon, Tue
        (date(2025, 3, 1), date(2025, 3, 12)),  # Saturday: begins that day, first working day Monday
        (date(2025, 3, 2), date(2025, 3, 12)),  # Sunday
    ],
)
def test_it_runs_over_weekends(published, end):
    assert standstill_end(published) == end


def test_it_skips_good_friday_and_easter_monday():
    # Thu 17 Apr 2025 is day 1; 18-21 April are Good Friday, weekend, Easter Monday.
    assert standstill_end(date(2025, 4, 17)) == date(2025, 4, 30)


def test_it_skips_christmas_boxing_day_and_their_substitute_days():
    # 2022: Christmas on Sunday, Boxing Day Monday 26, substitute Tuesday 27; New Year substitute Mon 2 Jan.
    # Fri 23 Dec (1), Wed 28 (2), Thu 29 (3), Fri 30 (4), Tue 3 Jan (5), Wed 4 (6), Thu 5 (7), Fri 6 (8).
    assert standstill_end(date(2022, 12, 23)) == date(2023, 1, 6)


def test_it_matches_the_published_christmas_2024_example():
    # Muckle LLP: a standstill period beginning on 24 December 2024 ends 14 calendar days later.
    end = standstill_end(date(2024, 12, 24))

    assert end == date(2025, 1, 7)
    assert (end - date(2024, 12, 24)).days == 14


def test_it_ends_the_demo_tenders_standstill_on_2_january_2026():
    # Fri 19 Dec (1), Mon 22 - Wed 24 (4), Christmas and Boxing Day skipped, Mon 29 - Wed 31 (7),
    # New Year's Day skipped, Fri 2 Jan (8).
    assert standstill_end(date(2025, 12, 19)) == date(2026, 1, 2)


def test_it_runs_a_day_longer_at_new_year_if_scottish_holidays_count():
    assert standstill_end(date(2024, 12, 24), subdivisions=UK_WIDE) == date(2025, 1, 8)


def test_it_skips_the_2023_coronation_bank_holiday():
    # Thu 4 May (1), Fri 5 (2), Mon 8 May coronation skipped, Tue 9 (3) ... Tue 16 (8).
    assert standstill_end(date(2023, 5, 4)) == date(2023, 5, 16)


def test_it_skips_the_2022_state_funeral():
    # Wed 14 Sep 2022 (1) ... Fri 16 (3), Mon 19 funeral skipped, Tue 20 (4) ... Fri 23 (7), Mon 26 (8).
    assert standstill_end(date(2022, 9, 14)) == date(2022, 9, 26)


def test_it_starts_counting_after_a_bank_holiday_publication():
    # Published on Easter Monday 2025: day 1 is Tue 22 April.
    assert standstill_end(date(2025, 4, 21)) == date(2025, 5, 1)


def test_it_adds_working_days_after_the_start():
    assert add_working_days(date(2025, 3, 7), 0) == date(2025, 3, 7)
    assert add_working_days(date(2025, 3, 7), 1) == date(2025, 3, 10)  # Friday -> Monday
    assert add_working_days(date(2023, 5, 5), 1) == date(2023, 5, 9)  # over the coronation
    assert add_working_days(date(2025, 3, 8), 0) == date(2025, 3, 8)  # a Saturday stays as given


def test_it_accepts_other_lengths():
    assert standstill_end(date(2025, 3, 3), working_days=1) == date(2025, 3, 3)
    assert standstill_end(date(2025, 3, 3), working_days=10) == date(2025, 3, 14)


def test_it_refuses_bad_arguments():
    with pytest.raises(ValueError):
        standstill_end(date(2025, 3, 3), working_days=0)
    with pytest.raises(ValueError):
        add_working_days(date(2025, 3, 3), -1)
    with pytest.raises(TypeError, match="Europe/London calendar day"):
        standstill_end(datetime(2025, 3, 3, 9, 0, tzinfo=UTC))
    with pytest.raises(ValueError):
        is_working_day(date(2025, 3, 3), subdivisions=())


def test_it_lists_the_bank_holidays_of_a_year():
    assert bank_holidays(2023) >= {date(2023, 5, 8), date(2023, 12, 25), date(2023, 12, 26)}
    assert date(2023, 1, 2) in bank_holidays(2023)


_DATES = st.dates(min_value=date(2018, 1, 1), max_value=date(2030, 12, 31))


@given(published=_DATES, length=st.integers(min_value=1, max_value=30))
def test_it_ends_on_the_nth_working_day_counting_publication_day(published, length):
    end = standstill_end(published, working_days=length)

    assert end >= published
    assert is_working_day(end)
    assert working_days_between(published, end) == length
    assert earliest_entry_date(published, length) == end + timedelta(days=1)


@given(first=_DATES, second=_DATES)
def test_it_never_ends_earlier_for_a_later_publication(first, second):
    first, second = sorted((first, second))

    assert standstill_end(first) <= standstill_end(second)
