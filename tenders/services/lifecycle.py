"""Tender lifecycle: publish, close, open, evaluate, award, contract, cancel; each checked and audited."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from common.audit import audit_record
from common.errors import RuleViolation
from common.timezone import uk_minute_text
from notifications.models import NotificationKind
from providers.models import Provider, ProviderStatus
from tenders.models import (
    Tender,
)
from tenders.services import award
from tenders.services._common import (
    _ensure_can,
    _locked,
    _notify,
    _require_role,
    _submission_deadline,
    _transition,
)
from tenders.services.drafting import tender_check
from tenders.transitions import TenderStatus

if TYPE_CHECKING:
    from accounts.models import User


def tender_publish_problems(*, tender: Tender, now: datetime) -> list[str]:
    """Everything that stops a tender being published, in words a commissioner can act on."""
    return [problem.message for problem in tender_check(tender=tender, now=now)]


@transaction.atomic
def tender_publish(*, tender: Tender, user: User) -> Tender:
    """Draft -> published, once the tender is complete and its deadline is ahead."""
    _require_role(user, Role.COMMISSIONER)  # never the IT admin (separation of duties)
    now = timezone.now()
    tender = _locked(tender)
    _ensure_can(tender, TenderStatus.PUBLISHED)
    if tender.status == TenderStatus.DRAFT:
        problems = tender_publish_problems(tender=tender, now=now)
        if problems:
            raise RuleViolation("The tender cannot be published: " + " ".join(problems))
    tender = _transition(tender=tender, target=TenderStatus.PUBLISHED, user=user, now=now, extra={"published_at": now})
    _notify_tender_published(tender=tender, now=now)
    return tender


@transaction.atomic
def tender_close(*, tender: Tender, user: User | None = None) -> Tender:
    """Published -> closed, only once the server clock has passed the deadline; no user means the scheduler."""
    if user is not None:
        _require_role(user, Role.COMMISSIONER)
    now = timezone.now()
    tender = _locked(tender)
    _ensure_can(tender, TenderStatus.CLOSED)
    if now < _submission_deadline(tender):
        raise RuleViolation("The tender cannot close before its submission deadline.")
    return _transition(tender=tender, target=TenderStatus.CLOSED, user=user or "system", now=now)


SYSTEM_CLOSE_NOTE = "Closed by the system at the deadline."


def tenders_close_due(*, now: datetime | None = None) -> list[str]:
    """Close every published tender whose deadline has passed; idempotent, safe to run from anywhere.

    Run by Celery beat in production and, with no worker at all, by `tenders.closing` on incoming
    requests. Each tender is closed by one conditional UPDATE, so two callers racing close it once
    and write one audit entry, stamped with the deadline itself (when the tender really closed).
    """
    now = now or timezone.now()
    closed = []
    due = Tender.objects.filter(status=TenderStatus.PUBLISHED, submission_deadline__lte=now).order_by("submission_deadline", "pk")
    for pk, reference, deadline in due.values_list("pk", "reference", "submission_deadline"):
        with transaction.atomic():
            won = Tender.objects.filter(pk=pk, status=TenderStatus.PUBLISHED, submission_deadline=deadline).update(
                status=TenderStatus.CLOSED.value
            )
            if not won:
                continue  # another request or the beat task closed it first, or the deadline moved
            audit_record(
                actor="system", action=f"tender.{TenderStatus.CLOSED.value}", obj=Tender.objects.get(pk=pk),
                before={"status": TenderStatus.PUBLISHED.value}, after={"status": TenderStatus.CLOSED.value},
                note=SYSTEM_CLOSE_NOTE, at=deadline,
            )
        closed.append(reference)
    return closed


@transaction.atomic
def tender_open(*, tender: Tender, user: User, second_user: User | None = None) -> Tender:
    """Closed -> opened: unseal the bids. Audited with who and when."""
    _require_role(user, Role.COMMISSIONER)
    now = timezone.now()
    tender = _locked(tender)
    _ensure_can(tender, TenderStatus.OPENED)
    if now < _submission_deadline(tender):
        raise RuleViolation("Bids cannot be opened before the submission deadline has passed.")
    note = ""
    if tender.opening_requires_two:
        if second_user is None or second_user.pk == user.pk:
            raise RuleViolation("This tender's opening needs a second, different commissioner.")
        _require_role(second_user, Role.COMMISSIONER)
        note = f"Opened jointly with {second_user.get_username()}."
    return _transition(tender=tender, target=TenderStatus.OPENED, user=user, now=now, note=note, extra={"opened_at": now})


@transaction.atomic
def tender_start_evaluation(*, tender: Tender, user: User) -> Tender:
    _require_role(user, Role.COMMISSIONER)
    now = timezone.now()
    return _transition(tender=_locked(tender), target=TenderStatus.IN_EVALUATION, user=user, now=now)


# Award and contract follow the award sequence (decision, summaries, award notice, standstill,
# contract, details notice): see tenders/services/award.py.
tender_award = award.tender_award
tender_mark_contracted = award.tender_mark_contracted


@transaction.atomic
def tender_cancel(*, tender: Tender, user: User, reason: str) -> Tender:
    """Cancel from any state that is not final; a reason is required for the record."""
    _require_role(user, Role.COMMISSIONER)
    if not reason.strip():
        raise RuleViolation("Give a reason for cancelling the tender.", field="reason")
    now = timezone.now()
    return _transition(tender=_locked(tender), target=TenderStatus.CANCELLED, user=user, now=now, note=reason)


# ---------------------------------------------------------------------------
# Sealed bidding, clarifications and amendments (issue 6).
#
# Every operation takes the server clock once (`now`) after locking the rows it
# decides on, and compares it with the tender's deadline under that lock: the
# browser's clock never matters. Bid content only ever changes in a draft
# version; submitting freezes the draft's rows into canonical JSON whose
# SHA-256 digest is the provider's receipt.

def _notify_tender_published(*, tender: Tender, now: datetime) -> None:
    """Every approved provider hears about a newly published tender."""
    provider_ids = Provider.objects.filter(status=ProviderStatus.APPROVED).values_list("pk", flat=True)
    _notify(
        provider_ids=provider_ids, tender=tender, kind=NotificationKind.TENDER_PUBLISHED,
        message=(
            f"New tender: {tender.title} ({tender.reference}). Bids close at"
            f" {uk_minute_text(_submission_deadline(tender))} (UK time)."
        ),
        link=f"/portal/tenders/{tender.reference}/", now=now,
    )
