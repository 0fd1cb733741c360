"""Helpers shared by the tender services: roles, locking, transitions, notifications."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from accounts import permissions
from accounts.permissions import is_own_bid
from common.audit import audit_record
from common.errors import PermissionDeniedError, TransitionNotAllowed
from notifications.models import NotificationKind
from notifications.services import notifications_send
from providers.models import ProviderStatus
from tenders.models import (
    Bid,
    Clarification,
    Tender,
)
from tenders.transitions import ALLOWED, TenderStatus

if TYPE_CHECKING:
    from accounts.models import User


def _require_role(user: User, *roles: str) -> None:
    # `is_superuser` grants nothing procurement-wise (accounts.permissions): the role decides.
    if permissions.role_of(user) not in roles:
        raise PermissionDeniedError("Only a commissioner can change a tender's status.")


def _ensure_can(tender: Tender, target: TenderStatus) -> None:
    current = TenderStatus(tender.status)
    if target not in ALLOWED[current]:
        allowed = ", ".join(sorted(s.label for s in ALLOWED[current])) or "none (final)"
        raise TransitionNotAllowed(
            f"A tender that is {current.label.lower()} cannot become {target.label.lower()}. Allowed next: {allowed}."
        )


def _transition(
    *, tender: Tender, target: TenderStatus, user: User | str, now: datetime, note: str = "", extra: dict[str, Any] | None = None
) -> Tender:
    """Move a locked tender to `target` if the table allows it, and audit the change."""
    current = TenderStatus(tender.status)
    _ensure_can(tender, target)
    tender.status = target.value
    fields = ["status"]
    for name, value in (extra or {}).items():
        setattr(tender, name, value)
        fields.append(name)
    tender.save(update_fields=fields)
    audit_record(
        actor=user,
        action=f"tender.{target.value}",
        obj=tender,
        before={"status": current.value},
        after={"status": target.value, **{k: v for k, v in (extra or {}).items()}},
        note=note,
        at=now,
    )
    return tender


def _locked(tender: Tender) -> Tender:
    return Tender.objects.select_for_update().get(pk=tender.pk)


def _submission_deadline(tender: Tender) -> datetime:
    """The deadline of a tender past drafting; only a draft may lack one (a database constraint says so)."""
    if tender.submission_deadline is None:
        raise TransitionNotAllowed(f"Tender {tender.reference} has no submission deadline set yet.")
    return tender.submission_deadline


def _require_provider_user(user: User, *, approved: bool = True) -> int:
    """Refuse anyone but a user of a provider organisation (an approved one unless `approved=False`); its id."""
    if not permissions.is_provider_user(user) or user.provider_id is None:
        raise PermissionDeniedError("Only a provider's own users can do this.")
    if approved and (user.provider is None or user.provider.status != ProviderStatus.APPROVED):
        raise PermissionDeniedError(
            "Your organisation's registration has not been approved yet, so it cannot bid or ask questions."
        )
    return user.provider_id


def _require_own_bid(user: User, bid: Bid) -> None:
    if not is_own_bid(user, bid):
        # The same answer whether the bid exists or not: a rival learns nothing.
        raise PermissionDeniedError("You can only work on your own organisation's bids.")


def _interested_provider_ids(tender: Tender) -> set[int]:
    """Registered bidders: providers with a bid on the tender or a question about it."""
    ids = set(Bid.objects.filter(tender=tender).values_list("provider_id", flat=True))
    ids |= set(Clarification.objects.filter(tender=tender).values_list("asked_by_provider_id", flat=True))
    return ids


def _notify(
    *, provider_ids: Iterable[int], tender: Tender | None, kind: NotificationKind, message: str, link: str, now: datetime
) -> int:
    """Notify the given organisations about `tender` (the tender services' shorthand for `notifications_send`)."""
    return notifications_send(
        provider_ids=provider_ids, tender_id=tender.pk if tender is not None else None, kind=kind, message=message,
        link=link, now=now,
    )
