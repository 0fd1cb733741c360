"""CQC ratings as imported from CQC's "care directory with ratings", and the imports themselves.

One row per CQC location. The long-format rating rows (service group x key question) are
kept as JSON on the location rather than in a child table: the lookup and the exclusion
gate always want all rows of a handful of locations at once, so one indexed read per
location set is the fast path, and an import compares one digest per location instead of
diffing child rows. The five key questions and the overall rating of the location's own
"Overall" group are also columns, for listing and filtering.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models

RATING_HELP = "Blank when the file has no rating for it."


class CQCLocation(models.Model):
    location_id = models.CharField("CQC location ID", max_length=50, unique=True)
    provider_id = models.CharField("CQC provider ID", max_length=50, db_index=True)
    location_name = models.CharField(max_length=300)
    provider_name = models.CharField(max_length=300)
    location_type = models.CharField(max_length=100, blank=True)
    service_types = models.JSONField(default=list, blank=True, help_text="Service / population groups rated.")
    local_authority = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    overall_rating = models.CharField(max_length=40, blank=True, help_text=RATING_HELP)
    safe = models.CharField(max_length=40, blank=True, help_text=RATING_HELP)
    effective = models.CharField(max_length=40, blank=True, help_text=RATING_HELP)
    caring = models.CharField(max_length=40, blank=True, help_text=RATING_HELP)
    responsive = models.CharField(max_length=40, blank=True, help_text=RATING_HELP)
    well_led = models.CharField("well-led", max_length=40, blank=True, help_text=RATING_HELP)
    publication_date = models.DateField(null=True, blank=True, help_text="Latest publication date on any row.")
    url = models.URLField(max_length=300, blank=True)
    rating_rows = models.JSONField(
        default=list, blank=True,
        help_text="Every rating row: [service group, domain, rating, publication date (ISO) or null].",
    )
    is_inadequate = models.BooleanField(default=False, db_index=True, help_text="Inadequate on any row.")
    is_unrated = models.BooleanField(default=False, help_text="No row carries one of the four ratings.")
    content_digest = models.CharField(max_length=64, help_text="SHA-256 of the stored content, to spot changes.")
    changed_by_import = models.ForeignKey(
        "cqc.CQCImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The import that created or last changed this location.",
    )
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["location_id"]
        verbose_name = "CQC location"

    def __str__(self) -> str:
        return f"{self.location_name} ({self.location_id})"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportPhase(models.TextChoices):
    WAITING = "waiting", "Waiting to start"
    READING = "reading", "Reading the file"
    WRITING = "writing", "Comparing and writing the locations"
    FINISHED = "finished", "Finished"


class CQCImport(models.Model):
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size_bytes = models.BigIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="cqc_imports"
    )
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    phase = models.CharField(max_length=10, choices=ImportPhase.choices, default=ImportPhase.WAITING)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0, help_text="Locations in the file, once it is read.")
    rows_read = models.PositiveIntegerField(default=0)
    sheet_name = models.CharField(max_length=100, blank=True)
    count_new = models.PositiveIntegerField(default=0)
    count_updated = models.PositiveIntegerField(default=0)
    count_unchanged = models.PositiveIntegerField(default=0)
    count_rejected = models.PositiveIntegerField(default=0, help_text="Rows rejected (all of them, even if not all listed).")
    rejected_reasons = models.JSONField(default=list, blank=True, help_text="[{row, reason}], the first ones.")
    error_message = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "CQC import"
        constraints = [
            models.CheckConstraint(
                name="cqc_import_progress_within_total",
                condition=models.Q(progress_done__lte=models.F("progress_total")),
            ),
        ]

    def __str__(self) -> str:
        return f"CQC import {self.pk} of {self.filename} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def progress_percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return (100 * self.progress_done // self.progress_total) if self.progress_total else 0


class CQCImportUpload(models.Model):
    """An uploaded file waiting for the worker, kept in the database so the worker needs no shared disk.

    Deleted when its import finishes; the import keeps the file's name, size and SHA-256.
    """

    cqc_import = models.OneToOneField(CQCImport, on_delete=models.CASCADE, related_name="upload")
    content = models.BinaryField()

    def __str__(self) -> str:
        return f"upload for {self.cqc_import_id}"
