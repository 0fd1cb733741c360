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
    notice = {"notice-published_day": "19", "notice-published_month": "12", "notice-published_year": "2025",
              "notice-published_time": "09:30", "notice-notice_id": "012345-2025", "action": "record_notice"}
    with time_machine.travel(datetime(2025, 12, 19, 11, 0, tzinfo=UTC), tick=False):
        client = client_for(commissioner)
        bad = client.post(url, {**notice, "notice-published_time": "9h"})
        assert bad.status_code == 400 and "hours and minutes" in bad.content.decode()
        assert client.post(url, notice).status_code == 302
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
