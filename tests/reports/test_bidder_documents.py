"""What bidders are told (Procurement Regulations 2024 reg 31): never an evaluator's name or an individual score.

A tender of two lots with one lot per provider: Bravo ranks first in both and is passed over
in one under the cap; Alpha wins that one; Charlie bids for lot 2 only.
"""
from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
import time_machine
from pypdf import PdfReader

from evaluation import services as evaluation
from reports.building import award_report_context
from reports.documents import letter_kind, render_document
from reports.pdf import ASSESSMENT_SUMMARY, bidder_context, render_html
from reports.services import award_issue_summaries
from tenders import services
from tests.evaluation.helpers import moderate, opened_tender, panel, score_all, submit_bid
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db

ALPHA, BRAVO, CHARLIE = "Alpha Care Ltd", "Bravo Care Ltd", "Charlie Care Ltd"
NOW = datetime(2025, 12, 18, 9, 0, tzinfo=UTC)


@pytest.fixture
def tender(commissioner, evaluator, moderator):
    evaluator.first_name, evaluator.last_name = "Euan", "Scorer"
    evaluator.save()
    tender = opened_tender(lots=2, max_lots_per_provider=1)
    alpha = submit_bid(tender, ProviderFactory(name=ALPHA, registered_address="1 High Street\nPreston\nPR1 1AA",
                                               contact_email="bids@alpha.example"),
                       prices={1: "32.00", 2: "31.00"}, reference="B-ALPHA")
    bravo = submit_bid(tender, ProviderFactory(name=BRAVO, registered_address="2 Mill Lane\nBurnley\nBB1 1BB",
                                               contact_email="tenders@bravo.example"),
                       prices={1: "31.00", 2: "31.50"}, reference="B-BRAVO")
    charlie = submit_bid(tender, ProviderFactory(name=CHARLIE), prices={2: "33.00"}, reference="B-CHARLIE")
    panel(tender, commissioner, evaluator, moderator=moderator)
    scores = {alpha: (3, 3, 6), bravo: (4, 4, 8), charlie: (2, 2, 4)}
    for bid, s in scores.items():
        score_all(bid, evaluator, s)
    evaluation.moderation_start(tender=tender, user=moderator)
    for bid, s in scores.items():
        moderate(bid, moderator, s)
    evaluation.quality_lock(tender=tender, user=moderator)
    evaluation.price_envelope_open(tender=tender, user=commissioner)
    evaluation.evaluation_run(tender=tender, user=commissioner)
    with time_machine.travel(NOW, tick=False):
        services.tender_award(tender=tender, user=commissioner)
        award_issue_summaries(tender=tender, user=commissioner)
    tender.refresh_from_db()
    return tender


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def documents(tender):
    """Every bidder's assessment summary and letter, as text: {(bidder name, kind): text}."""
    report = award_report_context(tender=tender, generated_at=datetime(2026, 2, 1, 12, 0, tzinfo=UTC))
    out = {}
    for bidder in report.bidders:
        for kind in ("assessment_summary", letter_kind(report, bidder.provider_key)):
            out[(bidder.name, kind)] = _pdf_text(render_document(report, kind, bidder.provider_key).data)
    return report, out


def test_no_bidder_document_names_an_evaluator_or_quotes_an_individual_score(documents, evaluator, moderator):
    _, texts = documents
    assert len(texts) == 6
    for (name, kind), text in texts.items():
        for leak in ("Euan", "Scorer", evaluator.username, moderator.username, "Scored 3 against the descriptors",
                     "Scored 4 against the descriptors", "Panel agreed", "Evaluator"):
            assert leak not in text, (name, kind, leak)


def test_a_summary_gives_the_feedback_written_for_bidders_per_criterion(documents):
    _, texts = documents
    text = texts[(ALPHA, "assessment_summary")]
    assert "Question 1: the answer met the published descriptor for 3." in text
    # ... and the same for the most advantageous tender in the lots it bid for.
    assert "Question 1: the answer met the published descriptor for 4." in text


def test_each_document_names_the_winners_of_the_lots_the_bidder_bid_for_with_their_details(documents):
    report, texts = documents
    winners = {lot.number: {w.provider_name for w in lot.recommended} for lot in report.lots}
    assert winners == {1: {BRAVO}, 2: {ALPHA}} or winners == {1: {ALPHA}, 2: {BRAVO}}
    charlie_summary = texts[(CHARLIE, "assessment_summary")]
    lot2_winner = next(iter(winners[2]))
    assert lot2_winner in charlie_summary and lot2_winner in texts[(CHARLIE, "unsuccessful_letter")]
    for name in (ALPHA, BRAVO):
        assert BRAVO in texts[(name, "assessment_summary")] and ALPHA in texts[(name, "assessment_summary")]
    # The winner's postal address, email and unique identifier (reg 31).
    assert "2 Mill Lane, Burnley, BB1 1BB" in charlie_summary or "1 High Street, Preston, PR1 1AA" in charlie_summary
    assert "Companies House number" in charlie_summary


def test_a_bidder_passed_over_under_the_lots_cap_is_told_why(documents):
    report, texts = documents
    bravo_key = next(b.provider_key for b in report.bidders if b.name == BRAVO)
    passed = [row for lot in report.lots for row in lot.rows if row.provider_key == bravo_key and not row.recommended]
    assert len(passed) == 1 and passed[0].rank == 1
    for kind in ("assessment_summary", "standstill_letter"):
        text = texts[(BRAVO, kind)]
        assert "Why not awarded: Ranked 1 but passed over: provider already recommended for its maximum of 1 lot(s)" in text


def test_documents_are_dated_from_the_recorded_issue_not_the_generation_time(tender):
    report = award_report_context(tender=tender, generated_at=datetime(2026, 2, 1, 12, 0, tzinfo=UTC))
    charlie = next(b for b in report.bidders if b.name == CHARLIE)
    html = render_html(ASSESSMENT_SUMMARY, bidder_context(report, charlie.provider_key, "Assessment summary"))
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Date issued Thursday 18 December 2025" in text
    # The notice is not yet recorded: the standstill is pending, not dated from today.
    assert "which has not yet been published" in text


def test_sensitivity_is_about_the_bidder_recommended_in_each_lot(tender):
    # Bravo ranks first in both lots but may hold one: in the other, the analysis is about Alpha.
    report = award_report_context(tender=tender, generated_at=datetime(2026, 2, 1, 12, 0, tzinfo=UTC))
    for lot in report.lots:
        recommended = [row.provider_name for row in lot.rows if row.recommended]
        assert lot.sensitivity is not None
        assert lot.sensitivity.winner == recommended[0], lot.number
    assert {lot.sensitivity.winner for lot in report.lots} == {ALPHA, BRAVO}
