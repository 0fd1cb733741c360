from django.contrib import admin

from providers.models import Provider


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "companies_house_number", "cqc_provider_id", "status")
    list_filter = ("status",)
    search_fields = ("name", "companies_house_number", "cqc_provider_id")
