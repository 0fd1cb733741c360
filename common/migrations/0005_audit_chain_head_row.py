"""The chain head row exists from the start, so no audited write ever has to create it.

Creating it on first use would make a concurrent first writer wait on the creator's
uncommitted insert (INSERT ... ON CONFLICT waits for it), the one wait the sealer design avoids.
"""
from django.db import migrations


def create_head(apps, schema_editor):
    Head = apps.get_model("common", "AuditChainHead")
    Head.objects.using(schema_editor.connection.alias).get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("common", "0004_audit_tables_append_only_on_postgresql")]

    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
