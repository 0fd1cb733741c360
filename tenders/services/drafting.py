"""Building a tender while it is a draft: create, edit, copy, lots, questions, documents, the pre-publication check.

Everything here refuses once the tender has left draft (TransitionNotAllowed): after publication a
tender changes only through an amendment (`amendment_create`), which tells bidders and asks them to
re-confirm. Validation collects every problem at once (`DraftInvalid.errors`, keyed by field, lots and
questions as `lots.<index>.<field>`), so a page or the API can show them all.
"""
from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts import permissions
from common.audit import audit_record
from common.errors import PermissionDeniedError, RuleViolation, TransitionNotAllowed
from common.timezone import UK_TZ
from pricing.models import RatePreset
from pricing.selectors import preset_for_date, tender_preset_warning, tender_visit_mix
from tenders.models import Lot, QualityQuestion, ServiceType, Tender, TenderDocument
from tenders.services._common import _locked
from tenders.transitions import TenderStatus
from tenders.uploads import UploadRejected, check_document

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# Tender fields a commissioner sets while building. Fields another app adds to Tender (the award
# issue's standstill fields) are included when the model has them.
_TENDER_FIELDS = (
    "reference", "title", "service_type", "description",
    "clarification_deadline", "submission_deadline", "contract_start", "contract_end",
    "quality_weight", "price_weight", "price_formula", "quality_threshold_percent", "fail_on_zero_score",
    "max_providers_per_lot", "max_lots_per_provider", "unrated_policy",
    "ceiling_rule", "cqc_gate_scope", "tie_break_rule",
    "contact_minutes", "travel_minutes", "rate_preset", "far_above_model_percent", "expected_visit_mix",
    "light_touch", "standstill_observed", "standstill_working_days",
    "opening_requires_two", "contract_conditions",
)
_MODEL_FIELDS = {f.name for f in Tender._meta.get_fields()}
TENDER_FIELDS: tuple[str, ...] = tuple(name for name in _TENDER_FIELDS if name in _MODEL_FIELDS)
LOT_FIELDS: tuple[str, ...] = tuple(
    name for name in (
        "zone", "hours_per_week", "contract_type", "ceiling_price", "guaranteed_minimum_hours",
        "package_pricing", "package_hours", "package_price_weight",
    ) if name in {f.name for f in Lot._meta.get_fields()}
)
QUESTION_FIELDS: tuple[str, ...] = ("text", "guidance", "weight", "max_score", "word_limit")

_SERVICE_CODES: dict[str, str] = {ServiceType.HOMECARE: "HOME", ServiceType.CRISIS: "CRISIS", ServiceType.REABLEMENT: "REAB"}
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
AMEND_INSTEAD = (
    "This tender has been published, so it can no longer be edited. Change it through an amendment, which"
    " tells every bidder and asks those who have submitted to re-confirm."
)


class DraftInvalid(RuleViolation):
    """One or more fields of a draft are wrong; `errors` maps each field to its messages."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors = {key: list(messages) for key, messages in errors.items()}
        first = next(iter(self.errors))
        super().__init__(" ".join(m for ms in self.errors.values() for m in ms), field=first)


@dataclass(frozen=True)
class Problem:
    """Something that stops publication: the builder section it belongs to, the field, the words."""

    section: str
    field: str
    message: str


# --- Access and state ---------------------------------------------------------------------


def may_configure_tenders(user: User | AnonymousUser) -> bool:
    """Configuring tenders is for commissioners only: not providers, not the panel, not IT (the access policy)."""
    return permissions.can_manage_tender(user)


def _require_commissioner(user: User) -> None:
    if not may_configure_tenders(user):
        raise PermissionDeniedError("Only a commissioner can set up a tender.")


def _require_draft(tender: Tender) -> None:
    if tender.status != TenderStatus.DRAFT:
        raise TransitionNotAllowed(AMEND_INSTEAD)


# --- References and presets -----------------------------------------------------------------


def tender_reference_suggest(*, service_type: str, on: date, exclude_pk: int | None = None) -> str:
    """A free reference such as CRISIS-2026-01 (service, year, a sequence)."""
    prefix = f"{_SERVICE_CODES.get(service_type, 'TENDER')}-{on.year}"
    others = Tender.objects.filter(reference__istartswith=prefix)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    taken = set(others.values_list("reference", flat=True))
    taken = {ref.upper() for ref in taken}
    n = 1
    while f"{prefix}-{n:02d}" in taken:
        n += 1
    return f"{prefix}-{n:02d}"


def preset_warning(*, tender: Tender) -> str:
    """Why the chosen cost-of-care year does not cover the contract start, or '' (RULES' one wording)."""
    return tender_preset_warning(tender=tender) or ""


def preset_for(day: date) -> RatePreset | None:
    """The preset in force on `day` (pricing's rule), else the latest starting before it."""
    return preset_for_date(on=day) or RatePreset.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


# --- Validation -------------------------------------------------------------------------------


def _num(value: Decimal) -> str:
    """458.00 -> '458', 12.50 -> '12.5': numbers in messages as a person writes them."""
    return f"{Decimal(value).normalize():f}"


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, [])
    if message not in errors[key]:
        errors[key].append(message)


