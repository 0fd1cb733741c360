"""Sealed bidding: drafts, documents, submission with receipts, revisions, withdrawal."""
from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch, Q, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.utils import timezone

from common.arrival import request_arrival
from common.audit import audit_record
from common.errors import DeadlinePassed, PermissionDeniedError, RuleViolation, TransitionNotAllowed
from common.timezone import uk_minute_text, uk_second_text
from providers.models import ProviderStatus
from tenders.bidding_rules import (
    MAX_PACKAGE_PRICE,
    BidInputError,
    LotSpec,
    PriceRow,
    Problem,
    QuestionSpec,
    location_problems,
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
    DocumentEnvelope,
    LateSubmissionAttempt,
    Lot,
    QualityQuestion,
    Tender,
)
from tenders.receipts import bid_version_content, content_digest
from tenders.services._common import (
    _require_own_bid,
    _require_provider_user,
    _submission_deadline,
)
from tenders.transitions import TenderStatus
from tenders.uploads import UploadRejected, check_document

if TYPE_CHECKING:
    from accounts.models import User

# ---------------------------------------------------------------------------

BID_DOCUMENTS_PER_VERSION = 20
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



def _check_open_for_bids(tender: Tender, now: datetime) -> None:
    if tender.submission_deadline is None:  # a draft still being built has no deadline yet (issue 12)
        raise TransitionNotAllowed(f"{tender.reference} is not published, so it is not taking bids.")
    if now >= tender.submission_deadline:
        raise DeadlinePassed(
            f"The deadline for {tender.reference} was {uk_minute_text(tender.submission_deadline)} (UK time);"
            " bids can no longer be changed or submitted."
        )
    if tender.status != TenderStatus.PUBLISHED.value:
        raise TransitionNotAllowed(
            f"{tender.reference} is {TenderStatus(tender.status).label.lower()}, so it is not taking bids."
        )


# A request that reached the server before the deadline but waited (busy workers, row locks)
# is judged at its arrival; one that waited longer than this is judged when it is processed,
# so a request cannot be held open to bid late.
ARRIVAL_GRACE = timedelta(minutes=2)


def _judged_at(arrived_at: datetime | None, now: datetime) -> datetime:
    """When the deadline is judged: the request's arrival (common.arrival), if recent; otherwise now."""
    if arrived_at is None or arrived_at > now or now - arrived_at > ARRIVAL_GRACE:
        return now
    return arrived_at


def _check_open_for_submission(tender: Tender, at: datetime) -> None:
    """Like _check_open_for_bids, but a submission that arrived in time still counts once the tender has closed
    at its deadline (it may have closed while the request waited); never once bids are opened."""
    if at < _submission_deadline(tender) and tender.status == TenderStatus.CLOSED.value:
        return
    _check_open_for_bids(tender, at)


def _lock_bid(bid: Bid | int) -> Bid:
    pk = bid.pk if isinstance(bid, Bid) else bid
    return Bid.objects.select_for_update(of=("self",)).select_related("tender", "provider").get(pk=pk)


def _lock_bid_for_submission(bid_id: int) -> Bid:
    """_lock_bid, with the tender's amendment and question counts read in the same query (issue 17: two fewer).

    Plain SQL subqueries: built as ORM subqueries they cost more Python time than the two queries they replace.
    """
    counts = {
        name: RawSQL(f'SELECT COUNT(*) FROM "{model._meta.db_table}" c WHERE c."tender_id" = "tenders_bid"."tender_id"', ())
        for name, model in (("amendment_count", Amendment), ("question_count", QualityQuestion))
    }
    return (
        Bid.objects.select_for_update(of=("self",)).select_related("tender", "provider").annotate(**counts).get(pk=bid_id)
    )


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
                    size=d.size, sha256=d.sha256, envelope=d.envelope)
        for d in source.documents.all()
    )
    return copy


def _next_version_number(bid: Bid) -> int:
    return (BidVersion.objects.filter(bid=bid).aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def bid_start(*, tender: Tender, user: User) -> Bid:
    """Start (or return) the provider's bid for a published tender, with a draft to work on.

    One bid per provider per tender (a unique constraint); a second call returns the same bid.
    A bid that was withdrawn gets a fresh draft copied from its last version.
    """
    provider_id = _require_provider_user(user)
    existing = Bid.objects.filter(tender=tender, provider_id=provider_id).first()
    if existing is None:
        now = timezone.now()
        _check_open_for_bids(tender, now)
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    existing = Bid.objects.create(
                        tender=tender, provider_id=provider_id, reference=_new_bid_reference(tender)
                    )
                break
            except IntegrityError:
                existing = Bid.objects.filter(tender=tender, provider_id=provider_id).first()
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
        assert last is not None  # version 1 is created with the bid, and the only version is never discarded
        _copy_version(last, number=last.number + 1, status=BidVersionStatus.DRAFT)
        audit_record(actor=user, action="bid.restarted", obj=bid, after={"version": last.number + 1}, at=now)
    return bid


def _open_draft(*, bid: Bid, user: User) -> tuple[Bid, BidVersion, datetime]:
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
    user: User,
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
def bid_add_document(*, bid: Bid, user: User, upload: Any, envelope: str = "quality") -> BidDocument:
    """Attach a PDF, DOCX or XLSX to the draft, checked by content and size (settings.BID_DOCUMENT_MAX_BYTES).

    `envelope` says which envelope it belongs to: a price document stays sealed with the prices.
    """
    _require_own_bid(user, bid)
    if envelope not in DocumentEnvelope.values:
        raise RuleViolation("Say whether the document supports your quality answers or your prices.", field="envelope")
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
        version=draft, original_name=name, content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
        envelope=envelope,
    )
    document.file.save(f"{uuid.uuid4().hex}.{checked.extension}", ContentFile(data), save=False)
    document.save()
    return document


