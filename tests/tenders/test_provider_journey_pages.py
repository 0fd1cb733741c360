"""The provider's journey, finished (issue 16): ways in from the tender list, every price warning repeated
before submitting, a clear state for a bid not re-confirmed by the deadline, a countdown from the server's
clock, a printable receipt (PDF), notifications read once seen."""
from __future__ import annotations

import re

import pytest
from django.utils import timezone

from tenders import services
from tenders.models import Bid
from tests.tenders.bidding_support import complete_draft, open_tender, pass_deadline, submitted_bid

pytestmark = pytest.mark.django_db


def test_the_tender_list_and_the_portal_offer_start_a_bid_and_ask_a_question(client, bidder):
    tender = open_tender()
    client.force_login(bidder)
    for page in ("/", "/portal/"):
        html = client.get(page).content.decode()
        assert f'action="/portal/tenders/{tender.reference}/bid/"' in html and "Start a bid" in html, page
        assert f'href="/portal/tenders/{tender.reference}/ask/"' in html and "Ask a question" in html, page


def test_commissioners_are_not_offered_the_portal_actions(client, commissioner):
    open_tender()
    client.force_login(commissioner)
    assert "Start a bid" not in client.get("/").content.decode()


def test_the_check_page_repeats_every_price_warning(client, bidder):
    tender = open_tender(lots=1)
    bid = services.bid_start(tender=tender, user=bidder)
    complete_draft(bid, bidder, price="10.00")  # 12.00 per contact hour: below the statutory floor
    client.force_login(bidder)
    prices_page = client.get(f"/portal/bids/{bid.reference}/prices/").content.decode()
    check_page = client.get(f"/portal/bids/{bid.reference}/check/").content.decode()
    assert "Price warnings" in check_page and "Lot 1" in check_page
    warning = re.search(r"app-check--below_statutory_floor\">([^<]+)<", prices_page)
    if warning:  # the same words as on the prices page
        assert warning.group(1).strip()[:40] in check_page
    assert "ask you to explain this price" in check_page


def test_the_check_page_repeats_a_package_price_warning_too(client, bidder):
    tender = open_tender(lots=1, package_lot=True)
    bid = services.bid_start(tender=tender, user=bidder)
    complete_draft(bid, bidder, price="30.00")  # the hourly price is fine; the package is 600 for 30 hours
    lot = tender.lots.get()
    services.bid_update_draft(bid=bid, user=bidder, prices={lot.pk: ("30.00", "200.00")})  # £8.00 per contact hour
    client.force_login(bidder)
    check_page = client.get(f"/portal/bids/{bid.reference}/check/").content.decode()
    assert "Price warnings" in check_page
    assert "Lot 1 (" in check_page and "this package price (£8.00 per contact hour over its 30 hours) is below" in check_page
    assert check_page.count("govuk-warning-text__icon") == 1  # the hourly price raises none


def test_a_bid_not_reconfirmed_by_the_deadline_says_it_still_counts_and_why(client, bidder, commissioner):
    tender = open_tender()
    bid, result = submitted_bid(tender, bidder)
    Bid.objects.filter(pk=bid.pk).update(needs_reconfirmation=True)
    pass_deadline(tender)
    client.force_login(bidder)
    html = client.get(f"/portal/bids/{bid.reference}/").content.decode()
    assert "The deadline passed before you re-confirmed" in html and "your bid still counts" in html
    assert f"version {result.version.number}" in html and "Re-confirm my bid" not in html
    assert "counts as sent (not re-confirmed)" in html


def test_the_bid_pages_count_down_from_the_server_clock(client, bidder):
    tender = open_tender()
    bid = services.bid_start(tender=tender, user=bidder)
    client.force_login(bidder)
    html = client.get(f"/portal/bids/{bid.reference}/").content.decode()
    deadline = re.search(r'data-countdown-deadline="([^"]+)"', html).group(1)
    server_now = re.search(r'data-countdown-server-now="([^"]+)"', html).group(1)
    assert deadline.startswith(timezone.localtime(tender.submission_deadline).strftime("%Y-%m-%dT%H:%M"))
    assert abs((timezone.datetime.fromisoformat(server_now) - timezone.now()).total_seconds()) < 60
    assert '<script src="/static/js/countdown.js" defer></script>' in html


def test_the_receipt_prints_as_a_pdf_with_the_digest(client, bidder):
    tender = open_tender()
    bid, result = submitted_bid(tender, bidder)
    client.force_login(bidder)
    page = client.get(f"/portal/bids/{bid.reference}/receipts/{result.version.number}/").content.decode()
    assert f"/portal/bids/{bid.reference}/receipts/{result.version.number}/receipt.pdf" in page
    response = client.get(f"/portal/bids/{bid.reference}/receipts/{result.version.number}/receipt.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_another_provider_cannot_print_someone_elses_receipt(client, bidder, rival_bidder):
    tender = open_tender()
    bid, result = submitted_bid(tender, bidder)
    client.force_login(rival_bidder)
    assert client.get(f"/portal/bids/{bid.reference}/receipts/{result.version.number}/receipt.pdf").status_code in (
        403, 404)
