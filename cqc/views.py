"""CQC pages: provider lookup (commissioning side), imports and their progress (commissioners upload)."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accounts import permissions
from common.errors import DomainError
from common.form_views import handle_form
from common.http import AuthenticatedHttpRequest
from cqc import selectors
from cqc.forms import UploadForm
from cqc.models import CQCImport
from cqc.presenters import KEY_QUESTION_LABELS, provider_lookup_data
from cqc.services import can_import, cqc_import_upload, inline_max_bytes, max_upload_bytes


def _commissioning_side(request: HttpRequest) -> None:
    if not permissions.can_view_market_data(request.user):
        raise PermissionDenied("CQC data is for the commissioning side.")


@login_required
def lookup(request: AuthenticatedHttpRequest, cqc_provider_id: str | None = None) -> HttpResponse:
    """Look a provider up by CQC provider ID: its locations, ratings and any Inadequate rows."""
    _commissioning_side(request)
    provider_id = (cqc_provider_id if cqc_provider_id is not None else request.GET.get("provider_id", "")).strip()
    errors: list[tuple[str, str]] = []
    result = None
    status = 200
    if provider_id:
        found = selectors.provider_lookup(provider_id)
        if found is None:
            errors.append(("provider_id", f"No CQC provider {provider_id} in the imported CQC data: check the ID "
                                          "on cqc.org.uk, or import a newer ratings file"))
            status = 404 if cqc_provider_id is not None else 200
        else:
            result = provider_lookup_data(found)
    elif "provider_id" in request.GET:
        errors.append(("provider_id", "Enter a CQC provider ID, like 1-101234567"))
    return render(request, "cqc/lookup.html", {
        "provider_id": provider_id,
        "result": result,
        "errors": errors,
        "key_questions": list(KEY_QUESTION_LABELS.values()),
        "latest": selectors.latest_import(),
        "can_import": can_import(request.user),
    }, status=status)


@login_required
def import_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _commissioning_side(request)
    return render(request, "cqc/import_list.html", {
        "imports": selectors.import_list(limit=50),
        "can_import": can_import(request.user),
    })


@login_required
def import_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload CQC's ratings file. Small files are imported at once; large ones go to the worker."""
    if not can_import(request.user):
        raise PermissionDenied("Only a commissioner or an administrator can import CQC ratings.")
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    errors: list[tuple[str, str]] = []
    status = 200
    if request.method == "POST":
        if done := handle_form(
            request, form, lambda data: cqc_import_upload(upload=data["file"], user=request.user),
            success=_imported, redirect_to=lambda cqc_import: reverse("cqc-import-detail", args=[cqc_import.pk]),
            attach=_not_imported,
        ):
            return done
        errors = [("id_file", str(message)) for message in form.errors.get("file", [])]
        status = 400
    return render(request, "cqc/import_new.html", {
        "form": form,
        "errors": errors,
        "inline_mb": inline_max_bytes() / 1e6,
        "max_mb": round(max_upload_bytes() / 1e6),
    }, status=status)


def _imported(cqc_import: CQCImport) -> str | None:
    """The counts, once imported in the request; a queued import's page shows its progress instead."""
    if not cqc_import.is_finished:
        return None
    return (f"Imported {cqc_import.filename}: {cqc_import.count_new} new, {cqc_import.count_updated} updated, "
            f"{cqc_import.count_unchanged} unchanged, {cqc_import.count_rejected} rows rejected.")


def _not_imported(form: BaseForm, exc: DomainError) -> None:
    """Every refusal is about the one file uploaded."""
    form.add_error("file", f"The file could not be imported, so nothing was changed: {exc.message}")


@login_required
def import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An import's status; while it runs, static/js/progress.js polls the API and updates the bar."""
    _commissioning_side(request)
    cqc_import = CQCImport.objects.select_related("uploaded_by").filter(pk=pk).first()
    if cqc_import is None:
        raise Http404("No such CQC import.")
    return render(request, "cqc/import_detail.html", {
        "cqc_import": cqc_import,
        "rejected_shown": cqc_import.rejected_reasons[:200],
    })
