"""Plain dicts of generated reports for the pages' JavaScript and the API (no business rules)."""
from __future__ import annotations

from typing import Any

from django.urls import reverse

from reports.models import GeneratedReport


def report_data(report: GeneratedReport) -> dict[str, Any]:
    """A report's status and progress; the download URL only once the file is stored."""
    return {
        "id": report.pk,
        "tender": report.tender.reference,
        "kind": report.kind,
        "kind_label": report.get_kind_display(),
        "provider": report.provider.name if report.provider_id else None,
        "provider_id": report.provider_id,
        "evaluation_run": report.evaluation_run.number if report.evaluation_run_id else None,
        "status": report.status,
        "status_label": report.get_status_display(),
        "progress": {
            "done": report.progress_done,
            "total": report.progress_total,
            "label": report.progress_label,
            "percent": report.progress_percent,
        },
        "filename": report.filename or None,
        "sha256": report.sha256 or None,
        "size": report.size if report.is_downloadable else None,
        "context_digest": report.context_digest or None,
        "requested_by": report.requested_by_label,
        "created_at": report.created_at.isoformat(),
        "finished_at": report.finished_at.isoformat() if report.finished_at else None,
        "error": report.error or None,
        "download_url": reverse("api-report-download", args=[report.pk]) if report.is_downloadable else None,
    }
