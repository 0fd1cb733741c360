from django.contrib import admin, messages

from common.admin import ReadOnlyAdmin
from common.errors import DomainError
from providers.models import Provider, ProviderStatus
from providers.services import provider_approve


@admin.register(Provider)
class ProviderAdmin(ReadOnlyAdmin):
    """Read-only; registrations are decided through providers.services (audited, the provider is notified).

    The approve action below is the only change made from here, and it goes through that service.
    """

    list_display = ("name", "companies_house_number", "cqc_provider_id", "status", "decided_at")
    list_filter = ("status",)
    search_fields = ("name", "companies_house_number", "cqc_provider_id")
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
