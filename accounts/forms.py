"""Forms for signing in again and setting up a one-time-password device."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django_otp import devices_for_user

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from accounts.models import User

CODE_HELP = "The 6-digit code from your authenticator app."


class GovukFieldsMixin:
    """GOV.UK input classes and error ids on Django's own auth forms (templates/registration/_field.html)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            width = "govuk-!-width-one-half" if name != "email" else "govuk-!-width-two-thirds"
            field.widget.attrs.setdefault("class", f"govuk-input {width}")
            if field.help_text:
                field.widget.attrs.setdefault("aria-describedby", f"id_{name}-hint")

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                widget.attrs["class"] = widget.attrs.get("class", "") + " govuk-input--error"


class GovukPasswordChangeForm(GovukFieldsMixin, PasswordChangeForm):
    pass


class GovukPasswordResetForm(GovukFieldsMixin, PasswordResetForm):
    pass


class GovukSetPasswordForm(GovukFieldsMixin, SetPasswordForm):
    pass


def confirmed_devices(user: User | AnonymousUser) -> list[Any]:
    """The user's confirmed one-time-password devices (django-otp is untyped; none for an anonymous visitor)."""
    return list(devices_for_user(user, confirmed=True))


class ConfirmPasswordForm(forms.Form):
    """The user's own password again, and a one-time code when they have a confirmed device."""

    password = forms.CharField(
        label="Password", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "govuk-input govuk-!-width-one-half"}),
        error_messages={"required": "Enter your password"},
    )
    otp_token = forms.CharField(
        label="Security code", required=False, help_text=CODE_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "class": "govuk-input govuk-input--width-10", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = request.user
        self.devices = confirmed_devices(self.user)
        self.device: Any = None
        if not self.devices:
            del self.fields["otp_token"]
        else:
            self.fields["otp_token"].required = True
            self.fields["otp_token"].error_messages["required"] = "Enter the security code from your authenticator app"

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # authenticate() goes through django-axes, so guessing here counts towards the lock-out.
        user = authenticate(self.request, username=self.user.get_username(), password=password)
        if user is None or user.pk != self.user.pk:
            raise forms.ValidationError("The password is not right")
        return password

    def clean_otp_token(self) -> str:
        token = self.cleaned_data.get("otp_token", "").replace(" ", "")
        for device in self.devices:
            if device.verify_token(token):
                self.device = device
                return token
        raise forms.ValidationError("The security code is not right or has expired")


class CodeForm(forms.Form):
    """A 6-digit code checked against the given devices (django-otp throttles repeated failures)."""

    otp_token = forms.CharField(
        label="Security code", help_text=CODE_HELP,
        error_messages={"required": "Enter the security code from your authenticator app"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
                                      "class": "govuk-input govuk-input--width-10", "spellcheck": "false",
                                      "aria-describedby": "id_otp_token-hint"}),
    )

    def __init__(self, *args: Any, devices: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.devices = devices
        self.device: Any = None

    def clean_otp_token(self) -> str:
        token = self.cleaned_data["otp_token"].replace(" ", "")
        for device in self.devices:
            if device.verify_token(token):
                self.device = device
                return token
        raise forms.ValidationError("The security code is not right or has expired")
