"""The audit trail is append-only and its hash chain finds tampering."""
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from common.audit import audit_record, audit_verify
from common.models import AuditEntry, ImmutableError
from tests.factories import TenderFactory

pytestmark = pytest.mark.django_db


def _three_entries(user):
    tender = TenderFactory()
    for action in ("a", "b", "c"):
        audit_record(actor=user, action=action, obj=tender, after={"x": action})


def test_an_intact_chain_verifies(commissioner, capsys):
    _three_entries(commissioner)
    assert audit_verify().ok
    call_command("verify_audit")
    assert "OK: 3 audit entries verified" in capsys.readouterr().out


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


def test_an_edit_behind_the_applications_back_is_found(commissioner):
    _three_entries(commissioner)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE common_auditentry SET action = %s WHERE sequence = 2", ["forged"])
    report = audit_verify()
    assert not report.ok and report.broken_sequence == 2
    with pytest.raises(CommandError, match="BROKEN at entry #2"):
        call_command("verify_audit")


def test_a_deleted_last_entry_is_found(commissioner):
    _three_entries(commissioner)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM common_auditentry WHERE sequence = 3")
    assert not audit_verify().ok
