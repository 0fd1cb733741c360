"""The award report PDF: key figures, page furniture, contents, determinism and escaping."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader

from reports.context import context_digest
from reports.pdf import (
    AWARD_REPORT,
    _fetcher,
    award_report_context,
    award_report_pdf,
    render_html,
    render_pdf,
    sha256_hex,
)
from reports.sample import sample_context


def _pages(data: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture(scope="module")
def rendered():
    report = sample_context()
    steps: list[tuple[int, int, str]] = []
    data = award_report_pdf(report, progress=lambda step, total, message: steps.append((step, total, message)))
    return report, data, _pages(data), steps


@pytest.fixture(scope="module")
def text(rendered):
    return " ".join(rendered[2])


def test_it_is_a_pdf_with_its_digest(rendered):
    _, data, pages, _ = rendered
    assert data.startswith(b"%PDF-")
    assert len(pages) > 10
    assert sha256_hex(data) == __import__("hashlib").sha256(data).hexdigest()
    assert sha256_hex(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_it_shows_ranks_totals_and_the_recommended_award_per_lot(text):
    assert "Lot 1: Lancaster" in text
    assert "Lune Valley Home Care Ltd" in text and "Recommended" in text
    # Lot 1: Lune Valley 43.80 + 39.21 = 83.01, Wyre Coast 37.80 + 40.00 = 77.80.
    assert re.search(r"1 Lune Valley Home Care Ltd .*?43\.80 39\.21 83\.01", text)
    assert re.search(r"2 Wyre Coast Care Services Ltd .*?37\.80 40\.00 77\.80", text)
    # Lot 3: Ribble and Pendle 89.10 beats Pennine 85.60.
    assert "49.80 39.30 89.10" in text and "45.60 40.00 85.60" in text


def test_it_shows_every_price_on_both_minute_bases_to_the_penny(text):
    # £27.95 per 60 minutes (50 contact + 10 travel) is £33.54 per contact hour.
    assert "£27.95 £33.54" in text
    # The model minimum for Lancaster, per billed hour and per contact hour.
    assert "£26.77 per billed hour = £32.12 per contact hour" in text
    # The ceiling: £31.00 per billed hour is £37.20 per contact hour.
    assert "£31.00 per billed hour = £37.20 per contact hour" in text
    assert "Ceiling £37.20" in text and "Model minimum £32.12" in text  # the chart's labels


def test_it_summarises_the_tender(text):
    for fact in (
        "Reablement (up to 6 weeks)",
        "Lancaster; Fylde and Wyre; Pendle and Ribble Valley",
        "6 lots, 5,678 hours a week in total",
        "Quality 60%, price 40%",
        "Relative to the lowest acceptable price",
        "60 minutes = 50 contact + 10 travel",
        "Homecare Association minimum price 2025/26",
        "6 October 2025, 12:00",
    ):
        assert fact in text, fact


def test_it_shows_the_abnormally_low_clarification_and_its_decision(text):
    assert "5. Abnormally low prices: clarifications and decisions" in text
    assert "£25.20 per billed hour (60 minutes = 50 contact + 10 travel minutes) = £30.24 per contact hour" in text
    assert "Explanation accepted" in text
    assert "we pay £12.60 an hour" in text


def test_it_shows_the_exclusion_with_its_cqc_evidence(text):
    assert "Hilltop Home Support Ltd" in text
    assert "location 1-201000005 is rated Inadequate: Safe" in text
    assert re.search(r"Hilltop Home Support - Blackburn Road 1-201000005 Overall Safe Inadequate 12 Jun 2025", text)


def test_it_shows_conflicts_sensitivity_and_the_audit_trail(rendered, text):
    report = rendered[0]
    assert "Trustee of Ribble and Pendle Reablement CIC until March 2024" in text
    assert "8. Sensitivity analysis" in text
    # Lot 2 changes hands at 50/50: the sensitivity table says so.
    assert re.search(r"50 / 50 Wyre Coast Care Services Ltd", text)
    assert "Appendix B. Audit trail" in text
    last = report.audit[-1]
    assert last.hash[:8] in text
    assert f"{len(report.audit)} " in text


def test_it_states_the_standstill_end_date(text):
    # Award notice Friday 19 December 2025: 8 working days skipping Christmas, Boxing Day, New Year's Day and Scotland's 2 January.
    assert "ends at midnight at the end of Monday 5 January 2026" in text
    assert "not be entered into before Tuesday 6 January 2026" in text


def test_it_numbers_every_page_and_stamps_the_reference_and_generation_time(rendered):
    pages = rendered[2]
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "LCC-REA-2025" in page
        assert "Generated 18 December 2025, 10:15 (UK time)" in page


def test_its_table_of_contents_gives_the_right_page_numbers(rendered):
    pages = rendered[2]
    contents = pages[1]
    assert "Contents" in contents
    for title in ("Lot 3: Pendle and Ribble Valley", "6. Exclusions", "Appendix B. Audit trail"):
        match = re.search(re.escape(title) + r"[ .]*?(\d+)", contents)
        assert match, title
        page = pages[int(match.group(1)) - 1]
        assert title in page


def test_it_reports_progress_lot_by_lot(rendered):
    steps = rendered[3]
    assert (3, 8, "Lot 3 of 6: Pendle and Ribble Valley") in steps
    assert steps[-1][0] == steps[-1][1] == 8
    assert [s[0] for s in steps] == sorted(s[0] for s in steps)


def test_it_dates_the_pdf_metadata_from_the_generation_time(rendered):
    report, data, _, _ = rendered
    meta = PdfReader(io.BytesIO(data)).metadata
    assert meta.creation_date == report.generated_at
    assert meta.modification_date == report.generated_at
    assert meta.title == "Award report: LCC-REA-2025"


def test_regenerating_from_the_same_evaluation_gives_the_same_bytes():
    report = sample_context(lots=2, bidders=3)
    one, two = award_report_pdf(report), award_report_pdf(sample_context(lots=2, bidders=3))
    assert sha256_hex(one) == sha256_hex(two)


def test_a_later_generation_has_the_same_figures_and_fingerprint_but_a_new_stamp():
    report = sample_context(lots=2, bidders=3)
    later = dataclasses.replace(report, generated_at=report.generated_at + timedelta(days=1))
    assert context_digest(later) == context_digest(report)
    html_one = render_html(AWARD_REPORT, award_report_context(report))
    html_two = render_html(AWARD_REPORT, award_report_context(later))
    assert context_digest(report) in html_one and context_digest(report) in html_two
    assert html_one.replace("18 December 2025, 10:15", "X").replace("2025-12-18", "X") == html_two.replace(
        "19 December 2025, 10:15", "X"
    ).replace("2025-12-19", "X")
    changed = dataclasses.replace(report, lots=(dataclasses.replace(report.lots[0], hours_per_week=1),) + report.lots[1:])
    assert context_digest(changed) != context_digest(report)


def test_it_prints_html_and_script_from_bidders_as_text():
    report = sample_context(lots=2, bidders=3)
    hostile = "<script>alert('x')</script><img src=\"file:///etc/passwd\"><b>bold</b>"
    clarification = dataclasses.replace(report.price_clarifications[0], response=hostile)
    lot = report.lots[0]
    row = dataclasses.replace(lot.rows[0], provider_name="<i>Evil</i> & Co")
    tampered = dataclasses.replace(
        report,
        price_clarifications=(clarification,),
        lots=(dataclasses.replace(lot, rows=(row,) + lot.rows[1:]),) + report.lots[1:],
    )
    html = render_html(AWARD_REPORT, award_report_context(tampered))
    assert "<script>" not in html and "<img src" not in html and "<i>Evil</i>" not in html
    assert "&lt;script&gt;" in html
    text = " ".join(_pages(award_report_pdf(tampered)))
    assert "<script>alert('x')</script>" in text
    assert "<i>Evil</i> & Co" in text


def test_it_never_fetches_files_or_web_addresses():
    fetcher = _fetcher()
    for url in ("file:///etc/passwd", "http://169.254.169.254/latest/meta-data/", "https://example.com/x.css"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)


def test_render_pdf_needs_a_generation_time():
    with pytest.raises(ValueError, match="generated_at"):
        render_pdf(AWARD_REPORT, {"report": sample_context()})
