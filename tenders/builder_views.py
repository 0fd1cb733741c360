"""The tender builder (GOV.UK task list) and the commissioner's lifecycle actions, each behind a confirmation page.

Thin views: a form reads the input, one service decides and writes the audit trail, and its
problems land on the form's fields (`handle_form` with `_attach`). Only commissioners build or move tenders
(`may_configure_tenders`); a tender that is no longer a draft is changed by amendment only.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.reauth import reauthentication_redirect
from common.errors import DomainError
from common.form_views import attach_error, error_list, handle_action, handle_form
from common.http import AuthenticatedHttpRequest
from tenders import builder_forms as bf
from tenders import services
from tenders.models import Tender
from tenders.services.drafting import may_configure_tenders
from tenders.transitions import TenderStatus

# --- helpers ------------------------------------------------------------------------------------


def _commissioner(request: HttpRequest) -> None:
    if not may_configure_tenders(request.user):
        raise PermissionDenied("Only a commissioner can set up or change a tender.")


def _tender(reference: str) -> Tender:
    tender = Tender.objects.select_related("rate_preset").filter(reference=reference).first()
    if tender is None:
        raise Http404("No such tender.")
    return tender


def _draft(request: HttpRequest, reference: str) -> Tender | HttpResponse:
    """The draft to edit, or a redirect to its page when it has been published (amend it instead)."""
    _commissioner(request)
    tender = _tender(reference)
    if tender.status != TenderStatus.DRAFT:
        messages.info(request, services.drafting.AMEND_INSTEAD)
        return redirect("tender-detail", tender.reference)
    return tender


def _data(request: HttpRequest) -> QueryDict | None:
    """Bind forms on POST even when nothing was sent (an unticked box, a bare confirmation)."""
    return request.POST if request.method == "POST" else None


def _attach(form: forms.BaseForm, exc: DomainError) -> None:
    """A draft's refusal names several fields ("lots.0.hours" is the form's "hours"): each message lands on its own."""
    if not isinstance(exc, services.DraftInvalid):
        attach_error(form, exc)
        return
    for key, messages_ in exc.errors.items():
        name = key.split(".")[-1]
        for message in messages_:
            form.add_error(name if name in form.fields else None, message)


def _tasks_url(saved: Tender) -> str:
    return reverse("builder-tasks", args=[saved.reference])


def _section_page(request: HttpRequest, tender: Tender, form: forms.BaseForm, title: str, **extra: Any) -> HttpResponse:
    return render(request, "tenders/builder/section.html", {
        "tender": tender, "form": form, "title": title, "errors": error_list(form), **extra,
    }, status=400 if form.is_bound and form.errors else 200)



# --- create and copy ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def tender_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create a tender: its details first, then the task list."""
    _commissioner(request)
    form = bf.DetailsForm(_data(request), creating=True)
    if request.method == "POST" and (done := handle_form(
        request, form,
        lambda data: services.tender_create(
            user=request.user, values={k: v for k, v in data.items() if v not in ("", None) or k == "description"}),
        success=lambda tender: f"Tender {tender.reference} created as a draft.", redirect_to=_tasks_url, attach=_attach,
    )):
        return done
    return render(request, "tenders/builder/section.html", {
        "tender": None, "form": form, "title": "Create a tender", "errors": error_list(form),
        "back": reverse("home"),
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def tender_copy(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    _commissioner(request)
    source = _tender(reference)
    form = bf.CopyForm(_data(request))
    if request.method == "POST" and (done := handle_form(
        request, form,
        lambda data: services.tender_copy(tender=source, user=request.user, reference=data["reference"]),
        success=lambda copy: f"{copy.reference} is a copy of {source.reference}. Set its dates before publishing.",
        redirect_to=_tasks_url, attach=_attach,
    )):
        return done
    return render(request, "tenders/builder/confirm.html", {
        "tender": source, "form": form, "errors": error_list(form), "title": f"Copy {source.reference}",
        "explain": [
            "A new draft tender is made with the same details, lots, quality questions, evaluation rules and"
            " specification documents (addenda are not copied).",
            "Dates are left empty and the current cost-of-care model is chosen, so check both.",
            f"{source.reference} itself does not change.",
        ],
        "button": "Copy this tender", "button_class": "",
    }, status=400 if form.errors else 200)


# --- the task list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    name: str
    url: str
    status: str  # "Completed", "Incomplete", "Not yet started", "Optional"
    hint: str = ""


SECTIONS = (
    ("details", "Tender details", "builder-details"),
    ("lots", "Lots", "builder-lots"),
    ("questions", "Quality questions", "builder-questions"),
    ("rules", "Evaluation rules", "builder-rules"),
    ("minutes", "Minute basis and visit mix", "builder-minutes"),
    ("preset", "Cost-of-care model", "builder-preset"),
    ("dates", "Dates", "builder-dates"),
    ("standstill", "Standstill", "builder-standstill"),
    ("documents", "Specification documents", "builder-documents"),
)


def tasks_for(tender: Tender) -> list[Task]:
    problems = services.tender_check(tender=tender, now=timezone.now())
    by_section: dict[str, list[str]] = {}
    for problem in problems:
        by_section.setdefault(problem.section, []).append(problem.message)
    started = {
        "details": bool(tender.title and tender.reference),
        "lots": tender.lots.exists(),
        "questions": tender.questions.exists(),
        "rules": True,
        "minutes": True,
        "preset": tender.rate_preset_id is not None,
        "dates": tender.submission_deadline is not None,
        "standstill": True,
        "documents": tender.documents.exists(),
    }
    tasks = []
    for key, name, url_name in SECTIONS:
        if key == "standstill" and not bf.StandstillForm.base_fields:
            continue
        hint = ""
        if key == "documents":
            status = "Completed" if started[key] else "Optional"
        elif by_section.get(key):
            status = "Incomplete" if started[key] else "Not yet started"
            hint = by_section[key][0]
        else:
            status = "Completed" if started[key] else "Not yet started"
        if key == "preset":
            warning = services.preset_warning(tender=tender)
            if warning:
                hint = warning
        tasks.append(Task(name, reverse(url_name, args=[tender.reference]), status, hint))
    return tasks


@login_required
def builder_tasks(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    tender = _draft(request, reference)
    if isinstance(tender, HttpResponse):
        return tender
    tasks = tasks_for(tender)
    done = sum(task.status in ("Completed", "Optional") for task in tasks)
    return render(request, "tenders/builder/tasks.html", {
        "tender": tender, "tasks": tasks, "done": done, "total": len(tasks),
    })


# --- one page per section --------------------------------------------------------------------------


def _tender_section(form_class: type[forms.ModelForm[Tender]], title: str, *, intro: str = "") -> Callable[..., HttpResponse]:
    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
        tender = _draft(request, reference)
        if isinstance(tender, HttpResponse):
            return tender
        form = form_class(_data(request), instance=tender)

        def save(data: dict[str, Any]) -> Tender:
            values = dict(data)
            if "visit_mix" in values:
                values["expected_visit_mix"] = values.pop("visit_mix")
            # Re-read the tender so a refused save leaves nothing half-applied on the page.
            fresh = Tender.objects.get(pk=tender.pk)
            return services.tender_update_draft(tender=fresh, user=request.user, values=values)

        if request.method == "POST" and (done := handle_form(
            request, form, save, success=f"{title} saved.", redirect_to=_tasks_url, attach=_attach,
        )):
            return done
        extra: dict[str, Any] = {"intro": intro}
        if form_class is bf.PresetForm:
            extra["warning"] = services.preset_warning(tender=tender)
        return _section_page(request, tender, form, title, **extra)

    view.__name__ = f"builder_{form_class.__name__.lower()}"
    return view


builder_details = _tender_section(bf.DetailsForm, "Tender details")
builder_rules = _tender_section(
    bf.RulesForm, "Evaluation rules",
    intro="These rules are published with the tender and cannot change afterwards except by amendment.",
)
builder_minutes = _tender_section(
    bf.MinutesForm, "Minute basis and visit mix",
    intro="The unit providers price: the minutes of provider time one billed hour buys.",
)
builder_preset = _tender_section(
    bf.PresetForm, "Cost-of-care model",
    intro="Every price is checked against this model. Choose the year that covers the contract start.",
)
builder_dates = _tender_section(bf.DatesForm, "Dates")
builder_standstill = _tender_section(
    bf.StandstillForm, "Standstill",
    intro=(
        "Homecare, crisis care and reablement are light-touch services: the mandatory standstill (Procurement"
        " Act 2023 s.51) does not apply, but you may observe a voluntary one."
    ),
)


def _child_list(kind: str) -> Callable[..., HttpResponse]:
    @login_required
    def view(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
        tender = _draft(request, reference)
        if isinstance(tender, HttpResponse):
            return tender
        rows = tender.lots.select_related("zone") if kind == "lots" else tender.questions.all()
        total = sum((q.weight for q in tender.questions.all()), 0) if kind == "questions" else None
        return render(request, f"tenders/builder/{kind}.html", {"tender": tender, "rows": rows, "total_weight": total})

    view.__name__ = f"builder_{kind}"
    return view


builder_lots = _child_list("lots")
builder_questions = _child_list("questions")


# One lot or question: the same page for both, told apart by what it edits and which service saves it.
_CHILD_ITEMS: dict[str, tuple[Any, Callable[..., Any], str, str]] = {
    "lots": (bf.LotForm, services.tender_lot_save, "Lot", "Add a lot"),
    "questions": (bf.QuestionForm, services.tender_question_save, "Question", "Add a quality question"),
}


def _child_item(kind: str) -> Callable[..., HttpResponse]:
    form_class, save, label, add_title = _CHILD_ITEMS[kind]

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: AuthenticatedHttpRequest, reference: str, number: int | None = None) -> HttpResponse:
        tender = _draft(request, reference)
        if isinstance(tender, HttpResponse):
            return tender
        item = getattr(tender, kind).filter(number=number).first() if number else None
        if number and item is None:
            raise Http404(f"No such {label.lower()}.")
        form = form_class(_data(request), instance=item)
        if request.method == "POST" and (done := handle_form(
            request, form, lambda data: save(tender=tender, user=request.user, number=number, values=data),
            success=lambda saved: f"{label} {saved.number} saved.",
            redirect_to=reverse(f"builder-{kind}", args=[tender.reference]), attach=_attach,
        )):
            return done
        title = f"{label} {number}" if number else add_title
        return _section_page(request, tender, form, title, back=reverse(f"builder-{kind}", args=[tender.reference]))

    view.__name__ = f"builder_{kind[:-1]}"
    return view


builder_lot = _child_item("lots")
builder_question = _child_item("questions")


@login_required
@require_http_methods(["POST"])
def builder_remove(request: AuthenticatedHttpRequest, reference: str, kind: str, number: int) -> HttpResponse:
    if kind not in ("lots", "questions"):
        raise Http404("Nothing to remove here.")
    tender = _draft(request, reference)
    if isinstance(tender, HttpResponse):
        return tender
    remove = services.tender_lot_remove if kind == "lots" else services.tender_question_remove
    return handle_action(
        request, lambda: remove(tender=tender, user=request.user, number=number),
        success=f"{'Lot' if kind == 'lots' else 'Question'} {number} removed.",
        redirect_to=reverse(f"builder-{kind}", args=[tender.reference]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def builder_documents(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    tender = _draft(request, reference)
    if isinstance(tender, HttpResponse):
        return tender
    form = bf.DocumentForm(_data(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and "remove" in request.POST:
        return handle_action(
            request,
            lambda: services.tender_document_remove(tender=tender, user=request.user,
                                                    document_id=int(request.POST["remove"])),
            success="Document removed.", redirect_to=reverse("builder-documents", args=[tender.reference]),
        )
    if request.method == "POST" and (done := handle_form(
        request, form,
        lambda data: services.tender_document_add(
            tender=tender, user=request.user, title=data["title"], name=data["file"].name,
            data=data["file"].read(services.drafting.DOCUMENT_MAX_BYTES + 1)),
        success=lambda document: f"{document.title} added.",
        redirect_to=reverse("builder-documents", args=[tender.reference]), attach=_attach,
    )):
        return done
    return render(request, "tenders/builder/documents.html", {
        "tender": tender, "form": form, "errors": error_list(form),
        "documents": tender.documents.filter(amendment__isnull=True),
    }, status=400 if form.errors else 200)


# --- check and publish ------------------------------------------------------------------------------


@login_required
def builder_check(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Every problem at once (GOV.UK error summary), and a preview as providers will see the tender."""
    tender = _draft(request, reference)
    if isinstance(tender, HttpResponse):
        return tender
    problems = services.tender_check(tender=tender, now=timezone.now())
    section_urls = {key: reverse(url_name, args=[tender.reference]) for key, _, url_name in SECTIONS}
    lots = list(tender.lots.select_related("zone"))
    return render(request, "tenders/builder/check.html", {
        "tender": tender, "problems": [(section_urls.get(p.section, "#"), p.message) for p in problems],
        "lots": lots, "total_hours": sum(lot.hours_per_week for lot in lots),
        "warning": services.preset_warning(tender=tender),
    })


# --- lifecycle actions, each behind a confirmation page ------------------------------------------------


@dataclass(frozen=True)
class Action:
    verb: str
    label: str
    explain: tuple[str, ...]
    button_class: str = ""


ACTIONS = {
    "publish": Action("publish", "Publish this tender", (
        "Every approved provider is told about it and it appears in the provider portal at once.",
        "Providers can ask clarification questions and submit bids until the deadline.",
        "After this you can change it only by amendment, which tells bidders and asks them to re-confirm.",
        "It closes automatically at the submission deadline; it cannot be closed early.",
    )),
    "start-evaluation": Action("start-evaluation", "Start the evaluation", (
        "The tender moves to evaluation: the panel scores the opened bids.",
        "Bids can no longer be opened again or withdrawn.",
    )),
    "cancel": Action("cancel", "Cancel this tender", (
        "The tender stops for good: no bids can be submitted, opened or awarded, and it cannot be restarted.",
        "Your reason is kept in the audit trail.",
    ), "govuk-button--warning"),
}


@login_required
@require_http_methods(["GET", "POST"])
def tender_action(request: AuthenticatedHttpRequest, reference: str, verb: str) -> HttpResponse:
    _commissioner(request)
    tender = _tender(reference)
    action = ACTIONS.get(verb)
    if action is None:
        raise Http404("No such action.")
    if request.method == "POST" and verb in ("publish", "cancel") and (answer := reauthentication_redirect(request)):
        return answer  # neither can be undone: the password again if signed in long ago, then press the button again
    form: forms.Form = bf.CancelForm(_data(request)) if verb == "cancel" else forms.Form(_data(request))
    problems: list[str] = []
    if verb == "publish" and tender.status == TenderStatus.DRAFT:
        problems = [p.message for p in services.tender_check(tender=tender, now=timezone.now())]
    call: Callable[[dict[str, Any]], Tender] = {
        "publish": lambda data: services.tender_publish(tender=tender, user=request.user),
        "start-evaluation": lambda data: services.tender_start_evaluation(tender=tender, user=request.user),
        "cancel": lambda data: services.tender_cancel(tender=tender, user=request.user, reason=data["reason"]),
    }[verb]
    if request.method == "POST" and (done := handle_form(
        request, form, call,
        success={
            "publish": f"{tender.reference} is published. Providers can now see it in the portal.",
            "start-evaluation": "The evaluation has started.",
            "cancel": f"{tender.reference} is cancelled.",
        }[verb],
        redirect_to=reverse("tender-detail", args=[tender.reference]), attach=_attach,
    )):
        return done
    return render(request, "tenders/builder/confirm.html", {
        "tender": tender, "form": form, "errors": error_list(form) + [("main-content", p) for p in problems],
        "title": action.label, "explain": action.explain, "button": action.label,
        "button_class": action.button_class, "blocked": bool(problems),
    }, status=400 if form.errors else 200)
