"""One entry point from a report context to the bytes of any document or export.

`render_document(report, kind, provider_key=None, progress=None)` is what the Celery task
(via `reports.services.report_generate`) and the `award_report` command both call, so a
document made either way comes from the same code. No ORM: it takes a `ReportContext`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import slugify

from reports import exports, pdf
from reports.context import ReportContext
from reports.pdf import ProgressCallback

PDF = "application/pdf"
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PER_BIDDER = frozenset({"assessment_summary", "standstill_letter", "unsuccessful_letter"})
KINDS = frozenset(
    {
        "award_report", "assessment_summary", "standstill_letter", "unsuccessful_letter",
        "evaluation_matrix_csv", "evaluation_matrix_xlsx", "cqc_snapshot",
    }
)  # fmt: skip

_SUFFIX = {
    "award_report": ("award-report", "pdf", PDF),
    "assessment_summary": ("assessment-summary", "pdf", PDF),
    "standstill_letter": ("award-and-standstill-letter", "pdf", PDF),
    "unsuccessful_letter": ("outcome-letter", "pdf", PDF),
    "evaluation_matrix_csv": ("evaluation-matrix", "csv", CSV),
    "evaluation_matrix_xlsx": ("evaluation-matrix", "xlsx", XLSX),
    "cqc_snapshot": ("cqc-ratings", "xlsx", XLSX),
}


@dataclass(frozen=True)
class Rendered:
    """A finished document: its bytes, the name to offer it under and its media type."""

    data: bytes
    filename: str
    content_type: str


def document_filename(reference: str, kind: str, provider_name: str = "") -> str:
    """e.g. LCC-REAB-2017-award-report.pdf, LCC-REAB-2017-assessment-summary-bowland-fells-home-support-ltd.pdf."""
    stem, extension, _ = _SUFFIX[kind]
    who = f"-{slugify(provider_name)[:60]}" if provider_name else ""
    return f"{reference}-{stem}{who}.{extension}"


def letter_kind(report: ReportContext, provider_key: str) -> str:
    """The letter this bidder gets: standstill_letter if recommended for a lot, else unsuccessful_letter."""
    return "standstill_letter" if report.bidder_view(provider_key).is_successful else "unsuccessful_letter"


def render_document(
    report: ReportContext, kind: str, provider_key: str | None = None, progress: ProgressCallback | None = None
) -> Rendered:
    """Render one document or export of `report`. Per-bidder kinds need `provider_key`.

    Raises ValueError for an unknown kind, a missing or unknown bidder, or a letter that does
    not fit the bidder's outcome (an award letter to a bidder recommended for no lot).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    reference = report.tender.reference
    _, _, content_type = _SUFFIX[kind]
    if kind in PER_BIDDER:
        if not provider_key:
            raise ValueError(f"a {kind.replace('_', ' ')} is addressed to one bidder: name the provider")
        try:
            bidder = report.bidder(provider_key)
        except KeyError:
            raise ValueError("that provider did not bid in this tender's evaluation") from None
        if kind != "assessment_summary" and letter_kind(report, provider_key) != kind:
            raise ValueError(
                f"{bidder.name} gets the {letter_kind(report, provider_key).replace('_', ' ')}, not the "
                f"{kind.replace('_', ' ')}"
            )
        steps = 1
        if progress is not None:
            progress(0, steps, f"Writing the {kind.replace('_', ' ')} for {bidder.name}")
        if kind == "assessment_summary":
            data = pdf.assessment_summary_pdf(report, provider_key)
        elif kind == "standstill_letter":
            data = pdf.standstill_letter_pdf(report, provider_key)
        else:
            data = pdf.unsuccessful_letter_pdf(report, provider_key)
        if progress is not None:
            progress(steps, steps, "Written")
        return Rendered(data, document_filename(reference, kind, bidder.name), content_type)
    if kind == "award_report":
        data = pdf.award_report_pdf(report, progress)
    elif kind == "evaluation_matrix_csv":
        data = exports.to_csv_bytes(exports.evaluation_matrix_frame(report))
    elif kind == "evaluation_matrix_xlsx":
        data = exports.to_xlsx_bytes(exports.evaluation_matrix_frame(report), created=report.generated_at)
    else:
        data = exports.to_xlsx_bytes(
            exports.cqc_snapshot_frame(report), sheet_name="CQC ratings", created=report.generated_at
        )
    return Rendered(data, document_filename(reference, kind), content_type)
