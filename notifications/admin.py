"""Notifications in the Django admin: read-only (issue 12), like the procurement records they announce."""
from django.contrib import admin

from common.admin import ReadOnlyAdmin
from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "provider", "kind", "tender", "read_at")
    list_filter = ("kind",)
    list_select_related = ("provider", "tender")
