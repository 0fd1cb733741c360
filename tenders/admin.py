"""Tenders in the Django admin: read-only (issue 12). The admin is for IT; procurement happens in the app."""
from django.contrib import admin

from common.admin import ReadOnlyAdmin, ReadOnlyTabularInline
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


class LotInline(ReadOnlyTabularInline):
    model = Lot


class QualityQuestionInline(ReadOnlyTabularInline):
    model = QualityQuestion
    fields = ("number", "text", "weight", "max_score", "word_limit")


class TenderDocumentInline(ReadOnlyTabularInline):
    model = TenderDocument
    fields = ("title", "original_name", "content_type", "size", "sha256", "amendment")


@admin.register(Tender)
class TenderAdmin(ReadOnlyAdmin):
    """Read-only. Commissioners build tenders in the app (/tenders/new/) and amend published ones there;
    every change goes through tenders.services and the audit trail, never through this form."""

    list_display = ("reference", "title", "service_type", "status", "submission_deadline")
    list_filter = ("service_type", "status")
    search_fields = ("reference", "title")
    inlines = [LotInline, QualityQuestionInline, TenderDocumentInline]


@admin.register(Bid)
class BidAdmin(ReadOnlyAdmin):
    """Metadata only: a bid's prices, answers and documents are sealed, even from superusers.

    Versions, prices, answers and documents are deliberately not registered in the admin;
    tenders.access.can_read_bid is the only way to their content.
    """

    list_display = ("reference", "tender", "provider", "status", "submitted_at")
    list_filter = ("status", "tender")
    fields = ("reference", "tender", "provider", "status", "needs_reconfirmation", "submitted_at", "withdrawn_at")


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