def _merge_validation(errors: dict[str, list[str]], exc: ValidationError, prefix: str = "") -> None:
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            key = f"{prefix}{field}" if field != "__all__" else (prefix.rstrip(".") or "__all__")
            if f"{prefix}{field}" in errors:
                continue  # our own, clearer message already covers it
            for message in messages:
                _add(errors, key, message)
    else:
        for message in exc.messages:
            _add(errors, prefix.rstrip(".") or "__all__", message)


def _validate_tender(tender: Tender, errors: dict[str, list[str]]) -> None:
    if not (tender.title or "").strip():
        _add(errors, "title", "Enter the tender's title.")
    reference = (tender.reference or "").strip()
    if not reference:
        _add(errors, "reference", "Enter a reference.")
    elif not _REFERENCE.match(reference):
        _add(errors, "reference", "A reference can only contain letters, numbers, hyphens and underscores.")
    elif Tender.objects.filter(reference__iexact=reference).exclude(pk=tender.pk).exists():
        _add(errors, "reference", f"The reference {reference} is already used by another tender.")
    if tender.clarification_deadline and tender.submission_deadline and (
        tender.clarification_deadline >= tender.submission_deadline
    ):
        _add(errors, "clarification_deadline", "Clarification questions must close before the submission deadline.")
    if tender.submission_deadline and tender.contract_start and (
        tender.contract_start <= timezone.localtime(tender.submission_deadline, UK_TZ).date()
    ):
        _add(errors, "contract_start", "The contract must start after the submission deadline.")
    if tender.contract_start and tender.contract_end and tender.contract_end <= tender.contract_start:
        _add(errors, "contract_end", "The contract must end after it starts.")
    if tender.max_lots_per_provider is not None and tender.max_lots_per_provider < 1:
        _add(errors, "max_lots_per_provider", "A provider must be able to win at least one lot, or leave it empty.")
    try:
        tender_visit_mix(tender)  # the pricing pages read it; refuse a mix they could not
    except RuleViolation as exc:
        _add(errors, "expected_visit_mix", exc.message.split(": ", 1)[-1])
    exclude = ["reference"] if "reference" in errors else []
    try:
        tender.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        _merge_validation(errors, exc)