@transaction.atomic
def bid_remove_document(*, bid: Bid, user: User, document_id: int) -> None:
    """Remove a document from the draft; its stored file goes too unless another version still uses it."""
    bid, draft, now = _open_draft(bid=bid, user=user)
    document = draft.documents.filter(pk=document_id).first()
    if document is None:
        raise RuleViolation("That document is not attached to your draft.", field="document")
    stored = document.file.name
    assert stored is not None  # a bid document is only ever created with its file
    document.delete()
    if not BidDocument.objects.filter(file=stored).exists():
        storage = BidDocument._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(stored))


def bid_submission_problems(*, version: BidVersion, question_count: int | None = None) -> list[Problem]:
    """What stops this draft being submitted (empty when it is complete).

    The rules look a lot up only through a price, so the priced lots come with the prices (one query, or none
    when the caller prefetched them). `question_count` (the tender's, when the caller already knows it): if the
    answers cover that many of the tender's questions, they name every question and the questions are not read.
    """
    tender = version.bid.tender
    price_rows = list(_version_rows(version, "lot_prices", "lot__zone"))
    answer_rows = list(_version_rows(version, "answers", "question"))
    lots = [
        LotSpec(id=p.lot.pk, number=p.lot.number, name=p.lot.zone.name, package_pricing=p.lot.package_pricing)
        for p in price_rows if p.lot.tender_id == tender.pk
    ]
    answered = {a.question_id: a.question for a in answer_rows if a.question.tender_id == tender.pk}
    if question_count is not None and len(answered) == question_count:
        tender_questions: Iterable[QualityQuestion] = sorted(answered.values(), key=lambda q: q.number)
    else:
        tender_questions = QualityQuestion.objects.filter(tender_id=tender.pk).order_by("number")
    questions = [QuestionSpec(id=q.pk, number=q.number, word_limit=q.word_limit) for q in tender_questions]
    prices = [PriceRow(lot_id=p.lot_id, hourly_price=p.hourly_price, package_price=p.package_price) for p in price_rows]
    answers = {a.question_id: a.text for a in answer_rows}
    return submission_problems(
        lots=lots, questions=questions, prices=prices, answers=answers,
        location_ids=version.cqc_location_ids or [], declarations=version.declarations or {},
        location_issues=_location_issues(version),
    )


def _location_issues(version: BidVersion) -> list[Problem]:
    """Named CQC locations unknown to the imported CQC data or registered to another provider (issue 15).

    Without any CQC import there is nothing to check against: the evaluation's CQC gate then flags the bid.
    """
    from cqc.selectors import latest_import, locations_by_id  # the CQC app owns its data

    ids = list(version.cqc_location_ids or [])
    if not ids:
        return []
    imported = latest_import()
    if imported is None:
        return []
    found = locations_by_id(ids)
    as_of = f"{imported.finished_at:%-d %B %Y}" if imported.finished_at else "most recently"
    return location_problems(
        location_ids=ids, provider_cqc_id=version.bid.provider.cqc_provider_id,
        registered_to={location_id: record.provider_id for location_id, record in found.items()}, data_as_of=as_of,
    )


def _version_rows(version: BidVersion, relation: str, related: str) -> Iterable[Any]:
    """A version's related rows: the prefetched ones when the caller prefetched them (bid submission does)."""
    manager = getattr(version, relation)
    prefetched = relation in getattr(version, "_prefetched_objects_cache", {})
    rows: Iterable[Any] = manager.all() if prefetched else manager.select_related(related)
    return rows


def _freeze(*, bid: Bid, version: BidVersion, user: User, now: datetime, key: str) -> BidVersion:
    """Mark any live submission superseded and freeze `version` as the live one, with its digest."""
    if bid.status != BidStatus.DRAFT:  # a draft-only bid has no live submission to supersede
        BidVersion.objects.filter(bid=bid, status=BidVersionStatus.SUBMITTED).exclude(pk=version.pk).update(
            status=BidVersionStatus.SUPERSEDED
        )
    version.bid = bid
    content = bid_version_content(version)
    # The server's clock is part of what the digest proves; so is which addenda the bid answers.
    content["submitted_at"] = now.astimezone(UTC).isoformat(timespec="microseconds")
    counted = getattr(bid, "amendment_count", None)  # read with the bid's row lock (_lock_bid_for_submission)
    content["amendments_acknowledged"] = (
        counted if counted is not None else Amendment.objects.filter(tender_id=bid.tender_id).count()
    )
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


