"""The audit trail is append-only and its keyed hash chain finds tampering.

Raw SQL edits stand for someone working behind the application's back. On PostgreSQL the
audit tables refuse them by trigger (tests/common/test_audit_postgres.py), so here the
trigger is first disabled, as only the table owner or a superuser could.
"""
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from common.audit import audit_anchor, audit_record, audit_seal, audit_verify
from common.models import AuditAnchor, AuditChainHead, AuditEntry, ImmutableError
from tests.factories import TenderFactory

pytestmark = pytest.mark.django_db


def _three_entries(user):
    tender = TenderFactory()
    for action in ("a", "b", "c"):
        audit_record(actor=user, action=action, obj=tender, after={"x": action})
    return tender


def behind_the_back(sql, params=()):
    """Run raw SQL on the audit tables as a superuser who disabled the append-only triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks, so ALTER TABLE may run
            cursor.execute("ALTER TABLE common_auditentry DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE common_auditanchor DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE common_auditentry ENABLE TRIGGER USER")
            cursor.execute("ALTER TABLE common_auditanchor ENABLE TRIGGER USER")


def test_an_intact_chain_verifies(commissioner, capsys):
    _three_entries(commissioner)
    assert audit_verify().ok
    call_command("verify_audit")
    assert "OK: 3 audit entries verified" in capsys.readouterr().out


def test_entries_are_sealed_in_order_with_a_keyed_hash(commissioner):
    _three_entries(commissioner)
    entries = list(AuditEntry.objects.order_by("sequence"))
    assert [e.sequence for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == "" and entries[1].prev_hash == entries[0].hash
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_sequence, head.last_hash) == (3, entries[2].hash)


def test_the_hash_depends_on_the_key_so_a_rewrite_without_it_is_found(commissioner):
    _three_entries(commissioner)
    entry = AuditEntry.objects.get(sequence=3)
    with override_settings(AUDIT_HMAC_KEY="another key"):
        assert entry.compute_hash() != entry.hash
        assert not audit_verify().ok


def test_entries_cannot_be_changed_or_deleted_through_the_application(commissioner):
    _three_entries(commissioner)
    entry = AuditEntry.objects.first()
    entry.note = "edited"
    with pytest.raises(ImmutableError):
        entry.save()
    with pytest.raises(ImmutableError):
        entry.delete()
    with pytest.raises(ImmutableError):
        AuditEntry.objects.update(note="x")
    with pytest.raises(ImmutableError):
        AuditEntry.objects.all().delete()
    anchor = audit_anchor(reason="test")
    with pytest.raises(ImmutableError):
        anchor.save()
    with pytest.raises(ImmutableError):
        AuditAnchor.objects.all().delete()


def test_an_edit_behind_the_applications_back_is_found(commissioner):
    _three_entries(commissioner)
    behind_the_back("UPDATE common_auditentry SET action = %s WHERE sequence = 2", ["forged"])
    report = audit_verify()
    assert not report.ok and report.broken_sequence == 2
    with pytest.raises(CommandError, match="BROKEN at entry #2"):
        call_command("verify_audit")


def test_a_deleted_last_entry_is_found(commissioner):
    _three_entries(commissioner)
    behind_the_back("DELETE FROM common_auditentry WHERE sequence = 3")
    assert not audit_verify().ok


def test_a_deleted_tail_with_the_head_rolled_back_is_found_by_the_anchor(commissioner):
    tender = _three_entries(commissioner)
    audit_anchor(reason="report.generated", obj=tender)
    second = AuditEntry.objects.get(sequence=2)
    behind_the_back("DELETE FROM common_auditentry WHERE sequence = 3")
    AuditChainHead.objects.filter(pk=1).update(last_sequence=2, last_hash=second.hash)
    report = audit_verify()
    assert not report.ok
    assert report.broken_sequence == 3 and "cut short" in report.problem


def test_a_middle_entry_deleted_and_the_tail_recomputed_with_the_key_is_found_by_the_anchor(commissioner):
    """Even someone holding the key cannot rewrite what an anchor has pinned."""
    _three_entries(commissioner)
    audit_anchor(reason="report.generated")
    behind_the_back("DELETE FROM common_auditentry WHERE sequence = 2")
    third = AuditEntry.objects.get(sequence=3)
    third.sequence, third.prev_hash = 2, AuditEntry.objects.get(sequence=1).hash
    behind_the_back("UPDATE common_auditentry SET sequence = 2, prev_hash = %s, hash = %s WHERE id = %s",
                    [third.prev_hash, third.compute_hash(), third.pk])
    AuditChainHead.objects.filter(pk=1).update(last_sequence=2, last_hash=third.compute_hash())
    report = audit_verify()
    assert not report.ok and "cut short" in report.problem


def test_a_forged_anchor_is_found(commissioner):
    _three_entries(commissioner)
    anchor = audit_anchor(reason="report.generated")
    behind_the_back("UPDATE common_auditanchor SET sequence = 2 WHERE id = %s", [anchor.pk])
    report = audit_verify()
    assert not report.ok and "keyed hash" in report.problem


def test_an_anchor_records_the_head_and_verify_counts_it(commissioner, capsys):
    tender = _three_entries(commissioner)
    anchor = audit_anchor(reason="report.generated", obj=tender)
    assert (anchor.sequence, anchor.hash) == (3, AuditEntry.objects.get(sequence=3).hash)
    assert anchor.object_type == "tenders.Tender" and anchor.object_id == str(tender.pk)
    assert audit_verify().anchors == 1
    call_command("verify_audit")
    assert "1 anchor" in capsys.readouterr().out


def test_entries_left_unsealed_are_sealed_by_the_sealer_in_insertion_order(commissioner):
    """What a writer leaves unsealed (the head was busy) the sealer chains later, oldest first."""
    tender = TenderFactory()
    for action in ("x", "y"):
        AuditEntry.objects.create(at=timezone.now().replace(microsecond=0), actor_label="system", action=action,
                                  object_type="tenders.Tender", object_id=str(tender.pk), object_repr=str(tender))
    assert AuditEntry.objects.filter(sequence__isnull=True).count() == 2
    assert audit_seal() == 2
    assert list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True)) == ["x", "y"]
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_the_chain_head_is_there_again_after_a_flush_so_writes_are_sealed_at_once():
    """A flush (a transactional test's teardown, a restore) empties the table; post_migrate puts the head back."""
    call_command("flush", "--noinput", verbosity=0)
    assert AuditChainHead.objects.filter(pk=1, last_sequence=0, last_hash="").exists()
    tender = TenderFactory()
    with transaction.atomic():
        entry = audit_record(actor="system", action="after-flush", obj=tender)
    entry.refresh_from_db()
    assert entry.sequence is not None and audit_verify().ok
