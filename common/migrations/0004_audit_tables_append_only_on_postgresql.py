"""PostgreSQL: the audit tables refuse UPDATE (except an entry's one-time sealing), DELETE and TRUNCATE.

An entry is inserted unsealed and the sealer (common/audit.py) later sets its sequence,
prev_hash and hash exactly once; the trigger lets that through only when the entry was unsealed
and nothing else about it changes. Anchors are never updated. Only someone who can disable
triggers (the table owner or a superuser) can get past this, and the keyed hash chain and
the anchors then show what they did.

TRUNCATE is allowed in Django's own test databases (named test_...), where the test runner
empties every table between transactional tests, unless the session sets
homecare.audit_strict = on (the tamper tests do, to see it refused). SQLite: nothing to do.
"""
from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION common_auditentry_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.sequence IS NULL AND OLD.hash = '' AND NEW.sequence IS NOT NULL AND NEW.hash <> ''
           AND (NEW.id, NEW.at, NEW.actor_id, NEW.actor_label, NEW.action, NEW.object_type, NEW.object_id,
                NEW.object_repr, NEW.before, NEW.after, NEW.note)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.at, OLD.actor_id, OLD.actor_label, OLD.action, OLD.object_type, OLD.object_id,
                OLD.object_repr, OLD.before, OLD.after, OLD.note)
        THEN
            RETURN NEW;  -- the sealer gives an unsealed entry its place in the chain, once
        END IF;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE OR REPLACE FUNCTION common_auditanchor_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE OR REPLACE FUNCTION common_audit_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_database() LIKE 'test\_%'
       AND coalesce(current_setting('homecare.audit_strict', true), '') <> 'on' THEN
        RETURN NULL;  -- Django's test runner emptying its own test database between tests
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: TRUNCATE on % refused', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER common_auditentry_append_only BEFORE UPDATE OR DELETE ON common_auditentry
    FOR EACH ROW EXECUTE FUNCTION common_auditentry_refuse_change();
CREATE TRIGGER common_auditentry_no_truncate BEFORE TRUNCATE ON common_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION common_audit_refuse_truncate();
CREATE TRIGGER common_auditanchor_append_only BEFORE UPDATE OR DELETE ON common_auditanchor
    FOR EACH ROW EXECUTE FUNCTION common_auditanchor_refuse_change();
CREATE TRIGGER common_auditanchor_no_truncate BEFORE TRUNCATE ON common_auditanchor
    FOR EACH STATEMENT EXECUTE FUNCTION common_audit_refuse_truncate();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS common_auditentry_append_only ON common_auditentry;
DROP TRIGGER IF EXISTS common_auditentry_no_truncate ON common_auditentry;
DROP TRIGGER IF EXISTS common_auditanchor_append_only ON common_auditanchor;
DROP TRIGGER IF EXISTS common_auditanchor_no_truncate ON common_auditanchor;
DROP FUNCTION IF EXISTS common_auditentry_refuse_change();
DROP FUNCTION IF EXISTS common_auditanchor_refuse_change();
DROP FUNCTION IF EXISTS common_audit_refuse_truncate();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("common", "0003_reseal_existing_chain_with_key")]

    operations = [migrations.RunPython(forward, backward)]
