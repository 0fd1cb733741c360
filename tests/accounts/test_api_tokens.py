"""API tokens are stored as digests: a reader of the database, a backup or the admin holds no working key."""
from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps as global_apps
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import services
from accounts.tokens import PREFIX_LENGTH, new_key, stored_form
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _refused(response) -> bool:
    """DRF answers a bad token 403 here (session authentication comes first and sends no challenge)."""
    return response.status_code in (401, 403) and response.json()["detail"] == "Invalid token."


def _client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_issued_key_works_and_the_database_never_holds_it(commissioner):
    key = services.user_token_issue(user=commissioner, actor=commissioner)
    stored = Token.objects.get(user=commissioner).key
    assert len(key) == len(stored) == 40 and stored != key
    assert stored == stored_form(key) and stored[:PREFIX_LENGTH] == key[:PREFIX_LENGTH]
    assert _client(key).get("/api/tenders/").status_code == 200


def test_the_stored_value_is_no_key(commissioner):
    services.user_token_issue(user=commissioner, actor=commissioner)
    stolen = Token.objects.get(user=commissioner).key
    assert _refused(_client(stolen).get("/api/tenders/"))


def test_a_new_key_replaces_the_old_one(commissioner):
    first = services.user_token_issue(user=commissioner, actor=commissioner)
    second = services.user_token_issue(user=commissioner, actor=commissioner)
    assert first != second
    assert _refused(_client(first).get("/api/tenders/"))
    assert _client(second).get("/api/tenders/").status_code == 200


def test_the_token_endpoint_hands_out_a_key_that_authenticates(bidder):
    answer = APIClient().post("/api/token/", {"username": bidder.username, "password": PASSWORD}, format="json")
    assert answer.status_code == 200
    key = answer.json()["token"]
    assert not Token.objects.filter(key=key).exists()
    assert _client(key).get("/api/bids/").status_code == 200


def test_keys_are_random_and_digests_differ_for_keys_sharing_a_prefix():
    keys = {new_key() for _ in range(200)}
    assert len(keys) == 200 and all(len(k) == 40 for k in keys)
    a, b = "abcdef12" + "0" * 32, "abcdef12" + "1" * 32
    assert stored_form(a) != stored_form(b) and stored_form(a)[:8] == stored_form(b)[:8]


def test_the_migration_keeps_a_token_issued_in_clear_working(bidder):
    """Tokens made before this change were stored as the key itself; after the migration the same key still works."""
    key = new_key()
    Token.objects.create(user=bidder, key=key)  # as DRF stored it before
    migration = import_module("accounts.migrations.0004_api_tokens_stored_as_digests")
    migration.to_digests(global_apps, None)
    assert Token.objects.get(user=bidder).key == stored_form(key)
    assert _client(key).get("/api/bids/").status_code == 200
