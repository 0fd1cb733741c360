"""Generating award reports, bidder documents and exports, and storing them with their digests.

- `report_request(tender=..., kind=..., user=..., provider=None)`: a commissioner or the legal
  team asks for a document; a queued row is created and the Celery task enqueued on commit.
- `report_generate(report_id=...)`: the task's work. Reads the evaluation, renders the
  document (progress saved as it goes: "Lot 3 of 6: ..."), hashes it, and only then stores
  the file, SHA-256 and size on the row in one transaction. A failure marks the row failed
  with the error and no file; a row already done or failed is left alone (idempotent).
- `report_create_for_system(...)`: the same row without a requesting user, for the
  `award_report` command, which then calls `report_generate` itself.

Only the commissioner and legal roles may generate or download (`may_use_reports`).
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from accounts import permissions
from accounts.models import Role, User
from accounts.permissions import is_provider_user
from common.audit import audit_anchor, audit_record, audit_seal
from common.errors import PermissionDeniedError, RuleViolation
from common.tasks import queue
from notifications.models import NotificationKind
from notifications.services import notifications_send
from providers.models import Provider
from reports.building import award_report_context
from reports.context import context_digest
from reports.documents import render_document
from reports.models import PER_BIDDER_KINDS, GeneratedReport, ReportKind, ReportStatus
from reports.pdf import sha256_hex
from reports.selectors import current_run
from tenders.award_sequence import AwardStep
from tenders.models import Bid, BidOutcome, Tender, TenderAward
from tenders.services.award import require_award_user, require_step

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

logger = logging.getLogger(__name__)

REPORT_ROLES = (Role.COMMISSIONER, Role.LEGAL)
# Worth retrying: the database or the broker was briefly unreachable.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, ConnectionError)
MAX_ERROR_LENGTH = 2000


def may_use_reports(user: User | AnonymousUser) -> bool:
    """Award reports and exports hold every bidder's prices and scores: commissioners and legal only."""
    return permissions.can_read_reports(user)


def may_read_issued(user: User | AnonymousUser, report: GeneratedReport) -> bool:
    """A provider's own users read the documents issued to their organisation at award, once written."""
    return bool(
        is_provider_user(user) and report.issued_at is not None and report.provider_id == user.provider_id
        and report.is_downloadable
    )


def _require_reports_role(user: User) -> None:
    if not may_use_reports(user):
        raise PermissionDeniedError("Only commissioners and the legal team can generate or download award reports.")


def _label(user: User | None) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "system (manage.py award_report)"
    name: str = user.get_username()
    return name


def _check_kind(*, tender: Tender, kind: str, provider: Provider | None) -> Any:
    """The current run, after checking that it exists and that the kind and provider fit it."""
    if kind not in ReportKind.values:
        choices = ", ".join(ReportKind.values)
        raise RuleViolation(f"Unknown report kind {kind!r}: choose one of {choices}.", field="kind")
    run = current_run(tender=tender)
    if run is None:
        raise RuleViolation(
            f"{tender.reference} has not been evaluated yet: run the evaluation before generating reports."
        )
    if kind in PER_BIDDER_KINDS:
        if provider is None:
            raise RuleViolation("This document is addressed to one bidder: choose the provider.", field="provider")
        outcomes = _bidder_outcomes(run)
        if provider.pk not in outcomes:
            raise RuleViolation(f"{provider.name} has no bid in this tender's evaluation.", field="provider")
        if kind != ReportKind.ASSESSMENT_SUMMARY:
            expected = ReportKind.STANDSTILL_LETTER if outcomes[provider.pk] else ReportKind.UNSUCCESSFUL_LETTER
            if kind != expected:
                raise RuleViolation(
                    f"{provider.name} gets the {ReportKind(expected).label.removesuffix(' (PDF)').lower()}, "
                    f"not the {ReportKind(kind).label.removesuffix(' (PDF)').lower()}.",
                    field="kind",
                )
    elif provider is not None:
        raise RuleViolation("Only assessment summaries and letters are addressed to a provider.", field="provider")
    return run


def _bidder_outcomes(run: Any) -> dict[int, bool]:
    """Provider ID -> recommended for at least one lot, from the run's stored results."""
    out: dict[int, bool] = {}
    for lot in run.results["lots"]:
        for bid in lot["bids"]:
            if bid.get("provider_id") is None:
                continue
            pid = int(bid["provider_id"])
            out[pid] = out.get(pid, False) or bool(bid.get("recommended"))
    return out


def bidder_letter_kind(*, tender: Tender, provider: Provider) -> str:
    """standstill_letter for a bidder recommended for a lot in the current run, else unsuccessful_letter."""
    run = current_run(tender=tender)
    recommended = bool(run and _bidder_outcomes(run).get(provider.pk))
    return ReportKind.STANDSTILL_LETTER if recommended else ReportKind.UNSUCCESSFUL_LETTER


