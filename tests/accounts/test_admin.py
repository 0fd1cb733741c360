"""The admin is for IT: user, role and provider-link changes are audited; tokens and keys never shown (issues 12, 13)."""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts import services
from accounts.models import Role, User
from common.models import AuditEntry
from tests.factories import ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def it_admin():
    return UserFactory(username="ian", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(it_admin):
    client = Client()
    client.force_login(it_admin)
    return client


def test_creating_a_provider_user_for_any_provider_is_audited(admin_client, it_admin):
    provider = ProviderFactory(name="Rival Care Ltd")
    response = admin_client.post("/admin/accounts/user/add/", {
        "username": "mallory", "usable_password": "true",
        "password1": "a-long-passphrase-for-mallory", "password2": "a-long-passphrase-for-mallory",
        "role": Role.PROVIDER, "provider": provider.pk, "_save": "Save",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="mallory")
    assert user.provider == provider and user.check_password("a-long-passphrase-for-mallory")
    entry = AuditEntry.objects.get(action="user.created")
    assert entry.actor == it_admin and entry.object_id == str(user.pk)
    assert entry.after["role"] == "provider"
    assert entry.after["provider"] == {"id": provider.pk, "name": "Rival Care Ltd"}
    assert "password" not in entry.after


def change_form(user: User, **fields) -> dict:
    data = {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "role": user.role, "provider": user.provider_id or "",
            "date_joined_0": "2026-01-05", "date_joined_1": "09:00:00", "_save": "Save"}
    if user.is_active:
        data["is_active"] = "on"
    data.update(fields)
    return data


def test_changing_a_role_records_before_and_after(admin_client, it_admin, evaluator):
    response = admin_client.post(f"/admin/accounts/user/{evaluator.pk}/change/",
                                 change_form(evaluator, role=Role.COMMISSIONER, is_staff="on"))
    assert response.status_code == 302
    evaluator.refresh_from_db()
    assert evaluator.role == Role.COMMISSIONER and evaluator.is_staff
    entry = AuditEntry.objects.get(action="user.changed")
    assert entry.actor == it_admin
    assert entry.before == {"role": "evaluator", "is_staff": False}
    assert entry.after == {"role": "commissioner", "is_staff": True}


def test_deactivating_and_relinking_a_provider_user_is_audited(admin_client, bidder):
    other = ProviderFactory(name="Other Care Ltd")
    admin_client.post(f"/admin/accounts/user/{bidder.pk}/change/", change_form(bidder, provider=other.pk))
    data = change_form(User.objects.get(pk=bidder.pk))
    data.pop("is_active")
    admin_client.post(f"/admin/accounts/user/{bidder.pk}/change/", data)
    changes = list(AuditEntry.objects.filter(action="user.changed").order_by("sequence"))
    assert changes[0].before["provider"]["name"] == "Alice Care Ltd"
    assert changes[0].after["provider"]["name"] == "Other Care Ltd"
    assert changes[1].before["is_active"] is True and changes[1].after["is_active"] is False


def test_a_provider_link_on_a_non_provider_role_is_refused_with_a_message(admin_client, evaluator):
    provider = ProviderFactory()
    response = admin_client.post(f"/admin/accounts/user/{evaluator.pk}/change/",
                                 change_form(evaluator, provider=provider.pk))
    assert response.status_code == 200
    assert "Only provider users are linked to a provider organisation." in response.content.decode()
    evaluator.refresh_from_db()
    assert evaluator.provider is None
    assert not AuditEntry.objects.filter(action="user.changed").exists()


def test_an_administrator_setting_a_password_is_audited_without_the_password(admin_client, it_admin, evaluator):
    response = admin_client.post(f"/admin/accounts/user/{evaluator.pk}/password/", {
        "usable_password": "true", "password1": "a-new-passphrase-for-erin", "password2": "a-new-passphrase-for-erin",
    })
    assert response.status_code == 302
    evaluator.refresh_from_db()
    assert evaluator.check_password("a-new-passphrase-for-erin")
    entry = AuditEntry.objects.get(action="user.password_set")
    assert entry.actor == it_admin and entry.after == {"usable_password": True}
    assert "a-new-passphrase" not in str(entry.before) + str(entry.after) + entry.note


def test_users_are_deactivated_not_deleted(admin_client, evaluator):
    assert admin_client.get(f"/admin/accounts/user/{evaluator.pk}/delete/").status_code == 403


def test_createsuperuser_works_on_a_fresh_install(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-passphrase-for-root")
    call_command("createsuperuser", "--noinput", username="root", email="it@council.example", verbosity=0)
    root = User.objects.get(username="root")
    assert root.is_superuser and root.role == Role.ADMIN and root.provider is None


def test_api_tokens_are_never_shown_in_clear_and_revoking_one_is_audited(admin_client, it_admin, commissioner):
    key = services.user_token_issue(user=commissioner, actor=commissioner)
    listing = admin_client.get("/admin/accounts/apitoken/").content.decode()
    assert key not in listing and key[:6] in listing
    assert admin_client.get(f"/admin/accounts/apitoken/{commissioner.pk}/change/")["Location"] \
        == "/admin/accounts/apitoken/"
    confirm = admin_client.get(f"/admin/accounts/apitoken/{commissioner.pk}/delete/").content.decode()
    assert key not in confirm and key[:6] in confirm
    assert admin_client.get("/admin/accounts/apitoken/add/").status_code == 403
    admin_client.post(f"/admin/accounts/apitoken/{commissioner.pk}/delete/", {"post": "yes"})
    assert not Token.objects.filter(user=commissioner).exists()
    revoked = AuditEntry.objects.get(action="user.token_revoked")
    assert revoked.actor == it_admin and revoked.before == {"token_prefix": key[:6]}
    assert AuditEntry.objects.get(action="user.token_issued").after == {"token_prefix": key[:6]}


def test_authenticator_keys_are_never_shown_and_a_reset_is_audited(admin_client, it_admin, commissioner):
    device = TOTPDevice.objects.create(user=commissioner, name="phone", confirmed=True)
    page = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in page and "otpauth" not in page
    admin_client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert not TOTPDevice.objects.filter(user=commissioner).exists()
    assert AuditEntry.objects.get(action="user.totp_reset").actor == it_admin


def test_a_superuser_made_at_the_command_line_is_in_the_audit_trail(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-passphrase-for-root")
    call_command("createsuperuser", "--noinput", username="root", email="it@council.example", verbosity=0)
    root = User.objects.get(username="root")
    entry = AuditEntry.objects.get(action="user.created", object_id=str(root.pk))
    assert entry.actor is None and entry.actor_label == "system" and "createsuperuser" in entry.note
    assert entry.after["is_superuser"] is True and entry.after["role"] == Role.ADMIN
    assert "a-long-passphrase-for-root" not in str(entry.after) + entry.note


def test_a_password_changed_at_the_command_line_is_in_the_audit_trail(monkeypatch, evaluator):
    from django.contrib.auth.management.commands import changepassword

    monkeypatch.setattr(changepassword.Command, "_get_pass", lambda self, prompt="": "another-long-passphrase-9")
    call_command("changepassword", evaluator.username, stdout=io.StringIO())
    entry = AuditEntry.objects.get(action="user.password_set", object_id=str(evaluator.pk))
    assert entry.actor_label == "system" and "changepassword" in entry.note and entry.after == {"usable_password": True}
    assert "another-long-passphrase-9" not in str(entry.after) + entry.note
    evaluator.refresh_from_db()
    assert evaluator.check_password("another-long-passphrase-9")


def test_a_failed_command_line_password_change_records_nothing(monkeypatch, evaluator):
    from django.contrib.auth.management.commands import changepassword
    from django.core.management import CommandError

    answers = iter(["one-long-passphrase-1", "a-different-one-2"] * 3)
    monkeypatch.setattr(changepassword.Command, "_get_pass", lambda self, prompt="": next(answers))
    with pytest.raises(CommandError):
        call_command("changepassword", evaluator.username, stdout=io.StringIO())
    assert not AuditEntry.objects.filter(action="user.password_set", object_id=str(evaluator.pk)).exists()
