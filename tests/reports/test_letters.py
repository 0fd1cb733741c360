"""Assessment summaries and letters to bidders, and the standstill dates they state.

Procurement Act 2023 s.50 (assessment summaries), s.51 (8 working days' standstill from the
contract award notice); Procurement Regulations 2024 reg. 31 (what a summary contains).
"""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from reports.pdf import (
    ASSESSMENT_SUMMARY,
    STANDSTILL_LETTER,
    assessment_summary_pdf,
    bidder_context,
    bidder_letter_pdf,
    render_html,
    standstill_letter_pdf,
    unsuccessful_letter_pdf,
)
from reports.sample import sample_context


def _text(data: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages)


def _page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(scope="module")
def report():
    return sample_context()


@pytest.fixture(scope="module")
def wyre_summary(report):
    data = assessment_summary_pdf(report, "wyre")
    return data, _text(data)


# --- Standstill dates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("published", "ends", "entry"),
    [
        # Friday before Christmas: skips 25, 26 December, 1 January and Scotland's 2 January (s.123).
        (date(2025, 12, 19), date(2026, 1, 5), date(2026, 1, 6)),
        # Monday, with the Spring bank holiday (26 May 2025) inside the period.
        (date(2025, 5, 19), date(2025, 5, 29), date(2025, 5, 30)),
        # Published on a Saturday: the first working day is the Monday.
        (date(2025, 3, 1), date(2025, 3, 12), date(2025, 3, 13)),
        # Published on Good Friday 2025: Easter Monday is skipped too.
        (date(2025, 4, 18), date(2025, 5, 1), date(2025, 5, 2)),
    ],
)
def test_it_works_out_the_standstill_end_from_the_award_notice(report, published, ends, entry):
    standstill = dataclasses.replace(report, award_notice_published_on=published).standstill
    assert standstill.working_days == 8
    assert standstill.ends_on == ends
    assert standstill.earliest_entry_on == entry


def test_standstill_is_voluntary_for_light_touch_contracts_and_may_be_waived(report):
    assert report.standstill.mandatory is False and report.standstill.observed is True
    waived = dataclasses.replace(report, standstill_observed=False).standstill
    assert waived.observed is False and waived.ends_on is None
    assert waived.earliest_entry_on == date(2025, 12, 19)
    mandatory = dataclasses.replace(
        report, tender=dataclasses.replace(report.tender, standstill_mandatory=True), standstill_observed=False
    ).standstill
    assert mandatory.mandatory is True and mandatory.observed is True  # cannot be waived
    assert dataclasses.replace(report, award_notice_published_on=None).standstill is None


def _summary_html(report) -> str:
    return " ".join(
        re.sub(r"<[^>]+>", " ", render_html(ASSESSMENT_SUMMARY, bidder_context(report, "wyre", "Assessment summary"))).split()
    )


def test_the_standstill_wording_follows_the_tender(report):
    voluntary = _summary_html(report)
    assert "A voluntary standstill period (not required for this light-touch contract" in voluntary
    mandatory = _summary_html(
        dataclasses.replace(report, tender=dataclasses.replace(report.tender, standstill_mandatory=True))
    )
    assert "The standstill period required by section 51 of the Procurement Act 2023 of 8 working days" in mandatory
    waived = _summary_html(dataclasses.replace(report, standstill_observed=False))
    assert "No standstill period applies" in waived
    pending = _summary_html(dataclasses.replace(report, award_notice_published_on=None))
    assert "which has not yet been published" in pending


# --- Assessment summaries -------------------------------------------------------------------


def test_a_summary_identifies_the_supplier_and_the_tender(wyre_summary, report):
    text = wyre_summary[1]
    bidder = report.bidder("wyre")
    assert "Assessment summary" in text
    assert "section 50(3)" in text and "regulation 31" in text
    for fact in (bidder.name, "12 Market Street, Fleetwood, Lancashire", bidder.contact_email,
                 bidder.unique_identifier, "LCC-REA-2025-B003"):  # fmt: skip
        assert fact in text, fact


def test_a_summary_sets_out_the_criteria_with_their_weightings_and_scoring_method(wyre_summary):
    text = wyre_summary[1]
    assert "evaluated 60% on quality and 40% on price" in text
    assert "Q1. Reablement outcomes 18.00%" in text
    assert "Q4. Hospital discharge responsiveness 9.00%" in text
    assert "Price 40%" in text
    assert "5 Excellent: exceeds the requirement, well evidenced." in text


def test_a_summary_gives_the_bidders_scores_with_reasons_and_the_winners(wyre_summary):
    text = wyre_summary[1]
    # Wyre Coast's own scores: quality 37.80; lot 1 total 77.80, ranked 2nd of 2.
    assert "Ranked 2nd of 2 77.80 Lune Valley Home Care Ltd 83.01" in text
    assert "Section 2 plans to move to guaranteed hours in year two without a timetable." in text
    assert "37.80 out of 60" in text
    # Its price on both bases and how the price score was worked out.
    assert "£25.20 £30.24 40.00 = 40 × £30.24 (lowest acceptable) / £30.24" in text
    # The winners' scores and reasons.
    assert "Lune Valley Home Care Ltd" in text and "Pennine Enablement Partnership Ltd" in text
    assert "Section 4 commits to starts within 24 hours seven days a week" in text
    assert "43.80 out of 60" in text and "45.60 out of 60" in text
    assert "£28.20 £33.84 35.74 = 40 × £30.24 (lowest acceptable) / £33.84 79.54" in text


