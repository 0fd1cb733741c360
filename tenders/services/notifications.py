"""Provider notifications: who may mark them read is the tenders portal's rule; the writing is `notifications`'."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from notifications.services import notifications_mark_read
from tenders.services._common import (
    _require_provider_user,
)

if TYPE_CHECKING:
    from accounts.models import User


def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the organisation's notifications read (all unread ones when no ids are given)."""
    provider_id = _require_provider_user(user, approved=False)
    return notifications_mark_read(provider_id=provider_id, notification_ids=notification_ids)
