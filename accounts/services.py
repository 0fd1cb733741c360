"""Writes to accounts: users, roles, provider links, one-time-password devices, API tokens.

Every write is atomic and leaves an entry in the hash-chained audit trail (issue 12: the
admin is no back door; issue 13: user/role/provider-link changes and token creation audited).
"""
from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts.models import User
from common.audit import audit_record

# How much of a token the audit trail and the admin show: enough to tell tokens apart, useless to an attacker.
TOKEN_PREFIX = 6


def user_totp_confirm(*, user: User, device: TOTPDevice, actor: Any) -> TOTPDevice:
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


def user_token_issue(*, user: User, actor: Any) -> Token:
    """Issue a new API token for `user`, replacing any earlier one; the key is shown once, never again."""
    now = timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        had = Token.objects.filter(user=user).exists()
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        audit_record(
            actor=actor, action="user.token_issued", obj=user, at=now,
            before={"token": "replaced" if had else None}, after={"token_prefix": token.key[:TOKEN_PREFIX]},
        )
    return token


def user_token_revoke(*, user: User, actor: Any) -> bool:
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
