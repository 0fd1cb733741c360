"""Audit tamper tests on PostgreSQL (issue 13): the tables refuse change, and what a superuser forces through is found.

Each case first shows the trigger refusing the raw SQL (UPDATE, DELETE, TRUNCATE), then does
it again as a superuser who disabled the trigger, and checks `verify_audit` finds it: the
keyed hash catches edits, the chain head and the anchors catch a removed tail, and the
anchors catch a middle entry removed with the later hashes recomputed (even with the key).
"""
from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from common.audit import audit_anchor, audit_record, audit_verify
from common.models import AuditChainHead, AuditEntry
from tests.factories import TenderFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL (the append-only trigger); .ci/run runs it with DATABASE_URL set",
    ),
    pytest.mark.django_db,
]


def _trail(user, n=5):
    tender = TenderFactory()
    for i in range(n):
        audit_record(actor=user, action=f"step.{i}", obj=tender, after={"i": i})
    audit_anchor(reason="report.generated", obj=tender)
    return tender


def _refused(sql: str, params=()) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL homecare.audit_strict = 'on'")
        cursor.execute(sql, params)


def _as_superuser_without_trigger(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks, so ALTER TABLE may run
        cursor.execute("ALTER TABLE common_auditentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE common_auditentry ENABLE TRIGGER USER")


def _broken() -> str:
    report = audit_verify()
    assert not report.ok
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("verify_audit")
    return report.problem


def test_an_edit_is_refused_and_when_forced_is_found(commissioner):
    _trail(commissioner)
    _refused("UPDATE common_auditentry SET note = 'forged' WHERE sequence = 2")
    _refused("UPDATE common_auditanchor SET sequence = 1")
    assert audit_verify().ok
    _as_superuser_without_trigger("UPDATE common_auditentry SET note = 'forged' WHERE sequence = 2")
    assert "keyed hash" in _broken()


def test_the_sealing_update_is_the_only_one_allowed(commissioner):
    _trail(commissioner, n=1)
    # A sealed entry cannot be sealed again (or re-linked) even with valid-looking values.
    _refused("UPDATE common_auditentry SET prev_hash = 'x' WHERE sequence = 1")


def test_deleting_the_last_entries_and_rolling_back_the_head_is_found(commissioner):
    _trail(commissioner)
    _refused("DELETE FROM common_auditentry WHERE sequence >= 4")
    keep = AuditEntry.objects.get(sequence=3)
    _as_superuser_without_trigger("DELETE FROM common_auditentry WHERE sequence >= 4")
    AuditChainHead.objects.filter(pk=1).update(last_sequence=3, last_hash=keep.hash)
    assert "cut short" in _broken()


def test_deleting_a_middle_entry_and_recomputing_later_hashes_is_found(commissioner):
    """The attacker holds the key here too: the anchor still pins the old head."""
    _trail(commissioner)
    _refused("DELETE FROM common_auditentry WHERE sequence = 3")
    _as_superuser_without_trigger("DELETE FROM common_auditentry WHERE sequence = 3")
    prev = AuditEntry.objects.get(sequence=2).hash
    for entry in AuditEntry.objects.filter(sequence__gt=3).order_by("sequence"):
        entry.sequence -= 1
        entry.prev_hash = prev
        prev = entry.compute_hash()
        _as_superuser_without_trigger(
            "UPDATE common_auditentry SET sequence = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [entry.sequence, entry.prev_hash, prev, entry.pk],
        )
    AuditChainHead.objects.filter(pk=1).update(last_sequence=4, last_hash=prev)
    assert "cut short" in _broken()


def test_truncating_the_trail_is_refused_and_when_forced_is_found(commissioner):
    _trail(commissioner)
    _refused("TRUNCATE common_auditentry")
    _refused("TRUNCATE common_auditanchor")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL homecare.audit_strict = 'on'")
        cursor.execute("ALTER TABLE common_auditentry DISABLE TRIGGER USER")
        cursor.execute("TRUNCATE common_auditentry")
        cursor.execute("ALTER TABLE common_auditentry ENABLE TRIGGER USER")
    AuditChainHead.objects.filter(pk=1).delete()
    assert "cut short" in _broken()


@pytest.mark.django_db(transaction=True)
def test_an_audited_write_does_not_wait_for_a_transaction_holding_the_chain_head():
    """No single lock serialises audited writes: the second writer inserts unsealed and goes on; the sealer chains it."""
    import threading
    import time

    from common.audit import audit_seal

    tender = TenderFactory()
    AuditChainHead.objects.get_or_create(pk=1)  # migration 0005 made it; the test runner's flush removed it
    holding, release = threading.Event(), threading.Event()

    def holder():
        try:
            with transaction.atomic():
                audit_record(actor="system", action="holder", obj=tender)  # seals at once: the head is now locked
                holding.set()
                release.wait(15)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    assert holding.wait(15)
    started = time.monotonic()
    with transaction.atomic():
        entry = audit_record(actor="system", action="other", obj=tender)
    waited = time.monotonic() - started
    release.set()
    thread.join()
    assert entry.sequence is None  # inserted unsealed rather than waiting for the head
    assert waited < 10  # had it waited, it would have waited for the 15 s release
    audit_seal()
    assert list(AuditEntry.objects.order_by("sequence").values_list("action", "sequence")) == [
        ("holder", 1), ("other", 2)
    ]
    assert audit_verify().ok
