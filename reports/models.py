"""Generated reports: each document or export made from a tender's evaluation, with its digest.

A row is created queued when someone asks for a document; the Celery task renders it,
updating the progress fields as it goes, and only then stores the file, its SHA-256 and
size in one transaction. So a row either has a complete, hashed file (done) or none at all
(queued, running, failed): a task that dies half way never leaves a file to download.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class ReportKind(models.TextChoices):
    AWARD_REPORT = "award_report", "Award report (PDF)"
    ASSESSMENT_SUMMARY = "assessment_summary", "Assessment summary (PDF)"
    STANDSTILL_LETTER = "standstill_letter", "Award and standstill letter (PDF)"
    UNSUCCESSFUL_LETTER = "unsuccessful_letter", "Unsuccessful bidder letter (PDF)"
    EVALUATION_MATRIX_CSV = "evaluation_matrix_csv", "Evaluation matrix (CSV)"
    EVALUATION_MATRIX_XLSX = "evaluation_matrix_xlsx", "Evaluation matrix (XLSX)"
    CQC_SNAPSHOT = "cqc_snapshot", "CQC ratings of all bidders (XLSX)"


# Documents addressed to one bidder: the row names the provider.
PER_BIDDER_KINDS = frozenset(
    {ReportKind.ASSESSMENT_SUMMARY, ReportKind.STANDSTILL_LETTER, ReportKind.UNSUCCESSFUL_LETTER}
)
# Sorted, so the constraint (and its migration) is the same whatever the set's iteration order.
PER_BIDDER_KIND_VALUES = sorted(kind.value for kind in PER_BIDDER_KINDS)


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


def report_upload_to(instance: GeneratedReport, filename: str) -> str:
    return f"reports/{instance.tender.reference}/{instance.pk}-{filename}"


class GeneratedReport(models.Model):
    tender = models.ForeignKey("tenders.Tender", on_delete=models.PROTECT, related_name="generated_reports")
    kind = models.CharField(max_length=30, choices=ReportKind.choices)
    provider = models.ForeignKey(
        "providers.Provider", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The bidder a per-bidder document is addressed to.",
    )
    evaluation_run = models.ForeignKey(
        "evaluation.EvaluationRun", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The evaluation run the document was generated from.",
    )
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_label = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to=report_upload_to, max_length=300, blank=True)
    filename = models.CharField(max_length=200, blank=True, help_text="The name the download is offered under.")
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    context_digest = models.CharField(
        max_length=64, blank=True,
        help_text="SHA-256 of the figures (reports.context.context_digest): equal for documents from the same evaluation.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(
        null=True, blank=True, help_text="When a per-bidder document was issued to the bidder through the portal."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="report_progress_within_total", condition=Q(progress_done__lte=F("progress_total"))
            ),
            models.CheckConstraint(
                name="report_file_only_when_done",
                condition=Q(status="done") | (Q(file="") & Q(sha256="")),
            ),
            models.CheckConstraint(
                name="report_done_has_file_and_digest",
                condition=~Q(status="done") | (~Q(file="") & ~Q(sha256="")),
            ),
            models.CheckConstraint(
                name="report_per_bidder_names_provider",
                condition=Q(kind__in=PER_BIDDER_KIND_VALUES, provider__isnull=False)
                | (~Q(kind__in=PER_BIDDER_KIND_VALUES) & Q(provider__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        who = f" for {self.provider}" if self.provider_id else ""
        return f"{self.get_kind_display()}{who}, {self.tender.reference} (#{self.pk}, {self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)

    @property
    def is_downloadable(self) -> bool:
        return self.status == ReportStatus.DONE and bool(self.file)

    @property
    def progress_percent(self) -> int:
        if self.status == ReportStatus.DONE:
            return 100
        return (100 * self.progress_done // self.progress_total) if self.progress_total else 0
