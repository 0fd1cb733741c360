"""The periodic audit sealer: chains entries whose writers found the chain head busy (common/audit.py)."""
from __future__ import annotations

from celery import shared_task

from common.audit import audit_seal


@shared_task(time_limit=60, soft_time_limit=50)
def audit_seal_pending() -> int:
    """Seal every committed unsealed entry; returns how many (0 when another sealer held the head)."""
    return audit_seal(wait=False) or 0
