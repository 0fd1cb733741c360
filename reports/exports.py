"""Spreadsheet exports of the evaluation (pure: pandas and openpyxl, no Django).

- `evaluation_matrix_frame(report)`: one row per bid per lot (provider, CQC status, price
  on both minute bases, cost-of-care gap, each evaluator's score and the consensus per
  question, quality, price, total, rank, recommendation).
- `cqc_snapshot_frame(report)`: every bidder's named CQC locations with their ratings.
- `to_csv_bytes(df)`: UTF-8 with a byte-order mark (so Excel shows "£"), CRLF line ends.
- `to_xlsx_bytes(df, sheet_name=...)` / `to_xlsx_workbook_bytes({sheet: df})`: openpyxl
  workbook with a bold frozen header, filters, column widths fitted to the content, and
  number formats: "£"#,##0.00 for money columns (headed with "(£)"), 0.00 for scores and
  percentages, 0 for whole numbers.
- `neutralise_formula(text)`: makes a text cell inert in spreadsheet programs.

The frames are built with pandas (object dtype, so Decimals and whole numbers stay what they
are) and the CSV is written by pandas; the XLSX cells are written with openpyxl from the
frame, because pandas' Excel writer turns a missing value into an empty *string* cell,
which Excel then counts as text.

Values: money is rounded to the penny and scores to 2 places (half up), the precision the
award report shows, so the export and the report agree figure for figure. Figures stay
Decimal in the frame (never float); a missing figure is None (an empty cell).

Formula injection (CSV/spreadsheet injection, OWASP): a text cell that starts with = + - @,
a tab, CR or LF (or a full-width = + - @, which some spreadsheet programs also accept) is
prefixed with an apostrophe, so a provider name or answer such as "=HYPERLINK(...)" is shown
as text, never evaluated. Both writers apply it to every text cell and every header, so any
frame written through them is safe; numbers are left alone.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from common.money import pennies, quantize_score
from common.timezone import UK_TZ
from reports.context import ReportContext

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
MONEY_FORMAT = '"£"#,##0.00'
SCORE_FORMAT = "0.00"
INTEGER_FORMAT = "0"
DATE_FORMAT = "dd/mm/yyyy"
MIN_WIDTH = 6
MAX_WIDTH = 60


def neutralise_formula(text: str) -> str:
    """Prefix an apostrophe when a spreadsheet would read the text as a formula."""
    if text and text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else pennies(value)


def _score(value: Decimal | None) -> Decimal | None:
    return None if value is None else quantize_score(value)


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def evaluation_matrix_frame(report: ReportContext) -> pd.DataFrame:
    """One row per bid per lot, in lot order and the lot's rank order."""
    tender = report.tender
    evaluators = report.evaluator_names
    billed = f"Price per billed hour, {tender.contact_minutes}+{tender.travel_minutes} min (£)"
    records: list[dict[str, Any]] = []
    for lot in report.lots:
        for row in lot.rows:
            record: dict[str, Any] = {
                "Lot": lot.number,
                "Zone": lot.zone_name,
                "Bid reference": row.bid_ref,
                "Provider": row.provider_name,
                "CQC rating": row.cqc_rating or None,
                "CQC outcome": row.cqc_outcome or None,
                "Status": row.status_label,
                billed: _money(row.price_per_billed_hour),
                "Price per contact hour (£)": _money(row.price_per_contact_hour),
                "Model minimum per contact hour (£)": _money(row.model_minimum),
                "Cost-of-care gap per contact hour (£)": _money(row.gap_amount),
                "Cost-of-care gap (%)": _score(row.gap_percent),
                "Price check": row.price_check_label or None,
            }
            for question in report.questions:
                qs = row.score_for(question.number)
                by_evaluator = {i.evaluator: i.score for i in qs.individual} if qs else {}
                for evaluator in evaluators:
                    record[f"Q{question.number} {evaluator}"] = _score(by_evaluator.get(evaluator))
                record[f"Q{question.number} consensus"] = _score(qs.consensus) if qs else None
            record.update(
                {
                    "Quality score": _score(row.quality_score),
                    "Price score": _score(row.price_score),
                    "Total": _score(row.total),
                    "Rank": row.rank,
                    "Recommended": _yes_no(row.recommended),
                    "Reason": row.status_reason or None,
                }
            )
            records.append(record)
    return pd.DataFrame(records, columns=_matrix_columns(report, billed), dtype=object)


def _matrix_columns(report: ReportContext, billed: str) -> list[str]:
    columns = [
        "Lot", "Zone", "Bid reference", "Provider", "CQC rating", "CQC outcome", "Status", billed,
        "Price per contact hour (£)", "Model minimum per contact hour (£)",
        "Cost-of-care gap per contact hour (£)", "Cost-of-care gap (%)", "Price check",
    ]  # fmt: skip
    for question in report.questions:
        columns += [f"Q{question.number} {e}" for e in report.evaluator_names]
        columns.append(f"Q{question.number} consensus")
    columns += ["Quality score", "Price score", "Total", "Rank", "Recommended", "Reason"]
    return columns


