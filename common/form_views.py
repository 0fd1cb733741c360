"""The one "bound form -> service -> errors onto the form -> success message -> redirect" block.

Views that take a form and call one service use `handle_form` instead of repeating it:

    response = handle_form(request, form, lambda data: service(..., **data), success="Saved.", redirect_to=url)
    if response is not None:
        return response
    return render(request, template, {"form": form}, status=400)

A `DomainError` from the service lands on the field it names (or the whole form), so the
GOV.UK error summary links to it; a `PermissionDeniedError` becomes the 403 page.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from common.errors import DomainError, PermissionDeniedError


def handle_form(
    request: HttpRequest,
    form: Form,
    call: Callable[[dict[str, Any]], Any],
    *,
    success: str | Callable[[Any], str],
    redirect_to: str | Callable[[Any], str],
    field_map: Mapping[str, str] | None = None,
) -> HttpResponse | None:
    """Validate, call the service, and redirect with a success message; None means show the form again."""
    if not form.is_valid():
        return None
    try:
        result = call(form.cleaned_data)
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        field = (field_map or {}).get(exc.field or "", exc.field)
        form.add_error(field if field in form.fields else None, exc.message)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)
