"""Generating a stored report: the task renders, hashes and stores; progress; failures keep no file; idempotent."""
from __future__ import annotations

import hashlib
import os

import pytest
from django.db import OperationalError

from common.errors import PermissionDeniedError, RuleViolation
from common.models import AuditEntry
from reports import pdf, services
from reports.models import GeneratedReport, ReportKind, ReportStatus
from reports.tasks import generate_report
from tests.evaluation.helpers import opened_tender
from tests.reports.helpers import ALPHA, BRAVO, CHARLIE, evaluated_tender

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender(commissioner, evaluator, moderator):
    return evaluated_tender(commissioner, evaluator, moderator)


def _request(tender, user, kind=ReportKind.AWARD_REPORT, provider=None, capture=None):
    with capture(execute=True):
        report = services.report_request(tender=tender, kind=kind, user=user, provider=provider)
    report.refresh_from_db()
    return report


def _media_files(tender):
    from django.conf import settings

    folder = settings.MEDIA_ROOT / "reports" / tender.reference
    return sorted(os.listdir(folder)) if folder.exists() else []


def test_it_generates_the_award_report_and_stores_it_with_its_digest(
    tender, legal, django_capture_on_commit_callbacks
):
    report = _request(tender, legal, capture=django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.DONE and report.error == ""
    data = report.file.read()
    assert data.startswith(b"%PDF-")
    assert report.sha256 == hashlib.sha256(data).hexdigest() and report.size == len(data)
    assert report.filename == f"{tender.reference}-award-report.pdf"
    assert report.content_type == "application/pdf"
    assert len(report.context_digest) == 64 and report.evaluation_run.is_current
    assert report.progress_done == report.progress_total and report.progress_label == "Done"
    assert report.requested_by == legal and report.finished_at >= report.created_at
    actions = list(AuditEntry.objects.filter(object_type="reports.GeneratedReport", object_id=str(report.pk))
                   .values_list("action", flat=True))
    assert actions == ["report.requested", "report.generated"]
    generated = AuditEntry.objects.get(action="report.generated", object_id=str(report.pk))
    assert generated.after["sha256"] == report.sha256


def test_progress_is_saved_per_lot_as_it_renders(tender, commissioner, django_capture_on_commit_callbacks, monkeypatch):
    seen = []
    original = services._progress

    def spy(report_id, done, total, label):
        original(report_id, done, total, label)
        row = GeneratedReport.objects.get(pk=report_id)  # saved at once, not at the end
        seen.append((row.progress_done, row.progress_total, row.progress_label))

    monkeypatch.setattr(services, "_progress", spy)
    _request(tender, commissioner, capture=django_capture_on_commit_callbacks)
    labels = [label for _, _, label in seen]
    assert any(label.startswith("Lot 1 of 2") for label in labels)
    assert any(label.startswith("Lot 2 of 2") for label in labels)
    assert labels[-1] == "Storing the file"
    assert all(done <= total for done, total, _ in seen)
    dones = [done for done, _, _ in seen]
    assert dones == sorted(dones)


def test_a_render_that_dies_half_way_leaves_no_file_and_the_row_says_failed(
    tender, commissioner, django_capture_on_commit_callbacks, monkeypatch
):
    calls = []

    def chart_then_crash(lot):
        calls.append(lot.number)
        if len(calls) == 2:
            raise RuntimeError("the chart renderer crashed on lot 2")
        return "<svg></svg>"

    monkeypatch.setattr(pdf, "lot_price_chart", chart_then_crash)
    report = _request(tender, commissioner, capture=django_capture_on_commit_callbacks)
    assert calls == [1, 2]
    assert report.status == ReportStatus.FAILED
    assert "the chart renderer crashed on lot 2" in report.error
    assert not report.file and report.sha256 == "" and report.size == 0
    assert not report.is_downloadable
    assert _media_files(tender) == []
    assert AuditEntry.objects.filter(action="report.failed", object_id=str(report.pk)).exists()


def test_a_failure_while_storing_removes_the_file_and_keeps_the_row_unfinished(
    tender, commissioner, monkeypatch
):
    report = services.report_create_for_system(tender=tender, kind=ReportKind.EVALUATION_MATRIX_CSV)

    def broken_audit(**kwargs):
        raise OperationalError("database went away while recording")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    with pytest.raises(OperationalError):
        services.report_generate(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.RUNNING and not report.file and report.sha256 == ""
    assert _media_files(tender) == []


def test_running_the_task_again_for_a_finished_report_does_nothing(
    tender, legal, django_capture_on_commit_callbacks
):
    report = _request(tender, legal, capture=django_capture_on_commit_callbacks)
    before = (report.sha256, report.file.name, report.finished_at, report.attempts)
    result = generate_report.delay(report.pk).get()
    report.refresh_from_db()
    assert (report.sha256, report.file.name, report.finished_at, report.attempts) == before
    assert result["status"] == "done" and result["sha256"] == report.sha256
    assert AuditEntry.objects.filter(action="report.generated", object_id=str(report.pk)).count() == 1
    assert generate_report.delay(999999).get() == {"report_id": 999999, "status": "missing"}


def test_a_transient_database_error_is_retried(tender, commissioner, monkeypatch):
    report = services.report_create_for_system(tender=tender, kind=ReportKind.EVALUATION_MATRIX_XLSX)
    original = services.award_report_context
    failures = []

    def flaky(**kwargs):
        if not failures:
            failures.append(1)
            raise OperationalError("could not connect to server")
        return original(**kwargs)

    monkeypatch.setattr(services, "award_report_context", flaky)
    result = generate_report.delay(report.pk).get()
    report.refresh_from_db()
    assert result["status"] == "done" and report.status == ReportStatus.DONE
    assert report.attempts == 2


def test_a_report_is_marked_failed_when_retries_run_out(tender, commissioner, monkeypatch):
    report = services.report_create_for_system(tender=tender, kind=ReportKind.CQC_SNAPSHOT)

    def down(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "award_report_context", down)
    result = generate_report.delay(report.pk).get()
    report.refresh_from_db()
    assert result["status"] == "failed" and report.status == ReportStatus.FAILED
    assert "temporary problem" in report.error and "could not connect" in report.error
    assert not report.file


def test_regenerating_from_the_same_evaluation_gives_the_same_figures(
    tender, legal, commissioner, django_capture_on_commit_callbacks
):
    first = _request(tender, legal, capture=django_capture_on_commit_callbacks)
    second = _request(tender, commissioner, capture=django_capture_on_commit_callbacks)
    assert first.pk != second.pk
    assert first.context_digest == second.context_digest
    csv_1 = _request(tender, legal, ReportKind.EVALUATION_MATRIX_CSV, capture=django_capture_on_commit_callbacks)
    csv_2 = _request(tender, legal, ReportKind.EVALUATION_MATRIX_CSV, capture=django_capture_on_commit_callbacks)
    assert csv_1.sha256 == csv_2.sha256  # a CSV carries no generation stamp: byte for byte the same


def test_each_bidder_gets_a_summary_and_the_right_letter(tender, legal, django_capture_on_commit_callbacks):
    by_name = {b.provider.name: b.provider for b in tender.bids.select_related("provider")}
    summary = _request(tender, legal, ReportKind.ASSESSMENT_SUMMARY, by_name[CHARLIE],
                       capture=django_capture_on_commit_callbacks)
    assert summary.status == ReportStatus.DONE and "charlie-care-ltd" in summary.filename
    letter = _request(tender, legal, ReportKind.STANDSTILL_LETTER, by_name[ALPHA],
                      capture=django_capture_on_commit_callbacks)
    assert letter.status == ReportStatus.DONE
    assert services.bidder_letter_kind(tender=tender, provider=by_name[BRAVO]) == ReportKind.STANDSTILL_LETTER
    assert services.bidder_letter_kind(tender=tender, provider=by_name[CHARLIE]) == ReportKind.UNSUCCESSFUL_LETTER
    with pytest.raises(RuleViolation, match="gets the unsuccessful bidder letter, not the award and standstill letter"):
        services.report_request(tender=tender, kind=ReportKind.STANDSTILL_LETTER, user=legal, provider=by_name[CHARLIE])


def test_bad_requests_are_refused_with_a_clear_message(tender, legal, evaluator, bidder, commissioner):
    with pytest.raises(RuleViolation, match="Unknown report kind 'everything'"):
        services.report_request(tender=tender, kind="everything", user=legal)
    with pytest.raises(RuleViolation, match="addressed to one bidder: choose the provider"):
        services.report_request(tender=tender, kind=ReportKind.ASSESSMENT_SUMMARY, user=legal)
    with pytest.raises(RuleViolation, match="has no bid in this tender"):
        services.report_request(tender=tender, kind=ReportKind.ASSESSMENT_SUMMARY, user=legal,
                                provider=bidder.provider)
    with pytest.raises(RuleViolation, match="Only assessment summaries and letters"):
        services.report_request(tender=tender, kind=ReportKind.AWARD_REPORT, user=legal, provider=bidder.provider)
    for user in (evaluator, bidder, None):
        with pytest.raises(PermissionDeniedError, match="Only commissioners and the legal team"):
            services.report_request(tender=tender, kind=ReportKind.AWARD_REPORT, user=user)
    not_evaluated = opened_tender()
    with pytest.raises(RuleViolation, match="has not been evaluated yet"):
        services.report_request(tender=not_evaluated, kind=ReportKind.AWARD_REPORT, user=commissioner)
    assert not GeneratedReport.objects.exists()


def test_asking_twice_while_queued_returns_the_same_row(tender, legal):
    first = services.report_request(tender=tender, kind=ReportKind.AWARD_REPORT, user=legal)
    second = services.report_request(tender=tender, kind=ReportKind.AWARD_REPORT, user=legal)
    assert first.pk == second.pk and first.status == ReportStatus.QUEUED


needs_broker = pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL"),
    reason="CELERY_BROKER_URL is not set: no broker, so tasks run eagerly and there is no worker to reach",
)


@needs_broker
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_on_redis_generates_a_report_and_stores_the_file_and_digest():
    from tests.factories import UserFactory

    commissioner = UserFactory(username="carol-w", role="commissioner")
    evaluator = UserFactory(username="erin-w", role="evaluator")
    moderator = UserFactory(username="morag-w", role="moderator")
    tender = evaluated_tender(commissioner, evaluator, moderator)
    report = services.report_create_for_system(tender=tender, kind=ReportKind.EVALUATION_MATRIX_XLSX)
    result = generate_report.delay(report.pk).get(timeout=180)
    report.refresh_from_db()
    assert result["status"] == "done" and report.status == ReportStatus.DONE
    assert result["sha256"] == report.sha256 and len(report.sha256) == 64
    # The worker has its own MEDIA_ROOT (a temporary directory): read the file where it stored it.
    with open(result["path"], "rb") as fh:
        data = fh.read()
    assert hashlib.sha256(data).hexdigest() == report.sha256 and len(data) == report.size
    assert data[:2] == b"PK"  # an XLSX is a zip
