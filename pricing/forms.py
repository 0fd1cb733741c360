"""The preset form: validation only; saving goes through pricing.services (audited)."""
from __future__ import annotations

from django import forms

from pricing.models import RatePreset
from pricing.services import EDITABLE_FIELDS

# Fieldsets as the edit page shows them: (legend, hint, field names).
FIELDSETS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("About the preset", "", ("slug", "name", "year_label", "effective_from", "is_estimate", "source_note")),
    ("Statutory pay and on-costs",
     "The law sets these each April: National Living Wage, employer National Insurance, auto-enrolment pension"
     " and statutory holiday.",
     ("hourly_pay_rate", "employer_ni_rate", "ni_secondary_threshold_weekly", "pension_rate",
      "pension_lower_limit_weekly", "holiday_pay_percent")),
    ("Other wage on-costs", "Percentages of pay for contact and travel time.",
     ("sick_pay_percent", "training_time_percent", "other_paid_time_percent")),
    ("Mileage, running costs and surplus", "",
     ("pence_per_mile", "running_costs_per_hour", "running_costs_percent", "surplus_percent")),
    ("The typical week and the average service pattern",
     "Zones scale travel minutes and miles by rurality unless a zone has its own figures.",
     ("weekly_contact_hours", "travel_minutes_per_contact_hour", "miles_per_contact_hour")),
)


class RatePresetForm(forms.ModelForm):
    class Meta:
        model = RatePreset
        fields = ["slug", *EDITABLE_FIELDS]
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"})}
        labels = {"slug": "Short name"}
        help_texts = {
            "slug": "Short name used in links and the API, e.g. 2027-28. It cannot change later.",
            "effective_from": "The date the figures apply from, usually 1 April.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["slug"]  # a slug is a permanent name: tenders and links use it
        for field in self.fields.values():
            if isinstance(field, forms.DecimalField):
                field.widget.attrs.setdefault("inputmode", "decimal")
                field.error_messages["invalid"] = "Enter a number."

    def fieldsets(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """Bound fields grouped for the page, skipping fields this form does not have."""
        return [
            (legend, hint, [self[name] for name in names if name in self.fields])
            for legend, hint, names in FIELDSETS
        ]
