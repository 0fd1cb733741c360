"""Backups: the demo data survives a dump and restore through Django's own dumpdata/loaddata."""
import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command

from common.audit import audit_verify
from common.models import AuditChainHead
from demo.lancashire import load_demo
from pricing.models import RatePreset

pytestmark = pytest.mark.django_db(transaction=True)

PROJECT_APPS = (
    "common", "accounts", "zones", "providers", "pricing", "tenders", "evaluation", "cqc", "reports", "notifications",
)


def _snapshot() -> dict[str, list]:
    out = {}
    for config in apps.get_app_configs():
        if config.label not in PROJECT_APPS:
            continue
        for model in config.get_models():
            out[model._meta.label] = sorted(json.dumps(row, sort_keys=True, default=str) for row in model.objects.values())
    return out


def test_dump_and_restore_gives_equal_data(tmp_path):
    load_demo()
    before = _snapshot()
    assert sum(len(rows) for rows in before.values()) > 50
    dump = tmp_path / "backup.xml"  # XML keeps microseconds; JSON dumps round datetimes to milliseconds
    call_command("dumpdata", "--format=xml", "--natural-foreign", "--exclude=contenttypes", "--exclude=auth.permission",
                 "--exclude=sessions", "--exclude=admin.logentry", "--exclude=axes", "--output", str(dump), verbosity=0)
    call_command("flush", "--noinput", verbosity=0)
    # flush's post_migrate puts back the shipped presets (deleted: a restore goes into an empty database) and the
    # audit chain head at its start (kept: `migrate` makes it in a new database too; loaddata overwrites it).
    RatePreset.objects.all().delete()
    assert [label for label, rows in _snapshot().items() if rows] == ["common.AuditChainHead"]
    assert AuditChainHead.objects.get().last_sequence == 0
    call_command("loaddata", str(dump), verbosity=0, stdout=io.StringIO())
    assert _snapshot() == before
    assert audit_verify().ok
