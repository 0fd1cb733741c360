"""Writing and verifying the audit trail. Services call `audit_record`."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from common.models import AuditChainHead, AuditEntry


def _jsonable(value: Any) -> Any:
    """Round-trip through JSON so what is hashed equals what is stored and read back."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry to the chain; must run inside the caller's transaction."""
    at = at or timezone.now()
    # Milliseconds only: JSON backups (dumpdata) keep no finer precision, and the hash covers `at`.
    at = at.replace(microsecond=at.microsecond // 1000 * 1000)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        user = actor if getattr(actor, "is_authenticated", False) else None
        label = (user.get_username() if user else str(actor or "system"))[:200]
        entry = AuditEntry(
            sequence=head.last_sequence + 1,
            at=at,
            actor=user,
            actor_label=label,
            action=action,
            object_type=obj._meta.label,
            object_id=str(obj.pk),
            object_repr=str(obj)[:300],
            before=_jsonable(before),
            after=_jsonable(after),
            note=note,
            prev_hash=head.last_hash,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        head.last_hash = entry.hash
        head.last_sequence = entry.sequence
        head.save(update_fields=["last_hash", "last_sequence"])
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_sequence: int | None = None
    problem: str = ""


def audit_verify() -> ChainReport:
    """Walk the chain in order; report the first entry whose hash or link is wrong."""
    prev = ""
    checked = 0
    expected_sequence = 1
    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        if entry.sequence != expected_sequence:
            return ChainReport(False, checked, expected_sequence, "entry missing (sequence gap)")
        if entry.prev_hash != prev:
            return ChainReport(False, checked, entry.sequence, "link to previous entry broken")
        if entry.compute_hash() != entry.hash:
            return ChainReport(False, checked, entry.sequence, "content does not match its hash")
        prev = entry.hash
        checked += 1
        expected_sequence += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and (head.last_sequence != checked or head.last_hash != prev):
        return ChainReport(False, checked, checked + 1, "entries after this point were removed")
    return ChainReport(True, checked)
