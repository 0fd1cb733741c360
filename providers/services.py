"""Provider registration and approval.

Registration policy (README, "Provider registration"): a registration is approved
automatically when its Companies House number and CQC provider ID are well formed
and not already registered, the CQC provider ID is listed in the imported CQC
directory, and its name does not match an organisation already registered
(ignoring "Ltd", "Limited", punctuation and case). Anything else that is valid
waits for a commissioner, who approves or rejects it with a reason. Messages say
exactly what was checked: the Companies House number's format only (there is no
Companies House lookup), the CQC provider ID against the imported CQC data.
A council that wants every registration checked by hand sets
PROVIDER_AUTO_APPROVE = False in its settings.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import permissions
from accounts.models import Role, User
from common.audit import audit_record
from common.errors import PermissionDeniedError, RuleViolation, TransitionNotAllowed
from notifications.models import NotificationKind
from notifications.services import notifications_send
from providers.models import Provider, ProviderStatus, companies_house_number, cqc_provider_id

AUTO_APPROVED_NOTE = (
    "Approved automatically: the Companies House number and CQC provider ID are well formed and not already "
    "registered, the CQC provider ID is listed in the imported CQC data, and the name is not already registered."
)
USERNAME = re.compile(r"^[\w.@+-]{3,150}$")
_NAME_NOISE = {"ltd", "limited", "plc", "llp", "cic", "the", "co", "company", "uk", "fictional"}


def normalise_companies_house_number(raw: str) -> str:
    """Upper case, no spaces; an all-digit number gets its leading zeros back ('1234567' -> '01234567')."""
    value = re.sub(r"\s+", "", (raw or "")).upper()
    if value.isdigit() and len(value) < 8:
        value = value.zfill(8)
    return value


def normalise_cqc_provider_id(raw: str) -> str:
    return re.sub(r"\s+", "", (raw or ""))


def name_key(name: str) -> str:
    """A comparison key for organisation names: 'The Acme Care Co. Ltd' and 'ACME CARE' match."""
    words = re.sub(r"[^a-z0-9 ]+", " ", (name or "").lower().replace("&", " and ")).split()
    return " ".join(w for w in words if w not in _NAME_NOISE)


def _validator_message(validator: Any, value: str) -> str | None:
    try:
        validator(value)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None


def organisation_errors(data: Mapping[str, Any]) -> dict[str, str]:
    """Field errors for the organisation part of a registration (formats and uniqueness)."""
    errors: dict[str, str] = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = "Enter your organisation's name."
    elif len(name) > 200:
        errors["name"] = "The organisation name must be 200 characters or fewer."
    elif Provider.objects.filter(name__iexact=name).exists():
        errors["name"] = "An organisation with this name is already registered. Ask a colleague to add you as a user."
    number = normalise_companies_house_number(data.get("companies_house_number") or "")
    if not number:
        errors["companies_house_number"] = "Enter your Companies House number."
    elif message := _validator_message(companies_house_number, number):
        errors["companies_house_number"] = message
    elif Provider.objects.filter(companies_house_number=number).exists():
        errors["companies_house_number"] = (
            "This Companies House number is already registered. Ask a colleague to add you as a user, or contact the council."
        )
    cqc = normalise_cqc_provider_id(data.get("cqc_provider_id") or "")
    if not cqc:
        errors["cqc_provider_id"] = "Enter your CQC provider ID."
    elif message := _validator_message(cqc_provider_id, cqc):
        errors["cqc_provider_id"] = message
    elif Provider.objects.filter(cqc_provider_id=cqc).exists():
        errors["cqc_provider_id"] = "This CQC provider ID is already registered. Ask a colleague to add you as a user."
    email = (data.get("contact_email") or "").strip()
    if not email:
        errors["contact_email"] = "Enter an email address for bid correspondence."
    elif _validator_message(validate_email, email):
        errors["contact_email"] = "Enter an email address in the correct format, like name@example.com."
    if not (data.get("contact_name") or "").strip():
        errors["contact_name"] = "Enter the name of the person the council should contact."
    if len((data.get("contact_phone") or "").strip()) > 30:
        errors["contact_phone"] = "The phone number must be 30 characters or fewer."
    return errors


def user_errors(data: Mapping[str, Any]) -> dict[str, str]:
    """Field errors for a provider user's account (username, email, password)."""
    errors: dict[str, str] = {}
    username = (data.get("username") or "").strip()
    if not USERNAME.match(username):
        errors["username"] = "Choose a username of 3 to 150 letters, numbers or the characters . @ + - _"
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = "That username is taken. Choose another."
    email = (data.get("email") or "").strip()
    if not email or _validator_message(validate_email, email):
        errors["email"] = "Enter your email address in the correct format, like name@example.com."
    password = data.get("password") or ""
    if not password:
        errors["password"] = "Choose a password."
    else:
        try:
            validate_password(password, User(username=username, email=email))
        except ValidationError as exc:
            errors["password"] = " ".join(exc.messages)
    return errors


