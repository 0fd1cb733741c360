"""The one "bound form -> service -> errors onto the form -> success message -> redirect" block.

Views that take a form and call one service use `handle_form` instead of repeating it:

    response = handle_form(request, form, lambda data: service(..., **data), success="Saved.", redirect_to=url)
    if response is not None:
        return response
    return render(request, template, {"form": form}, status=400 if form.errors else 200)

A `DomainError` from the service lands on the field it names (or the whole form), so the
GOV.UK error summary links to it; a `PermissionDeniedError` becomes the 403 page. Pages that
answer a refusal with the service's own status (409 for a step the tender's stage no longer
allows) re-render with `form_status(form)`.

A button with nothing to fill in (a one-click step, a confirmation page's "Yes") uses
`handle_action`: there is no form to put a refusal on, so it goes back with an error message.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from common.errors import DomainError, PermissionDeniedError

# Where handle_form keeps the status of the service's refusal on the form it re-shows.
_REFUSAL_STATUS = "_refusal_status"

Attach = Callable[[BaseForm, DomainError], None]


def attach_error(
    form: BaseForm, exc: DomainError, field_map: Mapping[str, str] | None = None, default_field: str | None = None
) -> None:
    """Show a service's refusal against the field it names (renamed by field_map), else default_field or the form."""
    field = (field_map or {}).get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else default_field, exc.message)


def handle_form(
    request: HttpRequest,
    form: BaseForm,
    call: Callable[[dict[str, Any]], Any],
    *,
    success: str | Callable[[Any], str | None] | None,
    redirect_to: str | Callable[[Any], str],
    field_map: Mapping[str, str] | None = None,
    default_field: str | None = None,
    attach: Attach | None = None,
) -> HttpResponse | None:
    """Validate, call the service, and redirect with a success message; None means show the form again.

    redirect_to is an address (reverse() it), never a URL name; success=None redirects without a
    message (the next page says it already); a callable success or redirect_to gets the service's result
    (and success may answer None: no message for that result). A refusal lands on the field the service names
    (field_map renames service names to form fields; default_field takes the rest, else the whole
    form); `attach` replaces that placement for services whose refusals carry several fields.
    """
    if not form.is_valid():
        return None
    try:
        result = call(form.cleaned_data)
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        if attach is not None:
            attach(form, exc)
        else:
            attach_error(form, exc, field_map, default_field)
        setattr(form, _REFUSAL_STATUS, exc.status_code)
        return None
    _success_message(request, success, result)
    return HttpResponseRedirect(redirect_to(result) if callable(redirect_to) else redirect_to)


def _success_message(request: HttpRequest, success: str | Callable[[Any], str | None] | None, result: Any) -> None:
    text = success(result) if callable(success) else success
    if text is not None:
        messages.success(request, text)


def form_status(form: BaseForm) -> int:
    """The status to re-show a form with: 200 without errors, the service's refusal status, else 400 (invalid input)."""
    if not form.is_bound or not form.errors:
        return 200
    status: int = getattr(form, _REFUSAL_STATUS, 400)
    return status


def handle_action(
    request: HttpRequest,
    call: Callable[[], Any],
    *,
    success: str | Callable[[Any], str | None] | None,
    redirect_to: str | Callable[[Any], str],
    refused_to: str | None = None,
) -> HttpResponse:
    """Call the service and redirect: with a success message, or with its refusal as an error message.

    A refusal goes back to refused_to (default: redirect_to, which must then be an address);
    a `PermissionDeniedError` becomes the 403 page.
    """
    try:
        result = call()
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        back = refused_to if refused_to is not None else redirect_to
        if callable(back):
            raise TypeError("handle_action: give refused_to when redirect_to depends on the result") from exc
        return HttpResponseRedirect(back)
    _success_message(request, success, result)
    return HttpResponseRedirect(redirect_to(result) if callable(redirect_to) else redirect_to)


def error_list(form: BaseForm) -> list[tuple[str, str]]:
    """(anchor, message) pairs for the GOV.UK error summary (templates/_error_summary.html), in field order.

    A field's errors link to the field (a GOV.UK date input to its first part in error, through its
    `error_anchor`); the form's own errors, or errors on a name the form does not have, to the main content.
    """
    def anchor(name: str) -> str:
        if name not in form.fields:
            return "main-content"
        field = form[name]
        return getattr(field, "error_anchor", None) or field.auto_id or f"id_{name}"

    return [(anchor(name), str(message)) for name, errors in form.errors.items() for message in errors]