def cqc_snapshot_frame(report: ReportContext) -> pd.DataFrame:
    """Every bidder's named locations and their CQC ratings, as used in the evaluation."""
    records = [
        {
            "Provider": row.provider_name,
            "Bid reference": row.bid_ref,
            "CQC provider ID": row.cqc_provider_id,
            "Location ID": row.location_id,
            "Location name": row.location_name,
            "Overall": row.overall,
            "Safe": row.safe,
            "Effective": row.effective,
            "Caring": row.caring,
            "Responsive": row.responsive,
            "Well-led": row.well_led,
            "Rating published": row.publication_date,
            "Outcome": row.outcome or None,
            "Source": row.source or None,
        }
        for row in report.cqc_snapshot
    ]
    columns = [
        "Provider", "Bid reference", "CQC provider ID", "Location ID", "Location name", "Overall", "Safe",
        "Effective", "Caring", "Responsive", "Well-led", "Rating published", "Outcome", "Source",
    ]  # fmt: skip
    return pd.DataFrame(records, columns=columns, dtype=object)


# --- Writers ------------------------------------------------------------------------------


def _safe_cell(value: Any) -> Any:
    if isinstance(value, str):
        return neutralise_formula(value)
    return value


def _safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out.columns = [neutralise_formula(str(c)) for c in df.columns]
    for position in range(out.shape[1]):
        # Built by hand: Series.map would re-infer the dtype and turn whole numbers with gaps into floats.
        values = [_safe_cell(v) for v in out.iloc[:, position].tolist()]
        out.isetitem(position, pd.Series(values, index=out.index, dtype=object))
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with BOM; Decimals written exactly (12.75, never 12.7500000001)."""
    safe = _safe_frame(df)
    safe = safe.where(pd.notna(safe), None)
    text = safe.to_csv(index=False, lineterminator="\r\n", date_format="%Y-%m-%d")
    return text.encode("utf-8-sig")


def _column_format(header: str, values: list[Any]) -> str | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    if all(isinstance(v, Decimal) for v in present):
        return MONEY_FORMAT if "(£)" in header else SCORE_FORMAT
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return INTEGER_FORMAT
    if all(isinstance(v, date) for v in present):
        return DATE_FORMAT
    return None


def _display_width(value: Any, number_format: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return len(f"{value:,.2f}") + (1 if number_format == MONEY_FORMAT else 0)
    if isinstance(value, (date, datetime)):
        return 10
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def _write_sheet(workbook: Workbook, title: str, df: pd.DataFrame) -> None:
    sheet = workbook.create_sheet(title=title[:31])
    safe = _safe_frame(df)
    headers = list(safe.columns)
    sheet.append(headers)
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    columns: list[list[Any]] = []
    for header in headers:
        col = [None if (v is None or (not isinstance(v, str) and pd.isna(v))) else v for v in safe[header].tolist()]
        columns.append(col)
    for r in range(len(safe)):
        row_values = []
        for col in columns:
            value = col[r]
            if isinstance(value, datetime):
                # Excel has no time zones: write UK wall-clock time, as the reports show it.
                value = value.astimezone(UK_TZ).replace(tzinfo=None) if value.tzinfo else value
            row_values.append(value)
        sheet.append(row_values)
    for index, (header, col) in enumerate(zip(headers, columns, strict=True), start=1):
        number_format = _column_format(header, col)
        letter = get_column_letter(index)
        if number_format:
            for cell in sheet[letter][1:]:
                if cell.value is not None:
                    cell.number_format = number_format
        header_width = max((len(word) for word in str(header).split()), default=0)
        content_width = max((_display_width(v, number_format) for v in col), default=0)
        # Headers wrap onto two or three lines, so they need only about a third of their length.
        width = max(header_width, min(len(str(header)), max(content_width, len(str(header)) // 3 + 1)), content_width)
        sheet.column_dimensions[letter].width = max(MIN_WIDTH, min(MAX_WIDTH, width + 2))
    sheet.freeze_panes = "A2"
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, len(safe) + 1)}"


def to_xlsx_workbook_bytes(frames: Mapping[str, pd.DataFrame], *, created: datetime | None = None) -> bytes:
    """An XLSX workbook with one formatted sheet per frame (sheet names cut to Excel's 31 characters).

    `created` (aware) dates the workbook's properties, so an export states when it was made.
    """
    if not frames:
        raise ValueError("an export needs at least one sheet")
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, df in frames.items():
        _write_sheet(workbook, title, df)
    if created is not None:
        stamp = created.astimezone(UK_TZ).replace(tzinfo=None)
        workbook.properties.created = stamp
        workbook.properties.modified = stamp
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_xlsx_bytes(df: pd.DataFrame, *, sheet_name: str = "Evaluation matrix", created: datetime | None = None) -> bytes:
    """A one-sheet XLSX of `df` with widths and number formats (see module docstring)."""
    return to_xlsx_workbook_bytes({sheet_name: df}, created=created)