def _raise_first(errors: Mapping[str, str]) -> None:
    if errors:
        field, message = next(iter(errors.items()))
        raise RuleViolation(message, field=field)


@dataclass(frozen=True)
class Registration:
    provider: Provider
    user: User

    @property
    def approved(self) -> bool:
        return self.provider.status == ProviderStatus.APPROVED


def cqc_hold_reason(cqc_provider_id_value: str) -> str | None:
    """Why the CQC provider ID could not be confirmed against the imported CQC data (None: it is listed there)."""
    from cqc.selectors import latest_import, provider_is_known  # the CQC app owns its data

    provider_id = normalise_cqc_provider_id(cqc_provider_id_value)
    imported = latest_import()
    if imported is None:
        return (
            f"No CQC data has been imported yet, so CQC provider ID {provider_id} has not been checked against "
            "CQC's register: a commissioner will confirm it."
        )
    if not provider_is_known(provider_id):
        as_of = imported.finished_at.date().isoformat() if imported.finished_at else "its latest import"
        return (
            f"CQC provider ID {provider_id} is not in the CQC data imported on {as_of}: a commissioner will check it "
            "against CQC's register (it may be new, mistyped or deregistered)."
        )
    return None


def registration_hold_reasons(*, name: str, cqc_provider_id: str = "") -> list[str]:
    """Why a valid registration should wait for a commissioner (empty: approve automatically)."""
    reasons = []
    if not getattr(settings, "PROVIDER_AUTO_APPROVE", True):
        reasons.append("This council checks every registration by hand.")
    if (cqc_reason := cqc_hold_reason(cqc_provider_id)) is not None:
        reasons.append(cqc_reason)
    key = name_key(name)
    if key and any(name_key(other) == key for other in Provider.objects.values_list("name", flat=True)):
        reasons.append("The name matches an organisation that is already registered.")
    return reasons


