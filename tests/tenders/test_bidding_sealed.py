"""Sealed until opening: nobody but the bidding provider reads a bid's prices, answers or documents.

Checked for every role, through the pages, the API and the Django admin; then again after opening.
"""
import pytest
from django.utils import timezone

from accounts.models import Role
from evaluation import services as evaluation_services
from tenders import access, services
from tenders.models import Bid, BidDocument, Tender
from tests.evaluation.helpers import declare, panel
from tests.factories import UserFactory
from tests.tenders.bidding_support import (
    PDF_BYTES,
    close_and_open,
    complete_draft,
    open_tender,
    shows_amount,
    upload,
)

pytestmark = pytest.mark.django_db

PRICE = "18.50"
ANSWER = "Our answer to question 1."


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def sealed(bidder):
    tender = open_tender()
    bid = services.bid_start(tender=tender, user=bidder)
    complete_draft(bid, bidder, price=PRICE)
    document = services.bid_add_document(bid=bid, user=bidder, upload=upload("policy.pdf", PDF_BYTES))
    services.bid_submit(bid=bid, user=bidder, idempotency_key="sealed")
    return bid, document


def _urls(bid, document: BidDocument) -> dict[str, str]:
    return {
        "opened view": f"/bidding/bids/{bid.reference}/",
        "document": f"/portal/bids/{bid.reference}/documents/{document.pk}/",
        "receipt": f"/portal/bids/{bid.reference}/receipts/1/",
        "receipt json": f"/portal/bids/{bid.reference}/receipts/1/receipt.json",
        "bid page": f"/portal/bids/{bid.reference}/",
        "api detail": f"/api/bids/{bid.reference}/",
        "api receipt": f"/api/bids/{bid.reference}/versions/1/receipt/",
        "api document": f"/api/bids/{bid.reference}/documents/{document.pk}/",
    }


def _leaks(response) -> bool:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return shows_amount(body, PRICE) or ANSWER.encode() in body or body.startswith(b"%PDF")


def test_the_bidding_provider_can_read_its_own_sealed_bid(client, bidder, sealed):
    bid, document = sealed
    client.force_login(bidder)
    for name, url in _urls(bid, document).items():
        response = client.get(url)
        assert response.status_code == 200, name
    assert access.can_read_bid(bidder, bid)


@pytest.mark.parametrize("persona", ["commissioner", "second_commissioner", "evaluator", "moderator", "legal", "superuser"])
def test_the_commissioning_side_gets_403_and_nothing_of_the_content_before_opening(request, client, persona, sealed):
    user = request.getfixturevalue(persona)
    bid, document = sealed
    assert not access.can_read_bid(user, bid)
    client.force_login(user)
    for name, url in _urls(bid, document).items():
        response = client.get(url)
        assert response.status_code in (403, 404), (persona, name, response.status_code)
        assert not _leaks(response), (persona, name)
    assert client.get(f"/bidding/bids/{bid.reference}/").status_code == 403
    assert client.get(f"/api/bids/{bid.reference}/").status_code == 403
    assert bid.reference not in client.get("/api/bids/").content.decode()


@pytest.mark.parametrize("persona", ["rival_bidder", "outsider"])
def test_other_providers_cannot_even_tell_the_bid_exists(request, client, persona, sealed):
    user = request.getfixturevalue(persona)
    bid, document = sealed
    client.force_login(user)
    for name, url in _urls(bid, document).items():
        response = client.get(url)
        assert response.status_code == 404, (persona, name, response.status_code)
    assert client.get("/api/bids/").json()["results"] == []


def test_anonymous_users_are_sent_to_sign_in(client, sealed):
    bid, document = sealed
    for name, url in _urls(bid, document).items():
        response = client.get(url)
        assert response.status_code in (302, 401, 403), name
        assert not _leaks(response)


