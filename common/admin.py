"""The Django admin is for IT, not for procurement (issue 12): procurement records are read-only here.

`ReadOnlyAdmin` is the one definition every app's admin uses for records written by the services
(tenders, lots, questions, bids, evaluation records, reports, the audit trail): a superuser may look,
but nothing in the admin adds, changes or deletes them.
"""
from __future__ import annotations

from typing import Any

from django.contrib import admin

from common.models import AuditEntry


class ReadOnlyAdminMixin:
    """No add, change or delete; works for ModelAdmin and inlines alike."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Records written by the services; the admin only shows them."""


class ReadOnlyTabularInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the audit trail is never edited by hand."""

    list_display = ("sequence", "at", "actor_label", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "actor_label", "action", "object_id")
