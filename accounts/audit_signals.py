"""Sign-ins, failed sign-ins, sign-outs and lock-outs go into the audit trail (issue 13).

Receivers for Django's auth signals and django-axes' lock-out signal. Only the username and
the client address are kept: never the password or any other submitted credential.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from common.audit import audit_record

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User

USERNAME_MAX = 150


def _address(request: HttpRequest | None) -> str | None:
    meta = getattr(request, "META", None) or {}
    return meta.get("REMOTE_ADDR") or None


def _user_named(username: str) -> User | None:
    if not username:
        return None
    User = get_user_model()
    return User.objects.filter(**{User.USERNAME_FIELD: username}).first()


def _record_attempt(*, action: str, username: str, address: str | None, note: str = "") -> None:
    """An entry about a sign-in aimed at `username`, whether or not such a user exists."""
    username = (username or "")[:USERNAME_MAX]
    user = _user_named(username)
    audit_record(
        actor=username or "anonymous",
        action=action,
        obj=user,
        object_type=get_user_model()._meta.label,
        object_repr=username or "(no username given)",
        after={"username": username, "ip_address": address, "known_user": user is not None},
        note=note,
    )


@receiver(user_logged_in, dispatch_uid="accounts.audit_signals.logged_in")
def on_logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.login", obj=user, after={"ip_address": _address(request)})


@receiver(user_logged_out, dispatch_uid="accounts.audit_signals.logged_out")
def on_logged_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None and getattr(user, "pk", None) is not None:
        audit_record(actor=user, action="auth.logout", obj=user, after={"ip_address": _address(request)})


@receiver(user_login_failed, dispatch_uid="accounts.audit_signals.login_failed")
def on_login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    User = get_user_model()
    username = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")
    _record_attempt(action="auth.login_failed", username=username, address=_address(request))


@receiver(user_locked_out, dispatch_uid="accounts.audit_signals.locked_out")
def on_locked_out(sender: Any, request: HttpRequest | None, username: str | None = None, ip_address: str | None = None,
                  **kwargs: Any) -> None:
    _record_attempt(action="auth.locked_out", username=str(username or ""), address=ip_address or _address(request),
                    note="Too many failed sign-ins: further attempts from this address for this username are refused.")
