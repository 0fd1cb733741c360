"""The award sequence under the Procurement Act 2023: decision, award notice, contract, details notice.

Each service takes the server clock once, locks the tender, checks that its step is the next
one in `tenders.award_sequence` (409 otherwise, naming what must come first) and writes the
audit entry. Issuing the assessment summaries, the step between the decision and the
contract award notice, lives in `reports.services.award_issue_summaries` because it makes
the bidders' documents.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from accounts.permissions import can_award
from common.audit import audit_record
from common.errors import PermissionDeniedError, RuleViolation, TransitionNotAllowed
from common.timezone import UK_TZ
from evaluation.models import EvaluationRun
from tenders.award_sequence import AwardState, AwardStep, refusal
from tenders.models import Tender, TenderAward
from tenders.services._common import _ensure_can, _locked, _transition
from tenders.standstill import details_notice_due, standstill_end
from tenders.transitions import TenderStatus

if TYPE_CHECKING:
    from accounts.models import User

NOTICE_ID_MAX = 40


def uk_date(moment: datetime) -> date:
    """The UK calendar day of an aware datetime (standstill days are UK days)."""
    return timezone.localtime(moment, UK_TZ).date()


def _long(day: date) -> str:
    return day.strftime("%A %-d %B %Y")


def award_state(award: TenderAward | None) -> AwardState:
    if award is None:
        return AwardState()
    return AwardState(
        decided=True,
        summaries_issued=award.summaries_issued_at is not None,
        award_notice_published=award.award_notice_published_at is not None,
        contracted=award.contracted_at is not None,
        details_notice_published=award.details_notice_published_at is not None,
    )


def award_of(tender: Tender) -> TenderAward | None:
    """The tender's award with its run, whose stored documents load only if read."""
    return (
        TenderAward.objects.filter(tender=tender).select_related("evaluation_run")
        .defer(*(f"evaluation_run__{name}" for name in EvaluationRun.DOCUMENTS)).first()
    )


def require_award_user(user: User, what: str) -> None:
    if not can_award(user, None):
        raise PermissionDeniedError(f"Only a commissioner can {what}.")


def require_step(award: TenderAward | None, step: AwardStep) -> TenderAward:
    reason = refusal(award_state(award), step)
    if reason is not None:
        raise TransitionNotAllowed(reason)
    assert award is not None
    return award


def _locked_award(tender: Tender) -> TenderAward | None:
    return TenderAward.objects.select_for_update().filter(tender=tender).first()


def _check_published_at(published_at: datetime, *, now: datetime, not_before: datetime, before_label: str) -> None:
    if timezone.is_naive(published_at):
        raise RuleViolation("Give the publication time with its time zone (UK time).", field="published_at")
    if published_at > now:
        raise RuleViolation("The publication time cannot be in the future.", field="published_at")
    # Notices are recorded to the minute (as Find a Tender shows them), so compare minutes.
    if published_at < not_before.replace(second=0, microsecond=0):
        raise RuleViolation(f"The notice cannot have been published before {before_label}.", field="published_at")


def _clean_notice_id(notice_id: str) -> str:
    value = (notice_id or "").strip()
    if not value:
        raise RuleViolation("Give the Find a Tender notice identifier.", field="notice_id")
    if len(value) > NOTICE_ID_MAX:
        raise RuleViolation(f"The notice identifier is at most {NOTICE_ID_MAX} characters.", field="notice_id")
    return value


def standstill_earliest_entry(award: TenderAward) -> date | None:
    """First UK day the contract may be entered into; None before the notice is recorded."""
    if award.award_notice_published_at is None:
        return None
    if award.standstill_ends_on is None:
        return uk_date(award.award_notice_published_at)
    return award.standstill_ends_on + timedelta(days=1)


def details_notice_due_on(award: TenderAward) -> date | None:
    """s.53: last day to publish the contract details notice; None before the contract."""
    if award.contracted_at is None:
        return None
    return details_notice_due(uk_date(award.contracted_at), light_touch=award.light_touch)


@transaction.atomic
def tender_award(*, tender: Tender, user: User, note: str = "") -> Tender:
    """In evaluation -> awarded: the award decision, on the current stored evaluation run.

    The recording step only: every entry point (page, evaluation API, tender transition API)
    goes through `evaluation.services.evaluation_award`, which checks the preconditions and CQC
    again and calls this inside its transaction. Do not call it from an interface directly.

    The run must exist and not be provisional; the standstill terms (light-touch, observed,
    working days) are copied onto the award record so later edits cannot move them.
    """
    require_award_user(user, "award a tender")
    now = timezone.now()
    tender = _locked(tender)
    _ensure_can(tender, TenderStatus.AWARDED)
    existing = _locked_award(tender)
    if existing is not None:
        raise TransitionNotAllowed(refusal(award_state(existing), AwardStep.DECIDE) or "")
    run = EvaluationRun.objects.filter(tender=tender, is_current=True).first()
    if run is None:
        raise TransitionNotAllowed("Not yet: run the evaluation before the award decision.")
    if run.provisional:
        raise TransitionNotAllowed("Not yet: the evaluation is provisional; decide the price clarifications and re-run it.")
    award = TenderAward.objects.create(
        tender=tender, evaluation_run=run, decided_at=now, decided_by=user,
        light_touch=tender.light_touch,
        standstill_observed=tender.standstill_applies,
        standstill_working_days=tender.standstill_working_days,
    )  # fmt: skip
    tender = _transition(
        tender=tender, target=TenderStatus.AWARDED, user=user, now=now, note=note, extra={"awarded_at": now}
    )
    audit_record(
        actor=user, action="award.decided", obj=award,
        after={
            "tender": tender.reference, "evaluation_run": run.number, "results_digest": run.results_digest,
            "light_touch": award.light_touch, "standstill_observed": award.standstill_observed,
            "standstill_working_days": award.standstill_working_days,
        },
        note=note, at=now,
    )  # fmt: skip
    return tender


