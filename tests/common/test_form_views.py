"""handle_form: the one "form -> service -> errors onto the form -> message -> redirect" block of the pages."""
from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.test import RequestFactory

from common.errors import DomainError, PermissionDeniedError, RuleViolation, TransitionNotAllowed
from common.form_views import form_status, handle_action, handle_form


class NameForm(forms.Form):
    name = forms.CharField()
    note = forms.CharField(required=False)


def _post(data: dict[str, str]) -> HttpRequest:
    request = RequestFactory().post("/somewhere/", data)
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    return request


def _messages(request: HttpRequest) -> list[str]:
    return [str(m) for m in get_messages(request)]


class Service:
    """A stand-in service: records what it was called with, then returns or raises as told."""

    def __init__(self, result: Any = None, error: DomainError | None = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.result, self.error = result, error

    def __call__(self, data: dict[str, Any]) -> Any:
        self.calls.append(dict(data))
        if self.error is not None:
            raise self.error
        return self.result


def test_valid_form_calls_the_service_then_redirects_with_the_success_message() -> None:
    request, service = _post({"name": "Ann"}), Service()
    form = NameForm(request.POST)

    response = handle_form(request, form, service, success="Saved.", redirect_to="/done/")

    assert service.calls == [{"name": "Ann", "note": ""}]
    assert response is not None and response.status_code == 302 and response["Location"] == "/done/"
    assert _messages(request) == ["Saved."]


def test_success_and_redirect_can_be_worked_out_from_the_services_result() -> None:
    request = _post({"name": "Ann"})

    response = handle_form(request, NameForm(request.POST), Service(result="T-7"),
                           success=lambda ref: f"{ref} created.", redirect_to=lambda ref: f"/tenders/{ref}/")

    assert response is not None and response["Location"] == "/tenders/T-7/"
    assert _messages(request) == ["T-7 created."]


def test_success_none_redirects_without_a_message() -> None:
    request = _post({"name": "Ann"})

    response = handle_form(request, NameForm(request.POST), Service(), success=None, redirect_to="/next/")

    assert response is not None and response["Location"] == "/next/"
    assert _messages(request) == []


def test_a_success_message_worked_out_as_none_is_not_shown() -> None:
    request = _post({"name": "Ann"})

    response = handle_form(request, NameForm(request.POST), Service(result="queued"),
                           success=lambda state: None if state == "queued" else "Imported.", redirect_to="/import/")

    assert response is not None and response["Location"] == "/import/"
    assert _messages(request) == []


def test_redirect_to_is_an_address_not_a_url_name() -> None:
    request = _post({"name": "Ann"})

    response = handle_form(request, NameForm(request.POST), Service(), success=None, redirect_to="home")

    assert response is not None and response["Location"] == "home"


def test_invalid_input_returns_none_without_calling_the_service() -> None:
    request, service = _post({"name": ""}), Service()
    form = NameForm(request.POST)

    assert handle_form(request, form, service, success="Saved.", redirect_to="/done/") is None

    assert service.calls == []
    assert "name" in form.errors and _messages(request) == []
    assert form_status(form) == 400


def test_a_refusal_naming_a_field_lands_on_that_field() -> None:
    request = _post({"name": "Ann"})
    form = NameForm(request.POST)
    service = Service(error=RuleViolation("That name is taken.", field="name"))

    assert handle_form(request, form, service, success="Saved.", redirect_to="/done/") is None

    assert form.errors == {"name": ["That name is taken."]}
    assert _messages(request) == []
    assert form_status(form) == 400


def test_a_refusal_naming_an_unknown_field_lands_on_the_whole_form() -> None:
    request = _post({"name": "Ann"})
    form = NameForm(request.POST)

    handle_form(request, form, Service(error=RuleViolation("Give a lot.", field="lots")),
                success="Saved.", redirect_to="/done/")

    assert form.errors == {"__all__": ["Give a lot."]}
    assert form.non_field_errors() == ["Give a lot."]


def test_a_refusal_without_a_field_lands_on_the_whole_form() -> None:
    request = _post({"name": "Ann"})
    form = NameForm(request.POST)

    handle_form(request, form, Service(error=RuleViolation("Not now.")), success="Saved.", redirect_to="/done/")

    assert form.non_field_errors() == ["Not now."]


def test_field_map_renames_the_services_field_to_the_forms() -> None:
    request = _post({"name": "Ann"})
    form = NameForm(request.POST)

    handle_form(request, form, Service(error=RuleViolation("Too long.", field="answer-3")),
                success="Saved.", redirect_to="/done/", field_map={"answer-3": "note"})

    assert form.errors == {"note": ["Too long."]}


def test_default_field_takes_refusals_that_name_no_field_of_the_form() -> None:
    request = _post({"name": "Ann"})
    form = NameForm(request.POST)

    handle_form(request, form, Service(error=RuleViolation("Not an evaluator.", field="user")),
                success="Saved.", redirect_to="/done/", default_field="name")

    assert form.errors == {"name": ["Not an evaluator."]}


def test_attach_replaces_where_a_refusal_lands() -> None:
    request = _post({"name": "Ann"})
    form = NameForm(request.POST)

    def on_both(form_: forms.BaseForm, exc: DomainError) -> None:
        form_.add_error("name", exc.message)
        form_.add_error("note", exc.message)

    handle_form(request, form, Service(error=RuleViolation("Both wrong.")), success="Saved.", redirect_to="/done/",
                attach=on_both)

    assert form.errors == {"name": ["Both wrong."], "note": ["Both wrong."]}


def test_form_status_carries_the_services_own_status_for_a_refusal() -> None:
    request = _post({"name": "Ann"})
    form = NameForm(request.POST)

    handle_form(request, form, Service(error=TransitionNotAllowed("The panel cannot change now.")),
                success="Saved.", redirect_to="/done/")

    assert form_status(form) == 409


def test_form_status_is_200_for_a_form_not_yet_sent_or_without_errors() -> None:
    assert form_status(NameForm()) == 200
    assert form_status(NameForm({"name": "Ann"})) == 200


def test_permission_denied_error_becomes_the_403_page_with_its_message() -> None:
    request = _post({"name": "Ann"})
    form = NameForm(request.POST)

    with pytest.raises(PermissionDenied, match="Only a commissioner"):
        handle_form(request, form, Service(error=PermissionDeniedError("Only a commissioner can do this.")),
                    success="Saved.", redirect_to="/done/")

    assert not form.errors and _messages(request) == []


# --- handle_action: a button with nothing to fill in --------------------------------------------------


def test_action_done_redirects_with_the_success_message() -> None:
    request = _post({})

    response = handle_action(request, lambda: "B-1", success=lambda ref: f"{ref} started.",
                             redirect_to=lambda ref: f"/bids/{ref}/", refused_to="/tender/")

    assert response["Location"] == "/bids/B-1/"
    assert _messages(request) == ["B-1 started."]


def test_action_refused_goes_back_with_the_refusal_as_an_error_message() -> None:
    request = _post({})

    def refuse() -> None:
        raise TransitionNotAllowed("Moderation has already started.")

    response = handle_action(request, refuse, success="Started.", redirect_to="/summary/")

    assert response.status_code == 302 and response["Location"] == "/summary/"
    assert _messages(request) == ["Moderation has already started."]


def test_action_refused_goes_to_refused_to_when_given() -> None:
    request = _post({})

    def refuse() -> None:
        raise RuleViolation("Your organisation is not approved yet.")

    response = handle_action(request, refuse, success=None, redirect_to=lambda bid: f"/bids/{bid}/",
                             refused_to="/tender/")

    assert response["Location"] == "/tender/"


def test_action_permission_denied_error_becomes_the_403_page() -> None:
    request = _post({})

    def refuse() -> None:
        raise PermissionDeniedError("Only a commissioner runs the evaluation.")

    with pytest.raises(PermissionDenied, match="Only a commissioner"):
        handle_action(request, refuse, success="Done.", redirect_to="/summary/")
    assert _messages(request) == []
