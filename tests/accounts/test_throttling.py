"""Rate limits (issue 13, case 7): registration and token requests per address, a generous per-user rate."""
from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle

from common.models import AuditEntry
from providers.models import Provider
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def registration(n: int) -> dict:
    return {
        "name": f"Quick Care {n} Ltd", "companies_house_number": f"{10000000 + n}",
        "cqc_provider_id": f"1-{100000000 + n}", "contact_name": "Pat", "contact_phone": "01200 000000", "contact_email": f"pat{n}@example.com",
        "first_name": "Pat", "last_name": "Quick", "email": f"pat{n}@example.com",
        "username": f"quick{n}", "password": "a-long-enough-passphrase-9",
    }


def test_the_defaults_are_generous_per_user_and_tight_for_registration():
    rates = api_settings.DEFAULT_THROTTLE_RATES
    assert rates["registration"] == "10/hour" and rates["token"] == "10/minute"
    assert rates["user"] == "1200/minute"


def test_twenty_five_quick_registrations_from_one_address_are_stopped_at_ten():
    api = APIClient()
    answers = [api.post("/api/providers/register/", registration(n), format="json") for n in range(25)]
    assert [a.status_code for a in answers[:10]] == [201] * 10, answers[0].content
    refused = answers[10]
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Too many requests from your address or account. Try again in")
    assert refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    assert all(a.status_code == 429 for a in answers[10:])
    assert Provider.objects.count() == 10


def test_another_address_can_still_register():
    api = APIClient()
    for n in range(10):
        api.post("/api/providers/register/", registration(n), format="json", REMOTE_ADDR="10.0.0.1")
    assert api.post("/api/providers/register/", registration(10), format="json",
                    REMOTE_ADDR="10.0.0.1").status_code == 429
    assert api.post("/api/providers/register/", registration(11), format="json",
                    REMOTE_ADDR="10.0.0.2").status_code == 201


def test_the_registration_page_is_limited_too_and_says_why():
    client = Client()
    for _ in range(10):
        client.post("/providers/register/", {"name": ""})  # even failed attempts count
    response = client.post("/providers/register/", registration(99))
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert client.get("/providers/register/").status_code == 200  # reading the page is not counted
    assert not Provider.objects.filter(name="Quick Care 99 Ltd").exists()


def test_a_signed_in_user_has_a_per_user_rate(commissioner, monkeypatch):
    # DRF reads the rates once at import; lower the per-user rate to 3 a minute for this test.
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {**UserRateThrottle.THROTTLE_RATES, "user": "3/minute"})
    api = APIClient()
    api.force_authenticate(commissioner)
    codes = [api.get("/api/tenders/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_a_token_is_issued_for_the_right_password_audited_and_rate_limited(commissioner):
    api = APIClient()
    wrong = api.post("/api/token/", {"username": commissioner.username, "password": "nope"}, format="json")
    assert wrong.status_code == 400
    issued = api.post("/api/token/", {"username": commissioner.username, "password": PASSWORD}, format="json")
    assert issued.status_code == 200
    key = issued.json()["token"]
    entry = AuditEntry.objects.get(action="user.token_issued")
    assert entry.after == {"token_prefix": key[:6]} and key not in str(entry.before) + str(entry.after)
    assert APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/tenders/").status_code == 200
    for _ in range(8):
        api.post("/api/token/", {"username": commissioner.username, "password": "nope"}, format="json")
    assert api.post("/api/token/", {"username": commissioner.username, "password": PASSWORD},
                    format="json").status_code == 429
