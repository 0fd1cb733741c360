"""The audit trail: append-only, chained with a keyed hash (HMAC-SHA256), anchored by reports.

See common/audit.py for how entries are appended, sealed into the chain and verified.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class ImmutableError(Exception):
    """Raised when code tries to change or delete an audit entry."""


def audit_key() -> bytes:
    """The chain's HMAC key (settings.AUDIT_HMAC_KEY, from the environment; never stored in the database)."""
    key = getattr(settings, "AUDIT_HMAC_KEY", "")
    if not key:
        raise ImproperlyConfigured("AUDIT_HMAC_KEY is not set; the audit trail cannot be sealed or verified.")
    return key.encode()


def keyed_hash(text: str) -> str:
    return hmac.new(audit_key(), text.encode(), hashlib.sha256).hexdigest()


def entry_payload(entry: Any) -> str:
    """The canonical text of an entry (a model instance, also a migration's historical one)."""
    data = {
        "sequence": entry.sequence,
        "at": entry.at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "before": entry.before,
        "after": entry.after,
        "note": entry.note,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":"))


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableError("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("Audit entries cannot be deleted.")

    def seal_one(self, *, pk: int, sequence: int, prev_hash: str, hash: str) -> int:  # noqa: A002
        """The one write an entry ever gets after its insert: its place in the chain (common.audit only)."""
        qs = models.QuerySet(model=self.model, using=self._db).filter(pk=pk, sequence__isnull=True, hash="")
        return qs.update(sequence=sequence, prev_hash=prev_hash, hash=hash)


class AuditChainHead(models.Model):
    """The sealer's row: the last sealed entry. Only the sealer locks it, never an audited write."""

    last_hash = models.CharField(max_length=64, default="")
    last_sequence = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit chain head #{self.last_sequence}"


class AuditEntry(models.Model):
    """One audited action. Inserted unsealed (no sequence, no hash); the sealer gives it its place once."""

    sequence = models.PositiveBigIntegerField(unique=True, null=True, blank=True,
                                              help_text="Place in the chain; empty until sealed.")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200, help_text="Who acted, kept even if the user is renamed.")
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, db_index=True)
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    note = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, blank=True, default="", db_index=True,
                            help_text="HMAC-SHA256 of the entry and the previous hash; empty until sealed.")

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["sequence", "id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.sequence or '-'} {self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError("Audit entries cannot be deleted.")

    def payload(self) -> str:
        """The canonical text the hash covers: every field a reader relies on."""
        return entry_payload(self)

    def compute_hash(self) -> str:
        """Keyed: without AUDIT_HMAC_KEY nobody can recompute a chain they have rewritten."""
        return keyed_hash(self.payload())


class AuditAnchor(models.Model):
    """The chain head as it stood when something was published from it (a generated report).

    Append-only like the entries. `verify_audit` checks that the entry at `sequence` still has
    `hash`, so removing entries up to or past an anchor, or recomputing the tail, is found.
    `mac` is the keyed hash of the anchor itself, so an anchor cannot be forged without the key.
    """

    sequence = models.PositiveBigIntegerField(help_text="The last sealed entry at the time.")
    hash = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField()
    reason = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    mac = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["sequence", "id"]

    def __str__(self) -> str:
        return f"anchor #{self.sequence} ({self.reason} {self.object_type} {self.object_id})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("Audit anchors cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableError("Audit anchors cannot be deleted.")

    def compute_mac(self) -> str:
        return anchor_mac(self)


def anchor_mac(anchor: Any) -> str:
    """The keyed hash of an anchor (a model instance, also a migration's historical one)."""
    data = {"sequence": anchor.sequence, "hash": anchor.hash, "at": anchor.at.isoformat(), "reason": anchor.reason,
            "object_type": anchor.object_type, "object_id": anchor.object_id}
    return keyed_hash("anchor:" + json.dumps(data, sort_keys=True, separators=(",", ":")))
