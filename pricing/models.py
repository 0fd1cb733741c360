"""Rate presets: dated, editable assumptions for the cost-of-care model."""
from __future__ import annotations

from django.db import models


class RatePreset(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    year_label = models.CharField(max_length=20, help_text="Financial year, e.g. 2020/21.")
    effective_from = models.DateField()
    is_estimate = models.BooleanField(default=False, help_text="Not yet confirmed by a published source.")
    source_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.name}{' (estimate)' if self.is_estimate else ''}"
