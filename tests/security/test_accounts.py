"""Accounts: login throttling, password strength, CSRF on forms, security headers."""
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, commissioner):
    from axes.utils import reset

    reset()
    for _ in range(5):
        client.post("/accounts/login/", {"username": "carol", "password": "wrong-password-123"})
    locked = client.post("/accounts/login/", {"username": "carol", "password": PASSWORD})
    assert locked.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    reset()


@override_settings(AXES_ENABLED=True)
def test_the_right_password_signs_in_when_not_locked(client, commissioner):
    from axes.utils import reset

    reset()
    response = client.post("/accounts/login/", {"username": "carol", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(commissioner.pk)


@pytest.mark.parametrize("weak", ["password123", "12345678901234", "short1!"])
def test_weak_passwords_are_refused(commissioner, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, user=commissioner)


def test_a_long_unusual_password_is_accepted(commissioner):
    validate_password("heather-lantern-ferry-97", user=commissioner)


def test_forms_need_a_csrf_token(commissioner):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/accounts/login/", {"username": "carol", "password": PASSWORD}).status_code == 403


def test_pages_carry_a_content_security_policy_without_unsafe_inline(client, commissioner):
    client.force_login(commissioner)
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_session_cookie_is_http_only(client, commissioner):
    client.post("/accounts/login/", {"username": "carol", "password": PASSWORD})
    assert client.cookies["sessionid"]["httponly"]
