"""Account pages in a real browser: a commissioner turns on two-step verification, signs in with a code,
confirms the password before a step that cannot be undone, and changes the password; axe on each page.

Runs at desktop and phone width (tests/browser/conftest.py).
"""
from __future__ import annotations

import re
from base64 import b32decode

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_fits_width, sign_in
from tests.factories import PASSWORD


def code(secret: str) -> str:
    return f"{totp(b32decode(secret.replace(' ', ''))):06d}"


def test_a_commissioner_sets_up_two_step_verification_and_uses_it(live_server, page, commissioner, settings):
    settings.REAUTH_MAX_AGE = 0  # every irreversible step asks again, so the confirmation page shows
    sign_in(page, live_server.url, commissioner.username, PASSWORD)
    page.get_by_role("link", name="Change your password").click()
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    assert_accessible(page)
    assert_fits_width(page)

    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page.get_by_role("heading", name="Set up two-step verification")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert_accessible(page)
    assert_fits_width(page)
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("code").inner_text()
    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.get_by_role("link", name="The security code is not right or has expired")).to_be_visible()
    assert_accessible(page)
    # django-otp makes a guesser wait after a wrong code; a person takes that long anyway.
    TOTPDevice.objects.filter(user=commissioner).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    page.get_by_label("Security code").fill(code(secret))
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.get_by_text("Two-step verification is on.")).to_be_visible()

    # A code is accepted once per 30-second step (no replay); let the next sign-in be in a later step.
    TOTPDevice.objects.filter(user=commissioner).update(last_t=-1)
    page.get_by_role("button", name=re.compile("Sign out")).click()
    sign_in(page, live_server.url, commissioner.username, PASSWORD)
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    assert_accessible(page)
    assert_fits_width(page)
    page.get_by_label("Security code").fill(code(secret))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Change your password")).to_be_visible()

    page.goto(f"{live_server.url}/accounts/confirm-password/?next=/")
    expect(page.get_by_role("heading", name="Confirm your password")).to_be_visible()
    assert_accessible(page)
    assert_fits_width(page)


def test_the_password_reset_pages_are_accessible(live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    assert_accessible(page)
    assert_fits_width(page)
    page.get_by_label("Email").fill("someone@council.example")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(page)
