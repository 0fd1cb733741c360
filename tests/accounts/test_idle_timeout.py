"""Idle session timeout: 30 minutes without a request signs the session out (issue 13)."""
from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db]


@override_settings(SESSION_IDLE_TIMEOUT=30 * 60)
def test_a_session_idle_for_more_than_thirty_minutes_is_signed_out(commissioner):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = Client()
        client.post("/accounts/login/", {"username": commissioner.username, "password": PASSWORD})
        assert client.get("/").status_code == 200
        clock.move_to(start + timedelta(minutes=29))
        assert client.get("/").status_code == 200  # activity keeps it alive...
        clock.move_to(start + timedelta(minutes=58))
        assert client.get("/").status_code == 200  # ...29 minutes after the last request
        clock.move_to(start + timedelta(minutes=89))
        response = client.get("/", follow=True)
        assert response.redirect_chain[-1][0].startswith("/accounts/login/")
        assert "signed out after 30 minutes without activity" in response.content.decode()
        assert "_auth_user_id" not in client.session


@override_settings(SESSION_IDLE_TIMEOUT=10 * 60)
def test_the_timeout_is_configurable(commissioner):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = Client()
        client.post("/accounts/login/", {"username": commissioner.username, "password": PASSWORD})
        clock.move_to(start + timedelta(minutes=11))
        assert client.get("/")["Location"].startswith("/accounts/login/")
