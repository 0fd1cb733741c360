"""Tender workflows: the one place lifecycle rules are enforced and audited."""
from __future__ import annotations

import json
import os
import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Role
from common.audit import audit_record
from common.errors import DeadlinePassed, PermissionDeniedError, RuleViolation, TransitionNotAllowed
from providers.models import Provider, ProviderStatus
from tenders.access import is_own_bid
from tenders.bidding_rules import (
    MAX_PACKAGE_PRICE,
    BidInputError,
    LotSpec,
    PriceRow,
    Problem,
    QuestionSpec,
    parse_declarations,
    parse_location_ids,
    parse_price,
    submission_problems,
    word_count,
)
from tenders.models import (
    Amendment,
    Bid,
    BidAnswer,
    BidDocument,
    BidLotPrice,
    BidStatus,
    BidVersion,
    BidVersionStatus,
    Clarification,
    ClarificationStatus,
    LateSubmissionAttempt,
    Lot,
    Notification,
    NotificationKind,
    QualityQuestion,
    Tender,
    TenderDocument,
)
from tenders.receipts import bid_version_content, content_digest
from tenders.transitions import ALLOWED, TenderStatus
from tenders.uploads import UploadRejected, check_document

LONDON = ZoneInfo("Europe/London")


def _require_role(user: Any, *roles: str) -> None:
    if not (getattr(user, "is_authenticated", False) and (user.role in roles or user.is_superuser)):
        raise PermissionDeniedError("Only a commissioner can change a tender's status.")


def _ensure_can(tender: Tender, target: TenderStatus) -> None:
    current = TenderStatus(tender.status)
    if target not in ALLOWED[current]:
        allowed = ", ".join(sorted(s.label for s in ALLOWED[current])) or "none (final)"
        raise TransitionNotAllowed(
            f"A tender that is {current.label.lower()} cannot become {target.label.lower()}. Allowed next: {allowed}."
        )


def _transition(
    *, tender: Tender, target: TenderStatus, user: Any, now: datetime, note: str = "", extra: dict[str, Any] | None = None
) -> Tender:
    """Move a locked tender to `target` if the table allows it, and audit the change."""
    current = TenderStatus(tender.status)
    _ensure_can(tender, target)
    tender.status = target.value
    fields = ["status"]
    for name, value in (extra or {}).items():
        setattr(tender, name, value)
        fields.append(name)
    tender.save(update_fields=fields)
    audit_record(
        actor=user,
        action=f"tender.{target.value}",
        obj=tender,
        before={"status": current.value},
        after={"status": target.value, **{k: v for k, v in (extra or {}).items()}},
        note=note,
        at=now,
    )
    return tender


def _locked(tender: Tender) -> Tender:
    return Tender.objects.select_for_update().get(pk=tender.pk)


def tender_publish_problems(*, tender: Tender, now: datetime) -> list[str]:
    """Everything that stops a tender being published, in words a commissioner can act on."""
    problems = []
    if tender.quality_weight + tender.price_weight != Decimal("100"):
        problems.append(
            f"Quality weight ({tender.quality_weight}) and price weight ({tender.price_weight}) must add up to 100."
        )
    if not tender.lots.exists():
        problems.append("Add at least one lot.")
    if not tender.questions.exists():
        problems.append("Add at least one quality question.")
    if tender.submission_deadline <= now:
        problems.append("The submission deadline must be in the future.")
    if tender.clarification_deadline and tender.clarification_deadline > tender.submission_deadline:
        problems.append("Clarification questions must close before the submission deadline.")
    if tender.rate_preset_id is None:
        problems.append("Choose the cost-of-care model prices will be checked against.")
    return problems