def _create(*, tender: Tender, kind: str, provider: Provider | None, user: User | None, run: Any, now: Any) -> GeneratedReport:
    report = GeneratedReport.objects.create(
        tender=tender, kind=kind, provider=provider, evaluation_run=run,
        requested_by=user if getattr(user, "is_authenticated", False) else None,
        requested_by_label=_label(user), created_at=now, progress_label="Waiting for a worker",
    )  # fmt: skip
    audit_record(
        actor=user or "system", action="report.requested", obj=report,
        after={"tender": tender.reference, "kind": kind, "provider": provider.name if provider else None,
               "evaluation_run": run.number},
        at=now,
    )  # fmt: skip
    return report


def _enqueue(report_id: int) -> None:
    queue("reports.tasks.generate_report", report_id)  # by name: reports.tasks imports this module


@transaction.atomic
def report_request(*, tender: Tender, kind: str, user: User, provider: Provider | None = None) -> GeneratedReport:
    """Queue a document for generation. Commissioner or legal; the tender must have an evaluation run.

    Asking again for a document that is still queued or running returns that row rather
    than queueing a second one (a double click); a finished one can be regenerated.
    """
    _require_reports_role(user)
    now = timezone.now()
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    run = _check_kind(tender=tender, kind=kind, provider=provider)
    pending = GeneratedReport.objects.filter(
        tender=tender, kind=kind, provider=provider, status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING]
    ).first()
    if pending is not None:
        return pending
    report = _create(tender=tender, kind=kind, provider=provider, user=user, run=run, now=now)
    transaction.on_commit(lambda: _enqueue(report.pk))
    return report


@transaction.atomic
def report_create_for_system(*, tender: Tender, kind: str, provider: Provider | None = None) -> GeneratedReport:
    """A queued row for the `award_report` command, which generates it in-process (no task)."""
    now = timezone.now()
    run = _check_kind(tender=tender, kind=kind, provider=provider)
    return _create(tender=tender, kind=kind, provider=provider, user=None, run=run, now=now)


def _progress(report_id: int, done: int, total: int, label: str) -> None:
    """Saved at once, outside the long work's transaction, so the page polling it sees it move."""
    total = max(total, done, 1)
    GeneratedReport.objects.filter(pk=report_id).update(
        progress_done=done, progress_total=total, progress_label=label[:200]
    )


def _start(report_id: int, now: Any) -> GeneratedReport | None:
    """Mark the row running; None when it is already finished (done or failed) or gone."""
    with transaction.atomic():
        # of=self: PostgreSQL cannot lock the nullable side (provider) of an outer join.
        report = GeneratedReport.objects.select_for_update(of=("self",)).select_related(
            "tender", "provider", "evaluation_run"
        ).filter(pk=report_id).first()
        if report is None or report.is_finished:
            return None
        report.status = ReportStatus.RUNNING
        report.started_at = now
        report.attempts += 1
        report.error = ""
        report.progress_done = 0
        report.progress_total = 1
        report.progress_label = "Reading the evaluation"
        report.save(update_fields=["status", "started_at", "attempts", "error", "progress_done", "progress_total",
                                   "progress_label"])
    return report


def report_fail(*, report_id: int, message: str) -> GeneratedReport | None:
    """Mark an unfinished report failed with its error; it keeps no file. A finished one is left alone."""
    now = timezone.now()
    with transaction.atomic():
        report = GeneratedReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.is_finished:
            return report
        report.status = ReportStatus.FAILED
        report.error = message[:MAX_ERROR_LENGTH]
        report.finished_at = now
        report.progress_label = "Failed"
        report.save(update_fields=["status", "error", "finished_at", "progress_label"])
        audit_record(actor="system", action="report.failed", obj=report, after={"error": report.error}, at=now)
    return report


def report_generate(*, report_id: int) -> GeneratedReport | None:
    """Render, hash and store one queued report; see the module docstring.

    Transient database or connection errors are raised for the task to retry (the row stays
    running, with no file); any other error marks the row failed with the message.
    """
    now = timezone.now()
    report = _start(report_id, now)
    if report is None:
        return GeneratedReport.objects.filter(pk=report_id).first()
    try:
        audit_seal()  # the audit appendix lists entries with their place in the chain (common/audit.py)
        context = award_report_context(
            tender=report.tender, generated_at=now, generated_by=_generated_by(report),
            run=report.evaluation_run,
        )  # fmt: skip
        digest = context_digest(context)
        provider_key = str(report.provider_id) if report.provider_id else None
        # Step 1 was reading the evaluation; the renderer's steps follow; the last step stores the file.
        steps = {"done": 1, "total": 2}

        def progress(done: int, total: int, label: str) -> None:
            steps["done"], steps["total"] = done + 1, total + 2
            _progress(report_id, steps["done"], steps["total"], label)

        progress(0, 1, "Evaluation read")
        rendered = render_document(context, report.kind, provider_key, progress)
        sha = sha256_hex(rendered.data)
        _progress(report_id, steps["total"] - 1, steps["total"], "Storing the file")
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:  # noqa: BLE001 - any rendering failure is recorded on the row for the user
        logger.exception("report %s failed", report_id)
        return report_fail(report_id=report_id, message=_error_text(exc))
    return _store(report_id=report_id, data=rendered.data, filename=rendered.filename,
                  content_type=rendered.content_type, sha=sha, digest=digest)


