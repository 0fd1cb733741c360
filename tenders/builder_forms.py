"""Forms for the tender builder: they read and type the input; every rule is the drafting service's.

Each section of the builder is one form. Fields come from the models (so types, choices and
validators match), and only the fields the model has are used: evaluation-rule and standstill
fields other apps add to Tender show up here when they exist.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from common.date_input import GovukDateField, GovukDateTimeField
from pricing.models import RatePreset
from tenders.models import Lot, QualityQuestion, Tender
from tenders.services.drafting import LOT_FIELDS, TENDER_FIELDS


def _present(*names: str) -> list[str]:
    return [name for name in names if name in TENDER_FIELDS]


class _BuilderModelForm(forms.ModelForm):
    """A model form that only reads input: the service validates and saves."""

    def _post_clean(self) -> None:
        # Skip ModelForm's model validation: the drafting service runs it, with every rule at once.
        pass


class DetailsForm(_BuilderModelForm):
    class Meta:
        model = Tender
        fields = ["title", "reference", "service_type", "description"]
        labels = {"reference": "Reference"}
        help_texts = {
            "reference": "Letters, numbers and hyphens. We suggest one; you can change it until the tender is published.",
            "description": "What is being bought, as providers will read it.",
        }

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference"].required = not creating
        self.fields["reference"].validators = []
        if creating:
            self.fields["reference"].help_text = "Leave empty and we will suggest one, such as CRISIS-2026-01."
        self.fields["service_type"].widget = forms.RadioSelect(choices=self.fields["service_type"].choices[1:])


class LotForm(_BuilderModelForm):
    class Meta:
        model = Lot
        fields = list(LOT_FIELDS)
        labels = {
            "hours_per_week": "Hours a week",
            "contract_type": "Block or spot",
            "ceiling_price": "Ceiling price (£ per billed hour, optional)",
            "guaranteed_minimum_hours": "Guaranteed minimum hours a week (optional)",
            "package_pricing": "Also ask for a price per package (reablement)",
            "package_hours": "Hours in one package",
            "package_price_weight": "Share of the price score from the package price (%)",
        }
        help_texts = {"guaranteed_minimum_hours": "Never more than the lot's hours a week."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["zone"].empty_label = "Choose a zone"


class QuestionForm(_BuilderModelForm):
    class Meta:
        model = QualityQuestion
        fields = ["text", "guidance", "weight", "max_score", "word_limit"]
        labels = {
            "text": "Question",
            "guidance": "Guidance and scoring descriptors",
            "weight": "Weight",
            "max_score": "Maximum score",
            "word_limit": "Word limit",
        }
        help_texts = {"weight": "The weights of all questions must add up to 100 before you publish."}


class RulesForm(_BuilderModelForm):
    class Meta:
        model = Tender
        fields = _present(
            "quality_weight", "price_weight", "price_formula", "quality_threshold_percent", "fail_on_zero_score",
            "max_providers_per_lot", "max_lots_per_provider", "unrated_policy", "ceiling_rule", "cqc_gate_scope",
            "tie_break_rule", "opening_requires_two",
        )
        labels = {
            "quality_weight": "Quality weight (%)",
            "price_weight": "Price weight (%)",
            "quality_threshold_percent": "Quality threshold (% of quality marks, optional)",
            "fail_on_zero_score": "A quality answer scored 0 fails the bid",
            "max_providers_per_lot": "Providers awarded per lot",
            "max_lots_per_provider": "Most lots one provider may win (optional)",
            "unrated_policy": "Locations not yet rated by CQC",
            "ceiling_rule": "Bids above a lot's ceiling price",
            "cqc_gate_scope": "CQC Inadequate-rating exclusion looks at",
            "tie_break_rule": "Tie-break rule (published with the tender)",
            "opening_requires_two": "Opening the bids needs two commissioners",
        }


class StandstillForm(_BuilderModelForm):
    class Meta:
        model = Tender
        fields = _present("light_touch", "standstill_observed", "standstill_working_days")
        labels = {
            "light_touch": "Light-touch contract (Procurement Act 2023 s.9)",
            "standstill_observed": "Observe a standstill period",
            "standstill_working_days": "Standstill (working days)",
        }


class MinutesForm(_BuilderModelForm):
    visit_mix = forms.CharField(
        required=False, label="Expected visit mix (optional)",
        help_text="Share of contact hours by visit length in minutes, for example: 30=40, 45=30, 60=30",
    )

    class Meta:
        model = Tender
        fields = _present("contact_minutes", "travel_minutes", "far_above_model_percent")
        labels = {
            "contact_minutes": "Contact minutes in each billed unit",
            "travel_minutes": "Travel minutes in each billed unit",
            "far_above_model_percent": "Flag prices this far above the model's minimum (%)",
        }
        help_texts = {"contact_minutes": "Lancashire buys 60 minutes = 50 contact + 10 travel."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mix = getattr(self.instance, "expected_visit_mix", None) or {}
        if not self.is_bound:
            self.initial["visit_mix"] = ", ".join(f"{k}={v}" for k, v in mix.items())

    def clean_visit_mix(self) -> dict[str, str]:
        text = self.cleaned_data.get("visit_mix", "").strip()
        mix: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
            minutes, _, share = part.partition("=")
            try:
                if not minutes.strip().isdigit():
                    raise InvalidOperation
                mix[str(int(minutes))] = str(Decimal(share.strip().rstrip("%")))
            except InvalidOperation as exc:
                raise forms.ValidationError(
                    f"Write each visit length as minutes=share, for example 30=40 (not “{part}”)."
                ) from exc
        if mix and sum(Decimal(v) for v in mix.values()) != Decimal("100"):
            raise forms.ValidationError("The shares of the visit mix must add up to 100.")
        return mix


class PresetForm(_BuilderModelForm):
    class Meta:
        model = Tender
        fields = ["rate_preset"]
        labels = {"rate_preset": "Cost-of-care model"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["rate_preset"]
        field.queryset = RatePreset.objects.order_by("-effective_from")
        field.required = True
        field.empty_label = None
        field.widget = forms.RadioSelect(choices=field.choices)


class DatesForm(_BuilderModelForm):
    """The four dates as GOV.UK date inputs; the deadlines also take a UK time. The order of the dates is the service's rule."""

    clarification_deadline = GovukDateTimeField(
        required=False, label="Clarification deadline",
        help_text="When clarification questions close. Before the submission deadline.",
    )
    submission_deadline = GovukDateTimeField(
        label="Submission deadline",
        help_text="The tender closes automatically at this moment; it cannot be closed early.",
    )
    contract_start = GovukDateField(
        required=False, label="Contract start date", help_text="After the submission deadline.",
    )
    contract_end = GovukDateField(required=False, label="Contract end date")

    class Meta:
        model = Tender
        fields = ["clarification_deadline", "submission_deadline", "contract_start", "contract_end"]


class DocumentForm(forms.Form):
    title = forms.CharField(max_length=200, label="Document title")
    file = forms.FileField(label="File", help_text="A PDF, Word (.docx) or Excel (.xlsx) file, up to 20 MB.")


class CancelForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label="Why are you cancelling this tender?",
        help_text="Kept in the audit trail and shown to providers who have bid.",
        error_messages={"required": "Give a reason for cancelling the tender."},
    )


class CopyForm(forms.Form):
    reference = forms.CharField(
        required=False, max_length=40, label="Reference for the new tender",
        help_text="Leave empty and we will suggest one.",
    )
