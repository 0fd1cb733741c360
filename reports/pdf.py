"""PDF documents from HTML templates (WeasyPrint), deterministic and self-contained.

Low level:
- `render_html(template_name, context)`: the Django template rendered to a string.
- `html_to_pdf(html)`: WeasyPrint layout and PDF writing of an already rendered page.
- `render_pdf(template_name, context, progress=None)`: both; returns the PDF bytes.
- `sha256_hex(data)`: the digest stored with a generated file.

Documents (what the Celery task and the `award_report` command call in phase 2):
- `award_report_pdf(report, progress=None)`
- `assessment_summary_pdf(report, provider_key)` (Procurement Act 2023 s.50, Procurement
  Regulations 2024 reg. 31)
- `standstill_letter_pdf(report, provider_key)`: award / standstill letter to a bidder
  recommended for at least one lot; `unsuccessful_letter_pdf(report, provider_key)` to the
  others; `bidder_letter_pdf` picks the right one.
- `DOCUMENTS`: template name per document kind, for a task that takes the kind as a string.

Progress: `progress(step, total, message)` is called as the award report is built ("Lot 3 of
6: Pendle and Ribble Valley"), then before layout and before writing, so a task can show it.

Determinism: templates put `generated_at` (the context's generation time, taken once) in
the PDF's creation and modification dates (dcterms.created / dcterms.modified), nothing
reads the clock, charts are byte-stable SVG, and WeasyPrint's output depends only on its
input, so rendering the same context twice gives the same bytes (tested).

Safety: Django autoescapes every value, so HTML or script in a bidder's text is printed as
text. The URL fetcher only allows data: URIs: a document can never fetch a file or a web
address (no local file disclosure, no server-side requests), and the stylesheet is inlined
from templates/reports/pdf.css. The only other thing it serves is the fonts shipped in
reports/fonts (Liberation Sans, DejaVu Sans Mono), so pages and bytes do not depend on the
fonts a server happens to have installed.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from collections.abc import Callable, Mapping
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from reports.charts import lot_price_chart
from reports.context import BidderView, ReportContext, context_digest

ProgressCallback = Callable[[int, int, str], None]

# WeasyPrint logs every layout step at INFO; progress is reported through the callback instead.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

AWARD_REPORT = "reports/award_report.html"
ASSESSMENT_SUMMARY = "reports/assessment_summary.html"
STANDSTILL_LETTER = "reports/standstill_letter.html"
UNSUCCESSFUL_LETTER = "reports/unsuccessful_letter.html"
DOCUMENTS: dict[str, str] = {
    "award_report": AWARD_REPORT,
    "assessment_summary": ASSESSMENT_SUMMARY,
    "standstill_letter": STANDSTILL_LETTER,
    "unsuccessful_letter": UNSUCCESSFUL_LETTER,
}


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of a generated file, recorded so a copy can later be shown to be unaltered."""
    return hashlib.sha256(data).hexdigest()


# The faces every PDF is set in, shipped with the app (reports/fonts, with their licences): a report laid out
# on any server, with or without these fonts installed, has the same pages and the same bytes.
FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT_SCHEME = "report-font"  # url(report-font:<file>) in templates/reports/pdf.css


@functools.cache
def font_bytes(name: str) -> bytes:
    """A shipped font file by its name; nothing outside reports/fonts can be named."""
    shipped = {path.name: path for path in FONTS_DIR.glob("*.ttf")}
    if name not in shipped:
        raise ValueError(f"no shipped font {name!r}")
    return shipped[name].read_bytes()


