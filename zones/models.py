"""Zones: the geographic districts a county is split into for lotting."""
from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models


class Rurality(models.TextChoices):
    URBAN = "urban", "Urban"
    MIXED = "mixed", "Mixed"
    RURAL = "rural", "Rural"


# A zone with no figures of its own scales the cost-of-care preset's average
# service pattern by its rurality (docs/cost_of_care.md, "Zones"): urban rounds
# are shorter, rural ones longer and on faster roads, so miles rise more than
# minutes. Mixed is the preset's own average.
RURALITY_TRAVEL_FACTOR = {Rurality.URBAN: Decimal("0.85"), Rurality.MIXED: Decimal("1"), Rurality.RURAL: Decimal("1.35")}
RURALITY_MILES_FACTOR = {Rurality.URBAN: Decimal("0.7"), Rurality.MIXED: Decimal("1"), Rurality.RURAL: Decimal("1.6")}

# Shown only where no preset is known (e.g. a zone page): the UKHCA 60 + 11 basis
# with the 2016/17 preset's 3.2 miles. Costing always uses the tender's preset.
REFERENCE_TRAVEL_MINUTES = Decimal("11")
REFERENCE_MILES = Decimal("3.2")


class Zone(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    local_authority = models.CharField(max_length=200)
    rurality = models.CharField(max_length=10, choices=Rurality.choices, default=Rurality.MIXED)
    travel_minutes_per_contact_hour = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="Travel minutes per contact hour; blank scales the cost-of-care preset's average by rurality.",
    )
    miles_per_contact_hour = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="Miles driven per contact hour; blank scales the cost-of-care preset's average by rurality.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["local_authority", "name"], name="zone_name_unique_per_la")]

    def __str__(self) -> str:
        return self.name

    def travel_minutes_for(self, preset_travel_minutes: Decimal) -> Decimal:
        """Travel minutes per contact hour here: the zone's own figure, else the preset's scaled by rurality."""
        if self.travel_minutes_per_contact_hour is not None:
            return self.travel_minutes_per_contact_hour
        return preset_travel_minutes * RURALITY_TRAVEL_FACTOR[Rurality(self.rurality)]

    def miles_for(self, preset_miles: Decimal) -> Decimal:
        """Miles per contact hour here: the zone's own figure, else the preset's scaled by rurality."""
        if self.miles_per_contact_hour is not None:
            return self.miles_per_contact_hour
        return preset_miles * RURALITY_MILES_FACTOR[Rurality(self.rurality)]

    @property
    def effective_travel_minutes(self) -> Decimal:
        """For display where no preset is known; costing uses travel_minutes_for(preset's figure)."""
        return self.travel_minutes_for(REFERENCE_TRAVEL_MINUTES)

    @property
    def effective_miles(self) -> Decimal:
        """For display where no preset is known; costing uses miles_for(preset's figure)."""
        return self.miles_for(REFERENCE_MILES)


class PostcodeDistrict(models.Model):
    """A postcode district (outward code) belongs to exactly one zone."""

    code = models.CharField(max_length=4, unique=True)
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="postcode_districts")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
