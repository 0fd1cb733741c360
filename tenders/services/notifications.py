"""Provider notifications."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from tenders.models import (
    Notification,
)
from tenders.services._common import (
    _require_provider_user,
)


def notification_mark_read(*, user: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the organisation's notifications read (all unread ones when no ids are given)."""
    _require_provider_user(user, approved=False)
    qs = Notification.objects.filter(provider_id=user.provider_id, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


