"""Read-only admin for evaluation records: every change goes through the audited services.

No bid content is shown here (answers and prices stay with the sealed bid); scores,
comments and runs only exist once bids have been opened.
"""
from __future__ import annotations

from django.contrib import admin

from common.admin import ReadOnlyAdmin
from evaluation.models import (
    BidAssessment,
    ConflictDeclaration,
    EvaluationRun,
    EvaluatorAssignment,
    TenderEvaluation,
)

# Separation of duties (issue 13, accounts.permissions): the admin is the IT administrator's, who never
# reads scores or prices, so individual and consensus scores and price clarifications are not registered
# here (like bid versions, prices and answers). Commissioners and legal read them in the evaluation pages.


@admin.register(EvaluatorAssignment)
class EvaluatorAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("tender", "user", "is_moderator", "assigned_at")
    list_filter = ("is_moderator", "tender")


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin):
    list_display = ("assignment", "provider", "has_conflict", "declared_at")
    list_filter = ("has_conflict",)


@admin.register(TenderEvaluation)
class TenderEvaluationAdmin(ReadOnlyAdmin):
    list_display = ("tender", "moderation_started_at", "quality_locked_at")


@admin.register(BidAssessment)
class BidAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("bid", "stage", "outcome", "assessed_at")
    list_filter = ("stage", "outcome")


@admin.register(EvaluationRun)
class EvaluationRunAdmin(ReadOnlyAdmin):
    list_display = ("tender", "number", "run_by_label", "run_at", "is_current", "inputs_digest")
    list_filter = ("is_current", "tender")
    exclude = ("inputs", "results")
