"""Keep the shipped presets present after `flush` (which empties data-migration rows and emits post_migrate).

Only missing slugs are created; an existing preset, edited or not, is never touched.
The data migration 0003 remains what ships them on a new database.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from django.db import DatabaseError


def ensure_shipped_presets(sender: Any, *, apps: Any = None, using: str = "default", **kwargs: Any) -> None:
    from django.apps import apps as global_apps

    from pricing.preset_data import PRESETS

    apps = apps or global_apps  # flush sends post_migrate without an apps registry
    try:
        RatePreset = apps.get_model("pricing", "RatePreset")
    except LookupError:
        return  # pricing migrated to zero
    try:
        existing = set(RatePreset.objects.using(using).values_list("slug", flat=True))
        for entry in PRESETS:
            if entry["slug"] in existing:
                continue
            values = dict(entry)
            values["effective_from"] = date.fromisoformat(str(values["effective_from"]))
            RatePreset.objects.using(using).create(**values)
    except DatabaseError:
        return  # an older schema without the assumption fields: the migrations will load them