@transaction.atomic
def tender_publish(*, tender: Tender, user: Any) -> Tender:
    """Draft -> published, once the tender is complete and its deadline is ahead."""
    _require_role(user, Role.COMMISSIONER, Role.ADMIN)
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
def tender_close(*, tender: Tender, user: Any = None) -> Tender:
    """Published -> closed, only once the server clock has passed the deadline; no user means the scheduler."""
    if user is not None:
        _require_role(user, Role.COMMISSIONER)
    now = timezone.now()
    tender = _locked(tender)
    _ensure_can(tender, TenderStatus.CLOSED)
    if now < tender.submission_deadline:
        raise RuleViolation("The tender cannot close before its submission deadline.")
    return _transition(tender=tender, target=TenderStatus.CLOSED, user=user or "system", now=now)


def tenders_close_due() -> list[str]:
    """Close every published tender whose deadline has passed (run by Celery beat)."""
    closed = []
    due = Tender.objects.filter(status=TenderStatus.PUBLISHED, submission_deadline__lte=timezone.now())
    for tender in due:
        tender_close(tender=tender)
        closed.append(tender.reference)
    return closed


@transaction.atomic
def tender_open(*, tender: Tender, user: Any, second_user: Any = None) -> Tender:
    """Closed -> opened: unseal the bids. Audited with who and when."""
    _require_role(user, Role.COMMISSIONER)
    now = timezone.now()
    tender = _locked(tender)
    _ensure_can(tender, TenderStatus.OPENED)
    if now < tender.submission_deadline:
        raise RuleViolation("Bids cannot be opened before the submission deadline has passed.")
    note = ""
    if tender.opening_requires_two:
        if second_user is None or second_user.pk == user.pk:
            raise RuleViolation("This tender's opening needs a second, different commissioner.")
        _require_role(second_user, Role.COMMISSIONER)
        note = f"Opened jointly with {second_user.get_username()}."
    return _transition(tender=tender, target=TenderStatus.OPENED, user=user, now=now, note=note, extra={"opened_at": now})


@transaction.atomic
def tender_start_evaluation(*, tender: Tender, user: Any) -> Tender:
    _require_role(user, Role.COMMISSIONER)
    now = timezone.now()
    return _transition(tender=_locked(tender), target=TenderStatus.IN_EVALUATION, user=user, now=now)


@transaction.atomic
def tender_award(*, tender: Tender, user: Any, note: str = "") -> Tender:
    """In evaluation -> awarded; standstill starts when the award notice is published."""
    _require_role(user, Role.COMMISSIONER)
    now = timezone.now()
    return _transition(tender=_locked(tender), target=TenderStatus.AWARDED, user=user, now=now, note=note, extra={"awarded_at": now})


@transaction.atomic
def tender_mark_contracted(*, tender: Tender, user: Any) -> Tender:
    _require_role(user, Role.COMMISSIONER)
    now = timezone.now()
    return _transition(tender=_locked(tender), target=TenderStatus.CONTRACTED, user=user, now=now)


@transaction.atomic
def tender_cancel(*, tender: Tender, user: Any, reason: str) -> Tender:
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
# ---------------------------------------------------------------------------

BID_DOCUMENTS_PER_VERSION = 20
CLARIFICATION_MAX_CHARS = 3000
IDEMPOTENCY_KEY_MAX = 64


@dataclass(frozen=True)
class SubmitResult:
    """The submitted version, and whether this call replayed an earlier submission with the same key."""

    version: BidVersion
    replayed: bool = False


@dataclass(frozen=True)
class _Late:
    bid: Bid
    attempted_at: datetime
    deadline: datetime


def _london(value: datetime) -> str:
    return timezone.localtime(value, LONDON).strftime("%H:%M:%S on %-d %B %Y")


def _london_minute(value: datetime) -> str:
    return timezone.localtime(value, LONDON).strftime("%H:%M on %-d %B %Y")


def _require_provider_user(user: Any, *, approved: bool = True) -> None:
    if not (getattr(user, "is_authenticated", False) and user.role == Role.PROVIDER and user.provider_id):
        raise PermissionDeniedError("Only a provider's own users can do this.")
    if approved and user.provider.status != ProviderStatus.APPROVED:
        raise PermissionDeniedError(
            "Your organisation's registration has not been approved yet, so it cannot bid or ask questions."
        )


