"""Re-authentication: steps that cannot be undone ask for the password again after a few minutes."""
from __future__ import annotations

import time

import pytest
import time_machine
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.reauth import SESSION_KEY, require_recent_authentication
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
# The clock stands still in the tests that sit a second either side of the limit, so a slow machine
# cannot push "299 seconds ago" past 300 between building the request and checking it.
STILL = time_machine.travel(1_780_000_000, tick=False)


@require_recent_authentication
def guarded(request):
    return HttpResponse("done")


@require_recent_authentication(max_age=60)
def guarded_one_minute(request):
    return HttpResponse("done")


def _request(user, method="get", signed_in_at=None, **kwargs):
    request = getattr(RequestFactory(), method)("/guarded/?x=1", **kwargs)
    request.user = user
    request.session = SessionStore()
    if signed_in_at is not None:
        request.session[SESSION_KEY] = signed_in_at
    request._messages = FallbackStorage(request)
    return request


@STILL
@override_settings(REAUTH_MAX_AGE=300)
def test_it_lets_a_user_who_signed_in_minutes_ago_through(commissioner):
    response = guarded(_request(commissioner, signed_in_at=time.time() - 299))
    assert response.status_code == 200


@STILL
@override_settings(REAUTH_MAX_AGE=300)
def test_it_sends_a_user_whose_sign_in_is_old_to_confirm_and_back(commissioner):
    response = guarded(_request(commissioner, signed_in_at=time.time() - 301))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-password/?next=%2Fguarded%2F%3Fx%3D1"


@override_settings(REAUTH_MAX_AGE=300)
def test_a_session_with_no_sign_in_time_must_confirm(commissioner):
    assert guarded(_request(commissioner)).status_code == 302


@STILL
def test_max_age_can_be_set_per_view(commissioner):
    assert guarded_one_minute(_request(commissioner, signed_in_at=time.time() - 61)).status_code == 302
    assert guarded_one_minute(_request(commissioner, signed_in_at=time.time() - 10)).status_code == 200


@override_settings(REAUTH_MAX_AGE=300)
def test_a_post_comes_back_to_the_page_of_its_form(commissioner):
    request = _request(commissioner, method="post", signed_in_at=0, data={"next": "/evaluation/T-1/summary/"})
    response = guarded(request)
    assert response["Location"] == "/accounts/confirm-password/?next=%2Fevaluation%2FT-1%2Fsummary%2F"


@override_settings(REAUTH_MAX_AGE=300)
def test_a_post_never_comes_back_to_another_site(commissioner):
    request = _request(commissioner, method="post", signed_in_at=0, data={"next": "https://evil.example/"},
                       HTTP_REFERER="https://evil.example/x")
    assert guarded(request)["Location"] == "/accounts/confirm-password/?next=%2F"


def test_an_anonymous_user_is_sent_to_sign_in():
    from django.contrib.auth.models import AnonymousUser

    response = guarded(_request(AnonymousUser()))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@override_settings(REAUTH_MAX_AGE=300)
def test_signing_in_records_the_time(commissioner):
    client = Client()
    client.post("/accounts/login/", {"username": commissioner.username, "password": PASSWORD})
    assert abs(client.session[SESSION_KEY] - time.time()) < 5


def _stale_client(user):
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = time.time() - 3600
    session.save()
    return client


@override_settings(REAUTH_MAX_AGE=300)
def test_confirming_the_password_renews_the_time_and_goes_back(commissioner):
    client = _stale_client(commissioner)
    page = client.get("/accounts/confirm-password/?next=/tenders/T-1/")
    assert page.status_code == 200 and "Confirm your password" in page.content.decode()
    response = client.post("/accounts/confirm-password/", {"password": PASSWORD, "next": "/tenders/T-1/"})
    assert response.status_code == 302 and response["Location"] == "/tenders/T-1/"
    assert time.time() - client.session[SESSION_KEY] < 5


@override_settings(REAUTH_MAX_AGE=300)
def test_a_wrong_password_is_refused_with_the_field_named(commissioner):
    client = _stale_client(commissioner)
    response = client.post("/accounts/confirm-password/", {"password": "not-my-password", "next": "/"})
    assert response.status_code == 400
    assert "The password is not right" in response.content.decode()
    assert time.time() - client.session[SESSION_KEY] > 3000


@override_settings(REAUTH_MAX_AGE=300)
def test_a_user_with_an_authenticator_also_gives_a_current_code(commissioner):
    device = TOTPDevice.objects.create(user=commissioner, name="phone", confirmed=True)
    client = _stale_client(commissioner)
    refused = client.post("/accounts/confirm-password/", {"password": PASSWORD, "next": "/"})
    assert refused.status_code == 400 and "Enter the security code" in refused.content.decode()
    wrong = client.post("/accounts/confirm-password/", {"password": PASSWORD, "otp_token": "000000", "next": "/"})
    assert wrong.status_code == 400
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down guessing after a wrong code; a real user waits a second
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    ok = client.post("/accounts/confirm-password/", {"password": PASSWORD, "otp_token": code, "next": "/"})
    assert ok.status_code == 302
    assert time.time() - client.session[SESSION_KEY] < 5
