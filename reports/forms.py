"""Forms of the award pages: recording a notice's publication on Find a Tender."""
from __future__ import annotations

from typing import Any

from django import forms

from common.date_input import GovukDateTimeField
from tenders.services.award import NOTICE_ID_MAX

# The award page shows one notice form per step, told apart by prefix; each asks about its own notice.
_NOTICES = {"notice": "contract award notice", "details": "contract details notice"}


class NoticeForm(forms.Form):
    """When a notice was published (a UK date and time, the one GOV.UK date input) and its Find a Tender identifier.

    Whether the moment is plausible (not in the future, not before the step it follows) is the service's rule.
    """

    published_at = GovukDateTimeField(
        label="When was the notice published?", name_in_errors="Publication date and time",
        help_text="Use the time Find a Tender shows.",
    )
    notice_id = forms.CharField(
        max_length=NOTICE_ID_MAX, label="Find a Tender notice identifier",
        error_messages={"required": "Enter the Find a Tender notice identifier."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        notice = _NOTICES.get(self.prefix or "")
        if notice:
            self.fields["published_at"].label = f"When was the {notice} published?"
