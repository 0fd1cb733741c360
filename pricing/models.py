"""Rate presets: dated, editable assumptions for the cost-of-care model.

The sixteen assumption fields are the inputs of `pricing.cost_model.RateAssumptions`
(same names); the shipped presets are loaded from `pricing/preset_data.py` by a
data migration, and commissioners edit them through `pricing.services`.
"""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from pricing.cost_model import RATE_ASSUMPTION_FIELDS, RateAssumptions, assumptions_from_mapping

_NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]
_PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("99.999"))]

# Percentages below 100 (a 100% on-cost or mark-up is not a model, it is a typo).
PERCENT_FIELDS: tuple[str, ...] = (
    "employer_ni_rate",
    "pension_rate",
    "holiday_pay_percent",
    "sick_pay_percent",
    "training_time_percent",
    "other_paid_time_percent",
    "running_costs_percent",
    "surplus_percent",
)
# Assumptions in pounds (shown to the penny); the rest are percentages, pence, minutes, miles or hours.
MONEY_FIELDS: tuple[str, ...] = (
    "hourly_pay_rate",
    "ni_secondary_threshold_weekly",
    "pension_lower_limit_weekly",
    "running_costs_per_hour",
)
NOT_NEGATIVE_FIELDS: tuple[str, ...] = (
    "ni_secondary_threshold_weekly",
    "pension_lower_limit_weekly",
    "pence_per_mile",
    "running_costs_per_hour",
    "travel_minutes_per_contact_hour",
    "miles_per_contact_hour",
)


def _percent(label: str, help_text: str) -> models.DecimalField:
    return models.DecimalField(label, max_digits=6, decimal_places=3, validators=_PERCENT, help_text=help_text)


def _amount(label: str, help_text: str, max_digits: int = 8) -> models.DecimalField:
    return models.DecimalField(
        label, max_digits=max_digits, decimal_places=2, validators=_NOT_NEGATIVE, help_text=help_text
    )


class RatePreset(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    year_label = models.CharField(max_length=20, help_text="Financial year, e.g. 2020/21.")
    effective_from = models.DateField()
    is_estimate = models.BooleanField(default=False, help_text="Not yet confirmed by a published source.")
    source_note = models.TextField(blank=True)

    # Statutory inputs.
    hourly_pay_rate = models.DecimalField(
        "Care worker pay (£ an hour)", max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Care worker pay, £ an hour (at least the National Living Wage).",
    )
    employer_ni_rate = _percent("Employer National Insurance (%)", "Employer National Insurance, % of pay above the secondary threshold.")
    ni_secondary_threshold_weekly = _amount("NI secondary threshold (£ a week)", "Employer NI secondary threshold, £ a week.")
    pension_rate = _percent("Employer pension (%)", "Employer pension, % of qualifying earnings (auto-enrolment minimum).")
    pension_lower_limit_weekly = _amount("Pension lower earnings limit (£ a week)", "Qualifying earnings lower limit, £ a week.")
    holiday_pay_percent = _percent("Holiday pay (%)", "Holiday pay, % of pay for hours worked (5.6 weeks / 46.4 = 12.07%).")
    # Other wage on-costs.
    sick_pay_percent = _percent("Sick pay (%)", "Sick pay, % of contact and travel pay.")
    training_time_percent = _percent("Paid training time (%)", "Paid training time, % of contact and travel pay.")
    other_paid_time_percent = _percent("Other paid non-contact time (%)", "Other paid non-contact time (supervision, meetings), % of contact and travel pay.")
    # Mileage, running costs and surplus.
    pence_per_mile = _amount("Mileage rate (pence a mile)", "Mileage paid to care workers, pence a mile.", max_digits=6)
    running_costs_per_hour = _amount("Running costs (£ per contact hour)", "Cost of running the business, £ per contact hour.", max_digits=6)
    running_costs_percent = _percent("Running costs (% of price)", "Cost of running the business, % of the final price (on top of the £ figure).")
    surplus_percent = _percent("Surplus (% of costs)", "Surplus, % mark-up on all costs.")
    # The typical care worker's week and the default service pattern.
    weekly_contact_hours = models.DecimalField(
        "Contact hours in a typical week", max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("168"))],
        help_text="Contact hours in a typical care worker's week (NI and pension thresholds are weekly).",
    )
    travel_minutes_per_contact_hour = _amount(
        "Travel minutes per contact hour", "Average travel minutes per contact hour; zones scale this by rurality.", max_digits=6
    )
    miles_per_contact_hour = _amount("Miles per contact hour", "Average miles driven per contact hour; zones scale this by rurality.", max_digits=6)

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(name="preset_pay_rate_positive", condition=Q(hourly_pay_rate__gt=0)),
            models.CheckConstraint(name="preset_weekly_hours_positive", condition=Q(weekly_contact_hours__gt=0)),
            *[
                models.CheckConstraint(name=f"preset_{name}_0_to_100", condition=Q(**{f"{name}__gte": 0, f"{name}__lt": 100}))
                for name in PERCENT_FIELDS
            ],
            *[
                models.CheckConstraint(name=f"preset_{name}_not_negative", condition=Q(**{f"{name}__gte": 0}))
                for name in NOT_NEGATIVE_FIELDS
            ],
        ]

    def __str__(self) -> str:
        flag = self.is_estimate and "estimate" not in self.name.lower()
        return f"{self.name}{' (estimate)' if flag else ''}"

    def assumption_values(self) -> dict[str, Decimal]:
        """The sixteen model inputs, by RateAssumptions field name."""
        return {name: getattr(self, name) for name in RATE_ASSUMPTION_FIELDS}

    def clean(self) -> None:
        """Refuse assumptions the model cannot price (e.g. running costs % leaving nothing for care)."""
        values = self.assumption_values()
        if any(value is None for value in values.values()):
            return  # the missing fields get their own "required" errors
        for name, value in values.items():
            field = self._meta.get_field(name)
            try:
                values[name] = field.to_python(value)
                field.run_validators(values[name])
            except ValidationError:
                return  # clean_fields reports it once, against the field
        try:
            assumptions_from_mapping(values)
        except (TypeError, ValueError) as exc:  # the pure model's own checks, e.g. running costs % vs surplus
            message = str(exc)
            named = next((name for name in RATE_ASSUMPTION_FIELDS if message.startswith(name)), None)
            raise ValidationError({named: message} if named else message) from exc

    def assumptions(self) -> RateAssumptions:
        """The model inputs as the pure cost model takes them; ValueError if they cannot be priced."""
        return assumptions_from_mapping(self.assumption_values())
