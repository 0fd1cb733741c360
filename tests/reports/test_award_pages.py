"""The award pages: a commissioner takes each step; bidders see their outcome and documents in the portal."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from accounts.models import Role
from reports.models import GeneratedReport
from tenders.models import Bid, TenderAward
from tenders.transitions import TenderStatus
from tests.factories import UserFactory
from tests.reports.helpers import BRAVO, CHARLIE, evaluated_tender

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def tender(commissioner, evaluator, moderator):
    return evaluated_tender(commissioner, evaluator, moderator)


def _provider_user(tender, name):
    bid = Bid.objects.get(tender=tender, provider__name=name)
    return bid, UserFactory(role=Role.PROVIDER, provider=bid.provider)


def test_the_award_decision_is_behind_a_confirmation_page(tender, commissioner):
    client = client_for(commissioner)
    award_page = client.get(f"/reports/{tender.reference}/award/").content.decode()
    assert f'href="/reports/{tender.reference}/award/decide/"' in award_page  # the next step is offered
    url = f"/reports/{tender.reference}/award/decide/"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "cannot be undone" in text and "CQC ratings of the recommended providers are checked again" in text
    assert "would have no feedback" not in text  # every consensus score carries feedback to the bidder

    refused = client.post(url, {"note": ""})
    assert refused.status_code == 400 and "Confirm that you want to award the tender" in refused.content.decode()
    assert not TenderAward.objects.filter(tender=tender).exists()

    done = client.post(url, {"confirm": "on", "note": "Per the evaluation."})
    assert done.status_code == 302 and done["Location"] == f"/reports/{tender.reference}/award/"
    tender.refresh_from_db()
    assert tender.status == TenderStatus.AWARDED


def test_legal_can_follow_the_award_but_not_take_a_step(tender, legal):
    client = client_for(legal)
    assert client.get(f"/reports/{tender.reference}/award/").status_code == 200
    assert client.get(f"/reports/{tender.reference}/award/decide/").status_code == 403
    assert client.post(f"/reports/{tender.reference}/award/", {"action": "issue_summaries"}).status_code == 403


def test_a_commissioner_walks_the_sequence_and_a_step_out_of_order_is_refused(
    tender, commissioner, django_capture_on_commit_callbacks
):
    # A fresh sign-in at each moment: sessions time out when idle (accounts).
    url = f"/reports/{tender.reference}/award/"
    with time_machine.travel(datetime(2025, 12, 18, 9, 0, tzinfo=UTC), tick=False):
        client = client_for(commissioner)
        client.post(f"/reports/{tender.reference}/award/decide/", {"confirm": "on"})
        early = client.post(url, {"action": "contracted"})
        assert early.status_code == 409 and "first issue the assessment summaries" in early.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url, {"action": "issue_summaries"}).status_code == 302
    notice = {**published("notice", "19", "12", "2025", "09", "30"),
              "notice-notice_id": "012345-2025", "action": "record_notice"}
    with time_machine.travel(datetime(2025, 12, 19, 11, 0, tzinfo=UTC), tick=False):
        client = client_for(commissioner)
        bad = client.post(url, {**notice, "notice-published_at_minute": "3h"})
        assert bad.status_code == 400
        assert "Publication date and time must be a real time, from 00 00 to 23 59" in bad.content.decode()
        assert client.post(url, notice).status_code == 302
        assert TenderAward.objects.get(tender=tender).award_notice_published_at == datetime(2025, 12, 19, 9, 30, tzinfo=UTC)
        page = client.get(url).content.decode()
        assert "Monday 5 January 2026" in page and "Tuesday 6 January 2026" in page
        inside = client.post(url, {"action": "contracted"})
    assert inside.status_code == 409
    assert "the contract can be entered into from Tuesday 6 January 2026" in inside.content.decode()
    with time_machine.travel(datetime(2026, 1, 6, 9, 0, tzinfo=UTC), tick=False):
        client = client_for(commissioner)
        assert client.post(url, {"action": "contracted"}).status_code == 302
        page = client.get(url).content.decode()
    # s.53, light-touch: 120 days beginning with Tuesday 6 January 2026.
    assert "Due by <strong>Tuesday 5 May 2026</strong>" in page


def test_bidders_see_their_outcome_and_documents_on_the_bid_page(
    tender, commissioner, django_capture_on_commit_callbacks
):
    client = client_for(commissioner)
    client.post(f"/reports/{tender.reference}/award/decide/", {"confirm": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reports/{tender.reference}/award/", {"action": "issue_summaries"})

    charlie_bid, charlie = _provider_user(tender, CHARLIE)
    page = client_for(charlie).get(f"/portal/bids/{charlie_bid.reference}/").content.decode()
    assert "Unsuccessful" in page and "Your tender was unsuccessful." in page
    summary = GeneratedReport.objects.get(provider=charlie_bid.provider, kind="assessment_summary")
    assert f"/reports/issued/{summary.pk}/" in page
    download = client_for(charlie).get(f"/reports/issued/{summary.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"

    bravo_bid, bravo = _provider_user(tender, BRAVO)
    assert "Successful" in client_for(bravo).get(f"/portal/bids/{bravo_bid.reference}/").content.decode()
    # Another bidder's documents stay with that bidder.
    assert client_for(bravo).get(f"/reports/issued/{summary.pk}/").status_code == 404


def published(prefix: str, day: str, month: str, year: str, hour: str, minute: str) -> dict[str, str]:
    """The GOV.UK date-and-time input of a notice form (common.date_input), as the browser posts it."""
    parts = ("day", "month", "year", "hour", "minute")
    return {f"{prefix}-published_at_{part}": value for part, value in zip(parts, (day, month, year, hour, minute), strict=True)}


@pytest.fixture
def awaiting_notice(tender, commissioner, django_capture_on_commit_callbacks):
    """The tender at the contract award notice step, on 18 December 2025."""
    with time_machine.travel(datetime(2025, 12, 18, 9, 0, tzinfo=UTC), tick=False):
        client = client_for(commissioner)
        client.post(f"/reports/{tender.reference}/award/decide/", {"confirm": "on"})
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/reports/{tender.reference}/award/", {"action": "issue_summaries"})
    return tender


def test_the_notice_form_is_the_one_govuk_date_input(awaiting_notice, commissioner):
    url = f"/reports/{awaiting_notice.reference}/award/"
    with time_machine.travel(datetime(2025, 12, 19, 11, 0, tzinfo=UTC), tick=False):
        page = client_for(commissioner).get(url).content.decode()
    assert "When was the contract award notice published?</legend>" in page
    for part in ("day", "month", "year", "hour", "minute"):
        assert f'name="notice-published_at_{part}"' in page
    assert "Use the time Find a Tender shows." in page and "Time (24-hour)" not in page


@pytest.mark.parametrize(("parts", "message", "marked"), [
    (("", "", "", "", ""), "Enter the publication date and time", {"day", "month", "year", "hour", "minute"}),
    (("19", "", "2025", "09", "30"), "Publication date and time must include a month", {"month"}),
    (("30", "2", "2025", "09", "30"), "Publication date and time must be a real date", {"day"}),
    (("19", "12", "25", "09", "30"), "The year of the publication date and time must include 4 numbers", {"year"}),
])
def test_a_wrong_publication_date_says_what_is_wrong_and_records_nothing(awaiting_notice, commissioner, parts, message, marked):
    url = f"/reports/{awaiting_notice.reference}/award/"
    with time_machine.travel(datetime(2025, 12, 19, 11, 0, tzinfo=UTC), tick=False):
        response = client_for(commissioner).post(
            url, {**published("notice", *parts), "notice-notice_id": "012345-2025", "action": "record_notice"}
        )
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    for part in ("day", "month", "year", "hour", "minute"):
        marked_here = f'govuk-input--error" id="id_notice-published_at_{part}"' in page
        assert marked_here == (part in marked), part
    assert TenderAward.objects.get(tender=awaiting_notice).award_notice_published_at is None
    # The one error summary (templates/_error_summary.html) links to the first part in error.
    first = next(part for part in ("day", "month", "year", "hour", "minute") if part in marked)
    assert f'<li><a href="#id_notice-published_at_{first}">{message}' in page


def test_a_refused_step_is_in_the_error_summary_and_links_to_what_it_is_about(awaiting_notice, commissioner):
    url = f"/reports/{awaiting_notice.reference}/award/"
    with time_machine.travel(datetime(2025, 12, 19, 11, 0, tzinfo=UTC), tick=False):
        client = client_for(commissioner)
        future = client.post(url, {"notice-notice_id": "012345-2025", "action": "record_notice",
                                   **published("notice", "19", "12", "2025", "12", "00")}).content.decode()
        early = client.post(url, {"action": "contracted"})
    assert "This step cannot be taken" in future
    assert '<li><a href="#id_notice-published_at_day">The publication time cannot be in the future.' in future
    assert early.status_code == 409 and '<li><a href="#main-content">' in early.content.decode()


def test_a_notice_in_the_future_or_in_the_clocks_change_is_refused(awaiting_notice, commissioner):
    url = f"/reports/{awaiting_notice.reference}/award/"
    notice = {"notice-notice_id": "012345-2025", "action": "record_notice"}
    with time_machine.travel(datetime(2025, 12, 19, 11, 0, tzinfo=UTC), tick=False):
        client = client_for(commissioner)
        future = client.post(url, {**notice, **published("notice", "19", "12", "2025", "12", "00")})
        assert future.status_code == 400 and "The publication time cannot be in the future." in future.content.decode()
    with time_machine.travel(datetime(2026, 3, 30, 11, 0, tzinfo=UTC), tick=False):
        client = client_for(commissioner)
        skipped = client.post(url, {**notice, **published("notice", "29", "3", "2026", "01", "30")})
    # 29 March 2026: the clocks go forward at 1am, so 01:30 never happens in the UK.
    assert skipped.status_code == 400
    assert "Publication date and time is at a time that does not exist in the UK" in skipped.content.decode()
    assert TenderAward.objects.get(tender=awaiting_notice).award_notice_published_at is None