def _create_user(*, provider: Provider, data: Mapping[str, Any]) -> User:
    user = User(
        username=data["username"].strip(),
        email=data["email"].strip(),
        first_name=(data.get("first_name") or "").strip()[:150],
        last_name=(data.get("last_name") or "").strip()[:150],
        role=Role.PROVIDER,
        provider=provider,
    )
    user.set_password(data["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise RuleViolation("That username is taken. Choose another.", field="username") from exc
    return user


@transaction.atomic
def provider_register(*, data: Mapping[str, Any]) -> Registration:
    """Register an organisation and its first user; approve it at once when the checks pass.

    `data` holds name, companies_house_number, cqc_provider_id, contact_name, contact_email,
    contact_phone (optional) and the user's username, email, password, first_name, last_name.
    """
    _raise_first({**organisation_errors(data), **user_errors(data)})
    now = timezone.now()
    name = data["name"].strip()
    holds = registration_hold_reasons(name=name, cqc_provider_id=data["cqc_provider_id"])
    provider = Provider(
        name=name,
        companies_house_number=normalise_companies_house_number(data["companies_house_number"]),
        cqc_provider_id=normalise_cqc_provider_id(data["cqc_provider_id"]),
        contact_name=data["contact_name"].strip(),
        contact_email=data["contact_email"].strip(),
        contact_phone=(data.get("contact_phone") or "").strip(),
        status=ProviderStatus.PENDING if holds else ProviderStatus.APPROVED,
        decided_at=None if holds else now,
        decision_note=" ".join(holds) if holds else AUTO_APPROVED_NOTE,
    )
    try:
        with transaction.atomic():
            provider.save()
    except IntegrityError as exc:  # a simultaneous registration took the number first
        raise RuleViolation("This organisation is already registered.", field="companies_house_number") from exc
    user = _create_user(provider=provider, data=data)
    audit_record(
        actor=user, action="provider.registered", obj=provider,
        after={"status": provider.status, "companies_house_number": provider.companies_house_number,
               "cqc_provider_id": provider.cqc_provider_id, "first_user": user.username},
        note=provider.decision_note, at=now,
    )
    if not holds:
        audit_record(actor="system", action="provider.approved", obj=provider, after={"status": "approved"},
                     note=AUTO_APPROVED_NOTE, at=now)
    return Registration(provider=provider, user=user)


def _require_commissioner(user: User) -> None:
    if not permissions.can_decide_registration(user):
        raise PermissionDeniedError("Only a commissioner can approve or reject a registration.")


def _decide(*, provider: Provider, user: User, status: str, note: str) -> Provider:
    _require_commissioner(user)
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    now = timezone.now()
    if provider.status == status:
        raise TransitionNotAllowed(f"{provider.name} is already {provider.get_status_display().lower()}.")
    before = provider.status
    provider.status = status
    provider.decided_at = now
    provider.decision_note = note
    provider.save(update_fields=["status", "decided_at", "decision_note"])
    message = (
        "Your organisation's registration has been approved. You can now bid and ask clarification questions."
        if status == ProviderStatus.APPROVED
        else f"Your organisation's registration was not approved: {note}"
    )
    notifications_send(
        provider_ids=[provider.pk], kind=NotificationKind.REGISTRATION, message=message,
        link="/providers/organisation/", now=now,
    )
    audit_record(actor=user, action=f"provider.{status}", obj=provider, before={"status": before},
                 after={"status": status}, note=note, at=now)
    return provider


@transaction.atomic
def provider_approve(*, provider: Provider, user: User, note: str = "") -> Provider:
    """A commissioner approves a pending (or previously rejected) registration."""
    return _decide(provider=provider, user=user, status=ProviderStatus.APPROVED,
                   note=(note or "").strip() or f"Approved by {user.get_username()}.")


@transaction.atomic
def provider_reject(*, provider: Provider, user: User, reason: str) -> Provider:
    """A commissioner rejects a registration; the reason is shown to the provider and kept in the audit trail."""
    if not (reason or "").strip():
        raise RuleViolation("Give the reason; the provider will see it.", field="reason")
    return _decide(provider=provider, user=user, status=ProviderStatus.REJECTED, note=reason.strip())


@transaction.atomic
def provider_add_user(*, provider: Provider, actor: User, data: Mapping[str, Any]) -> User:
    """A provider's user adds a colleague to the same organisation (or a commissioner does it for them)."""
    own = permissions.is_provider_user(actor) and actor.provider_id == provider.pk
    if not own:
        _require_commissioner(actor)
    _raise_first(user_errors(data))
    if provider.status == ProviderStatus.REJECTED:
        raise RuleViolation("This organisation's registration was rejected, so it cannot add users.")
    user = _create_user(provider=provider, data=data)
    audit_record(actor=actor, action="provider.user_added", obj=provider, after={"username": user.username})
    return user
