"""The worker side of report generation: render and store one report, by ID."""
from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from reports.models import GeneratedReport
from reports.services import TRANSIENT_ERRORS, report_fail, report_generate

logger = logging.getLogger(__name__)


def _summary(report: GeneratedReport | None, report_id: int) -> dict[str, Any]:
    if report is None:
        return {"report_id": report_id, "status": "missing"}
    return {
        "report_id": report.pk,
        "status": report.status,
        "sha256": report.sha256,
        "size": report.size,
        "file": report.file.name if report.file else "",
        # The worker's own path to the file, for a worker test on the same machine.
        "path": report.file.path if report.file else "",
        "error": report.error,
    }


@shared_task(bind=True, max_retries=3, acks_late=True, time_limit=900, soft_time_limit=840)
def generate_report(self, report_id: int) -> dict[str, Any]:
    """Generate one queued report. Idempotent: a report already done or failed is left as it is.

    Nothing is stored until the whole document is rendered and hashed, so a task killed
    half way leaves no file; transient database or connection errors are retried with
    backoff and, when retries run out, the report is marked failed with the reason.
    """
    try:
        report = report_generate(report_id=report_id)
    except SoftTimeLimitExceeded:
        report = report_fail(report_id=report_id, message="generation took too long and was stopped; no file was kept")
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            logger.error("report %s given up after %s attempts: %s", report_id, self.max_retries + 1, exc)
            report = report_fail(
                report_id=report_id,
                message=f"generation failed {self.max_retries + 1} times on a temporary problem and was given up: {exc}",
            )
        elif self.request.is_eager:
            # No broker, so no worker to come back later: retry here and now.
            return self.apply(args=[report_id], retries=self.request.retries + 1, throw=False).result
        else:
            raise self.retry(exc=exc, countdown=min(300, 5 * 2 ** self.request.retries)) from exc
    return _summary(report, report_id)
