"""The award report of the Lancashire reablement demo (LCC-REAB-2017), read back from the PDF and the exports.

The figures are the demo's evaluation (tests/evaluation/test_demo_evaluation.py works them by
hand): quality 60 x sum(w s / 5) / 100, price 40 x lowest / price per contact hour, one
provider per lot and at most three lots each; Red Rose excluded (Inadequate on Safe).
The tender is not yet awarded, so no contract award notice is recorded and the standstill is
pending (issue 14: it is never dated from the generation day).
"""
from __future__ import annotations

import io
import re
from datetime import datetime
from decimal import Decimal
from io import StringIO

import pandas as pd
import pytest
from django.core.management import call_command
from pypdf import PdfReader

from common.timezone import UK_TZ
from evaluation.models import EvaluationRun
from reports import services
from reports.building import award_report_context
from reports.documents import render_document
from reports.models import ReportKind, ReportStatus
from tenders.models import Tender

pytestmark = pytest.mark.django_db

GENERATED = datetime(2017, 4, 13, 10, 0, tzinfo=UK_TZ)
MORECAMBE = "Morecambe Bay Care Co-operative (fictional)"
BOWLAND = "Bowland Fells Home Support Ltd (fictional)"
FYLDE = "Fylde Coast Companions Ltd (fictional)"
PENDLE = "Pendle Hill Reablement Services (fictional)"
DOCKSIDE = "Dockside Care Partners Ltd (fictional)"
REDROSE = "Red Rose Domiciliary Care Ltd (fictional)"


@pytest.fixture
def tender():
    call_command("load_demo", stdout=StringIO())
    return Tender.objects.get(reference="LCC-REAB-2017")


def _text(data: bytes) -> str:
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    # Table cells wrap long names ("Co-\noperative"): join them back before matching.
    return re.sub(r"- (?=[a-z])", "-", " ".join(text.split()))


def _row(text: str, rank: int, name: str, figures: str) -> bool:
    return re.search(rf"{rank} {re.escape(name)} LCC-REAB-2017-\w+ · CQC [A-Za-z ]+? {re.escape(figures)}", text) is not None


def test_the_demo_award_report_shows_the_stored_evaluation(tender):
    report = award_report_context(tender=tender, generated_at=GENERATED, generated_by="Lena Legal (legal)")
    text = _text(render_document(report, "award_report").data)

    assert "Award report" in text and "LCC-REAB-2017" in text and "Lancashire County Council" in text
    assert "6 lots, 5,678 hours a week in total" in text
    # Lot 1 Lancaster: rank, provider, quality, price, total, per billed hour, per contact hour.
    assert _row(text, 1, MORECAMBE, "53.40 38.57 91.97 £15.40 £18.48")
    assert _row(text, 2, BOWLAND, "44.40 40.00 84.40 £14.85 £17.82")
    assert _row(text, 3, FYLDE, "44.40 39.73 84.13 £14.95 £17.94")
    # Lot 4 Burnley: Morecambe's abnormally low £12.60 (£15.12 per contact hour) was explained and accepted.
    assert _row(text, 1, MORECAMBE, "53.40 40.00 93.40 £12.60 £15.12")
    assert _row(text, 2, PENDLE, "42.00 35.37 77.37 £14.25 £17.10")
    assert _row(text, 3, DOCKSIDE, "37.20 34.52 71.72 £14.60 £17.52")
    assert "£13.64 per billed hour = £16.37 per contact hour" in text  # the zone's model minimum
    # Lot 5 Chorley: Dockside's £11.40 rejected after clarification; Fylde wins.
    assert _row(text, 1, FYLDE, "44.40 39.58 83.98 £14.45 £17.34")
    assert _row(text, 2, PENDLE, "42.00 40.00 82.00 £14.30 £17.16")
    assert "Price rejected (abnormally low)" in text
    # Recommended awards: Morecambe keeps its three best lots, so lot 2 goes to Fylde.
    for lot, name, total in (
        ("Lot 1: Lancaster", MORECAMBE, "91.97"), ("Lot 2: Fylde and Wyre", FYLDE, "84.40"),
        ("Lot 3: Pendle and Ribble Valley", BOWLAND, "83.78"),
        ("Lot 4: Burnley, Hyndburn and Rossendale", MORECAMBE, "93.40"),
        ("Lot 5: Chorley, South Ribble and Greater Preston", FYLDE, "83.98"),
        ("Lot 6: West Lancashire", MORECAMBE, "92.91"),
    ):  # fmt: skip
        assert re.search(rf"{re.escape(lot)} [\d,]+ {re.escape(name)} {total}", text), lot
    assert "provider already recommended for its maximum of 3 lot(s)" in text
    # Every ranked total of the stored run appears.
    run = EvaluationRun.objects.get(tender=tender, is_current=True)
    for lot in run.results["lots"]:
        for bid in lot["bids"]:
            if bid["total"] is not None:
                assert bid["total"] in text
    # The exclusion with its CQC evidence.
    assert f"{REDROSE} (LCC-REAB-2017-" in text
    assert "location 1-991000005 is rated Inadequate: Safe." in text
    assert "Lots affected: 3, 4, 5." in text
    assert "Red Rose Domiciliary Care - Preston 1-991000005 Overall Safe Inadequate" in text
    # The clarifications, conflicts and the standstill period.
    assert "Explanation accepted" in text and "Price rejected" in text
    assert "Esme Evaluator (Evaluator)" in text and "My sister is a care coordinator at Fylde Coast Companions" in text
    # Issue 14: the notice date is the recorded one, never the generation day. Not yet recorded,
    # so the standstill is pending; reablement is light-touch, so it is voluntary, not s.51's.
    assert "A voluntary standstill period (not required for this light-touch contract" in text
    assert "which has not yet been published" in text
    assert "required by section 51" not in text
    assert "13 April 2017" in text  # the generation stamp only


