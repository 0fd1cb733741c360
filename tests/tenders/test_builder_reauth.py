"""Publishing and cancelling a tender cannot be undone, so they ask for the password again when the sign-in is old,
as opening the bids does: on the confirmation page's button (POST) and through the API's transition.

A stale session is sent to "Confirm your password" and back to the confirmation page, and nothing happens
until the button is pressed again; a fresh one goes straight through.
"""
from __future__ import annotations

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

from common.models import AuditEntry
from tenders.models import Tender
from tenders.transitions import TenderStatus
from tests.accounts.reauth_support import signed_in
from tests.factories import PASSWORD, complete_tender

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("five_minutes")]


@pytest.fixture
def five_minutes():
    with override_settings(REAUTH_MAX_AGE=300):
        yield


def _status(tender: Tender) -> str:
    return Tender.objects.get(pk=tender.pk).status


def test_publishing_on_an_old_sign_in_asks_for_the_password_then_publishes_on_the_second_press(commissioner):
    tender = complete_tender()
    url = f"/tenders/{tender.reference}/actions/publish/"
    client = signed_in(commissioner, minutes_ago=60)
    assert client.get(url).status_code == 200  # reading the confirmation page does not ask
    assert f'name="next" value="{url}"' in client.get(url).content.decode()

    response = client.post(url, {"next": url})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/confirm-password/?next=%2Ftenders%2F{tender.reference}%2Factions%2Fpublish%2F"
    assert _status(tender) == TenderStatus.DRAFT
    assert not AuditEntry.objects.filter(action="tender.published").exists()

    confirmed = client.post("/accounts/confirm-password/", {"password": PASSWORD, "next": url})
    assert confirmed["Location"] == url
    assert client.post(url, {"next": url})["Location"] == f"/tenders/{tender.reference}/"
    assert _status(tender) == TenderStatus.PUBLISHED


def test_cancelling_on_an_old_sign_in_asks_for_the_password_and_cancels_nothing(commissioner):
    tender = complete_tender()
    url = f"/tenders/{tender.reference}/actions/cancel/"
    response = signed_in(commissioner, minutes_ago=60).post(url, {"reason": "Budget withdrawn", "next": url})
    assert response["Location"].startswith("/accounts/confirm-password/?next=")
    assert _status(tender) == TenderStatus.DRAFT
    assert not AuditEntry.objects.filter(action="tender.cancelled").exists()


def test_a_recent_sign_in_publishes_and_cancels_straight_away(commissioner):
    first, second = complete_tender(), complete_tender()
    client = signed_in(commissioner, minutes_ago=1)
    assert client.post(f"/tenders/{first.reference}/actions/publish/")["Location"] == f"/tenders/{first.reference}/"
    assert _status(first) == TenderStatus.PUBLISHED
    client.post(f"/tenders/{second.reference}/actions/cancel/", {"reason": "Budget withdrawn"})
    assert _status(second) == TenderStatus.CANCELLED


def test_with_no_grace_period_every_publish_asks(commissioner):
    tender = complete_tender()
    client = Client()
    client.force_login(commissioner)  # signed in just now
    with override_settings(REAUTH_MAX_AGE=0):
        response = client.post(f"/tenders/{tender.reference}/actions/publish/")
    assert response["Location"].startswith("/accounts/confirm-password/")
    assert _status(tender) == TenderStatus.DRAFT


def test_starting_the_evaluation_does_not_ask(commissioner):
    tender = complete_tender()
    Tender.objects.filter(pk=tender.pk).update(status=TenderStatus.OPENED.value)
    response = signed_in(commissioner, minutes_ago=60).post(f"/tenders/{tender.reference}/actions/start-evaluation/")
    assert not response["Location"].startswith("/accounts/confirm-password/")
    assert _status(tender) == TenderStatus.IN_EVALUATION


@pytest.mark.parametrize("action, body", [("publish", {}), ("cancel", {"reason": "Budget withdrawn"})])
def test_the_api_refuses_publish_and_cancel_on_an_old_session_sign_in(commissioner, action, body):
    tender = complete_tender()
    url = f"/api/tenders/{tender.reference}/transition/"
    stale = signed_in(commissioner, minutes_ago=60, client_class=APIClient)
    response = stale.post(url, {"action": action, **body}, format="json")
    assert response.status_code == 403
    assert "confirm your password" in response.json()["detail"]
    assert _status(tender) == TenderStatus.DRAFT
    fresh = signed_in(commissioner, minutes_ago=1, client_class=APIClient)
    assert fresh.post(url, {"action": action, **body}, format="json").status_code == 200
    assert _status(tender) == (TenderStatus.PUBLISHED if action == "publish" else TenderStatus.CANCELLED)
