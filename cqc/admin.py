"""Read-only admin: CQC data changes only through imports, which are audited."""
from __future__ import annotations

from django.contrib import admin

from cqc.models import CQCImport, CQCLocation


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CQCLocation)
class CQCLocationAdmin(ReadOnlyAdmin):
    list_display = ("location_id", "location_name", "provider_id", "provider_name", "overall_rating", "is_inadequate",
                    "publication_date")
    list_filter = ("is_inadequate", "is_unrated", "overall_rating", "local_authority")
    search_fields = ("location_id", "location_name", "provider_id", "provider_name", "postcode")


@admin.register(CQCImport)
class CQCImportAdmin(ReadOnlyAdmin):
    list_display = ("pk", "filename", "status", "created_at", "uploaded_by", "count_new", "count_updated",
                    "count_unchanged", "count_rejected")
    list_filter = ("status",)
    search_fields = ("filename", "sha256")