def test_a_summary_states_the_standstill_period_and_its_end_date(wyre_summary):
    text = wyre_summary[1]
    assert "contract award notice on Friday 19 December 2025" in text
    assert "ends at midnight at the end of Monday 5 January 2026" in text
    assert "not be entered into before Tuesday 6 January 2026" in text


def test_a_summary_puts_the_reference_page_numbers_and_generation_time_on_every_page(wyre_summary):
    data = wyre_summary[0]
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages]
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "LCC-REA-2025" in page
        assert "Generated 18 December 2025, 10:15 (UK time)" in page


def test_an_excluded_bidders_summary_gives_the_reason_and_the_winners(report):
    text = _text(assessment_summary_pdf(report, "hilltop"))
    assert "Your tender was excluded and was not assessed against the award criteria" in text
    assert "location 1-201000005 is rated Inadequate: Safe" in text
    assert "Hilltop Home Support - Blackburn Road (1-201000005), Safe: Inadequate, published Thursday 12 June 2025" in text
    assert "Excluded" in text
    assert "Ribble and Pendle Reablement CIC" in text  # won lot 4, which Hilltop bid for
    assert "3. Your tender" not in text


# --- Letters --------------------------------------------------------------------------------


def test_the_award_letter_lists_the_lots_won_with_prices_on_both_bases(report):
    text = _text(standstill_letter_pdf(report, "ribble"))
    assert "notice of intention to award" in text
    assert "Lancashire County Council intends to award you the contract for the following lots" in text
    assert "Lot 3: Pendle and Ribble Valley 949 £28.40 £34.08 89.10" in text
    assert "Lot 4: Burnley, Hyndburn and Rossendale 1,197 £26.35 £31.62 89.34" in text
    assert "ends at midnight at the end of Monday 5 January 2026" in text
    assert "not an acceptance of your tender" in text
    assert "A. N. Officer" in text


def test_the_award_letter_also_lists_lots_not_won(report):
    html = render_html(STANDSTILL_LETTER, bidder_context(report, "lune", "Notice of award and standstill"))
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Your tender was not successful in the following lot" in text
    assert "Lot 5: Chorley, South Ribble and Greater Preston Ranked 3rd 83.57 Ribble and Pendle Reablement CIC 88.53" in text


def test_the_unsuccessful_letter_gives_ranks_winners_and_winning_prices(report):
    data = unsuccessful_letter_pdf(report, "wyre")
    text = _text(data)
    assert "your tender has not been successful" in text
    assert "Lot 2: Fylde and Wyre Ranked 2nd of 2 77.80 Lune Valley Home Care Ltd 79.54 £28.20 / £33.84" in text
    assert "Your tender scored 37.80 out of 60 for quality" in text
    assert "Monday 5 January 2026" in text
    assert _page_count(data) == 1


def test_the_unsuccessful_letter_to_an_excluded_bidder_gives_the_exclusion_and_evidence(report):
    text = _text(unsuccessful_letter_pdf(report, "hilltop"))
    assert "your tender was excluded from the evaluation" in text
    assert "location 1-201000005 is rated Inadequate: Safe" in text
    assert "Safe: Inadequate" in text
    assert "Source: CQC care directory with ratings, 1 October 2025." in text


@pytest.mark.parametrize(
    ("provider_key", "kind"),
    [("ribble", "standstill_letter"), ("lune", "standstill_letter"), ("wyre", "unsuccessful_letter"),
     ("hilltop", "unsuccessful_letter")],
)  # fmt: skip
def test_each_bidder_gets_the_right_letter(report, provider_key, kind, monkeypatch):
    monkeypatch.setattr("reports.pdf.render_pdf", lambda template, context, progress=None: template.encode())
    chosen, data = bidder_letter_pdf(report, provider_key)
    assert chosen == kind
    assert data == f"reports/{kind}.html".encode()


def test_letters_escape_text_from_bidders(report):
    bidder = dataclasses.replace(report.bidder("wyre"), name="<script>x()</script> Ltd", contact_name="<b>Ann</b>")
    tampered = dataclasses.replace(
        report, bidders=tuple(bidder if b.provider_key == "wyre" else b for b in report.bidders)
    )
    html = render_html("reports/unsuccessful_letter.html", bidder_context(tampered, "wyre", "Outcome"))
    assert "<script>" not in html and "<b>Ann</b>" not in html
    assert "&lt;script&gt;x()&lt;/script&gt; Ltd" in html


def test_an_unknown_bidder_is_a_clear_error(report):
    with pytest.raises(KeyError, match="no bidder 'nobody'"):
        assessment_summary_pdf(report, "nobody")
