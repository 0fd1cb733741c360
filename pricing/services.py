"""Write side of the pricing app: commissioners create and edit rate presets, audited."""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from common.audit import audit_record
from common.errors import PermissionDeniedError, RuleViolation
from pricing.cost_model import RATE_ASSUMPTION_FIELDS
from pricing.models import RatePreset
from pricing.selectors import preset_locking_tenders

if TYPE_CHECKING:
    from accounts.models import User

EDITABLE_FIELDS: tuple[str, ...] = (
    "name",
    "year_label",
    "effective_from",
    "is_estimate",
    "source_note",
    *RATE_ASSUMPTION_FIELDS,
)


def _require_commissioner(user: User) -> None:
    if not permissions.can_manage_settings(user):
        raise PermissionDeniedError("Only a commissioner can change the cost-of-care presets.")


def _snapshot(preset: RatePreset, names: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {name: getattr(preset, name) for name in names}


def _validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
    return " ".join(exc.messages)


def _full_clean(preset: RatePreset) -> None:
    try:
        preset.full_clean()
    except ValidationError as exc:
        raise RuleViolation(f"The preset was not saved. {_validation_message(exc)}") from exc


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) and new is not None:
        try:
            return old == Decimal(str(new))
        except ArithmeticError:
            return False
    same: bool = old == new
    return same


@transaction.atomic
def preset_update(*, preset: RatePreset, user: User, data: Mapping[str, Any], note: str = "") -> RatePreset:
    """Change a preset's fields; refused for presets behind published tenders. Audits before and after.

    A tender's price checks rest on its preset from publication on, so a preset
    in use by a tender past draft is locked: copy it into a new preset instead.
    """
    _require_commissioner(user)
    now = timezone.now()
    unknown = sorted(set(data) - set(EDITABLE_FIELDS))
    if unknown:
        raise RuleViolation(f"These preset fields cannot be changed: {', '.join(unknown)}.")
    preset = RatePreset.objects.select_for_update().get(pk=preset.pk)
    changed = [name for name in EDITABLE_FIELDS if name in data and not _same(getattr(preset, name), data[name])]
    if not changed:
        return preset
    locking = preset_locking_tenders(preset)
    if locking:
        raise RuleViolation(
            f"The preset {preset.slug!r} is what tenders {', '.join(locking)} check prices against, so it cannot"
            " change now. Create a new preset from it instead."
        )
    before = _snapshot(preset, changed)
    for name in changed:
        setattr(preset, name, data[name])
    _full_clean(preset)
    preset.save()
    preset.refresh_from_db()
    audit_record(
        actor=user, action="pricing.preset_updated", obj=preset,
        before=before, after=_snapshot(preset, changed), note=note, at=now,
    )
    return preset


@transaction.atomic
def preset_create(*, user: User, data: Mapping[str, Any], note: str = "") -> RatePreset:
    """Add a preset (e.g. a new year, or a copy of a locked one). Audits the new values."""
    _require_commissioner(user)
    now = timezone.now()
    allowed = {"slug", *EDITABLE_FIELDS}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise RuleViolation(f"These preset fields are not known: {', '.join(unknown)}.")
    slug = data.get("slug")
    if slug and RatePreset.objects.filter(slug=slug).exists():
        raise RuleViolation(f"A preset with the slug {slug!r} already exists; choose another.", field="slug")
    preset = RatePreset(**data)
    _full_clean(preset)
    preset.save()
    preset.refresh_from_db()
    audit_record(
        actor=user, action="pricing.preset_created", obj=preset,
        after=_snapshot(preset, ["slug", *EDITABLE_FIELDS]), note=note, at=now,
    )
    return preset
