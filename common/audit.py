"""Writing, sealing and verifying the audit trail. Services call `audit_record`.

How the trail stays trustworthy without one lock serialising every audited write:

1. **Append.** `audit_record` tries the chain head row without waiting (`SELECT ... FOR UPDATE
   SKIP LOCKED`). If it is free, the entry is inserted already sealed (next `sequence`, the
   previous hash, its own keyed hash), after sealing anything others left pending. If another
   transaction holds the head, the entry is inserted *unsealed* (no sequence, no hash) and the
   writer goes on: two submissions at the deadline never queue behind each other to write
   their audit lines (issue 17: the old chain-head row was locked by every audited write until
   its transaction committed). On SQLite, which has one writer at a time anyway, the head is
   always free, so every entry is sealed at once.
2. **Seal.** The sealer (`audit_seal`) takes the head and gives every committed unsealed entry,
   in insertion order, its place: the keyed hash is HMAC-SHA256 with `settings.AUDIT_HMAC_KEY`
   (from the environment, never in the database) over the entry's content, sequence and the
   previous hash. Sealing is the only change an entry ever gets; on PostgreSQL a trigger
   (migration 0004) refuses any other UPDATE, every DELETE and TRUNCATE. The sealer runs
   - after the writer's commit when the head was busy (a non-waiting attempt again),
   - inside the next audited write that finds the head free,
   - from the periodic task `common.audit_tasks.audit_seal_pending` (every 5 seconds), and
   - before `audit_verify` and before an anchor is taken (waiting for the head there).
   So an entry is sealed within seconds of its commit, in commit order.
3. **Anchor.** `audit_anchor` records the chain head (sequence and hash, with its own keyed MAC)
   when something is published from the trail: every generated report. `audit_verify` walks
   the chain checking order, links and keyed hashes, then checks every anchor still matches the
   entry it names, so deleting the tail and rolling the head back, or deleting a middle entry
   and recomputing later hashes, is found even by someone who holds the key, up to the last anchor.
"""
from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, connections, models, transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from common.models import AuditAnchor, AuditChainHead, AuditEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def _jsonable(value: Any) -> Any:
    """Round-trip through JSON so what is hashed equals what is stored and read back."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _to_millisecond(at: datetime) -> datetime:
    # Milliseconds only: JSON backups (dumpdata) keep no finer precision, and the hash covers `at`.
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def audit_record(
    *,
    actor: User | AnonymousUser | str | None,
    action: str,
    obj: models.Model | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    at: datetime | None = None,
    object_type: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Append one entry (unsealed) in the caller's transaction; it is sealed into the chain at once or after commit.

    `obj` is what the action was done to. When there is no row (a failed sign-in with an unknown
    username), pass obj=None with `object_type` and `object_repr` saying what was aimed at.
    """
    at = _to_millisecond(at or timezone.now())
    # Only a signed-in User is authenticated (AnonymousUser is not, nor is a label such as "system").
    user = cast("User | None", actor if getattr(actor, "is_authenticated", False) else None)
    label = (user.get_username() if user else str(actor or "system"))[:200]
    entry = AuditEntry(
        at=at,
        actor=user,
        actor_label=label,
        action=action,
        object_type=obj._meta.label if obj is not None else object_type[:100],
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(str(obj) if obj is not None else object_repr)[:300],
        before=_jsonable(before),
        after=_jsonable(after),
        note=note,
    )
    with transaction.atomic(savepoint=False):
        head = _locked_head(wait=False)
        if head is None:
            # Another transaction is sealing: insert unsealed; once ours commits, try again (still not waiting).
            entry.save()
            transaction.on_commit(lambda: audit_seal(wait=False), robust=True)
            return entry
        # The head is ours: chain what others left pending, then insert this entry already sealed.
        _seal_with(head, list(AuditEntry.objects.filter(sequence__isnull=True).order_by("id")))
        entry.sequence = head.last_sequence + 1
        entry.prev_hash = head.last_hash
        entry.hash = entry.compute_hash()
        entry.save()
        head.last_sequence, head.last_hash = entry.sequence, entry.hash
        head.save(update_fields=["last_hash", "last_sequence"])
    return entry


def audit_chain_head_ensure(*, using: str = "default") -> None:
    """Make the chain head row if it is missing (after a flush); nothing when it exists or its table does not."""
    connection_ = connections[using]
    if AuditChainHead._meta.db_table not in connection_.introspection.table_names():
        return  # common's migrations are not applied (e.g. migrated back to zero)
    _make_head(using)


def _make_head(using: str = "default") -> None:
    """Insert the chain head at its start unless it is there (a racing maker is not an error)."""
    AuditChainHead.objects.using(using).bulk_create([AuditChainHead(pk=1)], ignore_conflicts=True)


def _locked_head(*, wait: bool) -> AuditChainHead | None:
    """The chain head, locked for this transaction; None when another transaction holds it and wait is False.

    The row exists from migration 0005 on; only a flushed test database lacks it, and then it is made here.
    Not waiting, on a database with row locks (PostgreSQL), no second query tells "busy" from "missing" (issue
    17: that query ran in every contended audited write): either way the entry stays unsealed for a waiting
    sealer (audit_verify, audit_anchor), which creates the row if need be. Without row locks (SQLite), nothing
    can hold the head, so an empty answer means missing.
    """
    can_be_busy = not wait and connection.features.has_select_for_update_skip_locked
    for _attempt in range(2):
        head = AuditChainHead.objects.select_for_update(skip_locked=not wait).filter(pk=1).first()
        if head is not None or can_be_busy:
            return head
        _make_head()
    return None


