"""Registration forms: field-level checks come from providers.services so the API says the same."""
from __future__ import annotations

from typing import Any

from django import forms

from providers.services import organisation_errors, user_errors


class UserFields(forms.Form):
    first_name = forms.CharField(max_length=150, strip=True, error_messages={"required": "Enter your first name."})
    last_name = forms.CharField(max_length=150, strip=True, error_messages={"required": "Enter your last name."})
    email = forms.CharField(max_length=254, strip=True, required=False)
    username = forms.CharField(max_length=150, strip=True, required=False)
    password = forms.CharField(max_length=200, strip=False, required=False, widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for field, message in user_errors(data).items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


class RegistrationForm(UserFields):
    """An organisation and its first user, on one page in two groups."""

    name = forms.CharField(max_length=200, strip=True, required=False)
    companies_house_number = forms.CharField(max_length=20, strip=True, required=False)
    cqc_provider_id = forms.CharField(max_length=30, strip=True, required=False)
    contact_name = forms.CharField(max_length=200, strip=True, required=False)
    contact_email = forms.CharField(max_length=254, strip=True, required=False)
    contact_phone = forms.CharField(max_length=40, strip=True, required=False)

    field_order = [
        "name", "companies_house_number", "cqc_provider_id", "contact_name", "contact_email", "contact_phone",
        "first_name", "last_name", "email", "username", "password",
    ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for field, message in organisation_errors(data).items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


class AddUserForm(UserFields):
    pass


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")],
        error_messages={"required": "Choose whether to approve or reject the registration."},
    )
    reason = forms.CharField(widget=forms.Textarea, required=False, max_length=2000, strip=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("reason"):
            self.add_error("reason", "Give the reason for rejecting; the provider will see it.")
        return data