def test_the_xlsx_matrix_reopened_equals_the_current_runs_results(tender, django_capture_on_commit_callbacks):
    from accounts.models import User

    legal = User.objects.get(username="legal")
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(tender=tender, kind=ReportKind.EVALUATION_MATRIX_XLSX, user=legal)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    frame = pd.read_excel(io.BytesIO(report.file.read()), sheet_name="Evaluation matrix", dtype=object, engine="openpyxl")
    run = EvaluationRun.objects.get(tender=tender, is_current=True)

    def money(value):
        return None if pd.isna(value) else f"{Decimal(str(value)):.2f}"

    expected = []
    for lot in run.results["lots"]:
        for bid in lot["bids"]:
            priced = bid["status"] != "excluded"
            expected.append((
                lot["lot"], lot["zone"], bid["bid_ref"], bid["provider"], bid["quality_score"], bid["price_score"],
                bid["total"], bid["rank"], "Yes" if bid["recommended"] else "No",
                bid["hourly_price"] if priced else None, bid["price_per_contact_hour"] if priced else None,
            ))  # fmt: skip
    billed = "Price per billed hour, 50+10 min (£)"
    actual = [
        (
            int(row["Lot"]), row["Zone"], row["Bid reference"], row["Provider"], money(row["Quality score"]),
            money(row["Price score"]), money(row["Total"]), None if pd.isna(row["Rank"]) else int(row["Rank"]),
            row["Recommended"], money(row[billed]), money(row["Price per contact hour (£)"]),
        )
        for _, row in frame.iterrows()
    ]  # fmt: skip
    assert actual == expected
    # Individual scores and the consensus per question, for a bid scored by all three evaluators.
    first = run.results["lots"][0]["bids"][0]
    row = frame[(frame["Lot"] == 1) & (frame["Bid reference"] == first["bid_ref"])].iloc[0]
    for question in first["questions"]:
        assert money(row[f"Q{question['number']} consensus"]) == f"{Decimal(question['consensus']):.2f}"
        names = {"evaluator": "Erin Evaluator", "evaluator2": "Euan Evaluator", "evaluator3": "Esme Evaluator"}
        for score in question["individual"]:
            assert money(row[f"Q{question['number']} {names[score['evaluator']]}"]) == f"{Decimal(score['score']):.2f}"

    with django_capture_on_commit_callbacks(execute=True):
        snapshot = services.report_request(tender=tender, kind=ReportKind.CQC_SNAPSHOT, user=legal)
    snapshot.refresh_from_db()
    cqc = pd.read_excel(io.BytesIO(snapshot.file.read()), sheet_name="CQC ratings", dtype=object, engine="openpyxl")
    assert sorted(cqc["Provider"]) == sorted([BOWLAND, DOCKSIDE, FYLDE, MORECAMBE, PENDLE, REDROSE])
    red_rose = cqc[cqc["Provider"] == REDROSE].iloc[0]
    assert (red_rose["Location ID"], red_rose["Safe"], red_rose["Outcome"]) == ("1-991000005", "Inadequate", "excluded")
    assert cqc[cqc["Provider"] == DOCKSIDE].iloc[0]["Outcome"] == "flagged"
