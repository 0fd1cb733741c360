"""Working days (Procurement Act 2023 s.123) and the standstill period after the contract award notice (s.51).

s.123 excludes a bank holiday in *any part of the UK*: these tests replace earlier ones that
counted England and Wales only (issue 14).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from tenders.standstill import (
    STANDSTILL_WORKING_DAYS,
    add_working_days,
    bank_holidays,
    details_notice_due,
    earliest_entry_date,
    is_working_day,
    standstill_end,
    working_days_between,
)


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
        date(2025, 4, 21),  # Easter Monday (England, Wales, Northern Ireland)
        date(2025, 8, 25),  # Summer bank holiday (England, Wales, Northern Ireland: last Monday in August)
    ],
)
def test_it_knows_england_and_wales_bank_holidays(day):
    assert day.weekday() < 5
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 1, 2),  # 2 January: Scotland only
        date(2023, 1, 3),  # 2 January 2023 substitute (New Year's Day on a Sunday): Scotland only
        date(2025, 8, 4),  # first Monday in August: Scotland only
        date(2023, 11, 30),  # St Andrew's Day: Scotland only
        date(2025, 12, 1),  # St Andrew's Day substitute (30 November 2025 is a Sunday)
        date(2025, 3, 17),  # St Patrick's Day: Northern Ireland only
        date(2023, 7, 12),  # Battle of the Boyne: Northern Ireland only
        date(2025, 7, 14),  # Battle of the Boyne substitute (12 July 2025 is a Saturday)
    ],
)
def test_a_bank_holiday_in_any_part_of_the_uk_is_not_a_working_day(day):
    # s.123: "a bank holiday ... in any part of the United Kingdom".
    assert day.weekday() < 5
    assert not is_working_day(day)


def test_an_ordinary_weekday_is_a_working_day():
    assert is_working_day(date(2025, 2, 24))  # the Act's commencement day, a Monday


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
def test_a_notice_published_at_the_weekend_starts_the_count_on_the_next_working_day(published, end):
    assert standstill_end(published) == end


def test_it_skips_good_friday_and_easter_monday():
    # Thu 17 Apr 2025 is day 1; 18-21 April are Good Friday, weekend, Easter Monday.
    assert standstill_end(date(2025, 4, 17)) == date(2025, 4, 30)


def test_it_starts_counting_after_a_bank_holiday_publication():
    # Published on Easter Monday 2025: day 1 is Tue 22 April.
    assert standstill_end(date(2025, 4, 21)) == date(2025, 5, 1)


def test_it_skips_christmas_new_year_and_their_substitute_days_across_the_uk():
    # 2022: Christmas on Sunday, Boxing Day Mon 26, substitute Tue 27; New Year substitute Mon 2 Jan,
    # Scotland's 2 January substitute Tue 3 Jan.
    # Fri 23 Dec (1), Wed 28 (2), Thu 29 (3), Fri 30 (4), Wed 4 Jan (5), Thu 5 (6), Fri 6 (7), Mon 9 (8).
    assert standstill_end(date(2022, 12, 23)) == date(2023, 1, 9)


def test_the_published_christmas_2024_example_runs_a_day_longer_counting_scotland():
    # Muckle LLP: beginning 24 December 2024 ends "14 calendar days later" (7 January) counting
    # England's holidays; s.123 also skips Scotland's Thursday 2 January, so it ends on 8 January.
    end = standstill_end(date(2024, 12, 24))

    assert end == date(2025, 1, 8)
    assert (end - date(2024, 12, 24)).days == 15


def test_the_demo_tenders_standstill_ends_on_5_january_2026():
    # Fri 19 Dec (1), Mon 22 - Wed 24 (4), Christmas and Boxing Day skipped, Mon 29 - Wed 31 (7),
    # New Year's Day and Scotland's 2 January skipped, Mon 5 Jan (8).
    assert standstill_end(date(2025, 12, 19)) == date(2026, 1, 5)


def test_it_skips_the_2022_platinum_jubilee():
    # Wed 1 June 2022 (1), Thu 2 and Fri 3 June skipped, Mon 6 (2) ... Fri 10 (6), Mon 13 (7), Tue 14 (8).
    assert standstill_end(date(2022, 6, 1)) == date(2022, 6, 14)


def test_it_skips_the_2022_state_funeral():
    # Wed 14 Sep 2022 (1) ... Fri 16 (3), Mon 19 funeral skipped, Tue 20 (4) ... Fri 23 (7), Mon 26 (8).
    assert standstill_end(date(2022, 9, 14)) == date(2022, 9, 26)


def test_it_skips_the_2023_coronation_bank_holiday():
    # Thu 4 May (1), Fri 5 (2), Mon 8 May coronation skipped, Tue 9 (3) ... Tue 16 (8).
    assert standstill_end(date(2023, 5, 4)) == date(2023, 5, 16)


def test_it_skips_a_scottish_only_holiday():
    # Tue 31 Dec 2024 (1), 1 Jan and Scotland's 2 Jan skipped, Fri 3 (2) ... Fri 10 (7), Mon 13 (8).
    assert standstill_end(date(2024, 12, 31)) == date(2025, 1, 13)
    # Mon 27 Nov 2023 (1), Tue (2), Wed (3), Thu 30 St Andrew's Day skipped, Fri 1 Dec (4) ... Thu 7 (8).
    assert standstill_end(date(2023, 11, 27)) == date(2023, 12, 7)


def test_it_skips_a_northern_irish_only_holiday():
    # Fri 14 Mar 2025 (1), Mon 17 St Patrick's Day skipped, Tue 18 (2) ... Wed 26 (8).
    assert standstill_end(date(2025, 3, 14)) == date(2025, 3, 26)
    # Mon 10 Jul 2023 (1), Tue (2), Wed 12 July skipped, Thu 13 (3) ... Thu 20 (8).
    assert standstill_end(date(2023, 7, 10)) == date(2023, 7, 20)


def test_it_adds_working_days_after_the_start():
    assert add_working_days(date(2025, 3, 7), 0) == date(2025, 3, 7)
    assert add_working_days(date(2025, 3, 7), 1) == date(2025, 3, 10)  # Friday -> Monday
    assert add_working_days(date(2023, 5, 5), 1) == date(2023, 5, 9)  # over the coronation
    assert add_working_days(date(2025, 3, 14), 1) == date(2025, 3, 18)  # over St Patrick's Day
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


def test_it_lists_the_bank_holidays_of_a_year_across_the_uk():
    assert bank_holidays(2023) >= {
        date(2023, 5, 8), date(2023, 12, 25), date(2023, 12, 26), date(2023, 1, 2), date(2023, 1, 3),
        date(2023, 3, 17), date(2023, 7, 12), date(2023, 8, 7), date(2023, 11, 30),
    }  # fmt: skip


def test_the_contract_details_notice_is_due_within_30_days_or_120_for_light_touch():
    # s.53: the period begins with the day the contract is entered into.
    assert details_notice_due(date(2026, 1, 6), light_touch=False) == date(2026, 2, 4)
    assert details_notice_due(date(2026, 1, 6), light_touch=True) == date(2026, 5, 5)


def test_the_command_prints_the_last_day_as_an_iso_date_on_its_last_line(capsys):
    call_command("standstill", "2024-12-24")

    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1] == "2025-01-08"


def test_the_command_handles_a_weekend_publication(capsys):
    call_command("standstill", "2025-03-01")

    assert capsys.readouterr().out.strip().splitlines()[-1] == "2025-03-12"


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