def _require_own_bid(user: Any, bid: Bid) -> None:
    if not is_own_bid(user, bid):
        # The same answer whether the bid exists or not: a rival learns nothing.
        raise PermissionDeniedError("You can only work on your own organisation's bids.")


def _check_open_for_bids(tender: Tender, now: datetime) -> None:
    if now >= tender.submission_deadline:
        raise DeadlinePassed(
            f"The deadline for {tender.reference} was {_london_minute(tender.submission_deadline)} (UK time);"
            " bids can no longer be changed or submitted."
        )
    if tender.status != TenderStatus.PUBLISHED.value:
        raise TransitionNotAllowed(
            f"{tender.reference} is {TenderStatus(tender.status).label.lower()}, so it is not taking bids."
        )


def _lock_bid(bid: Bid | int) -> Bid:
    pk = getattr(bid, "pk", bid)
    return Bid.objects.select_for_update(of=("self",)).select_related("tender", "provider").get(pk=pk)


def _draft_of(bid: Bid) -> BidVersion | None:
    draft = BidVersion.objects.filter(bid=bid, status=BidVersionStatus.DRAFT).first()
    if draft is not None:
        draft.bid = bid
    return draft


def _new_bid_reference(tender: Tender) -> str:
    # Random, not sequential: a bid reference must not tell anyone how many others have bid.
    return f"{tender.reference[:28]}-{secrets.token_hex(4).upper()}"


def _copy_version(source: BidVersion, *, number: int, status: str) -> BidVersion:
    """A new version of the same bid holding the same rows as `source` (documents share their stored file)."""
    copy = BidVersion.objects.create(
        bid=source.bid, number=number, status=status,
        cqc_location_ids=list(source.cqc_location_ids or []), declarations=dict(source.declarations or {}),
    )
    BidLotPrice.objects.bulk_create(
        BidLotPrice(version=copy, lot_id=p.lot_id, hourly_price=p.hourly_price, package_price=p.package_price)
        for p in source.lot_prices.all()
    )
    BidAnswer.objects.bulk_create(
        BidAnswer(version=copy, question_id=a.question_id, text=a.text) for a in source.answers.all()
    )
    BidDocument.objects.bulk_create(
        BidDocument(version=copy, file=d.file.name, original_name=d.original_name, content_type=d.content_type,
                    size=d.size, sha256=d.sha256)
        for d in source.documents.all()
    )
    return copy


