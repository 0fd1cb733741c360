from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _chain_head_exists(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """After `migrate` and after a `flush` (which ends by sending post_migrate), the audit chain head is there.

    Migration 0005 makes the row; a flush (a transactional test's teardown, a restore) empties the table.
    On PostgreSQL an audited write that finds no head cannot tell "missing" from "held by another
    transaction" without a second query (common/audit.py), so it leaves its entry for the sealer:
    every write after a flush would then stay unsealed until a sealer ran.
    """
    from common.audit import audit_chain_head_ensure

    audit_chain_head_ensure(using=using)


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        post_migrate.connect(_chain_head_exists, sender=self, dispatch_uid="common.audit_chain_head")
