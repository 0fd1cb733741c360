"""The GOV.UK date input field: parts in, a date or a UK moment out, and errors that name what is wrong."""
from __future__ import annotations

import datetime as dt

import pytest
from django import forms

from common.date_input import GovukDateField, GovukDateTimeField
from common.timezone import UK_TZ


class _Form(forms.Form):
    deadline = GovukDateTimeField(label="Submission deadline")
    starts = GovukDateField(label="Contract start date", required=False)


def _form(deadline=("", "", "", "", ""), starts=("", "", "")) -> _Form:
    data = {f"deadline_{p}": v for p, v in zip(("day", "month", "year", "hour", "minute"), deadline, strict=True)}
    data |= {f"starts_{p}": v for p, v in zip(("day", "month", "year"), starts, strict=True)}
    return _Form(data)


def _errors(form: _Form, name: str = "deadline") -> list[str]:
    assert not form.is_valid()
    return form.errors[name]


def _marked(form: _Form, name: str = "deadline") -> list[str]:
    """The parts the page marks with govuk-input--error."""
    return [i["part"] for i in form[name].inputs if i["error"]]


def test_parts_become_an_aware_uk_moment_and_a_date():
    form = _form(("27", "3", "2027", "14", "30"), ("1", "Sept", "2027"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["deadline"] == dt.datetime(2027, 3, 27, 14, 30, tzinfo=UK_TZ)
    assert form.cleaned_data["deadline"].utcoffset() == dt.timedelta(0)  # GMT, the day before the clocks change
    assert form.cleaned_data["starts"] == dt.date(2027, 9, 1)  # month names are accepted, as the pattern asks


def test_summer_time_is_an_hour_ahead_of_utc():
    form = _form(("1", "7", "2027", "12", "00"))
    assert form.is_valid()
    assert form.cleaned_data["deadline"].astimezone(dt.UTC) == dt.datetime(2027, 7, 1, 11, 0, tzinfo=dt.UTC)


def test_an_empty_optional_date_is_none_and_an_empty_required_one_asks_for_it():
    form = _form()
    assert _errors(form) == ["Enter the submission deadline"]
    assert _marked(form) == ["day", "month", "year", "hour", "minute"]
    assert "starts" not in form.errors and form.cleaned_data["starts"] is None


@pytest.mark.parametrize("parts, message, marked", [
    (("27", "", "2027", "14", "30"), "Submission deadline must include a month", ["month"]),
    (("", "", "2027", "14", "30"), "Submission deadline must include a day and month", ["day", "month"]),
    (("27", "3", "2027", "", ""), "Submission deadline must include a time", ["hour", "minute"]),
    (("27", "3", "2027", "14", ""), "Submission deadline must include a minute", ["minute"]),
    (("", "", "", "14", "30"), "Submission deadline must include a date", ["day", "month", "year"]),
    (("", "", "", "", "30"), "Submission deadline must include a date and hour", ["day", "month", "year", "hour"]),
    (("27", "", "", "", "30"), "Submission deadline must include a month, year and hour", ["month", "year", "hour"]),
])
def test_a_missing_part_is_named_and_only_it_is_marked(parts, message, marked):
    form = _form(parts)
    assert _errors(form) == [message]
    assert _marked(form) == marked
    assert form["deadline"].error_anchor == f"id_deadline_{marked[0]}"


@pytest.mark.parametrize("parts, message, marked", [
    (("31", "2", "2027", "14", "30"), "Submission deadline must be a real date", ["day"]),
    (("29", "2", "2027", "14", "30"), "Submission deadline must be a real date", ["day"]),
    (("27", "13", "2027", "14", "30"), "Submission deadline must be a real date", ["month"]),
    (("x", "3", "2027", "14", "30"), "Submission deadline must be a real date", ["day"]),
    (("27", "3", "27", "14", "30"), "The year of the submission deadline must include 4 numbers", ["year"]),
    (("27", "3", "2027", "24", "00"), "Submission deadline must be a real time, from 00 00 to 23 59", ["hour"]),
    (("27", "3", "2027", "9", "60"), "Submission deadline must be a real time, from 00 00 to 23 59", ["minute"]),
])
def test_a_part_that_cannot_be_right_is_named_and_marked(parts, message, marked):
    form = _form(parts)
    assert _errors(form) == [message]
    assert _marked(form) == marked


def test_29_february_is_real_in_a_leap_year():
    form = _form(("29", "2", "2028", "9", "05"))
    assert form.is_valid()


def test_what_was_typed_is_shown_again_as_typed():
    form = _form((" 7 ", "march", "2027", "", ""))
    assert not form.is_valid()
    assert [i["value"] for i in form["deadline"].inputs] == [" 7 ", "march", "2027", "", ""]


def test_a_stored_moment_is_shown_in_uk_time():
    form = _Form(initial={"deadline": dt.datetime(2027, 7, 1, 11, 5, tzinfo=dt.UTC), "starts": dt.date(2027, 9, 1)})
    assert [i["value"] for i in form["deadline"].inputs] == ["1", "7", "2027", "12", "05"]
    assert [i["value"] for i in form["starts"].inputs] == ["1", "9", "2027"]
    assert [i["name"] for i in form["starts"].inputs] == ["starts_day", "starts_month", "starts_year"]


# Clocks changing (Europe/London): 28 March 2027 the clocks go forward at 01:00 GMT to 02:00 BST, so 01:00-01:59
# never happens; 31 October 2027 they go back at 02:00 BST to 01:00 GMT, so 01:00-01:59 happens twice. A deadline
# must be one instant: both are refused, with a message saying why and what to enter instead (no guess is made).


def test_a_time_skipped_when_the_clocks_go_forward_is_refused():
    form = _form(("28", "3", "2027", "1", "30"))
    assert _errors(form) == [
        "Submission deadline is at a time that does not exist in the UK: the clocks go forward from 1am to 2am on "
        "28 March 2027. Enter a time before 1am or from 2am"
    ]
    assert _marked(form) == ["hour", "minute"]
    assert form["deadline"].error_anchor == "id_deadline_hour"


def test_a_time_repeated_when_the_clocks_go_back_is_refused():
    form = _form(("31", "10", "2027", "01", "15"))
    assert _errors(form) == [
        "Submission deadline is at a time that happens twice in the UK: the clocks go back from 2am to 1am on "
        "31 October 2027. Enter a time before 1am or from 2am"
    ]


@pytest.mark.parametrize("day, month, hour, minute, offset_hours", [
    ("28", "3", "0", "59", 0),   # last minute of GMT
    ("28", "3", "2", "00", 1),   # first minute of BST
    ("31", "10", "0", "59", 1),  # still BST
    ("31", "10", "2", "00", 0),  # back on GMT
])
def test_the_times_either_side_of_a_change_are_accepted_with_the_right_offset(day, month, hour, minute, offset_hours):
    form = _form((day, month, "2027", hour, minute))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["deadline"].utcoffset() == dt.timedelta(hours=offset_hours)


def test_an_error_from_elsewhere_marks_the_whole_date():
    form = _form(("27", "3", "2027", "14", "30"), ("1", "3", "2027"))
    assert form.is_valid()
    form.add_error("starts", "The contract must start after the submission deadline.")
    assert _marked(form, "starts") == ["day", "month", "year"]
    assert form["starts"].error_anchor == "id_starts_day"
