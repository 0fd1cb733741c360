"""Award PDF: the award report of the largest sample tender (about 100 pages).

Timed: `reports.pdf.award_report_pdf` on `reports.sample.large_sample_context()` (24 lots,
10 bidders, 1,500 audit entries): the template context with its charts, the HTML, WeasyPrint
layout and the PDF. A report this large is laid out in 2 processes and joined
(reports/pdf_parallel.py); its CPU figure adds the worker processes' CPU. Baseline: WeasyPrint
alone rendering the HTML the report already produced (`HTML(string=...).write_pdf()`) in one
process, i.e. the floor a one-process layout cannot go below.
"""
from __future__ import annotations

import io
import resource
from dataclasses import dataclass

from bench.common import Result, measure

TARGET_SECONDS = 10.0
TARGET_RATIO = 1.5


@dataclass(frozen=True)
class Size:
    lots: int
    bidders: int
    audit_entries: int
    repeat: int


FULL = Size(lots=24, bidders=10, audit_entries=1500, repeat=1)
SMOKE = Size(lots=1, bidders=2, audit_entries=5, repeat=1)


def pango_missing() -> str:
    """Why WeasyPrint cannot run here, or '' when it can."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        return f"WeasyPrint cannot load ({exc.__class__.__name__}: install libpango-1.0-0)"
    return ""


def run(size: Size = FULL) -> Result:
    workload = f"award report, {size.lots} lots x {size.bidders} bidders, {size.audit_entries:,} audit entries"
    missing = pango_missing()
    if missing:
        return Result(name="award PDF", workload=workload, absolute=None, baseline=None,
                      target=f"< {TARGET_SECONDS:.0f} s", met=None, skipped=missing)
    from pypdf import PdfReader
    from weasyprint import HTML

    from reports.pdf import AWARD_REPORT, _fetcher, award_report_context, award_report_pdf, render_html
    from reports.sample import sample_context

    report = sample_context(lots=size.lots, bidders=size.bidders, audit_entries=size.audit_entries)
    html = render_html(AWARD_REPORT, award_report_context(report))
    HTML(string="<p>warm up fonts</p>", url_fetcher=_fetcher(), base_url=None).write_pdf()

    # Today's report in one process (what the parallel layout must halve), then the parallel one.
    one_process = measure(lambda: award_report_pdf(report, workers=1), size.repeat)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    full = measure(lambda: award_report_pdf(report), size.repeat)
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_cpu = (children_after.ru_utime + children_after.ru_stime - children_before.ru_utime
                    - children_before.ru_stime) / max(1, size.repeat)
    plain_run = measure(lambda: HTML(string=html, url_fetcher=_fetcher(), base_url=None).write_pdf(), size.repeat)
    pdf, plain = full.value, plain_run.value
    report_seconds, baseline_seconds = full.wall, plain_run.wall
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    ratio = report_seconds / baseline_seconds
    result = Result(
        name="award PDF",
        workload=workload + f" = {pages} pages",
        absolute=report_seconds,
        baseline=baseline_seconds,
        target=f"< {TARGET_SECONDS:.0f} s, within {TARGET_RATIO}x of WeasyPrint",
        ratio_target=f"<= {TARGET_RATIO}x",
        met=report_seconds < TARGET_SECONDS and ratio <= TARGET_RATIO,
        figures={"pages": pages, "pdf_bytes": len(pdf), "baseline_pdf_bytes": len(plain), "html_bytes": len(html),
                 "cpu_seconds": round(full.cpu + children_cpu, 2),
                 "worker_cpu_seconds": round(children_cpu, 2),
                 "one_process_seconds": round(one_process.wall, 2), "one_process_cpu_seconds": round(one_process.cpu, 2),
                 "one_process_pages": len(PdfReader(io.BytesIO(one_process.value)).pages),
                 "ratio_to_one_process": round(report_seconds / one_process.wall, 2),
                 "one_process_pdf_bytes": len(one_process.value), "baseline_cpu_seconds": round(plain_run.cpu, 2)},
    )
    result.notes.append(f"{pages} pages, {len(pdf) / 1024:.0f} KiB PDF from {len(html) / 1024:.0f} KiB of HTML; "
                        f"CPU {full.cpu + children_cpu:.1f} s, of which {children_cpu:.1f} s in worker processes "
                        f"(WeasyPrint alone {plain_run.cpu:.1f} s)")
    result.notes.append(f"the same report in one process: {one_process.wall:.1f} s (CPU {one_process.cpu:.1f} s, "
                        f"{one_process.wall / baseline_seconds:.2f}x WeasyPrint alone); parallel / one process = "
                        f"{report_seconds / one_process.wall:.2f}")
    return result