def _record_late(*, late: _Late, user: User, channel: str, key: str) -> None:
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
        f"Your bid was not submitted: the deadline was {uk_minute_text(late.deadline)} (UK time) and your"
        f" submission reached our server at {uk_second_text(late.attempted_at)}. Late submissions cannot be accepted."
        " This attempt has been recorded."
    )


@transaction.atomic
def _submit_locked(
    *, bid_id: int, user: User, key: str, reconfirm: bool, arrived_at: datetime | None = None
) -> SubmitResult | _Late:
    bid = _lock_bid_for_submission(bid_id)
    now = _judged_at(arrived_at, timezone.now())
    # One query for both the replay (same key) and the draft, instead of two.
    candidates = BidVersion.objects.filter(bid=bid).filter(
        Q(status=BidVersionStatus.DRAFT) | Q(idempotency_key=key) if key else Q(status=BidVersionStatus.DRAFT)
    )
    draft = None
    for candidate in candidates:
        candidate.bid = bid
        if key and candidate.idempotency_key == key:
            return SubmitResult(version=candidate, replayed=True)
        draft = candidate
    tender = bid.tender
    deadline = _submission_deadline(tender)
    if now >= deadline:
        return _Late(bid=bid, attempted_at=now, deadline=deadline)
    _check_open_for_submission(tender, now)
    if bid.provider.status != ProviderStatus.APPROVED:
        raise PermissionDeniedError("Your organisation's registration has not been approved, so it cannot bid.")
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
    # Read the version's rows once for both the completeness check and the frozen content.
    prefetch_related_objects(
        [version],
        Prefetch("lot_prices", queryset=BidLotPrice.objects.select_related("lot__zone")),
        Prefetch("answers", queryset=BidAnswer.objects.select_related("question")),
        "documents",
    )
    problems = bid_submission_problems(version=version, question_count=getattr(bid, "question_count", None))
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


def bid_submit(
    *, bid: Bid, user: User, idempotency_key: str = "", channel: str = "web", arrived_at: datetime | None = None
) -> SubmitResult:
    """Submit the draft: validate it is complete, freeze it, and return the receipt.

    Idempotent per key: a retry or double-click with the same key returns the same
    version (replayed=True) instead of creating another. The deadline is judged at the
    request's arrival on the server (`arrived_at`, by default the time common.arrival's
    middleware stamped on the current request), not after waiting for workers or locks;
    a late attempt is recorded and DeadlinePassed raised.
    """
    _require_own_bid(user, bid)
    _require_provider_user(user, approved=False)
    key = _clean_key(idempotency_key)
    arrived_at = arrived_at or request_arrival()
    outcome = _submit_locked(bid_id=bid.pk, user=user, key=key, reconfirm=False, arrived_at=arrived_at)
    if isinstance(outcome, _Late):
        _record_late(late=outcome, user=user, channel=channel, key=key)
        raise DeadlinePassed(_late_message(outcome))
    return outcome


def bid_reconfirm(*, bid: Bid, user: User, idempotency_key: str = "", channel: str = "web") -> SubmitResult:
    """After an amendment: re-submit the live bid unchanged as a new version that acknowledges the addenda."""
    _require_own_bid(user, bid)
    _require_provider_user(user, approved=False)
    key = _clean_key(idempotency_key)
    outcome = _submit_locked(bid_id=bid.pk, user=user, key=key, reconfirm=True, arrived_at=request_arrival())
    if isinstance(outcome, _Late):
        _record_late(late=outcome, user=user, channel=channel, key=key)
        raise DeadlinePassed(_late_message(outcome))
    return outcome


@transaction.atomic
def bid_revise(*, bid: Bid, user: User) -> BidVersion:
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
def bid_discard_draft(*, bid: Bid, user: User) -> None:
    """Throw away unsubmitted changes; a submitted version is untouched."""
    bid, draft, now = _open_draft(bid=bid, user=user)
    if not BidVersion.objects.filter(bid=bid).exclude(pk=draft.pk).exists():
        raise RuleViolation("This is the only version of your bid; there is nothing to go back to.", field="draft")
    stored = list(draft.documents.values_list("file", flat=True))
    draft.delete()
    storage = BidDocument._meta.get_field("file").storage
    orphans = [name for name in stored if not BidDocument.objects.filter(file=name).exists()]

    def _delete_orphans() -> None:
        for name in orphans:
            storage.delete(name)

    transaction.on_commit(_delete_orphans)
    audit_record(actor=user, action="bid.draft_discarded", obj=bid, after={"version": draft.number}, at=now)


@transaction.atomic
def bid_withdraw(*, bid: Bid, user: User, reason: str = "") -> Bid:
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
