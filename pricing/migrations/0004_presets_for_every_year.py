"""Add the shipped presets missing from a database loaded before issue 15: 2018/19, 2019/20, 2021/22, 2022/23.

Only presets whose slug is not there yet are created: a council may have edited
the ones it has, and tenders protect the presets they use. It imports the data
list, never the model class. Reversing leaves the presets in place.
"""
from datetime import date

from django.db import migrations

ADDED = ("2018-19", "2019-20", "2021-22", "2022-23")


def add_missing_presets(apps, schema_editor):
    from pricing.preset_data import PRESETS

    RatePreset = apps.get_model("pricing", "RatePreset")
    existing = set(RatePreset.objects.values_list("slug", flat=True))
    for entry in PRESETS:
        if entry["slug"] not in ADDED or entry["slug"] in existing:
            continue
        values = dict(entry)
        slug = values.pop("slug")
        values["effective_from"] = date.fromisoformat(str(values["effective_from"]))
        RatePreset.objects.create(slug=slug, **values)


class Migration(migrations.Migration):

    dependencies = [
        ("pricing", "0003_load_presets"),
    ]

    operations = [
        migrations.RunPython(add_missing_presets, migrations.RunPython.noop),
    ]