def _next_version_number(bid: Bid) -> int:
    return (BidVersion.objects.filter(bid=bid).aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def bid_start(*, tender: Tender, user: Any) -> Bid:
    """Start (or return) the provider's bid for a published tender, with a draft to work on.

    One bid per provider per tender (a unique constraint); a second call returns the same bid.
    A bid that was withdrawn gets a fresh draft copied from its last version.
    """
    _require_provider_user(user)
    existing = Bid.objects.filter(tender=tender, provider_id=user.provider_id).first()
    if existing is None:
        now = timezone.now()
        _check_open_for_bids(tender, now)
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    existing = Bid.objects.create(
                        tender=tender, provider_id=user.provider_id, reference=_new_bid_reference(tender)
                    )
                break
            except IntegrityError:
                existing = Bid.objects.filter(tender=tender, provider_id=user.provider_id).first()
                if existing is not None:
                    return existing  # another request from the same provider won the race
        else:  # pragma: no cover - five random 32-bit collisions in a row
            raise RuleViolation("Could not create a bid reference; try again.")
        BidVersion.objects.create(bid=existing, number=1)
        audit_record(actor=user, action="bid.started", obj=existing, after={"tender": tender.reference}, at=now)
        return existing
    bid = _lock_bid(existing)
    if bid.status == BidStatus.WITHDRAWN and _draft_of(bid) is None:
        now = timezone.now()
        _check_open_for_bids(bid.tender, now)
        last = BidVersion.objects.filter(bid=bid).order_by("-number").first()
        _copy_version(last, number=last.number + 1, status=BidVersionStatus.DRAFT)
        audit_record(actor=user, action="bid.restarted", obj=bid, after={"version": last.number + 1}, at=now)
    return bid


def _open_draft(*, bid: Bid, user: Any) -> tuple[Bid, BidVersion, datetime]:
    """Lock the bid and return its draft, refusing after the deadline or when there is nothing to edit."""
    _require_own_bid(user, bid)
    _require_provider_user(user)
    bid = _lock_bid(bid)
    now = timezone.now()
    _check_open_for_bids(bid.tender, now)
    draft = _draft_of(bid)
    if draft is None:
        raise RuleViolation("Your bid has been submitted. Start a revision to change it.", field="draft")
    return bid, draft, now


@transaction.atomic
def bid_update_draft(
    *,
    bid: Bid,
    user: Any,
    prices: Mapping[int, tuple[Any, Any]] | None = None,
    answers: Mapping[int, str] | None = None,
    cqc_location_ids: str | Sequence[str] | None = None,
    declarations: Iterable[str] | None = None,
) -> BidVersion:
    """Save parts of the draft; parts left as None are unchanged.

    prices: {lot id: (hourly price, package price or None)} replaces the chosen lots.
    answers: {question id: text}; empty text removes an answer. Word limits are enforced here.
    """
    bid, draft, now = _open_draft(bid=bid, user=user)
    tender = bid.tender
    changed: list[str] = []
    if prices is not None:
        lots = {lot.pk: lot for lot in Lot.objects.filter(tender=tender).select_related("zone")}
        rows = []
        for lot_id, (hourly_raw, package_raw) in prices.items():
            lot = lots.get(lot_id)
            if lot is None:
                raise RuleViolation(f"Lot {lot_id} is not part of {tender.reference}.", field="prices")
            try:
                hourly = parse_price(hourly_raw, label=f"hourly price for lot {lot.number}")
                package = None
                if package_raw not in (None, ""):
                    if not lot.package_pricing:
                        raise BidInputError(f"Lot {lot.number} is not priced per package; leave the package price empty.")
                    package = parse_price(package_raw, label=f"package price for lot {lot.number}", maximum=MAX_PACKAGE_PRICE)
            except BidInputError as exc:
                raise RuleViolation(exc.message, field=f"lot-{lot.number}") from exc
            rows.append(BidLotPrice(version=draft, lot=lot, hourly_price=hourly, package_price=package))
        draft.lot_prices.all().delete()
        BidLotPrice.objects.bulk_create(rows)
        changed.append("prices")
    if answers is not None:
        questions = {q.pk: q for q in QualityQuestion.objects.filter(tender=tender)}
        for question_id, text in answers.items():
            question = questions.get(question_id)
            if question is None:
                raise RuleViolation(f"Question {question_id} is not part of {tender.reference}.", field="answers")
            if not isinstance(text, str):
                raise RuleViolation(f"The answer to question {question.number} must be text.", field=f"answer-{question.number}")
            text = text.strip()
            words = word_count(text)
            if words > question.word_limit:
                raise RuleViolation(
                    f"Your answer to question {question.number} has {words} words; the limit is {question.word_limit}."
                    " Shorten it and save again.",
                    field=f"answer-{question.number}",
                )
            if text:
                BidAnswer.objects.update_or_create(version=draft, question=question, defaults={"text": text})
            else:
                BidAnswer.objects.filter(version=draft, question=question).delete()
        changed.append("answers")
    fields = []
    if cqc_location_ids is not None:
        try:
            draft.cqc_location_ids = parse_location_ids(cqc_location_ids)
        except BidInputError as exc:
            raise RuleViolation(exc.message, field="cqc_location_ids") from exc
        fields.append("cqc_location_ids")
    if declarations is not None:
        try:
            draft.declarations = parse_declarations(declarations)
        except BidInputError as exc:
            raise RuleViolation(exc.message, field="declarations") from exc
        fields.append("declarations")
    if fields:
        draft.save(update_fields=fields)
    # Drafts are not audited field by field (they are private and change often); submissions are.
    return draft


def _clean_file_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*').strip()
    return (base or "document")[:200]


@transaction.atomic
def bid_add_document(*, bid: Bid, user: Any, upload: Any) -> BidDocument:
    """Attach a PDF, DOCX or XLSX to the draft, checked by content and size (settings.BID_DOCUMENT_MAX_BYTES)."""
    _require_own_bid(user, bid)
    name = _clean_file_name(getattr(upload, "name", "") or "document")
    max_bytes = settings.BID_DOCUMENT_MAX_BYTES
    if getattr(upload, "size", None) is not None and upload.size > max_bytes:
        # Refuse before reading a huge upload into memory.
        raise RuleViolation(
            f"{name} is too big: the largest file you can upload is {max_bytes // (1024 * 1024)} MB.", field="document"
        )
    try:
        checked = check_document(upload, name=name, max_bytes=max_bytes)
    except UploadRejected as exc:
        raise RuleViolation(exc.message, field="document") from exc
    bid, draft, now = _open_draft(bid=bid, user=user)
    existing = list(draft.documents.all())
    if len(existing) >= BID_DOCUMENTS_PER_VERSION:
        raise RuleViolation(f"A bid can have at most {BID_DOCUMENTS_PER_VERSION} documents.", field="document")
    if any(d.sha256 == checked.sha256 for d in existing):
        raise RuleViolation(f"{name} is already attached to this bid.", field="document")
    upload.seek(0)
    data = upload.read()
    document = BidDocument(
        version=draft, original_name=name, content_type=checked.content_type, size=checked.size, sha256=checked.sha256
    )
    document.file.save(f"{uuid.uuid4().hex}.{checked.extension}", ContentFile(data), save=False)
    document.save()
    return document


@transaction.atomic
def bid_remove_document(*, bid: Bid, user: Any, document_id: int) -> None:
    """Remove a document from the draft; its stored file goes too unless another version still uses it."""
    bid, draft, now = _open_draft(bid=bid, user=user)
    document = draft.documents.filter(pk=document_id).first()
    if document is None:
        raise RuleViolation("That document is not attached to your draft.", field="document")
    stored = document.file.name
    document.delete()
    if not BidDocument.objects.filter(file=stored).exists():
        storage = BidDocument._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(stored))