def test_the_admin_shows_bid_metadata_only(client, superuser, sealed):
    bid, document = sealed
    client.force_login(superuser)
    listing = client.get("/admin/tenders/bid/")
    assert listing.status_code == 200 and bid.reference in listing.content.decode()
    change = client.get(f"/admin/tenders/bid/{bid.pk}/change/")
    assert change.status_code == 200 and not _leaks(change)
    for model in ("bidversion", "bidlotprice", "bidanswer", "biddocument"):
        assert client.get(f"/admin/tenders/{model}/").status_code == 404, model
    audit = client.get("/admin/common/auditentry/")
    assert audit.status_code == 200 and not shows_amount(audit.content, PRICE)


def test_stored_files_are_not_served_directly(client, bidder, sealed):
    bid, document = sealed
    client.force_login(bidder)
    assert client.get(f"/media/{document.file.name}").status_code == 404


def test_a_moderator_reads_only_where_the_panel_rules_allow(client, commissioner, moderator, sealed):
    # Issue 13: the moderator on the panel reads the quality envelope, never the price before it is opened.
    bid, _document = sealed
    close_and_open(bid.tender, commissioner)
    client.force_login(moderator)
    assert client.get(f"/bidding/bids/{bid.reference}/").status_code == 403  # not on the panel
    assert client.get(f"/api/bids/{bid.reference}/").status_code == 403
    panel(bid.tender, commissioner, moderator=moderator)
    body = client.get(f"/api/bids/{bid.reference}/").json()
    assert body["live"]["answers"] and not shows_amount(str(body), PRICE)
    assert "hourly_price" not in str(body)


def test_after_opening_commissioners_and_legal_read_the_bid(client, commissioner, legal, sealed):
    bid, document = sealed
    close_and_open(bid.tender, commissioner)
    for user in (commissioner, legal):
        client.force_login(user)
        page = client.get(f"/bidding/bids/{bid.reference}/")
        # Issue 13, two envelopes: opening unseals the quality envelope only.
        assert page.status_code == 200 and ANSWER in page.content.decode() and not shows_amount(page.content, PRICE)
        assert "hourly_price" not in client.get(f"/api/bids/{bid.reference}/").json()["live"]["lots"][0]
        receipt = client.get(f"/api/bids/{bid.reference}/versions/1/receipt/").json()
        assert not shows_amount(str(receipt), PRICE) and "canonical_json" not in receipt
        assert client.get(f"/portal/bids/{bid.reference}/documents/{document.pk}/").status_code == 200
        assert client.get(f"/api/bids/{bid.reference}/versions/1/receipt/").status_code == 200
        assert bid.reference in client.get("/api/bids/").content.decode()


def test_after_opening_evaluators_read_only_where_the_panel_rules_allow(client, commissioner, evaluator, sealed):
    bid, document = sealed
    close_and_open(bid.tender, commissioner)
    client.force_login(evaluator)
    assert client.get(f"/bidding/bids/{bid.reference}/").status_code == 403  # not on the panel
    assert client.get(f"/api/bids/{bid.reference}/").status_code == 403
    evaluation_services.evaluation_assign(tender=bid.tender, user=commissioner, member=evaluator)
    assert client.get(f"/bidding/bids/{bid.reference}/").status_code == 403  # conflicts not yet declared
    declare(bid.tender, evaluator, conflicts=[bid.provider])
    assert client.get(f"/bidding/bids/{bid.reference}/").status_code == 403  # declared a conflict
    assert client.get(f"/api/bids/{bid.reference}/").status_code == 403


def test_an_evaluator_without_conflict_reads_answers_but_no_price(client, commissioner, evaluator, sealed):
    bid, document = sealed
    close_and_open(bid.tender, commissioner)
    panel(bid.tender, commissioner, evaluator)
    client.force_login(evaluator)
    page = client.get(f"/bidding/bids/{bid.reference}/")
    assert page.status_code == 200 and ANSWER in page.content.decode() and not shows_amount(page.content, PRICE)


def test_administrators_never_read_content_even_after_opening(client, commissioner, superuser, sealed):
    bid, document = sealed
    close_and_open(bid.tender, commissioner)
    client.force_login(superuser)
    assert client.get(f"/api/bids/{bid.reference}/").status_code == 403
    assert client.get(f"/bidding/bids/{bid.reference}/").status_code == 403


