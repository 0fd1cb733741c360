"""Price clarifications through the portal: ask the bidder, the bidder answers, the panel decides.

An abnormally low price must be explained before it can be rejected (Public Contracts
Regulations 2015 reg 69; Procurement Act 2023 s.19 and its abnormally low tender rules).
The price envelope's opening raises a `PriceClarification` for each such price
(evaluation.services); these services carry it through:

1. `price_clarification_request`: a commissioner sends the bidder the question and a reply
   deadline; the bidder's organisation is notified in the portal.
2. `price_clarification_answer`: a user of the bidding organisation answers in the portal, with
   text and documents, by the deadline (server clock).
3. `price_clarification_decide`: a commissioner accepts or rejects the explanation with reasons
   (evaluation.services.clarification_record, so the run and the report read one record).

Every step is audited here, inside its transaction. Who may do what is the access policy's.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from common.audit import audit_record
from common.errors import DeadlinePassed, PermissionDeniedError, RuleViolation, TransitionNotAllowed
from evaluation.models import PriceClarification, PriceClarificationDocument
from evaluation.services import clarification_record
from notifications.models import NotificationKind
from notifications.services import notifications_send
from tenders.uploads import UploadRejected, check_document

if TYPE_CHECKING:
    from accounts.models import User

# A reply needs at least a working day; longer than a month stalls the award.
MIN_REPLY_HOURS = 24
MAX_REPLY_DAYS = 31
MAX_DOCUMENTS = 5


def _locked(clarification: PriceClarification) -> PriceClarification:
    return (
        PriceClarification.objects.select_for_update()
        .select_related("bid__tender", "bid__provider", "lot")
        .get(pk=clarification.pk)
    )


def _require_open(clarification: PriceClarification, what: str) -> None:
    tender = clarification.bid.tender
    if tender.price_envelope_opened_at is None:
        raise TransitionNotAllowed(f"You cannot {what}: the price envelope is not open.")
    if not clarification.is_pending:
        raise TransitionNotAllowed(f"You cannot {what}: the explanation has already been decided.")


@transaction.atomic
def price_clarification_request(
    *, clarification: PriceClarification, user: User, question: str, reply_by: datetime
) -> PriceClarification:
    """Send the bidder the question and the reply deadline. Commissioner; envelope open; not yet answered."""
    now = timezone.now()
    clarification = _locked(clarification)
    tender = clarification.bid.tender
    if not permissions.can_decide_price_clarification(user, tender):
        raise PermissionDeniedError("Only a commissioner can ask a bidder to explain a price, once prices are open.")
    _require_open(clarification, "ask for an explanation")
    if clarification.answered_at is not None:
        raise TransitionNotAllowed("The bidder has already answered: accept or reject the explanation.")
    question = str(question or "").strip()
    if not question:
        raise RuleViolation("Write the question the bidder must answer.", field="question")
    if reply_by is None:
        raise RuleViolation("Give the date and time the bidder must reply by.", field="reply_by")
    if reply_by < now + timedelta(hours=MIN_REPLY_HOURS):
        raise RuleViolation(f"Give the bidder at least {MIN_REPLY_HOURS} hours to reply.", field="reply_by")
    if reply_by > now + timedelta(days=MAX_REPLY_DAYS):
        raise RuleViolation(f"The reply deadline must be within {MAX_REPLY_DAYS} days.", field="reply_by")
    before = {"question": clarification.question, "reply_by": clarification.reply_by}
    clarification.question, clarification.reply_by = question, reply_by
    clarification.requested_at, clarification.requested_by = now, user
    clarification.save(update_fields=["question", "reply_by", "requested_at", "requested_by"])
    audit_record(
        actor=user, action="evaluation.clarification_requested", obj=clarification, before=before,
        after={"bid": clarification.bid.reference, "lot": clarification.lot.number, "question": question,
               "reply_by": reply_by},
        at=now,
    )
    notifications_send(
        provider_ids=[clarification.bid.provider_id], tender_id=tender.pk, kind=NotificationKind.PRICE_CLARIFICATION,
        message=(f"{tender.title}: explain your price for lot {clarification.lot.number} by "
                 f"{timezone.localtime(reply_by):%-d %B %Y, %H:%M}."),
        link=reverse("bidding-price-clarification", args=[clarification.bid.reference, clarification.pk]),
        now=now,
    )
    return clarification


def _clean_name(name: str) -> str:
    base = (name or "document").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*').strip()
    return (base or "document")[:200]


@transaction.atomic
def price_clarification_answer(
    *, clarification: PriceClarification, user: User, explanation: str, uploads: Iterable[Any] = ()
) -> PriceClarification:
    """The bidder's explanation, with documents, by the reply deadline. A user of the bidding organisation."""
    now = timezone.now()
    clarification = _locked(clarification)
    if not permissions.is_own_bid(user, clarification.bid):
        raise PermissionDeniedError("Only the bidder can answer a question about its price.")
    if clarification.requested_at is None:
        raise TransitionNotAllowed("You have not been asked to explain this price.")
    if not clarification.is_pending:
        raise TransitionNotAllowed("Your explanation has already been decided on.")
    if clarification.answered_at is not None:
        raise TransitionNotAllowed("You have already answered. Your answer cannot be changed.")
    if clarification.reply_by is not None and now > clarification.reply_by:
        raise DeadlinePassed(
            f"The deadline to reply was {timezone.localtime(clarification.reply_by):%-d %B %Y, %H:%M}; "
            "the commissioner will decide without your explanation."
        )
    explanation = str(explanation or "").strip()
    if not explanation:
        raise RuleViolation("Explain how your price meets its costs, including the legal minimum wage.",
                            field="explanation")
    uploads = [u for u in uploads if u]
    if len(uploads) > MAX_DOCUMENTS:
        raise RuleViolation(f"Attach at most {MAX_DOCUMENTS} documents.", field="document")
    stored = []
    for upload in uploads:
        name = _clean_name(getattr(upload, "name", ""))
        try:
            checked = check_document(upload, name=name, max_bytes=settings.BID_DOCUMENT_MAX_BYTES)
        except UploadRejected as exc:
            raise RuleViolation(exc.message, field="document") from exc
        upload.seek(0)
        document = PriceClarificationDocument(
            clarification=clarification, original_name=name, content_type=checked.content_type, size=checked.size,
            sha256=checked.sha256, uploaded_at=now, uploaded_by=user,
        )
        document.file.save(f"{uuid.uuid4().hex}.{checked.extension}", ContentFile(upload.read()), save=False)
        document.save()
        stored.append({"name": name, "sha256": checked.sha256, "size": checked.size})
    clarification.explanation = explanation
    clarification.answered_at, clarification.answered_by = now, user
    clarification.save(update_fields=["explanation", "answered_at", "answered_by"])
    audit_record(
        actor=user, action="evaluation.clarification_answered", obj=clarification,
        after={"bid": clarification.bid.reference, "lot": clarification.lot.number, "explanation": explanation,
               "documents": stored},
        at=now,
    )
    return clarification


def price_clarification_decide(
    *, clarification: PriceClarification, user: User, decision: str, reason: str
) -> PriceClarification:
    """Accept or reject the explanation the bidder gave in the portal, with reasons (audited there)."""
    clarification = PriceClarification.objects.select_related("bid__tender", "lot").get(pk=clarification.pk)
    if clarification.answered_at is None and clarification.requested_at is not None:
        reply_by = clarification.reply_by
        if reply_by is None or timezone.now() <= reply_by:
            raise TransitionNotAllowed("Wait for the bidder's explanation or for its reply deadline to pass.")
    explanation = clarification.explanation or (
        "No explanation was received by the reply deadline." if clarification.requested_at else ""
    )
    return clarification_record(
        bid=clarification.bid, lot=clarification.lot, user=user, explanation=explanation, decision=decision,
        reason=reason,
    )


def readable_documents(*, user: User, clarification: PriceClarification) -> list[PriceClarificationDocument]:
    """The explanation's documents: for the bidder, and for those who may see its prices."""
    bid = clarification.bid
    if permissions.is_own_bid(user, bid) or permissions.can_see_bid_prices(user, bid):
        return list(clarification.documents.all())
    return []
