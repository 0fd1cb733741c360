from django.contrib import admin

from tenders.models import Bid, Lot, QualityQuestion, Tender


class LotInline(admin.TabularInline):
    model = Lot
    extra = 0


class QualityQuestionInline(admin.StackedInline):
    model = QualityQuestion
    extra = 0


@admin.register(Tender)
class TenderAdmin(admin.ModelAdmin):
    """Configure tenders here; status changes go through the lifecycle services, not this form."""

    list_display = ("reference", "title", "service_type", "status", "submission_deadline")
    list_filter = ("service_type", "status")
    search_fields = ("reference", "title")
    readonly_fields = ("status", "published_at", "opened_at", "price_envelope_opened_at", "awarded_at")
    inlines = [LotInline, QualityQuestionInline]


@admin.register(Bid)
class BidAdmin(admin.ModelAdmin):
    """Metadata only: a bid's prices, answers and documents are sealed, even from superusers."""

    list_display = ("reference", "tender", "provider", "status", "submitted_at")
    list_filter = ("status", "tender")
    fields = ("reference", "tender", "provider", "status", "needs_reconfirmation", "submitted_at", "withdrawn_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
