"""Zones: the geographic districts a county is split into for lotting."""
from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models


class Rurality(models.TextChoices):
    URBAN = "urban", "Urban"
    MIXED = "mixed", "Mixed"
    RURAL = "rural", "Rural"


# Defaults when a zone has no figures of its own; the pricing documentation says why.
DEFAULT_TRAVEL_MINUTES = {Rurality.URBAN: Decimal("10"), Rurality.MIXED: Decimal("12"), Rurality.RURAL: Decimal("16")}
DEFAULT_MILES = {Rurality.URBAN: Decimal("3"), Rurality.MIXED: Decimal("4.5"), Rurality.RURAL: Decimal("7")}


class Zone(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    local_authority = models.CharField(max_length=200)
    rurality = models.CharField(max_length=10, choices=Rurality.choices, default=Rurality.MIXED)
    travel_minutes_per_contact_hour = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="Travel minutes per contact hour; blank uses the rurality default.",
    )
    miles_per_contact_hour = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="Miles driven per contact hour; blank uses the rurality default.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["local_authority", "name"], name="zone_name_unique_per_la")]

    def __str__(self) -> str:
        return self.name

    @property
    def effective_travel_minutes(self) -> Decimal:
        return self.travel_minutes_per_contact_hour if self.travel_minutes_per_contact_hour is not None else DEFAULT_TRAVEL_MINUTES[self.rurality]

    @property
    def effective_miles(self) -> Decimal:
        return self.miles_per_contact_hour if self.miles_per_contact_hour is not None else DEFAULT_MILES[self.rurality]


class PostcodeDistrict(models.Model):
    """A postcode district (outward code) belongs to exactly one zone."""

    code = models.CharField(max_length=4, unique=True)
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="postcode_districts")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
