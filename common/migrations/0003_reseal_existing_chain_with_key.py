"""Re-seal an existing plain SHA-256 chain with the keyed hash (HMAC), once, after checking it.

Entries written before the keyed chain carry plain SHA-256 hashes, which anyone can recompute.
This migration first verifies the old chain as it stands (order, links, plain hashes) and
refuses to continue if it is broken, so a tampered trail is never laundered into a keyed one;
then it re-seals every entry with AUDIT_HMAC_KEY and records an anchor at the head saying so.
An empty trail (every fresh database) needs nothing.
"""
import hashlib
import hmac

from django.conf import settings
from django.db import migrations
from django.utils import timezone

from common.models import anchor_mac, entry_payload


def reseal(apps, schema_editor):
    Entry = apps.get_model("common", "AuditEntry")
    Head = apps.get_model("common", "AuditChainHead")
    Anchor = apps.get_model("common", "AuditAnchor")
    entries = list(Entry.objects.using(schema_editor.connection.alias).filter(sequence__isnull=False).order_by("sequence"))
    if not entries:
        return
    prev = ""
    for expected, entry in enumerate(entries, start=1):
        plain = hashlib.sha256(entry_payload(entry).encode()).hexdigest()
        if entry.sequence != expected or entry.prev_hash != prev or entry.hash != plain:
            raise RuntimeError(
                f"The audit trail is broken at entry #{expected} before the keyed chain is introduced; "
                "investigate (manage.py verify_audit on the previous release) before migrating."
            )
        prev = entry.hash
    key = settings.AUDIT_HMAC_KEY.encode()
    if not key:
        raise RuntimeError("AUDIT_HMAC_KEY must be set to re-seal the existing audit trail.")
    prev = ""
    for entry in entries:
        entry.prev_hash = prev
        entry.hash = hmac.new(key, entry_payload(entry).encode(), hashlib.sha256).hexdigest()
        Entry.objects.filter(pk=entry.pk).update(prev_hash=entry.prev_hash, hash=entry.hash)
        prev = entry.hash
    Head.objects.update_or_create(pk=1, defaults={"last_sequence": entries[-1].sequence, "last_hash": prev})
    now = timezone.now()
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)
    anchor = Anchor(sequence=entries[-1].sequence, hash=prev, at=now, reason="keyed chain introduced",
                    object_type="", object_id="")
    anchor.mac = anchor_mac(anchor)
    anchor.save()


class Migration(migrations.Migration):
    dependencies = [("common", "0002_keyed_chain_sealed_later_and_anchors")]

    operations = [migrations.RunPython(reseal, migrations.RunPython.noop)]