def _generated_by(report: GeneratedReport) -> str:
    user = report.requested_by
    if user is None:
        return report.requested_by_label
    return f"{user.get_full_name() or user.get_username()} ({user.get_username()})"


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip() or exc.__class__.__name__
    return f"{exc.__class__.__name__}: {text}" if not isinstance(exc, (ValueError, RuleViolation)) else text


def _store(
    *, report_id: int, data: bytes, filename: str, content_type: str, sha: str, digest: str
) -> GeneratedReport | None:
    """Save the finished file and its digest in one transaction; the file is removed if that fails."""
    now = timezone.now()
    saved_name = ""
    try:
        with transaction.atomic():
            report = GeneratedReport.objects.select_for_update(of=("self",)).select_related("tender").get(pk=report_id)
            if report.is_finished:
                return report  # another attempt finished it first
            report.file.save(filename, ContentFile(data), save=False)
            saved_name = report.file.name or ""
            report.filename = filename
            report.content_type = content_type
            report.sha256 = sha
            report.size = len(data)
            report.context_digest = digest
            report.status = ReportStatus.DONE
            report.finished_at = now
            report.progress_done = report.progress_total = max(report.progress_total, 1)
            report.progress_label = "Done"
            report.save()
            audit_record(
                actor=report.requested_by or "system", action="report.generated", obj=report,
                after={"tender": report.tender.reference, "kind": report.kind, "file": filename, "sha256": sha,
                       "size": len(data), "context_digest": digest},
                at=now,
            )  # fmt: skip
            # The chain head as this report saw it: verify_audit finds a later cut or rewrite (common/audit.py).
            audit_anchor(reason="report.generated", obj=report, at=now)
    except BaseException:
        if saved_name:
            GeneratedReport._meta.get_field("file").storage.delete(saved_name)
        raise
    return report


# --- The award sequence: assessment summaries to every assessed bidder ------------------------


def _issue_documents(*, tender: Tender, run: Any, provider: Provider, successful: bool, user: User, now: Any) -> list[int]:
    """The bidder's assessment summary and letter, queued from the award's run and marked issued."""
    letter = ReportKind.STANDSTILL_LETTER if successful else ReportKind.UNSUCCESSFUL_LETTER
    ids = []
    for kind in (ReportKind.ASSESSMENT_SUMMARY, letter):
        report = _create(tender=tender, kind=kind, provider=provider, user=user, run=run, now=now)
        report.issued_at = now
        report.save(update_fields=["issued_at"])
        ids.append(report.pk)
    return ids


@transaction.atomic
def award_issue_summaries(*, tender: Tender, user: User) -> int:
    """Issue each assessed bidder its assessment summary and letter through the portal (s.50(3), reg 31).

    After the award decision and before the contract award notice. Each bid's outcome is set
    (successful if recommended for a lot in the award's stored run, else unsuccessful), its
    organisation is notified, and the documents are generated from that run and shown on the
    bid page. Returns the number of bidders.
    """
    require_award_user(user, "issue the assessment summaries")
    now = timezone.now()
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    award = require_step(TenderAward.objects.select_for_update().filter(tender=tender).first(), AwardStep.ISSUE_SUMMARIES)
    run = award.evaluation_run
    outcomes = _bidder_outcomes(run)
    bids = {b.provider_id: b for b in Bid.objects.select_for_update().filter(tender=tender, provider_id__in=outcomes)}
    queued: list[int] = []
    for provider in Provider.objects.filter(pk__in=outcomes).order_by("name"):
        successful = outcomes[provider.pk]
        bid = bids.get(provider.pk)
        if bid is not None:
            bid.outcome = BidOutcome.SUCCESSFUL if successful else BidOutcome.UNSUCCESSFUL
            bid.outcome_issued_at = now
            bid.save(update_fields=["outcome", "outcome_issued_at"])
        queued += _issue_documents(tender=tender, run=run, provider=provider, successful=successful, user=user, now=now)
        notifications_send(
            provider_ids=[provider.pk], tender_id=tender.pk, kind=NotificationKind.AWARD_OUTCOME,
            message=(
                f"The outcome of your tender for {tender.title} ({tender.reference}): "
                f"{'successful' if successful else 'unsuccessful'}. Your assessment summary and letter are on your bid page."
            ),
            link=f"/portal/bids/{bid.reference}/" if bid is not None else f"/portal/tenders/{tender.reference}/",
            now=now,
        )  # fmt: skip
    award.summaries_issued_at = now
    award.summaries_issued_by = user
    award.save(update_fields=["summaries_issued_at", "summaries_issued_by"])
    audit_record(
        actor=user, action="award.summaries_issued", obj=award,
        after={"tender": tender.reference, "evaluation_run": run.number,
               "bidders": {p.name: outcomes[p.pk] for p in Provider.objects.filter(pk__in=outcomes)}},
        at=now,
    )  # fmt: skip
    for report_id in queued:
        transaction.on_commit(functools.partial(_enqueue, report_id))
    return len(outcomes)
