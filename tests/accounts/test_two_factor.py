"""Two-step verification (TOTP, django-otp) for commissioning-side users (issue 13).

Optional locally and in tests; `OTP_REQUIRED` (on in production settings) makes the
commissioning side set it up and use it.
"""
from __future__ import annotations

import re
from base64 import b32decode
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client: Client, user, next_url: str = "/"):
    return client.post(f"/accounts/login/?next={next_url}", {"username": user.username, "password": PASSWORD,
                                                              "next": next_url})


def test_a_commissioner_sets_up_an_authenticator_from_the_otpauth_uri(commissioner):
    client = Client()
    client.force_login(commissioner)
    page = client.get("/accounts/two-step/")
    html = page.content.decode()
    assert page.status_code == 200 and "Set up two-step verification" in html
    assert 'src="data:image/svg+xml' in html  # the QR code, inline (CSP allows data: images)
    uri = re.search(r'href="(otpauth://totp/[^"]+)"', html).group(1).replace("&amp;", "&")
    parsed = urlparse(uri)
    assert unquote(parsed.path) == f"/Homecare tenders:{commissioner.username}"
    secret = parse_qs(parsed.query)["secret"][0]
    device = TOTPDevice.objects.get(user=commissioner)
    assert b32decode(secret) == device.bin_key and not device.confirmed

    wrong = client.post("/accounts/two-step/", {"otp_token": "123456"})
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows guessing after a wrong code; a real user waits a moment
    assert client.post("/accounts/two-step/", {"otp_token": code_for(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    entry = AuditEntry.objects.get(action="user.totp_confirmed")
    assert entry.actor == commissioner and entry.object_id == str(commissioner.pk)


def test_a_user_with_an_authenticator_signs_in_in_two_steps(commissioner):
    device = TOTPDevice.objects.create(user=commissioner, name="phone", confirmed=True)
    client = Client()
    first = sign_in(client, commissioner, "/pricing/")
    assert first.status_code == 302 and first["Location"].startswith("/accounts/login/code/")
    assert "_auth_user_id" not in client.session  # not signed in after the password alone
    assert client.get("/")["Location"].startswith("/accounts/login/")

    wrong = client.post(first["Location"], {"otp_token": "000000", "next": "/pricing/"})
    assert wrong.status_code == 400 and "_auth_user_id" not in client.session
    device.refresh_from_db()
    device.throttle_reset()
    done = client.post(first["Location"], {"otp_token": code_for(device), "next": "/pricing/"})
    assert done["Location"] == "/pricing/"
    assert client.session["_auth_user_id"] == str(commissioner.pk)
    assert client.session["otp_device_id"] == device.persistent_id


def test_the_code_step_without_a_password_step_goes_back_to_sign_in():
    response = Client().post("/accounts/login/code/", {"otp_token": "123456"})
    assert response["Location"] == "/accounts/login/"


def test_without_an_authenticator_sign_in_is_one_step_when_not_required(commissioner):
    client = Client()
    assert sign_in(client, commissioner)["Location"] == "/"
    assert client.get("/").status_code == 200


@override_settings(OTP_REQUIRED=True)
def test_when_required_the_commissioning_side_must_set_it_up_first(commissioner, bidder):
    client = Client()
    sign_in(client, commissioner)
    response = client.get("/pricing/")
    assert response["Location"] == "/accounts/two-step/?next=%2Fpricing%2F"
    assert client.get("/api/tenders/").status_code == 403
    assert client.get("/accounts/two-step/").status_code == 200

    provider_client = Client()
    sign_in(provider_client, bidder)
    assert provider_client.get("/").status_code == 200  # providers are not asked


@override_settings(OTP_REQUIRED=True)
def test_when_required_a_session_without_the_code_is_signed_out(commissioner):
    TOTPDevice.objects.create(user=commissioner, name="phone", confirmed=True)
    client = Client()
    client.force_login(commissioner)  # as if signed in before two-step verification was required
    assert client.get("/")["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_production_settings_require_it():
    source = open("config/settings/production.py").read()
    assert 'OTP_REQUIRED = env.bool("OTP_REQUIRED", default=True)' in source
