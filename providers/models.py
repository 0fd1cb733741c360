"""Providers: the independent care organisations that bid."""
from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models


class ProviderStatus(models.TextChoices):
    PENDING = "pending", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


companies_house_number = RegexValidator(
    r"^(?:[0-9]{8}|[A-Z]{2}[0-9]{6})$",
    "A Companies House number is 8 digits, or 2 letters and 6 digits (e.g. 01234567 or SC123456).",
)
cqc_provider_id = RegexValidator(r"^1-[0-9]{6,12}$", "A CQC provider ID looks like 1-101234567.")


class Provider(models.Model):
    name = models.CharField("organisation name", max_length=200, unique=True)
    companies_house_number = models.CharField(max_length=8, unique=True, validators=[companies_house_number])
    cqc_provider_id = models.CharField("CQC provider ID", max_length=20, unique=True, validators=[cqc_provider_id])
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    # Regulation 31 of the Procurement Regulations 2024: assessment summaries give the winning
    # supplier's name, postal address, email and unique identifier (Companies House number).
    registered_address = models.TextField(blank=True, help_text="Registered office postal address.")
    status = models.CharField(max_length=10, choices=ProviderStatus.choices, default=ProviderStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True, help_text="When the registration was approved or rejected.")
    decision_note = models.TextField(
        blank=True, help_text="Why: 'approved automatically after checks', or the commissioner's reason."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
