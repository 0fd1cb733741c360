"""The award pages: the award sequence step by step (commissioners act; legal staff can follow it).

Each page validates input, calls one service and shows the result; the order of the steps and
every rule live in `tenders.award_sequence` and the services, which refuse a step out of order.
"""
from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.permissions import can_award
from accounts.reauth import reauthentication_redirect
from common.errors import DomainError, PermissionDeniedError
from common.form_views import error_list
from common.http import AuthenticatedHttpRequest
from evaluation import services as evaluation_services
from reports import selectors, services
from reports.forms import NoticeForm
from reports.models import GeneratedReport
from reports.presenters import file_response
from reports.views import _require_reports_role, _tender
from tenders import services as tender_services
from tenders.award_sequence import AwardStep, next_step
from tenders.services.award import award_of, award_state, details_notice_due_on, standstill_earliest_entry, uk_date

ACTIONS = {
    "issue_summaries": AwardStep.ISSUE_SUMMARIES,
    "record_notice": AwardStep.RECORD_AWARD_NOTICE,
    "contracted": AwardStep.ENTER_CONTRACT,
    "details_notice": AwardStep.RECORD_DETAILS_NOTICE,
}


def _run(request: HttpRequest, call: Any, done: str, anchor: str = "main-content") -> tuple[bool, list[tuple[str, str]], int]:
    """Call a service; (ok, errors for the summary, HTTP status): 409 for a step out of order, 400 for bad input."""
    try:
        call()
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        return False, [(anchor, exc.message)], exc.status_code
    messages.success(request, done)
    return True, [], 200


@login_required
def award_page(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """GET: where the award sequence stands. POST action=...: take the next step."""
    _require_reports_role(request)
    tender = _tender(reference)
    errors: list[tuple[str, str]] = []
    status = 200
    notice_form = NoticeForm(prefix="notice")
    details_form = NoticeForm(prefix="details")
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            errors, status = [("main-content", "Choose one of the steps on this page.")], 400
        elif action == "issue_summaries":
            ok, errors, status = _run(
                request, lambda: services.award_issue_summaries(tender=tender, user=request.user),
                "The assessment summaries have been issued to every assessed bidder through the portal.",
            )
            if ok:
                return redirect("reports-award", reference=tender.reference)
        elif action == "contracted":
            ok, errors, status = _run(
                request, lambda: tender_services.tender_mark_contracted(tender=tender, user=request.user),
                "The contract is recorded as entered into.",
            )
            if ok:
                return redirect("reports-award", reference=tender.reference)
        else:
            form = NoticeForm(request.POST, prefix="notice" if action == "record_notice" else "details")
            service = (
                tender_services.award_record_notice if action == "record_notice"
                else tender_services.award_record_details_notice
            )
            if form.is_valid():
                ok, errors, status = _run(
                    request,
                    lambda: service(tender=tender, user=request.user, published_at=form.cleaned_data["published_at"],
                                    notice_id=form.cleaned_data["notice_id"]),
                    "The notice's publication is recorded.",
                    anchor=getattr(form["published_at"], "error_anchor", "main-content"),  # e.g. "cannot be in the future"
                )
                if ok:
                    return redirect("reports-award", reference=tender.reference)
            else:
                errors, status = error_list(form), 400
            if action == "record_notice":
                notice_form = form
            else:
                details_form = form
    award = award_of(tender)
    state = award_state(award)
    current = selectors.current_run(tender=tender)
    return render(request, "reports/pages/award.html", {
        "tender": tender,
        "award": award,
        "step": next_step(state).value,
        # A dict, not the enum class: templates would call the class.
        "steps": {s.name: s.value for s in AwardStep},
        "run": award.evaluation_run if award else current,  # award_of brings its run, without the stored documents
        "earliest_entry": standstill_earliest_entry(award) if award else None,
        "notice_day": uk_date(award.award_notice_published_at) if award and award.award_notice_published_at else None,
        "details_due": details_notice_due_on(award) if award else None,
        "bidders": selectors.bidder_outcomes(run=current),
        "issued": GeneratedReport.objects.filter(tender=tender, issued_at__isnull=False).select_related("provider")
        .order_by("provider__name", "kind"),
        "may_act": can_award(request.user, tender),
        "notice_form": notice_form,
        "details_form": details_form,
        "errors": errors,
    }, status=status)


@login_required
def award_decide(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The award decision behind a confirmation page: what happens, and what cannot be undone."""
    _require_reports_role(request)
    tender = _tender(reference)
    if not can_award(request.user, tender):
        raise PermissionDenied("Only a commissioner can award a tender.")
    errors: list[tuple[str, str]] = []
    status = 200
    if request.method == "POST":
        # Awarding cannot be undone: the password again if the sign-in is old (accounts.reauth).
        if answer := reauthentication_redirect(request):
            return answer
        if request.POST.get("confirm") != "on":
            errors, status = [("id_confirm", "Confirm that you want to award the tender.")], 400
        else:
            ok, errors, status = _run(
                request,
                lambda: evaluation_services.evaluation_award(
                    tender=tender, user=request.user, note=request.POST.get("note", "").strip()
                ),
                "The tender is awarded. Next: issue the assessment summaries.",
            )
            if ok:
                return redirect("reports-award", reference=tender.reference)
    run = selectors.current_run(tender=tender)
    return render(request, "reports/pages/award_decide.html", {
        "tender": tender,
        "run": run,
        "bidders": selectors.bidder_outcomes(run=run),
        "missing_feedback": selectors.missing_feedback(run=run),
        "errors": errors,
    }, status=status)


@login_required
def issued_document(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A bidder downloads a document issued to its organisation (assessment summary or letter)."""
    report = GeneratedReport.objects.filter(pk=pk).select_related("provider").first() if pk < 2**63 else None
    if report is None or not services.may_read_issued(request.user, report):
        raise Http404("No document with that number has been issued to you.")
    return file_response(report)
