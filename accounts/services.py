"""Writes to accounts: users, roles, provider links, one-time-password devices, API tokens.

Every write is atomic and leaves an entry in the hash-chained audit trail (issue 12: the
admin is no back door; issue 13: user/role/provider-link changes and token creation audited).
"""
from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from common.audit import audit_record


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
