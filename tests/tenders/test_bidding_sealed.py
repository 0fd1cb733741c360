"""Sealed until opening: nobody but the bidding provider reads a bid's prices, answers or documents.

Checked for every role, through the pages, the API and the Django admin; then again after opening.
"""
import pytest

from accounts.models import Role
from tenders import access, services
from tenders.models import Bid, BidDocument
from tests.factories import UserFactory
from tests.tenders.bidding_support import PDF_BYTES, close_and_open, complete_draft, open_tender, upload

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
    return PRICE.encode() in body or ANSWER.encode() in body or body.startswith(b"%PDF")


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
    assert client.get("/api/bids/").json() == []


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
    assert audit.status_code == 200 and PRICE not in audit.content.decode()


def test_stored_files_are_not_served_directly(client, bidder, sealed):
    bid, document = sealed
    client.force_login(bidder)
    assert client.get(f"/media/{document.file.name}").status_code == 404


def test_a_moderator_reads_only_where_the_panel_rules_allow(client, monkeypatch, commissioner, moderator, sealed):
    bid, _document = sealed
    close_and_open(bid.tender, commissioner)
    client.force_login(moderator)
    monkeypatch.setattr("evaluation.selectors.evaluator_may_read", lambda **kwargs: False)
    assert client.get(f"/bidding/bids/{bid.reference}/").status_code == 403
    assert client.get(f"/api/bids/{bid.reference}/").status_code == 403
    monkeypatch.setattr("evaluation.selectors.evaluator_may_read", lambda **kwargs: True)
    assert client.get(f"/api/bids/{bid.reference}/").json()["live"]["lots"][0]["hourly_price"] == PRICE


def test_after_opening_commissioners_and_legal_read_the_bid(client, commissioner, legal, sealed):
    bid, document = sealed
    close_and_open(bid.tender, commissioner)
    for user in (commissioner, legal):
        client.force_login(user)
        page = client.get(f"/bidding/bids/{bid.reference}/")
        assert page.status_code == 200 and PRICE in page.content.decode()
        assert client.get(f"/api/bids/{bid.reference}/").json()["live"]["lots"][0]["hourly_price"] == PRICE
        assert client.get(f"/portal/bids/{bid.reference}/documents/{document.pk}/").status_code == 200
        assert client.get(f"/api/bids/{bid.reference}/versions/1/receipt/").status_code == 200
        assert bid.reference in client.get("/api/bids/").content.decode()


def test_after_opening_evaluators_read_only_where_the_panel_rules_allow(client, monkeypatch, commissioner, evaluator, sealed):
    bid, document = sealed
    close_and_open(bid.tender, commissioner)
    client.force_login(evaluator)
    monkeypatch.setattr("evaluation.selectors.evaluator_may_read", lambda **kwargs: False)
    assert client.get(f"/bidding/bids/{bid.reference}/").status_code == 403
    assert client.get(f"/api/bids/{bid.reference}/").status_code == 403
    seen = {}

    def allow(*, user, tender, provider):
        seen.update(user=user, tender=tender, provider=provider)
        return True

    monkeypatch.setattr("evaluation.selectors.evaluator_may_read", allow)
    assert client.get(f"/bidding/bids/{bid.reference}/").status_code == 200
    assert seen == {"user": evaluator, "tender": bid.tender, "provider": bid.provider}


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
