"""Reading a provider organisation's notifications, newest first; a user without an organisation has none."""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from notifications.models import Notification

if TYPE_CHECKING:
    from accounts.models import User


def _provider_id(user: User | AnonymousUser) -> int | None:
    # Council staff and anonymous visitors have no organisation, so no notifications.
    return getattr(user, "provider_id", None)


def notifications_queryset(*, user: User | AnonymousUser) -> QuerySet[Notification]:
    """The organisation's notifications, newest first, with their tender, for a page or the API to page through."""
    provider_id = _provider_id(user)
    if provider_id is None:
        return Notification.objects.none()
    return Notification.objects.filter(provider_id=provider_id).select_related("tender")


def notifications_for(*, user: User | AnonymousUser, limit: int = 50) -> list[Notification]:
    """The newest `limit` notifications of the user's organisation."""
    return list(notifications_queryset(user=user)[:limit])


def unread_notification_count(*, user: User | AnonymousUser) -> int:
    """The number in the header's Notifications link."""
    provider_id = _provider_id(user)
    if provider_id is None:
        return 0
    return Notification.objects.filter(provider_id=provider_id, read_at__isnull=True).count()
