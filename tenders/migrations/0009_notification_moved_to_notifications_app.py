"""Notification now lives in the notifications app (issue 18): removed from tenders' model state only.

The table `tenders_notification` and its rows stay; notifications 0001 took the model over first.
"""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("tenders", "0008_notification_price_clarification"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
