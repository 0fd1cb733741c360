"""The award report laid out in parallel processes and joined is the same report as the one-process layout."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from pypdf import PdfReader

from reports import pdf_parallel
from reports.pdf import AWARD_REPORT, award_report_context, award_report_pdf, render_html
from reports.sample import sample_context

pytestmark = pytest.mark.skipif(not pdf_parallel.can_fork(), reason="parallel layout needs fork")


def _pages(data: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture(scope="module")
def both():
    report = sample_context()
    steps: list[tuple[int, int, str]] = []
    joined = award_report_pdf(report, progress=lambda *step: steps.append(step), workers=2)
    single = award_report_pdf(report, workers=1)
    return report, single, joined, steps


def test_the_joined_report_has_the_same_pages_with_the_same_words_as_the_single_process_one(both):
    _, single, joined, _ = both
    one, two = _pages(single), _pages(joined)
    assert len(two) == len(one) > 10
    # Each part embeds its own font subsets, but content streams stay compressed after the footer is stamped.
    assert len(joined) < 3 * len(single)
    # Word for word on every page; only the order text is extracted in may differ (the footer is stamped last).
    for number, (a, b) in enumerate(zip(one, two, strict=True), start=1):
        assert Counter(a.split()) == Counter(b.split()), f"page {number}"


def test_it_numbers_the_joined_pages_continuously_with_the_running_headers(both):
    pages = _pages(both[2])
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "LCC-REA-2025: Award report" in page
        assert "Generated 18 December 2025, 10:15 (UK time)" in page
    lot_pages = [page for page in pages if "Lot 5: Chorley, South Ribble and Greater Preston Hours a week" in page]
    assert lot_pages and all("4. Evaluation by lot" in page for page in lot_pages)


def test_every_contents_entry_gives_the_page_its_section_starts_on_and_links_there(both):
    _, single, joined, _ = both
    pages = _pages(joined)
    contents = PdfReader(io.BytesIO(joined)).pages[1].extract_text()
    entries = re.findall(r"^(.+?) \.{3,} (\d+)$", contents, re.M)
    assert len(entries) == 10 + 6  # eight chapters and two appendices, six lots
    for title, number in entries:
        page = pages[int(number) - 1]
        assert title in page, title
        if int(number) > 3:
            assert title not in pages[int(number) - 2] or title.startswith("Lot"), title
    # The same numbers as WeasyPrint's own target-counter() in the one-process layout.
    assert entries == re.findall(r"^(.+?) \.{3,} (\d+)$", PdfReader(io.BytesIO(single)).pages[1].extract_text(), re.M)
    reader = PdfReader(io.BytesIO(joined))
    numbers = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages, start=1)}
    targets = sorted(
        numbers[annotation.get_object()["/Dest"][0].idnum] for annotation in reader.pages[1].get("/Annots", [])
    )
    assert targets == sorted(int(number) for _, number in entries)


def test_it_keeps_the_metadata_and_reports_progress(both):
    report, _, joined, steps = both
    meta = PdfReader(io.BytesIO(joined)).metadata
    assert meta.title == "Award report: LCC-REA-2025"
    assert meta.creation_date == meta.modification_date == report.generated_at
    assert steps[-1] == (8, 8, f"Writing {len(_pages(joined))} pages")
    assert [s[0] for s in steps] == sorted(s[0] for s in steps)


def test_the_joined_report_is_deterministic():
    report = sample_context(lots=2, bidders=3, audit_entries=20)
    assert award_report_pdf(report, workers=2) == award_report_pdf(sample_context(lots=2, bidders=3, audit_entries=20), workers=2)


def test_it_cuts_the_report_at_its_forced_page_breaks():
    html = render_html(AWARD_REPORT, award_report_context(sample_context()))
    split = pdf_parallel.split_award_html(html)
    assert split is not None
    assert '<nav class="toc chapter">' in split.front and "<section id=" not in split.front
    anchors = [a for part in split.parts for a in part.anchors]
    expected = ["summary", "recommendations", "timeline", "lots", "abnormally-low", "exclusions", "conflicts",
                "sensitivity", "quality", "audit"] + [f"lot-{n}" for n in range(1, 7)]
    assert sorted(anchors) == sorted(expected)
    assert all(part.html.count("<section") == part.html.count("</section>") for part in split.parts)
    assert pdf_parallel.split_award_html("<html><body><p>not a report</p></body></html>") is None


def test_a_small_report_or_a_process_that_may_not_fork_stays_in_one_process(monkeypatch):
    small = render_html(AWARD_REPORT, award_report_context(sample_context(lots=2, bidders=3)))
    assert len(small) < pdf_parallel.PARALLEL_MIN_HTML_CHARS
    assert not pdf_parallel.should_parallelise(small, None)
    assert not pdf_parallel.should_parallelise("x" * pdf_parallel.PARALLEL_MIN_HTML_CHARS, 1)
    assert pdf_parallel.should_parallelise("x" * pdf_parallel.PARALLEL_MIN_HTML_CHARS, 2)

    class Daemon:
        daemon = True

    monkeypatch.setattr(pdf_parallel.multiprocessing, "current_process", lambda: Daemon())
    assert not pdf_parallel.can_fork()
    assert not pdf_parallel.should_parallelise("x" * pdf_parallel.PARALLEL_MIN_HTML_CHARS, 2)


def test_a_long_audit_trail_is_cut_into_tables_that_each_start_a_page_and_lose_no_entry(monkeypatch):
    report = sample_context(lots=2, bidders=3, audit_entries=120)
    monkeypatch.setattr(pdf_parallel, "AUDIT_ROWS_PER_PART", 50)
    html = render_html(AWARD_REPORT, award_report_context(report))
    split = pdf_parallel.split_award_html(html)
    audit_parts = [part for part in split.parts if '<table class="audit">' in part.html]
    assert len(audit_parts) == -(-len(report.audit) // 50) > 1
    assert all(part.html.count("<section") == part.html.count("</section>") for part in split.parts)

    pages = _pages(award_report_pdf(report, workers=2))
    text = " ".join(pages)
    for entry in report.audit:
        assert f" {entry.sequence} " in text and entry.hash[:8] in text
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
    first_audit_page = next(n for n, page in enumerate(pages, start=1) if "Appendix B. Audit trail Every step" in page)
    assert re.search(rf"Appendix B\. Audit trail \.+ {first_audit_page}\b", pages[1])
    # Every page of the appendix is headed with its title and the table's headings.
    assert all("Appendix B. Audit trail" in page and "When (UK time)" in page for page in pages[first_audit_page - 1 :])


def test_if_a_worker_dies_the_report_is_laid_out_in_one_process(monkeypatch):
    from concurrent.futures.process import BrokenProcessPool

    def broken(*args, **kwargs):
        raise BrokenProcessPool("a worker was killed")

    monkeypatch.setattr(pdf_parallel, "join_award_pdf", broken)
    report = sample_context(lots=2, bidders=3)
    assert award_report_pdf(report, workers=2) == award_report_pdf(report, workers=1)