def bid_submission_problems(*, version: BidVersion) -> list[Problem]:
    """What stops this draft being submitted (empty when it is complete)."""
    tender = version.bid.tender
    lots = [
        LotSpec(id=lot.pk, number=lot.number, name=lot.zone.name, package_pricing=lot.package_pricing)
        for lot in Lot.objects.filter(tender=tender).select_related("zone")
    ]
    questions = [
        QuestionSpec(id=q.pk, number=q.number, word_limit=q.word_limit) for q in QualityQuestion.objects.filter(tender=tender)
    ]
    prices = [
        PriceRow(lot_id=p.lot_id, hourly_price=p.hourly_price, package_price=p.package_price)
        for p in version.lot_prices.all()
    ]
    answers = {a.question_id: a.text for a in version.answers.all()}
    return submission_problems(
        lots=lots, questions=questions, prices=prices, answers=answers,
        location_ids=version.cqc_location_ids or [], declarations=version.declarations or {},
    )


def _freeze(*, bid: Bid, version: BidVersion, user: Any, now: datetime, key: str) -> BidVersion:
    """Mark any live submission superseded and freeze `version` as the live one, with its digest."""
    BidVersion.objects.filter(bid=bid, status=BidVersionStatus.SUBMITTED).exclude(pk=version.pk).update(
        status=BidVersionStatus.SUPERSEDED
    )
    version.bid = bid
    content = bid_version_content(version)
    # The server's clock is part of what the digest proves; so is which addenda the bid answers.
    content["submitted_at"] = now.astimezone(UTC).isoformat(timespec="microseconds")
    content["amendments_acknowledged"] = Amendment.objects.filter(tender_id=bid.tender_id).count()
    version.status = BidVersionStatus.SUBMITTED
    version.submitted_at = now
    version.submitted_by = user
    version.idempotency_key = key
    version.content = content
    version.digest = content_digest(content)
    version.save(update_fields=["status", "submitted_at", "submitted_by", "idempotency_key", "content", "digest"])
    bid.status = BidStatus.SUBMITTED
    bid.submitted_at = now
    bid.needs_reconfirmation = False
    bid.save(update_fields=["status", "submitted_at", "needs_reconfirmation"])
    return version