def test_drafts_are_never_readable_by_anyone_else(commissioner, bidder, sealed):
    bid, document = sealed
    draft = services.bid_revise(bid=bid, user=bidder)
    close_and_open(bid.tender, commissioner)
    bid = Bid.objects.get(pk=bid.pk)
    draft.bid = bid
    assert access.can_read_bid(commissioner, bid)
    assert not access.can_read_version(commissioner, draft)
    assert access.can_read_version(bidder, draft)


def test_the_bid_register_shows_counts_while_sealed_and_names_once_opened(client, commissioner, sealed):
    bid, document = sealed
    client.force_login(commissioner)
    page = client.get(f"/bidding/tenders/{bid.tender.reference}/bids/").content.decode()
    assert "sealed" in page and bid.provider.name not in page and bid.reference not in page
    api = client.get(f"/api/tenders/{bid.tender.reference}/bid-register/").json()
    assert api["sealed"] and api["submitted"] == 1 and api["bids"] == []
    close_and_open(bid.tender, commissioner)
    page = client.get(f"/bidding/tenders/{bid.tender.reference}/bids/").content.decode()
    assert bid.provider.name in page and bid.reference in page


def test_prices_show_once_the_price_envelope_is_open(client, commissioner, legal, evaluator, sealed):
    bid, _document = sealed
    close_and_open(bid.tender, commissioner)
    panel(bid.tender, commissioner, evaluator)
    Tender.objects.filter(pk=bid.tender_id).update(price_envelope_opened_at=timezone.now())
    for user in (commissioner, legal, evaluator):
        client.force_login(user)
        assert client.get(f"/api/bids/{bid.reference}/").json()["live"]["lots"][0]["hourly_price"] == PRICE
        assert PRICE in client.get(f"/bidding/bids/{bid.reference}/").content.decode()
        receipt = client.get(f"/api/bids/{bid.reference}/versions/1/receipt/").json()
        assert receipt["content"]["lots"][0]["hourly_price"] == PRICE and receipt["canonical_json"]


def test_price_documents_stay_sealed_with_the_prices(client, commissioner, evaluator, bidder):
    tender = open_tender()
    bid = services.bid_start(tender=tender, user=bidder)
    complete_draft(bid, bidder, price=PRICE)
    quality = services.bid_add_document(bid=bid, user=bidder, upload=upload("policy.pdf", PDF_BYTES))
    price = services.bid_add_document(bid=bid, user=bidder, upload=upload("costs.pdf", PDF_BYTES + b"%costs"),
                                      envelope="price")
    services.bid_submit(bid=bid, user=bidder, idempotency_key="docs")
    close_and_open(bid.tender, commissioner)
    panel(bid.tender, commissioner, evaluator)
    client.force_login(evaluator)
    listed = [d["name"] for d in client.get(f"/api/bids/{bid.reference}/").json()["live"]["documents"]]
    assert listed == ["policy.pdf"]
    receipt = client.get(f"/api/bids/{bid.reference}/versions/1/receipt/").json()
    assert [d["name"] for d in receipt["content"]["documents"]] == ["policy.pdf"]
    assert "costs.pdf" not in client.get(f"/bidding/bids/{bid.reference}/").content.decode()
    assert client.get(f"/api/bids/{bid.reference}/documents/{price.pk}/").status_code == 403
    assert client.get(f"/api/bids/{bid.reference}/documents/{quality.pk}/").status_code == 200
    Tender.objects.filter(pk=bid.tender_id).update(price_envelope_opened_at=timezone.now())
    assert client.get(f"/api/bids/{bid.reference}/documents/{price.pk}/").status_code == 200
    client.force_login(bidder)  # the bidder always sees its own
    assert client.get(f"/portal/bids/{bid.reference}/documents/{price.pk}/").status_code == 200


def test_the_leak_check_tells_a_price_from_a_time_or_a_longer_number():
    # The checks above look for the sealed price in whole responses, which also carry timestamps.
    assert shows_amount('{"hourly_price": "18.50"}', PRICE) and shows_amount("£18.50 an hour", PRICE)
    assert not shows_amount("2026-11-29T01:46:18.503921Z", PRICE)
    assert not shows_amount("118.50 and 18.505", PRICE)
