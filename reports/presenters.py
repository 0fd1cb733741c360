"""Generated reports as the pages' JavaScript and the API show them (no business rules): plain dicts,
and the download response both the page and the API send."""
from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.urls import reverse

from reports.models import GeneratedReport


def file_response(report: GeneratedReport) -> FileResponse:
    """The download of a stored report (page and API): attachment, content type, digest header, no caching."""
    response = FileResponse(
        report.file.open("rb"), as_attachment=True, filename=report.filename, content_type=report.content_type
    )
    response["X-Content-SHA256"] = report.sha256
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


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
