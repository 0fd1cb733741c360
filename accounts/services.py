"""Writes to accounts: users, roles, provider links, one-time-password devices, API tokens.

Every write is atomic and leaves an entry in the hash-chained audit trail (issue 12: the
admin is no back door; issue 13: user/role/provider-link changes and token creation audited).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts import tokens
from accounts.models import User
from common.audit import audit_record
from common.errors import RuleViolation

if TYPE_CHECKING:
    from providers.models import Provider

# How much of a token the audit trail and the admin show: enough to tell tokens apart, useless to an attacker.
TOKEN_PREFIX = 6


# What the audit trail records of a user before and after a change (never the password hash).
AUDITED_FIELDS = ("username", "email", "first_name", "last_name", "role", "provider", "is_active", "is_staff",
                  "is_superuser")


def user_snapshot(user: User) -> dict[str, Any]:
    """The audited view of a user: access-relevant fields, provider by id and name, groups and permissions."""
    data: dict[str, Any] = {name: getattr(user, name) for name in AUDITED_FIELDS if name != "provider"}
    data["provider"] = None if user.provider_id is None else {"id": user.provider_id, "name": str(user.provider)}
    if user.pk:
        data["groups"] = sorted(user.groups.values_list("name", flat=True))
        data["permissions"] = sorted(user.user_permissions.values_list("codename", flat=True))
    return data


def _validated(user: User) -> None:
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        first_field, messages = next(iter(exc.message_dict.items()))
        raise RuleViolation(messages[0], field=None if first_field == "__all__" else first_field) from exc


def user_create(*, actor: User, username: str, password: str | None = None, role: str, provider: Provider | None = None,
                email: str = "", first_name: str = "", last_name: str = "", is_active: bool = True,
                is_staff: bool = False, is_superuser: bool = False) -> User:
    """Create a user (e.g. from the admin); role and provider link must agree. Audited with the new values."""
    now = timezone.now()
    with transaction.atomic():
        user = User(username=username, email=email, first_name=first_name, last_name=last_name, role=role,
                    provider=provider, is_active=is_active, is_staff=is_staff, is_superuser=is_superuser)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        _validated(user)
        user.save()
        audit_record(actor=actor, action="user.created", obj=user, at=now, before=None, after=user_snapshot(user))
    return user


def user_update(*, actor: User, user: User, changes: dict[str, Any] | None = None, groups: Any = None,
                permissions: Any = None) -> User:
    """Change a user's fields (and optionally groups/permissions), recording before and after in the audit trail."""
    now = timezone.now()
    changes = changes or {}
    unknown = set(changes) - set(AUDITED_FIELDS)
    if unknown:
        raise RuleViolation(f"These fields are not changed here: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        locked: User = User.objects.select_for_update().get(pk=user.pk)
        before = user_snapshot(locked)
        for name, value in changes.items():
            setattr(locked, name, value)
        _validated(locked)
        locked.save()
        if groups is not None:
            locked.groups.set(groups)
        if permissions is not None:
            locked.user_permissions.set(permissions)
        after = user_snapshot(locked)
        if after != before:
            changed = sorted(k for k in after if after[k] != before.get(k))
            audit_record(actor=actor, action="user.changed", obj=locked, at=now,
                         before={k: before.get(k) for k in changed}, after={k: after[k] for k in changed})
    return locked


def user_set_password(*, actor: User, user: User, password: str | None) -> User:
    """Set a user's password (None: no password sign-in) from the admin; audited without the password."""
    now = timezone.now()
    with transaction.atomic():
        locked: User = User.objects.select_for_update().get(pk=user.pk)
        if password:
            locked.set_password(password)
        else:
            locked.set_unusable_password()
        locked.save(update_fields=["password"])
        audit_record(actor=actor, action="user.password_set", obj=locked, at=now,
                     after={"usable_password": bool(password)}, note="Password set by an administrator.")
    return locked


def user_changed_at_the_command_line(*, user: User, command: str) -> None:
    """`manage.py createsuperuser` and `changepassword` act outside the app: record what they did, as the system.

    They are the IT administrator's way in on a fresh install (or when every admin is locked out),
    so they cannot go through a service that needs a signed-in actor; the trail still shows them.
    """
    with transaction.atomic():
        if command == "createsuperuser":
            audit_record(actor="system", action="user.created", obj=user, before=None, after=user_snapshot(user),
                         note="Created at the command line (manage.py createsuperuser).")
        elif command == "changepassword":
            audit_record(actor="system", action="user.password_set", obj=user,
                         after={"usable_password": user.has_usable_password()},
                         note="Password set at the command line (manage.py changepassword).")
        else:
            raise ValueError(f"not a user command: {command}")


def user_password_changed(*, user: User) -> None:
    """Record that a user changed their own password (the change itself is Django's)."""
    with transaction.atomic():
        audit_record(actor=user, action="user.password_changed", obj=user, note="Changed by the user.")


def user_totp_reset(*, actor: User, user: User) -> int:
    """Remove a user's authenticator devices (a lost phone); they set one up again at next sign-in."""
    now = timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        names = list(TOTPDevice.objects.filter(user=user).values_list("name", flat=True))
        deleted: int  # django_otp is untyped
        deleted, _ = TOTPDevice.objects.filter(user=user).delete()
        if deleted:
            audit_record(actor=actor, action="user.totp_reset", obj=user, at=now,
                         before={"devices": names}, after={"devices": []})
    return deleted


def user_totp_confirm(*, user: User, device: TOTPDevice, actor: User) -> TOTPDevice:
    """Confirm `device` (its code was checked by the caller); it replaces any earlier device of the user."""
    now = timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        replaced = list(TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).values_list("name", flat=True))
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(
            actor=actor, action="user.totp_confirmed", obj=user, at=now,
            before={"devices": replaced}, after={"devices": [device.name]},
        )
    return device


def user_token_issue(*, user: User, actor: User) -> str:
    """Issue a new API token for `user`, replacing any earlier one, and return its key: shown once, never stored.

    The database keeps only the key's digest (accounts/tokens.py), so nobody can read it back.
    """
    now = timezone.now()
    key = tokens.new_key()
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        had = Token.objects.filter(user=user).exists()
        Token.objects.filter(user=user).delete()
        Token.objects.create(user=user, key=tokens.stored_form(key))
        audit_record(
            actor=actor, action="user.token_issued", obj=user, at=now,
            before={"token": "replaced" if had else None}, after={"token_prefix": key[:TOKEN_PREFIX]},
        )
    return key


def user_token_revoke(*, user: User, actor: User) -> bool:
    """Delete `user`'s API token, if any."""
    now = timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        token = Token.objects.filter(user=user).first()
        if token is None:
            return False
        prefix = token.key[:TOKEN_PREFIX]
        token.delete()
        audit_record(actor=actor, action="user.token_revoked", obj=user, at=now,
                     before={"token_prefix": prefix}, after={"token": None})
    return True