def _validate_lot(lot: Lot, errors: dict[str, list[str]], prefix: str) -> None:
    if lot.zone_id is None:
        _add(errors, f"{prefix}zone", "Choose the lot's zone.")
    hours, guaranteed = lot.hours_per_week, lot.guaranteed_minimum_hours
    if hours is not None and hours <= 0:
        _add(errors, f"{prefix}hours_per_week", "Hours a week must be more than 0.")
    if guaranteed is not None:
        if guaranteed < 0:
            _add(errors, f"{prefix}guaranteed_minimum_hours", "Guaranteed minimum hours cannot be negative.")
        elif hours is not None and guaranteed > hours:
            _add(
                errors, f"{prefix}guaranteed_minimum_hours",
                f"Guaranteed minimum hours ({_num(guaranteed)}) cannot be more than the lot's {_num(hours)} hours a week.",
            )
    try:
        lot.full_clean(exclude=["tender", "number"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        _merge_validation(errors, exc, prefix)


def _validate_question(question: QualityQuestion, errors: dict[str, list[str]], prefix: str) -> None:
    if not (question.text or "").strip():
        _add(errors, f"{prefix}text", "Enter the question.")
    try:
        question.full_clean(exclude=["tender", "number"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        _merge_validation(errors, exc, prefix)


def _unknown(values: Mapping[str, Any], allowed: Sequence[str], prefix: str = "") -> dict[str, list[str]]:
    return {f"{prefix}{name}": ["This field cannot be set here."] for name in values if name not in allowed}


def _lot_rows(tender: Tender, lots: Sequence[Mapping[str, Any]], errors: dict[str, list[str]]) -> list[Lot]:
    rows: list[Lot] = []
    zones: dict[int, int] = {}
    for index, values in enumerate(lots):
        prefix = f"lots.{index}."
        errors.update(_unknown(values, LOT_FIELDS, prefix))
        lot = Lot(tender=tender, number=index + 1, **{k: v for k, v in values.items() if k in LOT_FIELDS})
        _validate_lot(lot, errors, prefix)
        if lot.zone_id is not None:
            if lot.zone_id in zones:
                _add(errors, f"{prefix}zone", f"Lot {zones[lot.zone_id]} already covers this zone.")
            zones.setdefault(lot.zone_id, index + 1)
        rows.append(lot)
    return rows


def _question_rows(tender: Tender, questions: Sequence[Mapping[str, Any]], errors: dict[str, list[str]]) -> list[QualityQuestion]:
    rows = []
    for index, values in enumerate(questions):
        prefix = f"questions.{index}."
        errors.update(_unknown(values, QUESTION_FIELDS, prefix))
        question = QualityQuestion(
            tender=tender, number=index + 1, **{k: v for k, v in values.items() if k in QUESTION_FIELDS}
        )
        _validate_question(question, errors, prefix)
        rows.append(question)
    return rows


def _snapshot(tender: Tender) -> dict[str, Any]:
    data = {name: getattr(tender, f"{name}_id" if name == "rate_preset" else name) for name in TENDER_FIELDS}
    data["lots"] = [
        {"number": lot.number, **{f: getattr(lot, f"{f}_id" if f == "zone" else f) for f in LOT_FIELDS}}
        for lot in tender.lots.order_by("number")
    ]
    data["questions"] = [
        {"number": q.number, **{f: getattr(q, f) for f in QUESTION_FIELDS}} for q in tender.questions.order_by("number")
    ]
    return data


def _changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def _apply(tender: Tender, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        if isinstance(value, str) and name != "expected_visit_mix":
            value = value.strip()
        setattr(tender, name, value)


# --- Services -----------------------------------------------------------------------------------


@transaction.atomic
def tender_create(
    *,
    user: User,
    values: Mapping[str, Any] | None = None,
    lots: Sequence[Mapping[str, Any]] = (),
    questions: Sequence[Mapping[str, Any]] = (),
) -> Tender:
    """A new draft from a commissioner; the reference is suggested when none is given."""
    _require_commissioner(user)
    now = timezone.now()
    values = dict(values or {})
    errors = _unknown(values, TENDER_FIELDS)
    tender = Tender(status=TenderStatus.DRAFT.value)
    _apply(tender, {k: v for k, v in values.items() if k in TENDER_FIELDS})
    if not tender.reference and tender.service_type:
        tender.reference = tender_reference_suggest(service_type=tender.service_type, on=timezone.localdate(now, UK_TZ))
    if tender.rate_preset_id is None and "rate_preset" not in values:
        tender.rate_preset = preset_for(tender.contract_start or timezone.localdate(now, UK_TZ))
    _validate_tender(tender, errors)
    lot_rows = _lot_rows(tender, lots, errors)
    question_rows = _question_rows(tender, questions, errors)
    if errors:
        raise DraftInvalid(errors)
    tender.save()
    for row in lot_rows:
        row.tender = tender
    Lot.objects.bulk_create(lot_rows)
    for question in question_rows:
        question.tender = tender
    QualityQuestion.objects.bulk_create(question_rows)
    audit_record(actor=user, action="tender.created", obj=tender, after=_snapshot(tender), at=now)
    return tender


@transaction.atomic
def tender_update_draft(
    *,
    tender: Tender,
    user: User,
    values: Mapping[str, Any] | None = None,
    lots: Sequence[Mapping[str, Any]] | None = None,
    questions: Sequence[Mapping[str, Any]] | None = None,
) -> Tender:
    """Change a draft's fields; `lots` or `questions`, when given, replace the whole list in order."""
    _require_commissioner(user)
    now = timezone.now()
    tender = _locked(tender)
    _require_draft(tender)
    before = _snapshot(tender)
    values = dict(values or {})
    errors = _unknown(values, TENDER_FIELDS)
    _apply(tender, {k: v for k, v in values.items() if k in TENDER_FIELDS})
    _validate_tender(tender, errors)
    lot_rows = _lot_rows(tender, lots, errors) if lots is not None else None
    question_rows = _question_rows(tender, questions, errors) if questions is not None else None
    if errors:
        raise DraftInvalid(errors)
    tender.save()
    if lot_rows is not None:
        tender.lots.all().delete()
        Lot.objects.bulk_create(lot_rows)
    if question_rows is not None:
        tender.questions.all().delete()
        QualityQuestion.objects.bulk_create(question_rows)
    old, new = _changed(before, _snapshot(tender))
    if new:
        audit_record(actor=user, action="tender.draft_updated", obj=tender, before=old, after=new, at=now)
    return tender


@transaction.atomic
def tender_copy(*, tender: Tender, user: User, reference: str = "") -> Tender:
    """A new draft with the same details, lots, questions, rules and specification documents; dates are left for the commissioner."""
    _require_commissioner(user)
    now = timezone.now()
    source = Tender.objects.get(pk=tender.pk)
    copy = Tender(status=TenderStatus.DRAFT.value)
    for name in TENDER_FIELDS:
        setattr(copy, name, getattr(source, name))
    for name in ("clarification_deadline", "submission_deadline", "contract_start", "contract_end"):
        setattr(copy, name, None)
    copy.title = f"{source.title} (copy)"[:200]
    copy.reference = reference.strip() or tender_reference_suggest(
        service_type=source.service_type, on=timezone.localdate(now, UK_TZ)
    )
    copy.rate_preset = preset_for(timezone.localdate(now, UK_TZ)) or source.rate_preset
    errors: dict[str, list[str]] = {}
    _validate_tender(copy, errors)
    if errors:
        raise DraftInvalid(errors)
    copy.save()
    Lot.objects.bulk_create(
        Lot(tender=copy, number=lot.number, **{f: getattr(lot, f) for f in LOT_FIELDS}) for lot in source.lots.all()
    )
    QualityQuestion.objects.bulk_create(
        QualityQuestion(tender=copy, number=q.number, **{f: getattr(q, f) for f in QUESTION_FIELDS})
        for q in source.questions.all()
    )
    documents = _copy_documents(source, copy)
    audit_record(
        actor=user, action="tender.copied", obj=copy, before={"copied_from": source.reference},
        after={**_snapshot(copy), "documents": documents}, note=f"Copied from {source.reference}", at=now,
    )
    return copy


def _copy_documents(source: Tender, copy: Tender) -> list[dict[str, Any]]:
    """The source's specification documents as the copy's own files (a new stored file each, the same bytes and digest).

    Addenda (documents an amendment published) are not copied: they change the source as it was
    published, and the copy is a new draft whose specification the commissioner edits directly.
    Its own file, not a shared one, so removing it from the draft never touches the source's.
    """
    sources = []
    for document in source.documents.filter(amendment__isnull=True).order_by("uploaded_at", "id"):
        with document.file.open("rb") as handle:
            data = handle.read()
        if hashlib.sha256(data).hexdigest() != document.sha256:  # checked before any file is written
            raise RuleViolation(
                f"The stored file of “{document.title}” does not match its recorded digest, so the tender was not "
                "copied. Ask the IT administrator to check the document store."
            )
        sources.append((document, data))
    copied = []
    for document, data in sources:
        twin = TenderDocument(
            tender=copy, title=document.title, original_name=document.original_name,
            content_type=document.content_type, size=document.size, sha256=document.sha256,
        )
        stored = document.file.name or ""
        extension = stored.rsplit(".", 1)[-1] if "." in stored else "bin"
        twin.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
        twin.save()
        copied.append({"document": twin.pk, "copied_from": document.pk, "title": twin.title, "sha256": twin.sha256})
    return copied


def _next_number(rows: Any) -> int:
    return (rows.aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def tender_lot_save(*, tender: Tender, user: User, values: Mapping[str, Any], number: int | None = None) -> Lot:
    """Add a lot (number None) or change lot `number` of a draft."""
    _require_commissioner(user)
    now = timezone.now()
    tender = _locked(tender)
    _require_draft(tender)
    lot = Lot(tender=tender, number=_next_number(tender.lots)) if number is None else tender.lots.get(number=number)
    before = None if number is None else {f: getattr(lot, f"{f}_id" if f == "zone" else f) for f in LOT_FIELDS}
    errors = _unknown(values, LOT_FIELDS)
    for name, value in values.items():
        if name in LOT_FIELDS:
            setattr(lot, name, value)
    _validate_lot(lot, errors, "")
    other = tender.lots.filter(zone_id=lot.zone_id).exclude(pk=lot.pk).first() if lot.zone_id else None
    if other is not None:
        _add(errors, "zone", f"Lot {other.number} already covers this zone.")
    if errors:
        raise DraftInvalid(errors)
    lot.save()
    after = {f: getattr(lot, f"{f}_id" if f == "zone" else f) for f in LOT_FIELDS}
    audit_record(
        actor=user, action="tender.lot_saved", obj=tender, before=before, after={"lot": lot.number, **after}, at=now
    )
    return lot


@transaction.atomic
def tender_lot_remove(*, tender: Tender, user: User, number: int) -> None:
    """Remove a lot from a draft; later lots are renumbered so numbers stay 1, 2, 3..."""
    _require_commissioner(user)
    now = timezone.now()
    tender = _locked(tender)
    _require_draft(tender)
    lot = tender.lots.get(number=number)
    lot.delete()
    _renumber(list(tender.lots.order_by("number")))
    audit_record(actor=user, action="tender.lot_removed", obj=tender, before={"lot": number}, at=now)


@transaction.atomic
def tender_question_save(
    *, tender: Tender, user: User, values: Mapping[str, Any], number: int | None = None
) -> QualityQuestion:
    """Add a quality question (number None) or change question `number` of a draft."""
    _require_commissioner(user)
    now = timezone.now()
    tender = _locked(tender)
    _require_draft(tender)
    if number is None:
        question = QualityQuestion(tender=tender, number=_next_number(tender.questions))
    else:
        question = tender.questions.get(number=number)
    before = None if number is None else {f: getattr(question, f) for f in QUESTION_FIELDS}
    errors = _unknown(values, QUESTION_FIELDS)
    for name, value in values.items():
        if name in QUESTION_FIELDS:
            setattr(question, name, value.strip() if isinstance(value, str) else value)
    _validate_question(question, errors, "")
    if errors:
        raise DraftInvalid(errors)
    question.save()
    after = {"question": question.number, **{f: getattr(question, f) for f in QUESTION_FIELDS}}
    audit_record(actor=user, action="tender.question_saved", obj=tender, before=before, after=after, at=now)
    return question


@transaction.atomic
def tender_question_remove(*, tender: Tender, user: User, number: int) -> None:
    _require_commissioner(user)
    now = timezone.now()
    tender = _locked(tender)
    _require_draft(tender)
    tender.questions.get(number=number).delete()
    _renumber(list(tender.questions.order_by("number")))
    audit_record(actor=user, action="tender.question_removed", obj=tender, before={"question": number}, at=now)


def _renumber(rows: list[Any]) -> None:
    # Two passes so the unique (tender, number) constraint never sees a clash mid-way.
    for offset, row in enumerate(rows, start=1):
        row.number = 1000 + offset
        row.save(update_fields=["number"])
    for offset, row in enumerate(rows, start=1):
        row.number = offset
        row.save(update_fields=["number"])


@transaction.atomic
def tender_document_add(*, tender: Tender, user: User, title: str, name: str, data: bytes) -> TenderDocument:
    """Attach a specification document (PDF, DOCX or XLSX, judged by content) to a draft."""
    _require_commissioner(user)
    now = timezone.now()
    tender = _locked(tender)
    _require_draft(tender)
    if not title.strip():
        raise RuleViolation("Enter the document's title.", field="title")
    try:
        checked = check_document(data, name=name, max_bytes=DOCUMENT_MAX_BYTES)
    except UploadRejected as exc:
        raise RuleViolation(exc.message, field="file") from exc
    document = TenderDocument(
        tender=tender, title=title.strip()[:200], original_name=name[:255],
        content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
    )
    document.file.save(f"{uuid.uuid4().hex}.{checked.extension}", ContentFile(data), save=False)
    document.save()
    audit_record(
        actor=user, action="tender.document_added", obj=tender,
        after={"document": document.pk, "title": document.title, "sha256": document.sha256}, at=now,
    )
    return document


@transaction.atomic
def tender_document_remove(*, tender: Tender, user: User, document_id: int) -> None:
    _require_commissioner(user)
    now = timezone.now()
    tender = _locked(tender)
    _require_draft(tender)
    document = tender.documents.get(pk=document_id, amendment__isnull=True)
    before = {"document": document.pk, "title": document.title, "sha256": document.sha256}
    document.delete()
    audit_record(actor=user, action="tender.document_removed", obj=tender, before=before, at=now)


# --- The pre-publication check --------------------------------------------------------------------


def tender_check(*, tender: Tender, now: datetime) -> list[Problem]:
    """Every problem that stops publication, each tied to the builder section that fixes it."""
    problems: list[Problem] = []

    def add(section: str, field: str, message: str) -> None:
        problems.append(Problem(section, field, message))

    if not tender.title.strip():
        add("details", "title", "Enter the tender's title.")
    if tender.quality_weight + tender.price_weight != Decimal("100"):
        add("rules", "price_weight",
            f"Quality weight ({tender.quality_weight}) and price weight ({tender.price_weight}) must add up to 100.")
    lots = list(tender.lots.all())
    if not lots:
        add("lots", "lots", "Add at least one lot.")
    for lot in lots:
        if lot.guaranteed_minimum_hours is not None and lot.guaranteed_minimum_hours > lot.hours_per_week:
            add("lots", f"lot-{lot.number}",
                f"Lot {lot.number}: guaranteed minimum hours cannot be more than the lot's hours a week.")
        if lot.package_pricing and not lot.package_hours:
            add("lots", f"lot-{lot.number}", f"Lot {lot.number}: enter the hours in one package.")
    questions = list(tender.questions.all())
    if not questions:
        add("questions", "questions", "Add at least one quality question.")
    else:
        total = sum((q.weight for q in questions), Decimal("0"))
        if total != Decimal("100"):
            add("questions", "questions", f"Quality question weights must add up to 100 (they add up to {_num(total)}).")
    if tender.submission_deadline is None:
        add("dates", "submission_deadline", "Enter the submission deadline.")
    elif tender.submission_deadline <= now:
        add("dates", "submission_deadline", "The submission deadline must be in the future.")
    if tender.clarification_deadline and tender.submission_deadline and (
        tender.clarification_deadline > tender.submission_deadline
    ):
        add("dates", "clarification_deadline", "Clarification questions must close before the submission deadline.")
    if tender.contract_start and tender.submission_deadline and (
        tender.contract_start <= timezone.localtime(tender.submission_deadline, UK_TZ).date()
    ):
        add("dates", "contract_start", "The contract must start after the submission deadline.")
    if tender.contract_start and tender.contract_end and tender.contract_end <= tender.contract_start:
        add("dates", "contract_end", "The contract must end after it starts.")
    if tender.rate_preset_id is None:
        add("preset", "rate_preset", "Choose the cost-of-care model prices will be checked against.")
    return problems
