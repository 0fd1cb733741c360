"""Sign-ins, failed sign-ins, sign-outs and lock-outs are in the audit trail, without the password."""
import json

import pytest
from django.test import override_settings

from common.audit import audit_verify
from common.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("sequence"))


def test_a_sign_in_is_audited_with_the_address(client, commissioner):
    response = client.post("/accounts/login/", {"username": "carol", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    [entry] = _entries("auth.login")
    assert entry.actor == commissioner and entry.object_id == str(commissioner.pk)
    assert entry.after == {"ip_address": "203.0.113.7"}
    assert audit_verify().ok


def test_a_failed_sign_in_is_audited_without_the_password(client, commissioner):
    client.post("/accounts/login/", {"username": "carol", "password": "wrong-password-123"})
    [entry] = _entries("auth.login_failed")
    assert entry.actor is None and entry.actor_label == "carol"
    assert entry.object_type == "accounts.User" and entry.object_id == str(commissioner.pk)
    assert entry.after["username"] == "carol" and entry.after["known_user"] is True
    assert "wrong-password" not in json.dumps([entry.after, entry.note, entry.object_repr])


def test_a_failed_sign_in_for_an_unknown_username_is_audited_too(client, db):
    client.post("/accounts/login/", {"username": "nobody-here", "password": "wrong-password-123"})
    [entry] = _entries("auth.login_failed")
    assert entry.object_type == "accounts.User" and entry.object_id == ""
    assert entry.object_repr == "nobody-here" and entry.after["known_user"] is False


def test_a_sign_out_is_audited(client, commissioner):
    client.force_login(commissioner)
    client.post("/accounts/logout/")
    [entry] = _entries("auth.logout")
    assert entry.actor == commissioner


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_a_lock_out_is_audited(client, commissioner):
    from axes.utils import reset

    reset()
    for _ in range(6):
        client.post("/accounts/login/", {"username": "carol", "password": "wrong-password-123"})
    locked = _entries("auth.locked_out")
    assert locked, "the lock-out was not audited"
    assert locked[0].object_id == str(commissioner.pk) and locked[0].after["username"] == "carol"
    assert len(_entries("auth.login_failed")) >= 5
    assert audit_verify().ok
    reset()