@transaction.atomic
def award_record_notice(*, tender: Tender, user: User, published_at: datetime, notice_id: str) -> TenderAward:
    """Record the contract award notice's publication on Find a Tender; the standstill runs from its UK day.

    Only after the assessment summaries have been issued (s.50(3): they go to the suppliers
    before the notice is published).
    """
    require_award_user(user, "record the contract award notice")
    now = timezone.now()
    tender = _locked(tender)
    award = require_step(_locked_award(tender), AwardStep.RECORD_AWARD_NOTICE)
    notice_id = _clean_notice_id(notice_id)
    assert award.summaries_issued_at is not None
    _check_published_at(
        published_at, now=now, not_before=award.summaries_issued_at,
        before_label="the assessment summaries were issued",
    )  # fmt: skip
    award.award_notice_published_at = published_at
    award.award_notice_id = notice_id
    award.award_notice_recorded_at = now
    award.award_notice_recorded_by = user
    # s.51: eight working days beginning with the day the notice is published (voluntary for light touch).
    award.standstill_ends_on = (
        standstill_end(uk_date(published_at), award.standstill_working_days) if award.standstill_applies else None
    )
    award.save(update_fields=[
        "award_notice_published_at", "award_notice_id", "award_notice_recorded_at", "award_notice_recorded_by",
        "standstill_ends_on",
    ])  # fmt: skip
    audit_record(
        actor=user, action="award.notice_recorded", obj=award,
        after={
            "tender": tender.reference, "published_at": published_at.isoformat(), "notice_id": notice_id,
            "standstill_ends_on": award.standstill_ends_on.isoformat() if award.standstill_ends_on else None,
        },
        at=now,
    )  # fmt: skip
    return award


@transaction.atomic
def tender_mark_contracted(*, tender: Tender, user: User) -> Tender:
    """Awarded -> contracted: only once the standstill has ended (s.51), or at once where none is observed."""
    require_award_user(user, "record the contract")
    now = timezone.now()
    tender = _locked(tender)
    _ensure_can(tender, TenderStatus.CONTRACTED)
    award = require_step(_locked_award(tender), AwardStep.ENTER_CONTRACT)
    earliest = standstill_earliest_entry(award)
    assert earliest is not None
    if uk_date(now) < earliest:
        assert award.standstill_ends_on is not None
        kind = "voluntary standstill" if award.light_touch else "standstill required by section 51"
        raise TransitionNotAllowed(
            f"The {kind} ends at midnight at the end of {_long(award.standstill_ends_on)}: "
            f"the contract can be entered into from {_long(earliest)}."
        )
    award.contracted_at = now
    award.contracted_by = user
    award.save(update_fields=["contracted_at", "contracted_by"])
    due = details_notice_due_on(award)
    return _transition(
        tender=tender, target=TenderStatus.CONTRACTED, user=user, now=now,
        note=f"Contract details notice due by {_long(due)} (s.53)." if due else "",
    )  # fmt: skip


@transaction.atomic
def award_record_details_notice(*, tender: Tender, user: User, published_at: datetime, notice_id: str) -> TenderAward:
    """Record the contract details notice's publication (s.53), after the contract is entered into."""
    require_award_user(user, "record the contract details notice")
    now = timezone.now()
    tender = _locked(tender)
    award = require_step(_locked_award(tender), AwardStep.RECORD_DETAILS_NOTICE)
    notice_id = _clean_notice_id(notice_id)
    assert award.contracted_at is not None
    _check_published_at(
        published_at, now=now, not_before=award.contracted_at, before_label="the contract was entered into"
    )
    award.details_notice_published_at = published_at
    award.details_notice_id = notice_id
    award.details_notice_recorded_at = now
    award.details_notice_recorded_by = user
    award.save(update_fields=[
        "details_notice_published_at", "details_notice_id", "details_notice_recorded_at", "details_notice_recorded_by",
    ])  # fmt: skip
    due = details_notice_due_on(award)
    audit_record(
        actor=user, action="award.details_notice_recorded", obj=award,
        after={
            "tender": tender.reference, "published_at": published_at.isoformat(), "notice_id": notice_id,
            "due_by": due.isoformat() if due else None, "late": bool(due and uk_date(published_at) > due),
        },
        at=now,
    )  # fmt: skip
    return award
