"""Bid rules without the database: prices typed by people, CQC location IDs, word counts, completeness."""
from decimal import Decimal

import pytest

from tenders.bidding_rules import (
    DECLARATIONS,
    BidInputError,
    LotSpec,
    PriceRow,
    QuestionSpec,
    parse_declarations,
    parse_location_ids,
    parse_price,
    submission_problems,
    word_count,
)


@pytest.mark.parametrize("typed, expected", [
    ("18.50", Decimal("18.50")), ("£18.5", Decimal("18.50")), (" 1,250.00 ", Decimal("1250.00")),
    ("19", Decimal("19.00")), (Decimal("12.75"), Decimal("12.75")),
])
def test_it_reads_prices_the_way_people_type_them(typed, expected):
    assert parse_price(typed) == expected


@pytest.mark.parametrize("typed, says", [
    ("", "Enter a price"), ("abc", "as a number of pounds"), ("0", "more than £0"), ("-3", "more than £0"),
    ("12.755", "no more than 2 decimal places"), ("100000", "no more than £99,999.99"), ("NaN", "as a number"),
    ("Infinity", "as a number"), (None, "Enter a price"), (True, "Enter a price"),
])
def test_it_refuses_prices_with_a_message_that_says_how_to_fix_them(typed, says):
    with pytest.raises(BidInputError) as exc:
        parse_price(typed)
    assert says in exc.value.message


def test_it_reads_cqc_location_ids_from_lines_commas_or_spaces_sorted_without_repeats():
    assert parse_location_ids("1-222222222\n1-111111111, 1-222222222 ") == ["1-111111111", "1-222222222"]
    assert parse_location_ids(["1-111111111"]) == ["1-111111111"]
    assert parse_location_ids("") == []


def test_it_names_the_location_ids_that_are_not_cqc_ids():
    with pytest.raises(BidInputError) as exc:
        parse_location_ids("1-123456789\nRXX12")
    assert "RXX12 is not a CQC location ID" in exc.value.message


def test_word_count_counts_runs_of_non_space_characters():
    assert word_count("") == 0
    assert word_count("  Person-centred care,\n\nevery day. ") == 4


def test_declarations_are_stored_as_keys_and_unknown_ones_refused():
    assert parse_declarations(["true_and_complete"]) == {"true_and_complete": True}
    with pytest.raises(BidInputError):
        parse_declarations(["made_up"])


LOTS = [LotSpec(id=1, number=1, name="North", package_pricing=True), LotSpec(id=2, number=2, name="East", package_pricing=False)]
QUESTIONS = [QuestionSpec(id=10, number=1, word_limit=5), QuestionSpec(id=11, number=2, word_limit=5)]


def test_a_complete_draft_has_no_problems():
    assert submission_problems(
        lots=LOTS, questions=QUESTIONS,
        prices=[PriceRow(1, Decimal("18"), Decimal("500")), PriceRow(2, Decimal("17"), None)],
        answers={10: "one", 11: "two words"}, location_ids=["1-123456789"], declarations=dict.fromkeys(DECLARATIONS, True),
    ) == []


def test_it_lists_every_missing_part_in_page_order():
    problems = submission_problems(
        lots=LOTS, questions=QUESTIONS, prices=[PriceRow(1, Decimal("18"), None)],
        answers={10: "one two three four five six"}, location_ids=[], declarations={"true_and_complete": True},
    )
    assert [p.field for p in problems] == ["prices", "locations", "answer-1", "answer-2", "declarations"]
    assert "package price for lot 1 (North)" in problems[0].message
    assert "6 words; the limit is 5" in problems[2].message


def test_a_draft_without_lots_is_incomplete():
    problems = submission_problems(lots=LOTS, questions=[], prices=[], answers={}, location_ids=["1-123456789"],
                                   declarations=dict.fromkeys(DECLARATIONS, True))
    assert [p.field for p in problems] == ["prices"]


def test_the_price_check_is_worded_for_the_bidder():
    from tenders.bidding_rules import provider_price_message

    figures = dict(per_contact_hour=Decimal("15.30"), model_minimum=Decimal("17.08"), statutory_floor=Decimal("10.78"),
                   gap_amount=Decimal("-1.78"), gap_percent=Decimal("-10.42"))
    below = provider_price_message(status="below_sustainable_minimum", **figures)
    assert below.startswith("Warning: £15.30 per contact hour is £1.78 (10.42%) below")
    assert "explain this price" in below
    floor = provider_price_message(status="below_statutory_floor", **figures)
    assert "National Living Wage" in floor and "£10.78" in floor
    assert provider_price_message(status="within_range", **figures).startswith("£15.30 per contact hour: within")


def test_a_package_price_check_is_worded_as_the_package_over_its_hours():
    from tenders.bidding_rules import provider_price_message

    figures = dict(per_contact_hour=Decimal("15.30"), model_minimum=Decimal("17.08"), statutory_floor=Decimal("10.78"),
                   gap_amount=Decimal("-1.78"), gap_percent=Decimal("-10.42"), package_hours=Decimal("30.00"))
    below = provider_price_message(status="below_sustainable_minimum", **figures)
    assert below.startswith("Warning: this package price (£15.30 per contact hour over its 30 hours) is £1.78 (10.42%)")
    within = provider_price_message(status="within_range", **figures)
    assert within.startswith("This package price (£15.30 per contact hour over its 30 hours): within")
    far = provider_price_message(status="far_above_model",
                                 **{**figures, "gap_percent": Decimal("45"), "package_hours": Decimal("7.5")})
    assert far.startswith("This package price (£15.30 per contact hour over its 7.5 hours), 45.00% above")
