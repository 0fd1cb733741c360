"""Reports pages: evaluated tenders, a tender's documents (generate, progress, download). Commissioners and legal."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from common.errors import DomainError, PermissionDeniedError
from common.http import AuthenticatedHttpRequest
from providers.models import Provider
from reports import selectors, services
from reports.models import GeneratedReport, ReportKind
from reports.presenters import file_response
from tenders.models import Tender

# The whole-tender documents offered as buttons, in the order shown.
TENDER_DOCUMENTS = (
    (ReportKind.AWARD_REPORT, "Generate the award report"),
    (ReportKind.EVALUATION_MATRIX_XLSX, "Evaluation matrix (XLSX)"),
    (ReportKind.EVALUATION_MATRIX_CSV, "Evaluation matrix (CSV)"),
    (ReportKind.CQC_SNAPSHOT, "CQC ratings of all bidders (XLSX)"),
)


def _require_reports_role(request: HttpRequest) -> None:
    if not services.may_use_reports(request.user):
        raise PermissionDenied("Award reports are for commissioners and the legal team.")


def _tender(reference: str) -> Tender:
    tender = Tender.objects.filter(reference=reference).first()
    if tender is None:
        raise Http404("No such tender.")
    return tender


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Tenders with an evaluation run, each linking to its reports."""
    _require_reports_role(request)
    return render(request, "reports/pages/index.html", {"tenders": selectors.evaluated_tenders()})


def _provider(value: str) -> Provider | None:
    if not value:
        return None
    try:
        return Provider.objects.get(pk=int(value))
    except (ValueError, Provider.DoesNotExist):
        raise DomainError("Choose one of the bidders listed.", field="provider") from None


@login_required
def tender_reports(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """GET: the documents offered and those generated. POST kind (and provider): queue one, then show it."""
    _require_reports_role(request)
    tender = _tender(reference)
    errors: list[tuple[str, str]] = []
    status = 200
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        try:
            provider = _provider(request.POST.get("provider", ""))
            if kind == "bidder_letter" and provider is not None:
                kind = services.bidder_letter_kind(tender=tender, provider=provider)
            report = services.report_request(tender=tender, kind=kind, user=request.user, provider=provider)
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            errors.append(("main-content", exc.message))
            status = 400
        else:
            report.refresh_from_db()
            if report.is_finished:
                messages.success(request, f"{report.get_kind_display()}: {report.get_status_display().lower()}.")
            else:
                messages.info(request, f"{report.get_kind_display()} queued: its progress is shown below.")
            return redirect("reports-tender", reference=tender.reference)
    run = selectors.current_run(tender=tender)
    reports = selectors.tender_reports(tender=tender)
    return render(request, "reports/pages/tender.html", {
        "tender": tender,
        "run": run,
        "documents": TENDER_DOCUMENTS,
        "bidders": selectors.bidder_outcomes(run=run),
        "reports": reports,
        "any_running": any(not r.is_finished for r in reports),
        "errors": errors,
    }, status=status)


@login_required
def download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The stored file as an attachment, under its own name, with its recorded SHA-256 in a header."""
    _require_reports_role(request)
    report = GeneratedReport.objects.filter(pk=pk).first() if pk < 2**63 else None
    if report is None or not report.is_downloadable:
        raise Http404("No finished report with that number.")
    return file_response(report)
