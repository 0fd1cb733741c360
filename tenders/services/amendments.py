"""Amendments (addenda) to a published tender; bidders notified and asked to re-confirm."""
from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Role
from common.audit import audit_record
from common.errors import DeadlinePassed, RuleViolation, TransitionNotAllowed
from notifications.models import NotificationKind
from tenders.models import (
    Amendment,
    Bid,
    BidStatus,
    Lot,
    Tender,
    TenderDocument,
)
from tenders.services._common import (
    _interested_provider_ids,
    _locked,
    _notify,
    _require_role,
    _submission_deadline,
)
from tenders.services.bids import _clean_file_name
from tenders.transitions import TenderStatus
from tenders.uploads import UploadRejected, check_document

if TYPE_CHECKING:
    from accounts.models import User


def _money_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@transaction.atomic
def amendment_create(
    *,
    tender: Tender,
    user: User,
    summary: str,
    submission_deadline: datetime | None = None,
    clarification_deadline: datetime | None = None,
    description: str | None = None,
    lot_hours: Mapping[int, Decimal] | None = None,
    lot_ceilings: Mapping[int, Decimal | None] | None = None,
    documents: Sequence[tuple[str, Any]] = (),
) -> Amendment:
    """Amend a published tender (an addendum): deadlines, specification, lot hours and ceilings, documents.

    Submitted bids are marked as needing re-confirmation and every registered bidder is notified in the app.
    Extending the deadline is an amendment like any other.
    """
    _require_role(user, Role.COMMISSIONER)
    text = (summary or "").strip()
    if not text:
        raise RuleViolation("Say what the amendment changes and why; bidders will read it.", field="summary")
    checked_docs = []
    for title, upload in documents:
        name = _clean_file_name(getattr(upload, "name", "") or "document")
        try:
            checked = check_document(upload, name=name, max_bytes=settings.BID_DOCUMENT_MAX_BYTES)
        except UploadRejected as exc:
            raise RuleViolation(exc.message, field="documents") from exc
        if hasattr(upload, "seek"):
            upload.seek(0)
        checked_docs.append(((title or "").strip() or name, name, checked, upload.read()))
    tender = _locked(tender)
    now = timezone.now()
    if tender.status != TenderStatus.PUBLISHED.value:
        raise TransitionNotAllowed(
            f"Only a published tender can be amended; {tender.reference} is {TenderStatus(tender.status).label.lower()}."
        )
    deadline = _submission_deadline(tender)
    if now >= deadline:
        raise DeadlinePassed(f"The submission deadline for {tender.reference} has passed; it can no longer be amended.")
    changes: list[dict[str, Any]] = []
    new_submission = submission_deadline or deadline
    new_clarification = clarification_deadline if clarification_deadline is not None else tender.clarification_deadline
    if submission_deadline is not None and submission_deadline != tender.submission_deadline:
        if submission_deadline <= now:
            raise RuleViolation("The new submission deadline must be in the future.", field="submission_deadline")
        changes.append({"field": "submission_deadline", "before": tender.submission_deadline, "after": submission_deadline})
    if clarification_deadline is not None and clarification_deadline != tender.clarification_deadline:
        changes.append(
            {"field": "clarification_deadline", "before": tender.clarification_deadline, "after": clarification_deadline}
        )
    if new_clarification and new_clarification > new_submission:
        raise RuleViolation("Clarification questions must close before the submission deadline.", field="clarification_deadline")
    if description is not None and description.strip() != tender.description.strip():
        changes.append({"field": "description", "before": tender.description, "after": description.strip()})
    lots = {lot.pk: lot for lot in Lot.objects.filter(tender=tender)}
    lot_updates: dict[int, list[str]] = {}
    for lot_id, hours in (lot_hours or {}).items():
        lot = lots.get(lot_id)
        if lot is None:
            raise RuleViolation(f"Lot {lot_id} is not part of {tender.reference}.", field="lots")
        if hours is None or hours <= 0:
            raise RuleViolation(f"Hours a week for lot {lot.number} must be more than 0.", field=f"lot-{lot.number}-hours")
        if hours != lot.hours_per_week:
            changes.append({"field": "hours_per_week", "lot": lot.number, "before": str(lot.hours_per_week), "after": str(hours)})
            lot.hours_per_week = hours
            lot_updates.setdefault(lot_id, []).append("hours_per_week")
    for lot_id, ceiling in (lot_ceilings or {}).items():
        lot = lots.get(lot_id)
        if lot is None:
            raise RuleViolation(f"Lot {lot_id} is not part of {tender.reference}.", field="lots")
        if ceiling is not None and ceiling <= 0:
            raise RuleViolation(f"The ceiling price for lot {lot.number} must be more than 0.", field=f"lot-{lot.number}-ceiling")
        if ceiling != lot.ceiling_price:
            changes.append(
                {"field": "ceiling_price", "lot": lot.number, "before": _money_text(lot.ceiling_price), "after": _money_text(ceiling)}
            )
            lot.ceiling_price = ceiling
            lot_updates.setdefault(lot_id, []).append("ceiling_price")
    for title, _name, _checked, _data in checked_docs:
        changes.append({"field": "document", "before": None, "after": title})
    if not changes:
        raise RuleViolation("The amendment changes nothing. Change a deadline, the specification, a lot or add a document.")

    fields = []
    if submission_deadline is not None:
        tender.submission_deadline = submission_deadline
        fields.append("submission_deadline")
    if clarification_deadline is not None:
        tender.clarification_deadline = clarification_deadline
        fields.append("clarification_deadline")
    if description is not None:
        tender.description = description.strip()
        fields.append("description")
    if fields:
        tender.save(update_fields=fields)
    for lot_id, lot_fields in lot_updates.items():
        lots[lot_id].save(update_fields=lot_fields)
    number = (Amendment.objects.filter(tender=tender).aggregate(n=Max("number"))["n"] or 0) + 1
    amendment = Amendment.objects.create(
        tender=tender, number=number, summary=text, changes=json.loads(json.dumps(changes, cls=DjangoJSONEncoder)),
        created_by=user, created_at=now,
    )
    for title, name, checked, data in checked_docs:
        document = TenderDocument(
            tender=tender, amendment=amendment, title=title[:200], original_name=name,
            content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
        )
        document.file.save(f"{uuid.uuid4().hex}.{checked.extension}", ContentFile(data), save=False)
        document.save()
    submitted = list(Bid.objects.filter(tender=tender, status=BidStatus.SUBMITTED).values_list("provider_id", flat=True))
    Bid.objects.filter(tender=tender, status=BidStatus.SUBMITTED).update(needs_reconfirmation=True)
    link = f"/portal/tenders/{tender.reference}/#amendments"
    interested = _interested_provider_ids(tender)
    _notify(
        provider_ids=interested - set(submitted), tender=tender, kind=NotificationKind.AMENDMENT,
        message=f"{tender.title} ({tender.reference}) has been amended (amendment {number}): {text[:200]}",
        link=link, now=now,
    )
    _notify(
        provider_ids=submitted, tender=tender, kind=NotificationKind.RECONFIRM,
        message=(
            f"{tender.title} ({tender.reference}) has been amended (amendment {number}): {text[:200]} Your submitted"
            " bid needs to be re-confirmed or revised before the deadline."
        ),
        link=link, now=now,
    )
    audit_record(
        actor=user, action="tender.amended", obj=tender,
        before={c["field"] + (f"[lot {c['lot']}]" if "lot" in c else ""): c["before"] for c in changes if c["field"] != "document"},
        after={
            "amendment": number,
            "changes": amendment.changes,
            "bids_needing_reconfirmation": len(submitted),
        },
        note=text, at=now,
    )
    return amendment


# --- Notifications ----------------------------------------------------------