def audit_seal(*, wait: bool = True) -> int | None:
    """Seal every committed unsealed entry in insertion order; the number sealed, or None if the head was busy."""
    sealed = _seal_pending(wait=wait)
    return None if sealed is None else len(sealed)


def _seal_pending(*, wait: bool) -> list[AuditEntry] | None:
    with transaction.atomic():
        head = _locked_head(wait=wait)
        if head is None:
            return None
        pending = list(AuditEntry.objects.filter(sequence__isnull=True).order_by("id"))
        _seal_with(head, pending)
        if pending:
            head.save(update_fields=["last_hash", "last_sequence"])
    return pending


def _seal_with(head: AuditChainHead, pending: list[AuditEntry]) -> None:
    """Give each pending entry the next place after `head` (locked by the caller); `head` moves along."""
    for entry in pending:
        entry.sequence = head.last_sequence + 1
        entry.prev_hash = head.last_hash
        entry.hash = entry.compute_hash()
        head.last_sequence, head.last_hash = entry.sequence, entry.hash
    if len(pending) == 1:
        entry = pending[0]
        assert entry.sequence is not None  # given just above
        AuditEntry.objects.seal_one(pk=entry.pk, sequence=entry.sequence, prev_hash=entry.prev_hash, hash=entry.hash)
    elif pending:
        _seal_many(pending)


def _seal_many(entries: list[AuditEntry]) -> None:
    """Write the places of entries sealed together in one UPDATE, not one per entry (issue 17: after a deadline
    burst the sealer chains dozens at once). Like AuditQuerySet.seal_one, only ever unsealed rows; the PostgreSQL
    trigger (migration 0004) checks each row of it the same way."""
    def by_entry(field: str, output: models.Field[Any, Any]) -> Case:
        return Case(*(When(pk=entry.pk, then=Value(getattr(entry, field))) for entry in entries), output_field=output)

    unsealed: models.QuerySet[AuditEntry] = models.QuerySet(model=AuditEntry).filter(
        pk__in=[entry.pk for entry in entries], sequence__isnull=True, hash=""
    )
    written = unsealed.update(
        sequence=by_entry("sequence", models.PositiveBigIntegerField()),
        prev_hash=by_entry("prev_hash", models.CharField()),
        hash=by_entry("hash", models.CharField()),
    )
    if written != len(entries):  # the head is locked, so no one else seals; anything else is a bug
        raise RuntimeError(f"sealed {written} of {len(entries)} audit entries; the chain head would skip some")


def audit_anchor(*, reason: str, obj: models.Model | None = None, at: datetime | None = None) -> AuditAnchor:
    """Seal what is pending and record the chain head as it stands (e.g. when a report is generated)."""
    with transaction.atomic():
        audit_seal(wait=True)
        head = AuditChainHead.objects.filter(pk=1).first()
        anchor = AuditAnchor(
            sequence=head.last_sequence if head else 0,
            hash=head.last_hash if head else "",
            at=_to_millisecond(at or timezone.now()),
            reason=reason[:100],
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
        )
        anchor.mac = anchor.compute_mac()
        anchor.save()
    return anchor


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_sequence: int | None = None
    problem: str = ""
    anchors: int = 0


def audit_verify() -> ChainReport:
    """Seal what is pending, walk the chain in order, then check every anchor; report the first problem."""
    audit_seal(wait=True)
    prev = ""
    checked = 0
    expected_sequence = 1
    anchor_rows = list(AuditAnchor.objects.order_by("sequence", "id"))
    anchored = {anchor.sequence for anchor in anchor_rows}
    hashes: dict[int, str] = {}  # only the anchored entries' hashes, so memory stays small
    entries = AuditEntry.objects.filter(sequence__isnull=False).order_by("sequence")
    for entry in entries.iterator(chunk_size=2000):
        if entry.sequence != expected_sequence:
            return ChainReport(False, checked, expected_sequence, "entry missing (sequence gap)")
        if entry.prev_hash != prev:
            return ChainReport(False, checked, entry.sequence, "link to previous entry broken")
        if not hmac.compare_digest(entry.compute_hash(), entry.hash):
            return ChainReport(False, checked, entry.sequence, "content does not match its keyed hash")
        if entry.sequence in anchored:
            hashes[entry.sequence] = entry.hash
        prev = entry.hash
        checked += 1
        expected_sequence += 1
    if AuditEntry.objects.filter(sequence__isnull=True).exclude(hash="").exists():
        return ChainReport(False, checked, None, "an entry has a hash but no place in the chain")
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and (head.last_sequence != checked or head.last_hash != prev):
        return ChainReport(False, checked, checked + 1, "entries after this point were removed")
    anchors = 0
    for anchor in anchor_rows:
        where = f"anchor of {anchor.reason} {anchor.object_type} {anchor.object_id}".strip()
        if not hmac.compare_digest(anchor.compute_mac(), anchor.mac):
            return ChainReport(False, checked, anchor.sequence, f"{where} does not match its keyed hash")
        if anchor.sequence == 0:
            anchors += 1
            continue
        if anchor.sequence > checked:
            return ChainReport(
                False, checked, anchor.sequence,
                f"{where} recorded entry #{anchor.sequence}, which is gone: the trail was cut short",
            )
        if not hmac.compare_digest(hashes[anchor.sequence], anchor.hash):
            return ChainReport(
                False, checked, anchor.sequence,
                f"{where} recorded a different entry #{anchor.sequence}: the chain was rewritten",
            )
        anchors += 1
    return ChainReport(True, checked, anchors=anchors)
