"""Each generated report anchors the audit chain: the head it saw is recorded, and verify_audit checks it."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from common.audit import audit_verify
from common.models import AuditAnchor, AuditEntry
from reports import services
from reports.models import ReportKind, ReportStatus
from tests.reports.helpers import evaluated_tender

pytestmark = pytest.mark.django_db


def test_a_generated_report_records_the_chain_head_including_its_own_entry(
    commissioner, evaluator, moderator, legal, django_capture_on_commit_callbacks, monkeypatch
):
    tender = evaluated_tender(commissioner, evaluator, moderator)
    monkeypatch.setattr(services, "render_document", lambda context, kind, provider_key, progress: SimpleNamespace(
        data=b"%PDF-1.7 test", filename="award.pdf", content_type="application/pdf"))
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(tender=tender, kind=ReportKind.AWARD_REPORT, user=legal)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    anchor = AuditAnchor.objects.get(object_type="reports.GeneratedReport", object_id=str(report.pk))
    generated = AuditEntry.objects.get(action="report.generated", object_id=str(report.pk))
    assert anchor.reason == "report.generated"
    assert anchor.sequence >= generated.sequence
    assert anchor.hash == AuditEntry.objects.get(sequence=anchor.sequence).hash
    report_ = audit_verify()
    assert report_.ok and report_.anchors == 1
