"""The GOV.UK Design System "date input" as one Django field: Day, Month and Year, and for a moment
in UK time also Hour and Minute (24-hour clock, Europe/London).

Why not `<input type="date">`: browsers render it differently (and some badly with a screen
reader), and it cannot say which part is wrong. This field turns the parts into a `date` or an
aware `datetime` and nothing more; whether a date is early or late enough is the service's rule.

Its errors follow the pattern's wording and name the thing ("Submission deadline must include a
month", "... must be a real date"). Each error carries the parts it is about (`params["parts"]`),
so the page marks only those inputs with `govuk-input--error` and the error summary links to the
first of them; an error without parts (a service's refusal, "must be after ...") is about the whole
date and marks every part.

Clocks changing: UK time skips 01:00-01:59 on the last Sunday of March and repeats it on the last
Sunday of October. A deadline must be one unambiguous instant, so a time that does not exist or
happens twice is refused with an error that says why and what to enter instead (we do not guess).

Use: `GovukDateField(label="Contract start date")`, `GovukDateTimeField(label="Submission deadline")`;
render with templates/_date_input.html (`field.inputs`, `field.hint`, `field.error_anchor`).
"""
from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField

from common.timezone import UK_TZ

DATE_PARTS: tuple[str, ...] = ("day", "month", "year")
TIME_PARTS: tuple[str, ...] = ("hour", "minute")
_LABELS = {"day": "Day", "month": "Month", "year": "Year", "hour": "Hour", "minute": "Minute"}
_WIDTHS = {"day": 2, "month": 2, "year": 4, "hour": 2, "minute": 2}
# The pattern asks services to accept month names, written out or abbreviated ("march", "mar", "sept").
_MONTHS: dict[str, int] = {
    **{calendar.month_name[n].lower(): n for n in range(1, 13)},
    **{calendar.month_abbr[n].lower(): n for n in range(1, 13)},
    "sept": 9,
}


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _clock(hour: int) -> str:
    """GOV.UK style: 1am, midday, 2pm."""
    if hour == 0:
        return "midnight"
    if hour == 12:
        return "midday"
    return f"{hour % 12}{'am' if hour < 12 else 'pm'}"


class GovukDateWidget(forms.MultiWidget):
    """Day, Month, Year (and Hour, Minute) text inputs named `<name>_day`, `<name>_month`..."""

    input_type = "govuk-date"  # what templates/tenders/builder/_field.html branches on

    def __init__(self, with_time: bool = False, attrs: dict[str, Any] | None = None) -> None:
        self.parts = DATE_PARTS + (TIME_PARTS if with_time else ())
        super().__init__({part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in self.parts}, attrs)

    def decompress(self, value: Any) -> list[str | None]:
        """A stored value as the parts a person reads: an aware datetime in UK time, hours and minutes as 09 05."""
        if isinstance(value, dt.datetime):
            local = value.astimezone(UK_TZ) if value.tzinfo is not None else value
            parts: list[str | None] = [
                str(local.day), str(local.month), str(local.year), f"{local.hour:02d}", f"{local.minute:02d}",
            ]
            return parts[: len(self.parts)]
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year), None, None][: len(self.parts)]
        return [None] * len(self.parts)


