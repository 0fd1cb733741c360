"""Writing notifications: the one way to send one, and marking them read.

Who may send or mark is the caller's rule (its own app's services ask `accounts.permissions`);
these functions only write, inside the caller's transaction.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from notifications.models import Notification, NotificationKind


def notifications_send(
    *, provider_ids: Iterable[int], kind: NotificationKind | str, message: str, link: str = "",
    tender_id: int | None = None, now: datetime,
) -> int:
    """One notification per provider organisation (duplicates dropped), all dated `now`; returns how many.

    `now` is the caller's time, taken once, so a notification carries the same time as the audit
    entry of the change it announces.
    """
    rows = [
        Notification(provider_id=pid, tender_id=tender_id, kind=kind, message=message, link=link, created_at=now)
        for pid in sorted(set(provider_ids))
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def notifications_mark_read(*, provider_id: int, notification_ids: Iterable[int] | None = None) -> int:
    """Mark an organisation's unread notifications read (all of them when no ids are given); returns how many.

    Ids of another organisation's notifications, or of read ones, are passed over silently.
    """
    qs = Notification.objects.filter(provider_id=provider_id, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
