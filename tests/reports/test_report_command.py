"""`manage.py award_report REF --out PATH [--assessment-summaries DIR]` on the demo, through the task's code."""
from __future__ import annotations

import hashlib
import io
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from reports.models import GeneratedReport, ReportKind, ReportStatus
from tests.evaluation.helpers import opened_tender

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("award_report", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_writes_the_demo_award_report_summaries_and_letters_straight_after_load_demo(tmp_path):
    call_command("load_demo", stdout=StringIO())
    out_pdf = tmp_path / "award.pdf"
    summaries = tmp_path / "summaries"
    output = _run("LCC-REAB-2017", "--out", str(out_pdf), "--assessment-summaries", str(summaries))

    data = out_pdf.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert data.startswith(b"%PDF-") and f"{out_pdf}  sha256 {digest}" in output
    stored = GeneratedReport.objects.get(kind=ReportKind.AWARD_REPORT)
    assert stored.status == ReportStatus.DONE and stored.sha256 == digest  # recorded in the system
    assert stored.requested_by is None and stored.requested_by_label == "system (manage.py award_report)"
    assert f"Evaluation fingerprint (context digest): {stored.context_digest}" in output
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages)
    assert "93.40" in text and "Red Rose Domiciliary Care Ltd (fictional)" in text

    files = sorted(p.name for p in summaries.iterdir())
    assert len(files) == 12  # six bidders: a summary and a letter each
    winners = ("morecambe", "fylde", "bowland")
    for name in ("bowland", "dockside", "fylde", "morecambe", "pendle", "red-rose"):
        assert any(f.startswith("LCC-REAB-2017-assessment-summary-") and name in f for f in files)
        letter = "award-and-standstill-letter" if name in winners else "outcome-letter"
        assert any(f.startswith(f"LCC-REAB-2017-{letter}-") and name in f for f in files), name
    for path in summaries.iterdir():
        body = path.read_bytes()
        assert re.search(rf"{re.escape(str(path))}  sha256 {hashlib.sha256(body).hexdigest()}", output)
    assert GeneratedReport.objects.filter(status=ReportStatus.DONE).count() == 13


def test_it_refuses_clearly(tmp_path):
    with pytest.raises(CommandError, match="Say where to write"):
        _run("LCC-REAB-2017")
    with pytest.raises(CommandError, match="No tender with reference 'NOPE'"):
        _run("NOPE", "--out", str(tmp_path / "x.pdf"))
    tender = opened_tender()
    with pytest.raises(CommandError, match="has not been evaluated yet"):
        _run(tender.reference, "--out", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()