class GovukDateField(forms.Field):
    """A calendar date typed as Day / Month / Year; cleans to `datetime.date` (or None when optional and empty)."""

    with_time = False
    example = "For example, 27 3 2027"

    def __init__(self, *, name_in_errors: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", GovukDateWidget(with_time=self.with_time))
        super().__init__(**kwargs)
        self.name_in_errors = name_in_errors

    @property
    def parts(self) -> tuple[str, ...]:
        return DATE_PARTS + (TIME_PARTS if self.with_time else ())

    # --- errors ------------------------------------------------------------------------------------

    def _name(self) -> str:
        return self.name_in_errors or str(self.label or "Date")

    def _error(self, message: str, code: str, parts: tuple[str, ...] | list[str]) -> ValidationError:
        return ValidationError(message, code=code, params={"parts": tuple(parts)})

    def _missing(self, missing: list[str]) -> str:
        """ "must include a month", "a day and month", "a month, year and hour", "a date", "a time"."""
        dates = [p for p in DATE_PARTS if p in missing]
        times = [p for p in TIME_PARTS if p in missing]
        words = (["date"] if len(dates) == 3 else dates) + (["time"] if len(times) == 2 else times)
        return f"{self._name()} must include {'an' if words[0] == 'hour' else 'a'} {_and(words)}"

    # --- cleaning ----------------------------------------------------------------------------------

    def get_bound_field(self, form: forms.BaseForm, field_name: str) -> BoundField:
        return GovukDateBoundField(form, self, field_name)

    def clean(self, value: Any) -> dt.date | dt.datetime | None:
        raw = self._raw(value)
        if not any(raw.values()):
            if self.required:
                name = self._name()
                raise self._error(f"Enter the {name[0].lower()}{name[1:]}", "required", self.parts)
            return None
        missing = [part for part in self.parts if not raw[part]]
        if missing:
            raise self._error(self._missing(missing), "incomplete", missing)
        day, month, year = self._date_parts(raw)
        hour, minute = self._time_parts(raw) if self.with_time else (0, 0)
        if not self.with_time:
            return dt.date(year, month, day)
        return self._uk_moment(dt.datetime(year, month, day, hour, minute, tzinfo=UK_TZ))

    def _raw(self, value: Any) -> dict[str, str]:
        values = list(value) if isinstance(value, list | tuple) else []
        values += [""] * (len(self.parts) - len(values))
        return {part: str(v or "").strip() for part, v in zip(self.parts, values, strict=False)}

    def _date_parts(self, raw: dict[str, str]) -> tuple[int, int, int]:
        year_text = raw["year"]
        if year_text.isdigit() and len(year_text) != 4:
            raise self._error(f"The year of the {self._name()[0].lower()}{self._name()[1:]} must include 4 numbers",
                              "year_digits", ["year"])
        month = int(raw["month"]) if raw["month"].isdigit() else _MONTHS.get(raw["month"].lower().rstrip("."), 0)
        day = int(raw["day"]) if raw["day"].isdigit() else 0
        year = int(year_text) if year_text.isdigit() else 0
        wrong = []
        if not 1 <= day <= (calendar.monthrange(year or 2000, month)[1] if 1 <= month <= 12 else 31):
            wrong.append("day")
        if not 1 <= month <= 12:
            wrong.append("month")
        if not year:
            wrong.append("year")
        if wrong:
            raise self._error(f"{self._name()} must be a real date", "invalid_date", wrong)
        return day, month, year

    def _time_parts(self, raw: dict[str, str]) -> tuple[int, int]:
        hour = int(raw["hour"]) if raw["hour"].isdigit() else -1
        minute = int(raw["minute"]) if raw["minute"].isdigit() else -1
        wrong = [part for part, value, top in (("hour", hour, 23), ("minute", minute, 59)) if not 0 <= value <= top]
        if wrong:
            raise self._error(f"{self._name()} must be a real time, from 00 00 to 23 59", "invalid_time", wrong)
        return hour, minute

    def _uk_moment(self, local: dt.datetime) -> dt.datetime:
        """The instant a UK wall-clock time names; refused when the clocks make it none or two."""
        there_and_back = local.astimezone(dt.UTC).astimezone(UK_TZ)
        on = f"{local.day} {local:%B %Y}"
        start, end = _clock(local.hour), _clock(local.hour + 1)
        if there_and_back.replace(tzinfo=None) != local.replace(tzinfo=None):  # skipped when the clocks go forward
            raise self._error(
                f"{self._name()} is at a time that does not exist in the UK: the clocks go forward from "
                f"{start} to {end} on {on}. Enter a time before {start} or from {end}",
                "nonexistent_time", TIME_PARTS,
            )
        if local.utcoffset() != local.replace(fold=1).utcoffset():  # repeated when the clocks go back
            raise self._error(
                f"{self._name()} is at a time that happens twice in the UK: the clocks go back from "
                f"{end} to {start} on {on}. Enter a time before {start} or from {end}",
                "ambiguous_time", TIME_PARTS,
            )
        return local


class GovukDateTimeField(GovukDateField):
    """A moment in UK time typed as Day / Month / Year / Hour / Minute; cleans to an aware datetime (Europe/London)."""

    with_time = True
    example = "For example, 27 3 2027 and 14 30 for 2:30pm, UK time"


class GovukDateBoundField(BoundField):
    """What templates/_date_input.html needs: each input with its value and whether it is in error."""

    field: GovukDateField

    def error_parts(self) -> set[str]:
        parts: set[str] = set()
        for error in self.errors.as_data():
            params = error.params if isinstance(error.params, dict) else {}
            parts.update(params.get("parts") or self.field.parts)  # no parts: about the whole date
        return parts

    @property
    def inputs(self) -> list[dict[str, Any]]:
        value = self.value()
        widget = self.field.widget
        values = value if isinstance(value, list | tuple) else widget.decompress(value)
        in_error = self.error_parts()
        return [
            {
                "part": part, "label": _LABELS[part], "width": _WIDTHS[part], "error": part in in_error,
                "name": f"{self.html_name}_{part}", "id": f"{self.auto_id}_{part}",
                "value": "" if raw is None else str(raw),
            }
            for part, raw in zip(self.field.parts, values, strict=False)
        ]

    @property
    def hint(self) -> str:
        return " ".join(filter(None, (f"{self.field.example}.", str(self.help_text or ""))))

    @property
    def error_anchor(self) -> str:
        """The id the error summary links to: the first input in error (the pattern's rule), else the first input."""
        in_error = self.error_parts()
        first = next((part for part in self.field.parts if part in in_error), self.field.parts[0])
        return f"{self.auto_id}_{first}"
