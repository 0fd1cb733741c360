"""A provider's bid pages read the same number of queries however many lots and questions the tender has.

Before: each priced lot re-read its tender and the tender's cost-of-care preset for its live price check,
and each answer its question (at 10 lots and 8 questions the prices page made 39 queries, the check page
47, the API's bid 27; at 2 lots and 2 questions 23, 31 and 13).
"""
from __future__ import annotations

import pytest
from django.test import Client

from tenders import services
from tenders.bidding_rules import DECLARATIONS
from tests.page_queries import page_statements
from tests.tenders.bidding_support import open_tender

pytestmark = pytest.mark.django_db

PAGES = [
    "/portal/bids/{bid}/",
    "/portal/bids/{bid}/prices/",
    "/portal/bids/{bid}/check/",
    "/api/bids/{bid}/",
    "/api/bids/{bid}/problems/",
]


def _draft(bidder, *, lots: int, questions: int) -> str:
    tender = open_tender(lots=lots, questions=questions)
    bid = services.bid_start(tender=tender, user=bidder)
    services.bid_update_draft(
        bid=bid, user=bidder, prices={lot.pk: ("18.50", None) for lot in tender.lots.all()},
        answers={q.pk: f"Our answer to question {q.number}." for q in tender.questions.all()},
        cqc_location_ids=["1-123456789"], declarations=list(DECLARATIONS),
    )
    return bid.reference


@pytest.mark.parametrize("page", PAGES)
def test_a_bid_page_makes_the_same_queries_for_two_lots_as_for_ten(page, bidder):
    small, large = (_draft(bidder, lots=lots, questions=questions) for lots, questions in ((2, 2), (10, 8)))
    assert len(page_statements(bidder, page.format(bid=small))) == len(page_statements(bidder, page.format(bid=large)))


def test_giving_each_priced_lot_its_tender_never_hides_a_price_on_another_tenders_lot(bidder):
    """The pages hand each priced lot the bid's tender to save a query; a lot of another tender keeps its own."""
    from tenders.models import BidLotPrice, BidVersion

    reference = _draft(bidder, lots=2, questions=1)
    draft = BidVersion.objects.get(bid__reference=reference, status="draft")
    elsewhere = open_tender(lots=1, questions=1).lots.get()
    BidLotPrice.objects.create(version=draft, lot=elsewhere, hourly_price="18.50")  # as if moved from under it
    client = Client()
    client.force_login(bidder)
    problems = client.get(f"/api/bids/{reference}/problems/").json()
    assert "A price is for a lot that is no longer in this tender; remove it." in [p["message"] for p in problems]