def _clean_key(idempotency_key: Any) -> str:
    key = str(idempotency_key or "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX or any(not ch.isprintable() for ch in key):
        raise RuleViolation(
            f"The idempotency key must be printable text of at most {IDEMPOTENCY_KEY_MAX} characters.",
            field="idempotency_key",
        )
    return key


def _record_late(*, late: _Late, user: Any, channel: str, key: str) -> None:
    """Keep the refused attempt: who, when by the server clock, and the deadline in force."""
    with transaction.atomic():
        LateSubmissionAttempt.objects.create(
            tender_id=late.bid.tender_id, bid=late.bid, provider_id=late.bid.provider_id,
            user=user if getattr(user, "is_authenticated", False) else None,
            attempted_at=late.attempted_at, deadline=late.deadline, channel=channel[:10], idempotency_key=key,
        )
        audit_record(
            actor=user, action="bid.late_submission_refused", obj=late.bid,
            after={"attempted_at": late.attempted_at, "deadline": late.deadline, "channel": channel},
            at=late.attempted_at,
        )


def _late_message(late: _Late) -> str:
    return (
        f"Your bid was not submitted: the deadline was {_london_minute(late.deadline)} (UK time) and your"
        f" submission reached our server at {_london(late.attempted_at)}. Late submissions cannot be accepted."
        " This attempt has been recorded."
    )


@transaction.atomic
def _submit_locked(*, bid_id: int, user: Any, key: str, reconfirm: bool) -> SubmitResult | _Late:
    bid = _lock_bid(bid_id)
    now = timezone.now()
    if key:
        earlier = BidVersion.objects.filter(bid=bid, idempotency_key=key).first()
        if earlier is not None:
            earlier.bid = bid
            return SubmitResult(version=earlier, replayed=True)
    tender = bid.tender
    if now >= tender.submission_deadline:
        return _Late(bid=bid, attempted_at=now, deadline=tender.submission_deadline)
    _check_open_for_bids(tender, now)
    if bid.provider.status != ProviderStatus.APPROVED:
        raise PermissionDeniedError("Your organisation's registration has not been approved, so it cannot bid.")
    draft = _draft_of(bid)
    if reconfirm:
        if draft is not None:
            raise RuleViolation(
                "You have unsubmitted changes to this bid. Submit them (that also re-confirms your bid) or discard them.",
                field="draft",
            )
        live = BidVersion.objects.filter(bid=bid, status=BidVersionStatus.SUBMITTED).first()
        if live is None:
            raise RuleViolation("There is no submitted bid to re-confirm.", field="draft")
        if not bid.needs_reconfirmation:
            raise RuleViolation("Your bid does not need re-confirming.", field="draft")
        live.bid = bid
        version = _copy_version(live, number=_next_version_number(bid), status=BidVersionStatus.SUPERSEDED)
        version.bid = bid
        action = "bid.reconfirmed"
    else:
        if draft is None:
            if bid.status == BidStatus.SUBMITTED:
                raise RuleViolation(
                    "Your bid is already submitted and has no unsubmitted changes. Start a revision to change it.",
                    field="draft",
                )
            raise RuleViolation("There is no draft to submit. Start your bid first.", field="draft")
        version = draft
        action = "bid.submitted"
    problems = bid_submission_problems(version=version)
    if problems:
        raise RuleViolation("Your bid is not complete. " + " ".join(p.message for p in problems), field="draft")
    _freeze(bid=bid, version=version, user=user, now=now, key=key)
    audit_record(
        actor=user, action=action, obj=bid,
        after={"version": version.number, "digest": version.digest, "submitted_at": now},
        note="Content sealed; the audit trail keeps only the digest.",
        at=now,
    )
    return SubmitResult(version=version, replayed=False)


def bid_submit(*, bid: Bid, user: Any, idempotency_key: str = "", channel: str = "web") -> SubmitResult:
    """Submit the draft: validate it is complete, freeze it, and return the receipt.

    Idempotent per key: a retry or double-click with the same key returns the same
    version (replayed=True) instead of creating another. After the deadline (server
    clock, read under the bid's row lock) the attempt is recorded and DeadlinePassed raised.
    """
    _require_own_bid(user, bid)
    _require_provider_user(user, approved=False)
    key = _clean_key(idempotency_key)
    outcome = _submit_locked(bid_id=bid.pk, user=user, key=key, reconfirm=False)
    if isinstance(outcome, _Late):
        _record_late(late=outcome, user=user, channel=channel, key=key)
        raise DeadlinePassed(_late_message(outcome))
    return outcome


def bid_reconfirm(*, bid: Bid, user: Any, idempotency_key: str = "", channel: str = "web") -> SubmitResult:
    """After an amendment: re-submit the live bid unchanged as a new version that acknowledges the addenda."""
    _require_own_bid(user, bid)
    _require_provider_user(user, approved=False)
    key = _clean_key(idempotency_key)
    outcome = _submit_locked(bid_id=bid.pk, user=user, key=key, reconfirm=True)
    if isinstance(outcome, _Late):
        _record_late(late=outcome, user=user, channel=channel, key=key)
        raise DeadlinePassed(_late_message(outcome))
    return outcome


@transaction.atomic
def bid_revise(*, bid: Bid, user: Any) -> BidVersion:
    """Open a new draft copied from the latest version; the submitted one stays live (and kept) until replaced."""
    _require_own_bid(user, bid)
    _require_provider_user(user)
    bid = _lock_bid(bid)
    now = timezone.now()
    _check_open_for_bids(bid.tender, now)
    draft = _draft_of(bid)
    if draft is not None:
        return draft
    last = BidVersion.objects.filter(bid=bid).order_by("-number").first()
    if last is None:
        draft = BidVersion.objects.create(bid=bid, number=1)
    else:
        last.bid = bid
        draft = _copy_version(last, number=last.number + 1, status=BidVersionStatus.DRAFT)
    audit_record(actor=user, action="bid.revision_started", obj=bid, after={"version": draft.number}, at=now)
    draft.bid = bid
    return draft


@transaction.atomic
def bid_discard_draft(*, bid: Bid, user: Any) -> None:
    """Throw away unsubmitted changes; a submitted version is untouched."""
    bid, draft, now = _open_draft(bid=bid, user=user)
    if not BidVersion.objects.filter(bid=bid).exclude(pk=draft.pk).exists():
        raise RuleViolation("This is the only version of your bid; there is nothing to go back to.", field="draft")
    stored = list(draft.documents.values_list("file", flat=True))
    draft.delete()
    storage = BidDocument._meta.get_field("file").storage
    orphans = [name for name in stored if not BidDocument.objects.filter(file=name).exists()]
    transaction.on_commit(lambda: [storage.delete(name) for name in orphans])
    audit_record(actor=user, action="bid.draft_discarded", obj=bid, after={"version": draft.number}, at=now)


@transaction.atomic
def bid_withdraw(*, bid: Bid, user: Any, reason: str = "") -> Bid:
    """Withdraw the live submission before the deadline; it is kept (status withdrawn), never deleted."""
    _require_own_bid(user, bid)
    _require_provider_user(user, approved=False)
    bid = _lock_bid(bid)
    now = timezone.now()
    _check_open_for_bids(bid.tender, now)
    live = BidVersion.objects.filter(bid=bid, status=BidVersionStatus.SUBMITTED).first()
    if live is None:
        raise RuleViolation("There is no submitted bid to withdraw.", field="draft")
    live.status = BidVersionStatus.WITHDRAWN
    live.save(update_fields=["status"])
    bid.status = BidStatus.WITHDRAWN
    bid.withdrawn_at = now
    bid.needs_reconfirmation = False
    bid.save(update_fields=["status", "withdrawn_at", "needs_reconfirmation"])
    audit_record(
        actor=user, action="bid.withdrawn", obj=bid, before={"status": "submitted"},
        after={"status": "withdrawn", "version": live.number}, note=reason.strip()[:1000], at=now,
    )
    return bid


# --- Clarifications ---------------------------------------------------------


def clarification_closes_at(tender: Tender) -> datetime:
    """Questions close at the clarification deadline, or the submission deadline when none is set."""
    return tender.clarification_deadline or tender.submission_deadline


@transaction.atomic
def clarification_ask(*, tender: Tender, user: Any, question: str) -> Clarification:
    """A provider asks a question before the clarification deadline; only the council sees who asked."""
    _require_provider_user(user)
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
    if now >= closes:
        raise DeadlinePassed(
            f"Clarification questions for {tender.reference} closed at {_london_minute(closes)} (UK time)."
        )
    number = (Clarification.objects.filter(tender=tender).aggregate(n=Max("number"))["n"] or 0) + 1
    clarification = Clarification.objects.create(
        tender=tender, number=number, asked_by_provider_id=user.provider_id, asked_by=user, asked_at=now, question=text
    )
    audit_record(actor=user, action="clarification.asked", obj=clarification, after={"number": number}, at=now)
    return clarification


def _interested_provider_ids(tender: Tender) -> set[int]:
    """Registered bidders: providers with a bid on the tender or a question about it."""
    ids = set(Bid.objects.filter(tender=tender).values_list("provider_id", flat=True))
    ids |= set(Clarification.objects.filter(tender=tender).values_list("asked_by_provider_id", flat=True))
    return ids


def _notify(*, provider_ids: Iterable[int], tender: Tender | None, kind: str, message: str, link: str, now: datetime) -> int:
    rows = [
        Notification(provider_id=pid, tender=tender, kind=kind, message=message, link=link, created_at=now)
        for pid in sorted(set(provider_ids))
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def clarification_answer(
    *, clarification: Clarification, user: Any, answer: str, published_question: str = ""
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


def _money_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@transaction.atomic
def amendment_create(
    *,
    tender: Tender,
    user: Any,
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
    if now >= tender.submission_deadline:
        raise DeadlinePassed(f"The submission deadline for {tender.reference} has passed; it can no longer be amended.")
    changes: list[dict[str, Any]] = []
    new_submission = submission_deadline or tender.submission_deadline
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


def notification_mark_read(*, user: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the organisation's notifications read (all unread ones when no ids are given)."""
    _require_provider_user(user, approved=False)
    qs = Notification.objects.filter(provider_id=user.provider_id, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def _notify_tender_published(*, tender: Tender, now: datetime) -> None:
    """Every approved provider hears about a newly published tender."""
    provider_ids = Provider.objects.filter(status=ProviderStatus.APPROVED).values_list("pk", flat=True)
    _notify(
        provider_ids=provider_ids, tender=tender, kind=NotificationKind.TENDER_PUBLISHED,
        message=(
            f"New tender: {tender.title} ({tender.reference}). Bids close at"
            f" {_london_minute(tender.submission_deadline)} (UK time)."
        ),
        link=f"/portal/tenders/{tender.reference}/", now=now,
    )
