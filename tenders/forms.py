"""Forms for the provider portal and the commissioner's bidding pages.

Forms only read and tidy input; the rules live in tenders.bidding_rules and the services.
Every error names the field it belongs to, so the GOV.UK error summary can link to it.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from common.date_input import GovukDateTimeField
from tenders.bidding_rules import (
    DECLARATIONS,
    MAX_PACKAGE_PRICE,
    BidInputError,
    parse_location_ids,
    parse_price,
    word_count,
)
from tenders.models import Lot, QualityQuestion


class PricesForm(forms.Form):
    """One checkbox per lot, with an hourly price (and a package price where the lot asks for one)."""

    def __init__(self, *args: Any, lots: list[Lot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lots = lots
        for lot in lots:
            self.fields[f"lot_{lot.pk}"] = forms.BooleanField(required=False)
            self.fields[f"hourly_{lot.pk}"] = forms.CharField(required=False, max_length=20, strip=True)
            if lot.package_pricing:
                self.fields[f"package_{lot.pk}"] = forms.CharField(required=False, max_length=20, strip=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        prices: dict[int, tuple[Decimal, Decimal | None]] = {}
        for lot in self.lots:
            if not data.get(f"lot_{lot.pk}"):
                continue
            hourly = package = None
            try:
                hourly = parse_price(data.get(f"hourly_{lot.pk}"), label=f"hourly price for lot {lot.number}")
            except BidInputError as exc:
                self.add_error(f"hourly_{lot.pk}", exc.message)
            if lot.package_pricing:
                try:
                    package = parse_price(
                        data.get(f"package_{lot.pk}"), label=f"package price for lot {lot.number}", maximum=MAX_PACKAGE_PRICE
                    )
                except BidInputError as exc:
                    self.add_error(f"package_{lot.pk}", exc.message)
                    continue
            if hourly is not None:
                prices[lot.pk] = (hourly, package)
        if not prices and not self.errors:
            first = self.lots[0].pk if self.lots else None
            self.add_error(f"lot_{first}" if first else None, "Choose at least one lot you are bidding for.")
        data["prices"] = prices
        return data

    def rows(self) -> list[dict[str, Any]]:
        """Per-lot bound fields for the template."""
        return [
            {
                "lot": lot,
                "selected": self[f"lot_{lot.pk}"],
                "hourly": self[f"hourly_{lot.pk}"],
                "package": self[f"package_{lot.pk}"] if lot.package_pricing else None,
            }
            for lot in self.lots
        ]


class LocationsForm(forms.Form):
    locations = forms.CharField(
        widget=forms.Textarea, max_length=2000, strip=True,
        error_messages={"required": "Enter at least one CQC location ID, like 1-123456789."},
    )

    def clean_locations(self) -> list[str]:
        try:
            ids = parse_location_ids(self.cleaned_data["locations"])
        except BidInputError as exc:
            raise forms.ValidationError(exc.message) from exc
        if not ids:
            raise forms.ValidationError("Enter at least one CQC location ID, like 1-123456789.")
        return ids


class AnswerForm(forms.Form):
    answer = forms.CharField(widget=forms.Textarea, required=False, strip=True, max_length=100_000)

    def __init__(self, *args: Any, question: QualityQuestion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question = question

    def clean_answer(self) -> str:
        text = self.cleaned_data["answer"]
        words = word_count(text)
        if words > self.question.word_limit:
            raise forms.ValidationError(
                f"Your answer has {words} words; the limit is {self.question.word_limit}. Shorten it by"
                f" {words - self.question.word_limit} words and save again."
            )
        return text


class DocumentForm(forms.Form):
    document = forms.FileField(
        error_messages={"required": "Choose a file to upload.", "empty": "The file you chose is empty."},
    )
    # Price documents stay sealed with the prices until the price envelope is opened.
    envelope = forms.ChoiceField(
        choices=[("quality", "It supports my quality answers"), ("price", "It explains or breaks down my prices")],
        initial="quality", required=False,  # unsaid means quality, as before the choice existed
    )


class DeclarationsForm(forms.Form):
    declarations = forms.MultipleChoiceField(
        choices=list(DECLARATIONS.items()), widget=forms.CheckboxSelectMultiple, required=False,
    )

    def clean_declarations(self) -> list[str]:
        chosen = self.cleaned_data["declarations"]
        if set(chosen) != set(DECLARATIONS):
            raise forms.ValidationError(
                "Confirm every declaration. If you cannot make one of them, contact the council before bidding."
            )
        return chosen


class SubmitForm(forms.Form):
    idempotency_key = forms.CharField(max_length=64, required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea, required=False, max_length=1000, strip=True)
    confirm = forms.BooleanField(error_messages={"required": "Tick the box to confirm you want to withdraw your bid."})


class ClarificationForm(forms.Form):
    question = forms.CharField(
        widget=forms.Textarea, max_length=3000, strip=True,
        error_messages={"required": "Enter your question.", "max_length": "Your question must be 3000 characters or fewer."},
    )


class ClarificationAnswerForm(forms.Form):
    published_question = forms.CharField(widget=forms.Textarea, max_length=3000, strip=True, required=False)
    answer = forms.CharField(
        widget=forms.Textarea, max_length=10000, strip=True, error_messages={"required": "Enter the answer."}
    )


class AmendmentForm(forms.Form):
    """An addendum: any of new deadlines, a revised specification, lot hours or ceilings, documents."""

    summary = forms.CharField(
        widget=forms.Textarea, max_length=5000, strip=True,
        error_messages={"required": "Say what the amendment changes and why; bidders will read it."},
    )
    # Optional: left empty, a deadline stays as it is. Whether a new one is late enough is the service's rule.
    submission_deadline = GovukDateTimeField(
        required=False, label="New submission deadline", help_text="Leave it empty to keep the current deadline.",
    )
    clarification_deadline = GovukDateTimeField(
        required=False, label="New clarification deadline",
        help_text="Before the submission deadline. Leave it empty to keep the current one.",
    )
    description = forms.CharField(widget=forms.Textarea, required=False, strip=True, max_length=50000)

    def __init__(self, *args: Any, lots: list[Lot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lots = lots
        for lot in lots:
            self.fields[f"hours_{lot.pk}"] = forms.CharField(required=False, max_length=12, strip=True)
            self.fields[f"ceiling_{lot.pk}"] = forms.CharField(required=False, max_length=12, strip=True)

    def _decimal(self, name: str, label: str) -> Decimal | None:
        raw = (self.cleaned_data.get(name) or "").replace("£", "").replace(",", "").strip()
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.add_error(name, f"Enter the {label} as a number.")
            return None
        if not value.is_finite() or value <= 0:
            self.add_error(name, f"The {label} must be more than 0.")
            return None
        return value.quantize(Decimal("0.01"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["lot_hours"] = {}
        data["lot_ceilings"] = {}
        for lot in self.lots:
            hours = self._decimal(f"hours_{lot.pk}", f"hours a week for lot {lot.number}")
            if hours is not None:
                data["lot_hours"][lot.pk] = hours
            ceiling = self._decimal(f"ceiling_{lot.pk}", f"ceiling price for lot {lot.number}")
            if ceiling is not None:
                data["lot_ceilings"][lot.pk] = ceiling
        return data

    def lot_rows(self) -> list[dict[str, Any]]:
        return [{"lot": lot, "hours": self[f"hours_{lot.pk}"], "ceiling": self[f"ceiling_{lot.pk}"]} for lot in self.lots]


class OpenBidsForm(forms.Form):
    """Opening: the second commissioner confirms with their own password when the tender needs two."""

    second_username = forms.CharField(required=False, max_length=150, strip=True)
    second_password = forms.CharField(required=False, widget=forms.PasswordInput, max_length=200)
