"""Clarification questions from providers and published answers."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Role
from common.audit import audit_record
from common.errors import DeadlinePassed, RuleViolation, TransitionNotAllowed
from common.timezone import uk_minute_text
from notifications.models import NotificationKind
from tenders.models import (
    Clarification,
    ClarificationStatus,
    Tender,
)
from tenders.services._common import (
    _interested_provider_ids,
    _locked,
    _notify,
    _require_provider_user,
    _require_role,
)
from tenders.transitions import TenderStatus

if TYPE_CHECKING:
    from accounts.models import User

CLARIFICATION_MAX_CHARS = 3000

# --- Clarifications ---------------------------------------------------------


def clarification_closes_at(tender: Tender) -> datetime | None:
    """Questions close at the clarification deadline, or the submission deadline when none is set (None: a draft
    tender with neither yet)."""
    return tender.clarification_deadline or tender.submission_deadline


@transaction.atomic
def clarification_ask(*, tender: Tender, user: User, question: str) -> Clarification:
    """A provider asks a question before the clarification deadline; only the council sees who asked."""
    provider_id = _require_provider_user(user)
    text = (question or "").strip()
    if not text:
        raise RuleViolation("Enter your question.", field="question")
    if len(text) > CLARIFICATION_MAX_CHARS:
        raise RuleViolation(f"Your question must be {CLARIFICATION_MAX_CHARS} characters or fewer.", field="question")
    tender = _locked(tender)
    now = timezone.now()
    if tender.status != TenderStatus.PUBLISHED.value:
        raise TransitionNotAllowed(f"{tender.reference} is not open, so it is not taking questions.")
    closes = clarification_closes_at(tender)
    if closes is None:
        raise TransitionNotAllowed(f"{tender.reference} has no submission deadline set, so it is not taking questions.")
    if now >= closes:
        raise DeadlinePassed(
            f"Clarification questions for {tender.reference} closed at {uk_minute_text(closes)} (UK time)."
        )
    number = (Clarification.objects.filter(tender=tender).aggregate(n=Max("number"))["n"] or 0) + 1
    clarification = Clarification.objects.create(
        tender=tender, number=number, asked_by_provider_id=provider_id, asked_by=user, asked_at=now, question=text
    )
    audit_record(actor=user, action="clarification.asked", obj=clarification, after={"number": number}, at=now)
    return clarification



@transaction.atomic
def clarification_answer(
    *, clarification: Clarification, user: User, answer: str, published_question: str = ""
) -> Clarification:
    """A commissioner answers; question (reworded if it identifies the asker) and answer go to every bidder."""
    _require_role(user, Role.COMMISSIONER)
    clarification = Clarification.objects.select_for_update().select_related("tender").get(pk=clarification.pk)
    now = timezone.now()
    if clarification.status == ClarificationStatus.PUBLISHED:
        raise TransitionNotAllowed("This clarification has already been answered and published.")
    tender = clarification.tender
    if tender.status in (TenderStatus.CANCELLED.value, TenderStatus.CONTRACTED.value):
        raise TransitionNotAllowed(f"{tender.reference} is {TenderStatus(tender.status).label.lower()}.")
    text = (answer or "").strip()
    if not text:
        raise RuleViolation("Enter the answer.", field="answer")
    shown = (published_question or "").strip() or clarification.question
    clarification.published_question = shown
    clarification.answer = text
    clarification.answered_by = user
    clarification.answered_at = now
    clarification.status = ClarificationStatus.PUBLISHED
    clarification.save()
    _notify(
        provider_ids=_interested_provider_ids(tender), tender=tender, kind=NotificationKind.CLARIFICATION,
        message=f"Clarification {clarification.number} for {tender.title} ({tender.reference}) has been answered.",
        link=f"/portal/tenders/{tender.reference}/#clarifications", now=now,
    )
    audit_record(
        actor=user, action="clarification.published", obj=clarification,
        before={"status": "pending"}, after={"status": "published", "reworded": shown != clarification.question}, at=now,
    )
    return clarification


# --- Amendments -------------------------------------------------------------


