"""The worker path: import_cqc_task, eagerly here; through a real worker when a broker is configured."""
from __future__ import annotations

import os
import time

import pytest
from django.db import OperationalError

from common.models import AuditEntry
from cqc import services
from cqc.models import CQCImport, CQCLocation, ImportStatus
from cqc.services import cqc_import_queue
from cqc.tasks import import_cqc_task
from tests.cqc.conftest import FIXTURES, SCENARIO_IDS

needs_broker = pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL"),
    reason="CELERY_BROKER_URL is not set: no broker, so tasks run eagerly and there is no worker to reach",
)


def queue(user, data=None):
    return cqc_import_queue(data=data or FIXTURES.joinpath("scenario.csv").read_bytes(), filename="big.csv", user=user)


@pytest.mark.django_db
def test_the_task_imports_a_queued_file_and_progress_reaches_the_total(commissioner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cqc_import = queue(commissioner)

    cqc_import.refresh_from_db()
    assert cqc_import.status == ImportStatus.DONE
    assert cqc_import.progress_total == 12
    assert cqc_import.progress_done == cqc_import.progress_total
    assert cqc_import.progress_percent == 100
    assert cqc_import.attempts == 1
    assert set(SCENARIO_IDS) <= set(CQCLocation.objects.values_list("location_id", flat=True))
    assert AuditEntry.objects.filter(action="cqc.import_queued").count() == 1


@pytest.mark.django_db
def test_running_a_finished_import_again_does_nothing(commissioner):
    cqc_import = queue(commissioner)
    import_cqc_task.delay(cqc_import.pk)
    audit_entries = AuditEntry.objects.count()

    summary = import_cqc_task.delay(cqc_import.pk).get()

    assert summary["status"] == "done" and summary["new"] == 12
    assert AuditEntry.objects.count() == audit_entries
    cqc_import.refresh_from_db()
    assert cqc_import.attempts == 1


@pytest.mark.django_db
def test_a_bad_file_is_recorded_on_the_import_not_raised(commissioner):
    cqc_import = queue(commissioner, data=b"name,amount\nTea,1.50\n")

    summary = import_cqc_task.delay(cqc_import.pk).get()

    assert summary["status"] == "failed"
    assert "missing columns: Location ID" in summary["error"]
    assert not CQCLocation.objects.exists()


@pytest.mark.django_db
def test_a_transient_error_is_retried(commissioner, monkeypatch):
    cqc_import = queue(commissioner)
    real = services._upsert
    calls = []

    def locked_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_upsert", locked_once)

    assert import_cqc_task.delay(cqc_import.pk).get()["status"] == "done"

    cqc_import.refresh_from_db()
    assert len(calls) == 2
    assert cqc_import.status == ImportStatus.DONE and cqc_import.attempts == 2


@pytest.mark.django_db
def test_the_task_gives_up_after_its_retries_and_says_so(commissioner, monkeypatch):
    cqc_import = queue(commissioner)

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "_upsert", locked)

    summary = import_cqc_task.delay(cqc_import.pk).get()

    assert summary["status"] == "failed"
    cqc_import.refresh_from_db()
    assert cqc_import.status == ImportStatus.FAILED
    assert "failed 6 times on a temporary problem" in cqc_import.error_message
    assert not CQCLocation.objects.exists()


@pytest.mark.django_db
def test_an_unknown_import_id_is_ignored():
    assert import_cqc_task.delay(424242).get() == {"import_id": 424242, "status": "missing"}


@needs_broker
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_on_redis_imports_an_uploaded_file(commissioner):
    cqc_import = queue(commissioner)  # committed (transaction=True), so on_commit sends it to the broker

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        cqc_import.refresh_from_db()
        if cqc_import.is_finished:
            break
        time.sleep(0.5)

    assert cqc_import.status == ImportStatus.DONE, cqc_import.error_message
    assert cqc_import.progress_done == cqc_import.progress_total == 12
    assert set(SCENARIO_IDS) <= set(CQCLocation.objects.values_list("location_id", flat=True))
    assert not CQCImport.objects.filter(pk=cqc_import.pk, upload__isnull=False).exists()
