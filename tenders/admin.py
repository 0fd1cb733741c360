from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile

from tenders.models import (
    Amendment,
    Bid,
    Clarification,
    LateSubmissionAttempt,
    Lot,
    QualityQuestion,
    Tender,
    TenderDocument,
)
from tenders.uploads import UploadRejected, check_document


class LotInline(admin.TabularInline):
    model = Lot
    extra = 0


class QualityQuestionInline(admin.StackedInline):
    model = QualityQuestion
    extra = 0


class TenderDocumentForm(forms.ModelForm):
    """Specification documents get the same content checks as bid documents."""

    class Meta:
        model = TenderDocument
        fields = ("title", "file")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            try:
                self.checked = check_document(upload, name=upload.name, max_bytes=settings.BID_DOCUMENT_MAX_BYTES)
            except UploadRejected as exc:
                raise forms.ValidationError(exc.message) from exc
            upload.seek(0)
        return upload

    def save(self, commit=True):
        document = super().save(commit=False)
        checked = getattr(self, "checked", None)
        if checked is not None:
            document.original_name = self.cleaned_data["file"].name[:255]
            document.content_type, document.size, document.sha256 = checked.content_type, checked.size, checked.sha256
        if commit:
            document.save()
        return document


class TenderDocumentInline(admin.TabularInline):
    """Specification documents for a draft tender. After publication, add documents by amendment."""

    model = TenderDocument
    form = TenderDocumentForm
    extra = 0
    fields = ("title", "file", "original_name", "content_type", "size", "sha256", "amendment")
    readonly_fields = ("original_name", "content_type", "size", "sha256", "amendment")

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.status == "draft"

    def has_add_permission(self, request, obj=None):
        return obj is None or obj.status == "draft"

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.status == "draft"


@admin.register(Tender)
class TenderAdmin(admin.ModelAdmin):
    """Configure tenders here; status changes go through the lifecycle services, not this form."""

    list_display = ("reference", "title", "service_type", "status", "submission_deadline")
    list_filter = ("service_type", "status")
    search_fields = ("reference", "title")
    readonly_fields = ("status", "published_at", "opened_at", "price_envelope_opened_at", "awarded_at")
    inlines = [LotInline, QualityQuestionInline, TenderDocumentInline]


@admin.register(Bid)
class BidAdmin(admin.ModelAdmin):
    """Metadata only: a bid's prices, answers and documents are sealed, even from superusers.

    Versions, prices, answers and documents are deliberately not registered in the admin;
    tenders.access.can_read_bid is the only way to their content.
    """

    list_display = ("reference", "tender", "provider", "status", "submitted_at")
    list_filter = ("status", "tender")
    fields = ("reference", "tender", "provider", "status", "needs_reconfirmation", "submitted_at", "withdrawn_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the services; the admin only shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Clarification)
class ClarificationAdmin(ReadOnlyAdmin):
    list_display = ("tender", "number", "status", "asked_by_provider", "asked_at", "answered_at")
    list_filter = ("status", "tender")


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ("tender", "number", "created_by", "created_at")
    list_filter = ("tender",)


@admin.register(LateSubmissionAttempt)
class LateSubmissionAttemptAdmin(ReadOnlyAdmin):
    list_display = ("tender", "provider", "attempted_at", "deadline", "channel")
    list_filter = ("tender",)
