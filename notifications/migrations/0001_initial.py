"""Notification moves here from tenders (issue 18) without touching the database.

The table stays `tenders_notification` (Meta.db_table), so this migration only tells Django's
model state that the model now lives in this app; tenders 0009 removes it from tenders' state and
runs after this one. The content type is renamed too, so admin permissions granted on the model
keep applying. Nothing is copied: every existing notification row stays where it is.
"""
import django.db.models.deletion
from django.db import migrations, models


def _content_type_to(apps, from_app: str, to_app: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label=to_app, model="notification").exists():
        content_type.objects.filter(app_label=from_app, model="notification").update(app_label=to_app)


def content_type_forwards(apps, schema_editor) -> None:
    _content_type_to(apps, "tenders", "notifications")


def content_type_backwards(apps, schema_editor) -> None:
    _content_type_to(apps, "notifications", "tenders")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("providers", "0003_provider_registered_address"),
        # The last tenders migration that changed Notification: the state created here matches it.
        ("tenders", "0008_notification_price_clarification"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("tender_published", "New tender published"), ("amendment", "Tender amended"), ("clarification", "Clarification published"), ("reconfirm", "Bid needs re-confirmation"), ("registration", "Registration decision"), ("award_outcome", "Outcome of your tender"), ("price_clarification", "Explain a price")], max_length=20)),
                        ("message", models.TextField()),
                        ("link", models.CharField(blank=True, max_length=300)),
                        ("created_at", models.DateTimeField()),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        ("provider", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to="providers.provider")),
                        ("tender", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tenders.tender")),
                    ],
                    options={
                        "db_table": "tenders_notification",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [models.Index(fields=["provider", "read_at"], name="notification_provider_unread")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_forwards, content_type_backwards, elidable=True),
    ]
