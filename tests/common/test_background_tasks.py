"""Queued tasks with no broker: on the local server's own threads after commit (`make run`), eagerly in tests."""
from __future__ import annotations

import threading

import pytest
from celery import shared_task
from django.db import transaction
from django.test import override_settings

from common.tasks import TaskBase, runs_in_background, wait_for_background_tasks
from reports import services
from reports.models import ReportKind, ReportStatus

seen: list[str] = []


@shared_task
def record_thread(label: str) -> str:
    seen.append(f"{label}@{threading.current_thread().name}")
    return label


@pytest.fixture(autouse=True)
def _clear():
    seen.clear()
    yield
    wait_for_background_tasks()


def test_every_task_is_built_on_the_base_that_chooses_where_it_runs():
    from reports.tasks import generate_report

    assert isinstance(record_thread, TaskBase) and isinstance(generate_report, TaskBase)


def test_it_runs_tasks_eagerly_in_the_caller_under_the_test_settings():
    assert not runs_in_background()
    assert record_thread.delay("eager").get() == "eager"
    assert seen == [f"eager@{threading.current_thread().name}"]


@override_settings(TASKS_RUN_IN_BACKGROUND=True, CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
def test_a_configured_broker_wins_over_the_background_setting():
    assert not runs_in_background()


@override_settings(TASKS_RUN_IN_BACKGROUND=True)
@pytest.mark.django_db(transaction=True)
def test_without_a_broker_it_runs_on_a_background_thread_only_once_the_transaction_commits():
    with transaction.atomic():
        future = record_thread.delay("committed")
        assert seen == [] and not future.done()  # nothing starts inside the transaction
    assert future.result(timeout=10) == "committed"
    assert len(seen) == 1 and seen[0].startswith("committed@homecare-task")


@override_settings(TASKS_RUN_IN_BACKGROUND=True)
@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_never_starts_its_task():
    with pytest.raises(RuntimeError), transaction.atomic():
        record_thread.delay("rolled back")
        raise RuntimeError("roll back")
    wait_for_background_tasks()
    assert seen == []


@override_settings(TASKS_RUN_IN_BACKGROUND=True)
@pytest.mark.django_db(transaction=True)
def test_a_requested_report_is_queued_at_once_and_finished_in_the_background(commissioner, evaluator, moderator, legal):
    from tests.reports.helpers import evaluated_tender

    tender = evaluated_tender(commissioner, evaluator, moderator)
    report = services.report_request(tender=tender, kind=ReportKind.AWARD_REPORT, user=legal)
    # The row comes back queued, with no file: the request did not wait for the document.
    # No read here while the thread works: the test database is SQLite in memory with a
    # shared cache, where a read that meets the writer's table lock fails at once
    # ("database table is locked") instead of waiting as it would on a file or PostgreSQL.
    assert report.status == ReportStatus.QUEUED and not report.file
    wait_for_background_tasks(timeout=120)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.file.read().startswith(b"%PDF-")
