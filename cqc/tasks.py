"""The worker side of CQC uploads: large files are imported here, by import ID."""
from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from cqc.models import CQCImport, ImportStatus
from cqc.services import TRANSIENT_ERRORS, CQCImportError, cqc_import_fail, cqc_import_run

logger = logging.getLogger(__name__)


def _summary(cqc_import: CQCImport) -> dict[str, Any]:
    return {
        "import_id": cqc_import.pk,
        "status": cqc_import.status,
        "new": cqc_import.count_new,
        "updated": cqc_import.count_updated,
        "unchanged": cqc_import.count_unchanged,
        "rejected": cqc_import.count_rejected,
        "error": cqc_import.error_message,
    }


@shared_task(bind=True, max_retries=5, acks_late=True, time_limit=1800, soft_time_limit=1740)
def import_cqc_task(self, import_id: int) -> dict[str, Any]:
    """Run one queued import. Idempotent: a finished import (done or failed) is left as it is.

    The upsert is one transaction, so a run that dies half-way changed nothing and can be
    re-run; transient database or connection errors are retried with backoff; a bad file
    is recorded on the import, not raised. The real ratings file (~320k rows) takes well
    under the time limit.
    """
    cqc_import = CQCImport.objects.filter(pk=import_id).first()
    if cqc_import is None:
        logger.warning("CQC import %s does not exist", import_id)
        return {"import_id": import_id, "status": "missing"}
    if cqc_import.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return _summary(cqc_import)
    try:
        cqc_import = cqc_import_run(cqc_import=cqc_import)
    except CQCImportError as exc:
        cqc_import = exc.cqc_import or cqc_import
    except SoftTimeLimitExceeded:
        cqc_import_fail(cqc_import=cqc_import, message="the import took too long and was stopped; nothing was changed")
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            logger.error("CQC import %s given up after %s attempts: %s", import_id, self.max_retries + 1, exc)
            cqc_import_fail(cqc_import=cqc_import, message=f"the import failed {self.max_retries + 1} times "
                                                           f"on a temporary problem and was given up: {exc}")
        elif self.request.is_eager:
            # No broker, so no worker to come back later: retry here and now.
            return self.apply(args=[import_id], retries=self.request.retries + 1, throw=False).result
        else:
            raise self.retry(exc=exc, countdown=min(300, 5 * 2 ** self.request.retries)) from exc
    cqc_import.refresh_from_db()
    return _summary(cqc_import)
