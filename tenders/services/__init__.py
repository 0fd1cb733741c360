"""Tender workflows: the one place lifecycle, bidding, clarification and amendment rules are enforced and audited.

Split by concern; every public service is re-exported here so callers write `from tenders import services`.
"""
from tenders.services.amendments import amendment_create
from tenders.services.award import award_record_details_notice, award_record_notice
from tenders.services.bids import (
    BID_DOCUMENTS_PER_VERSION,
    IDEMPOTENCY_KEY_MAX,
    SubmitResult,
    bid_add_document,
    bid_discard_draft,
    bid_reconfirm,
    bid_remove_document,
    bid_revise,
    bid_start,
    bid_submission_problems,
    bid_submit,
    bid_update_draft,
    bid_withdraw,
)
from tenders.services.clarifications import (
    CLARIFICATION_MAX_CHARS,
    clarification_answer,
    clarification_ask,
    clarification_closes_at,
)
from tenders.services.drafting import (
    DraftInvalid,
    Problem,
    preset_warning,
    tender_check,
    tender_copy,
    tender_create,
    tender_document_add,
    tender_document_remove,
    tender_lot_remove,
    tender_lot_save,
    tender_question_remove,
    tender_question_save,
    tender_reference_suggest,
    tender_update_draft,
)
from tenders.services.lifecycle import (
    tender_award,
    tender_cancel,
    tender_close,
    tender_mark_contracted,
    tender_open,
    tender_publish,
    tender_publish_problems,
    tender_start_evaluation,
    tenders_close_due,
)
from tenders.services.notifications import notification_mark_read

__all__ = [
    "DraftInvalid", "Problem", "preset_warning", "tender_check", "tender_copy", "tender_create",
    "tender_document_add", "tender_document_remove", "tender_lot_remove", "tender_lot_save",
    "tender_question_remove", "tender_question_save", "tender_reference_suggest", "tender_update_draft",
    "BID_DOCUMENTS_PER_VERSION", "CLARIFICATION_MAX_CHARS", "IDEMPOTENCY_KEY_MAX", "SubmitResult",
    "amendment_create", "bid_add_document", "bid_discard_draft", "bid_reconfirm", "bid_remove_document",
    "bid_revise", "bid_start", "bid_submission_problems", "bid_submit", "bid_update_draft", "bid_withdraw",
    "clarification_answer", "clarification_ask", "clarification_closes_at", "notification_mark_read",
    "award_record_details_notice", "award_record_notice",
    "tender_award", "tender_cancel", "tender_close", "tender_mark_contracted", "tender_open", "tender_publish",
    "tender_publish_problems", "tender_start_evaluation", "tenders_close_due",
]
