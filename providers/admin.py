from django.contrib import admin, messages

from common.errors import DomainError
from providers.models import Provider, ProviderStatus
from providers.services import provider_approve


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    """Registrations are decided through providers.services (audited, the provider is notified)."""

    list_display = ("name", "companies_house_number", "cqc_provider_id", "status", "decided_at")
    list_filter = ("status",)
    search_fields = ("name", "companies_house_number", "cqc_provider_id")
    readonly_fields = ("status", "decided_at", "decision_note", "created_at")
    actions = ["approve_selected"]

    @admin.action(description="Approve the selected registrations")
    def approve_selected(self, request, queryset):
        approved = 0
        for provider in queryset.exclude(status=ProviderStatus.APPROVED):
            try:
                provider_approve(provider=provider, user=request.user, note="Approved in the admin.")
                approved += 1
            except DomainError as exc:
                self.message_user(request, f"{provider.name}: {exc.message}", level=messages.ERROR)
        self.message_user(request, f"{approved} registration(s) approved.")
