"""Opening bids, opening the price envelope and award ask for the password again (issue 13).

Each step is tried with a session signed in an hour ago (sent to confirm, nothing happens)
and with a fresh one (the step happens). The API answers 403 to a stale session.
"""
from __future__ import annotations

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from evaluation import services as evaluation_services
from tenders import services
from tenders.models import Tender
from tenders.transitions import TenderStatus
from tests.accounts.reauth_support import signed_in
from tests.evaluation.helpers import opened_tender, panel, score_all, submit_bid
from tests.factories import PASSWORD, ProviderFactory
from tests.tenders.bidding_support import open_tender, pass_deadline

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("short_reauth")]


@pytest.fixture
def short_reauth():
    with override_settings(REAUTH_MAX_AGE=300):
        yield


def closed_tender() -> Tender:
    tender = pass_deadline(open_tender())
    return services.tender_close(tender=tender)


def test_opening_bids_on_a_stale_session_asks_for_the_password_first(commissioner):
    tender = closed_tender()
    url = f"/bidding/tenders/{tender.reference}/bids/"
    client = signed_in(commissioner, minutes_ago=60)
    response = client.post(url, {"next": url}, HTTP_REFERER=f"http://testserver{url}")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/confirm-password/?next=")
    assert Tender.objects.get(pk=tender.pk).status == TenderStatus.CLOSED.value

    confirmed = client.post("/accounts/confirm-password/", {"password": PASSWORD, "next": url})
    assert confirmed["Location"] == url
    assert client.post(url).status_code == 302
    assert Tender.objects.get(pk=tender.pk).status == TenderStatus.OPENED.value


def test_opening_bids_on_a_fresh_session_goes_straight_through(commissioner):
    tender = closed_tender()
    client = signed_in(commissioner, minutes_ago=1)
    client.post(f"/bidding/tenders/{tender.reference}/bids/")
    assert Tender.objects.get(pk=tender.pk).status == TenderStatus.OPENED.value


@pytest.fixture
def quality_locked(commissioner, evaluator, moderator):
    tender = opened_tender()
    bid = submit_bid(tender, ProviderFactory(name="Alpha Care Ltd"), prices={1: "32.00"}, reference="B-ALPHA")
    panel(tender, commissioner, evaluator, moderator=moderator)
    score_all(bid, evaluator, (3, 3, 6))
    evaluation_services.moderation_start(tender=tender, user=moderator)
    for n, s in enumerate((3, 3, 6), 1):
        evaluation_services.consensus_record(bid=bid, question=n, user=moderator, score=s, rationale="Agreed.")
    evaluation_services.quality_lock(tender=tender, user=moderator)
    return tender


def test_opening_the_price_envelope_on_a_stale_session_asks_for_the_password(commissioner, quality_locked):
    tender = quality_locked
    summary = f"/evaluation/{tender.reference}/summary/"
    client = signed_in(commissioner, minutes_ago=60)
    response = client.post(f"/evaluation/{tender.reference}/actions/open-prices/", {"next": summary})
    assert response["Location"] == "/accounts/confirm-password/?next=%2Fevaluation%2F" + tender.reference + "%2Fsummary%2F"
    assert Tender.objects.get(pk=tender.pk).price_envelope_opened_at is None

    client.post("/accounts/confirm-password/", {"password": PASSWORD, "next": summary})
    client.post(f"/evaluation/{tender.reference}/actions/open-prices/", {"next": summary})
    assert Tender.objects.get(pk=tender.pk).price_envelope_opened_at is not None


def test_award_on_a_stale_session_asks_for_the_password(commissioner, quality_locked):
    tender = quality_locked
    response = signed_in(commissioner, minutes_ago=60).post(
        f"/reports/{tender.reference}/award/decide/", {"note": "Approved.", "confirm": "on"}
    )
    assert response["Location"].startswith("/accounts/confirm-password/")
    assert Tender.objects.get(pk=tender.pk).status == TenderStatus.OPENED.value


def test_other_one_button_steps_do_not_ask(commissioner, quality_locked):
    tender = quality_locked
    response = signed_in(commissioner, minutes_ago=60).post(f"/evaluation/{tender.reference}/actions/assess-cqc/")
    assert not response["Location"].startswith("/accounts/confirm-password/")


def test_the_api_refuses_a_stale_session_with_a_clear_403(commissioner, quality_locked):
    tender = quality_locked
    api = signed_in(commissioner, minutes_ago=60, client_class=APIClient)
    response = api.post(f"/api/evaluation/tenders/{tender.reference}/price-envelope/")
    assert response.status_code == 403
    assert "confirm your password" in response.json()["detail"]
    assert Tender.objects.get(pk=tender.pk).price_envelope_opened_at is None
    assert api.post(f"/api/evaluation/tenders/{tender.reference}/award/", {"note": "x"}).status_code == 403


def test_the_api_transition_refuses_a_stale_session_for_open(commissioner):
    tender = closed_tender()
    api = signed_in(commissioner, minutes_ago=60, client_class=APIClient)
    response = api.post(f"/api/tenders/{tender.reference}/transition/", {"action": "open"}, format="json")
    assert response.status_code == 403
    assert Tender.objects.get(pk=tender.pk).status == TenderStatus.CLOSED.value
    fresh = signed_in(commissioner, minutes_ago=1, client_class=APIClient)
    assert fresh.post(f"/api/tenders/{tender.reference}/transition/", {"action": "open"}, format="json").status_code == 200
