"""Reports come from the stored evaluation run and the recorded award events only.

Regenerating after a new CQC import gives the same documents apart from the generation time:
the ratings shown are the ones kept with the CQC checks the evaluation relied on.
"""
from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from cqc.models import CQCLocation
from reports.building import award_report_context
from reports.context import context_digest
from reports.documents import render_document
from tenders.models import Bid
from tests.evaluation.helpers import cqc_location
from tests.reports.helpers import ALPHA, evaluated_tender

pytestmark = pytest.mark.django_db

FIRST = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 2, 20, 16, 45, tzinfo=UTC)


@pytest.fixture
def tender(commissioner, evaluator, moderator):
    return evaluated_tender(commissioner, evaluator, moderator)


def _text(data: bytes) -> str:
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages)
    # The generation stamp is the one thing allowed to differ.
    return re.sub(r"\d{1,2} (January|February) 2026,? \d{2}:\d{2}", "<generated>", text)


def test_regenerating_after_a_cqc_import_gives_the_same_documents(tender):
    alpha = Bid.objects.get(tender=tender, provider__name=ALPHA)
    location_id = alpha.versions.get().cqc_location_ids[0]
    before = award_report_context(tender=tender, generated_at=FIRST)
    rows_before = [r for r in before.cqc_snapshot if r.location_id == location_id]
    assert [(r.overall, r.publication_date) for r in rows_before] == [("Good", date(2016, 11, 1))]
    documents = {
        kind: render_document(before, kind, key).data
        for kind, key in (("award_report", None), ("evaluation_matrix_csv", None),
                          ("assessment_summary", rows_before[0].provider_key))
    }

    # A new monthly CQC directory changes the live ratings of Alpha's location.
    cqc_location(location_id, alpha.provider.cqc_provider_id,
                 {"Overall": "Requires improvement", "Safe": "Requires improvement", "Effective": "Good",
                  "Caring": "Good", "Responsive": "Good", "Well-led": "Requires improvement"},
                 published=date(2026, 2, 1))
    assert CQCLocation.objects.get(location_id=location_id).overall_rating == "Requires improvement"

    after = award_report_context(tender=tender, generated_at=LATER)
    assert context_digest(after) == context_digest(before)
    assert [(r.overall, r.publication_date) for r in after.cqc_snapshot if r.location_id == location_id] == [
        ("Good", date(2016, 11, 1))
    ]
    for kind, key in (("award_report", None), ("assessment_summary", rows_before[0].provider_key)):
        again = render_document(after, kind, key).data
        assert _text(again) == _text(documents[kind]), kind
    assert render_document(after, "evaluation_matrix_csv").data == documents["evaluation_matrix_csv"]
