"""Load the shipped rate presets (pricing/preset_data.py) by slug.

A data migration, as the issue asks: the presets are data, not constants in
code. It imports the data list, never the model class (the historical model
comes from `apps`). update_or_create makes it safe on a database where a
preset of the same slug already exists (e.g. one the demo created bare).
Reversing leaves the presets in place: tenders protect the presets they use.
"""
from datetime import date

from django.db import migrations


def load_presets(apps, schema_editor):
    from pricing.preset_data import PRESETS

    RatePreset = apps.get_model("pricing", "RatePreset")
    for entry in PRESETS:
        values = dict(entry)
        slug = values.pop("slug")
        values["effective_from"] = date.fromisoformat(str(values["effective_from"]))
        RatePreset.objects.update_or_create(slug=slug, defaults=values)


class Migration(migrations.Migration):

    dependencies = [
        ("pricing", "0002_preset_assumptions"),
    ]

    operations = [
        migrations.RunPython(load_presets, migrations.RunPython.noop),
    ]
