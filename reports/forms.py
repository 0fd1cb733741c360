"""Forms of the award pages: recording a notice's publication on Find a Tender."""
from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from common.timezone import UK_TZ
from tenders.services.award import NOTICE_ID_MAX

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class NoticeForm(forms.Form):
    """When a notice was published (UK date and time) and its Find a Tender identifier."""

    published_day = forms.IntegerField(min_value=1, max_value=31, error_messages={"required": "Enter the day."})
    published_month = forms.IntegerField(min_value=1, max_value=12, error_messages={"required": "Enter the month."})
    published_year = forms.IntegerField(min_value=2020, max_value=2100, error_messages={"required": "Enter the year."})
    published_time = forms.CharField(error_messages={"required": "Enter the time, for example 09:30."})
    notice_id = forms.CharField(
        max_length=NOTICE_ID_MAX, label="Find a Tender notice identifier",
        error_messages={"required": "Enter the Find a Tender notice identifier."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        match = _TIME.match((data.get("published_time") or "").strip())
        if data.get("published_time") and not match:
            self.add_error("published_time", "Enter the time as hours and minutes, for example 09:30.")
        if self.errors:
            return data
        try:
            day = date(data["published_year"], data["published_month"], data["published_day"])
        except ValueError:
            self.add_error("published_day", "Enter a real date.")
            return data
        assert match is not None
        local = datetime.combine(day, time(int(match.group(1)), int(match.group(2))))
        data["published_at"] = timezone.make_aware(local, UK_TZ)
        return data