@functools.cache
def _fetcher_class() -> type:
    from weasyprint import URLFetcher
    from weasyprint.urls import URLFetcherResponse

    class ReportFetcher(URLFetcher):  # type: ignore[misc]  # weasyprint is untyped
        """data: URIs and the shipped fonts; no file, no web address."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme, _, name = url.partition(":")
            if scheme == FONT_SCHEME:
                return URLFetcherResponse(url, font_bytes(name), {"Content-Type": "font/ttf"})
            return super().fetch(url, headers)

    return ReportFetcher


def _fetcher() -> Any:  # a weasyprint.URLFetcher, imported lazily
    return _fetcher_class()(allowed_protocols={"data"}, allow_redirects=False)


def render_html(template_name: str, context: Mapping[str, Any]) -> str:
    """The document as HTML (Django template, autoescaped)."""
    return render_to_string(template_name, dict(context))


def html_to_pdf(html: str, *, progress: Callable[[str], None] | None = None) -> bytes:
    """Lay out and write an already rendered HTML document."""
    # Imported here so that using the report context or the exports never loads Pango.
    from weasyprint import HTML

    document = HTML(string=html, url_fetcher=_fetcher(), base_url=None).render()
    if progress is not None:
        progress(f"Writing {len(document.pages)} pages")
    data: bytes = document.write_pdf()
    return data


def render_pdf(template_name: str, context: Mapping[str, Any], progress: ProgressCallback | None = None) -> bytes:
    """Render `template_name` with `context` to PDF bytes.

    The template must extend reports/base_pdf.html and the context carry `generated_at`
    (an aware datetime), which dates the PDF, its page footers and its metadata.
    """
    if "generated_at" not in context:
        raise ValueError("a PDF context needs generated_at: it dates the document and its metadata")
    html = render_html(template_name, context)
    if progress is None:
        return html_to_pdf(html)
    progress(1, 2, "Laying out pages")
    return html_to_pdf(html, progress=lambda message: progress(2, 2, message))


# --- Documents ----------------------------------------------------------------------------


def _base(report: ReportContext) -> dict[str, Any]:
    return {
        "report": report,
        "tender": report.tender,
        "authority": report.authority,
        "generated_at": report.generated_at,
        "standstill": report.standstill,
        "context_digest": context_digest(report),
    }


def award_report_context(report: ReportContext, progress: ProgressCallback | None = None) -> dict[str, Any]:
    """Template context of the award report: one entry per lot with its chart and clarifications."""
    total = len(report.lots) + 2
    by_lot = report.price_clarifications_by_lot
    lots = []
    for index, lot in enumerate(report.lots, start=1):
        if progress is not None:
            progress(index, total, f"Lot {index} of {len(report.lots)}: {lot.zone_name}")
        lots.append({"section": lot, "chart": lot_price_chart(lot), "clarifications": by_lot.get(lot.number, ())})
    context = _base(report)
    context.update({"lots": lots, "quality": report.quality_rows, "document_title": "Award report"})
    return context


def award_report_pdf(
    report: ReportContext, progress: ProgressCallback | None = None, *, workers: int | None = None
) -> bytes:
    """The award report: summary, timeline, lots, clarifications, exclusions, conflicts, sensitivity, audit.

    A large report is laid out in `workers` processes (default: 2, or the CPU count if smaller)
    and joined (reports/pdf_parallel.py); a small one, or `workers=1`, in this process.
    """
    from reports import pdf_parallel

    context = award_report_context(report, progress)
    total = len(report.lots) + 2
    html = render_html(AWARD_REPORT, context)
    if pdf_parallel.should_parallelise(html, workers):
        split = pdf_parallel.split_award_html(html)
        if split is not None:
            count = workers or min(pdf_parallel.DEFAULT_WORKERS, os.cpu_count() or 1)
            try:
                if progress is None:
                    return pdf_parallel.join_award_pdf(split, count)
                progress(total - 1, total, "Laying out pages")
                return pdf_parallel.join_award_pdf(split, count, progress=lambda message: progress(total, total, message))
            except (BrokenProcessPool, OSError):  # a worker died or could not start: lay it out here instead
                logging.getLogger(__name__).warning("parallel award report layout failed; laying out in one process", exc_info=True)
    if progress is not None:
        progress(total - 1, total, "Laying out pages")
        return html_to_pdf(html, progress=lambda message: progress(total, total, message))
    return html_to_pdf(html)


def _winners(report: ReportContext, view: BidderView) -> list[dict[str, Any]]:
    return [{"lot": lot, "row": row, "winners": lot.recommended} for lot, row in view.lots]


def bidder_context(report: ReportContext, provider_key: str, document_title: str) -> dict[str, Any]:
    """Template context of a bidder's assessment summary or letter."""
    view = report.bidder_view(provider_key)
    winner_keys = {w.provider_key for lot, _ in view.lots for w in lot.recommended}
    winner_quality = {
        key: next(
            (row for lot in report.lots for row in lot.rows if row.provider_key == key and row.question_scores), None
        )
        for key in sorted(winner_keys)
    }
    context = _base(report)
    context.update(
        {
            "document_title": document_title,
            "view": view,
            "bidder": view.bidder,
            "lots": _winners(report, view),
            "quality_row": view.quality_row,
            "winner_quality": [(report.bidder(k), row) for k, row in winner_quality.items() if k != provider_key],
        }
    )
    return context


def assessment_summary_pdf(report: ReportContext, provider_key: str) -> bytes:
    """The bidder's assessment summary: criteria and weightings, its scores and the winners', with reasons."""
    return render_pdf(ASSESSMENT_SUMMARY, bidder_context(report, provider_key, "Assessment summary"))


def standstill_letter_pdf(report: ReportContext, provider_key: str) -> bytes:
    """Letter to a bidder recommended for award of one or more lots, with the standstill period."""
    return render_pdf(STANDSTILL_LETTER, bidder_context(report, provider_key, "Notice of award and standstill"))


def unsuccessful_letter_pdf(report: ReportContext, provider_key: str) -> bytes:
    """Letter to a bidder not recommended for any lot (or excluded), with the standstill period."""
    return render_pdf(UNSUCCESSFUL_LETTER, bidder_context(report, provider_key, "Outcome of your tender"))


def bidder_letter_pdf(report: ReportContext, provider_key: str) -> tuple[str, bytes]:
    """The right letter for this bidder: ("standstill_letter" | "unsuccessful_letter", PDF bytes)."""
    if report.bidder_view(provider_key).is_successful:
        return "standstill_letter", standstill_letter_pdf(report, provider_key)
    return "unsuccessful_letter", unsuccessful_letter_pdf(report, provider_key)
