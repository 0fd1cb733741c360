"""Moving Notification from tenders to its own app (issue 18) keeps every row: the migrations change state only."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from notifications.models import Notification

# tenders as it was before the move, without the notifications app.
TENDERS_BEFORE = ("tenders", "0008_notification_price_clarification")
BEFORE = [TENDERS_BEFORE, ("notifications", None)]


@pytest.mark.django_db(transaction=True)
def test_notifications_written_before_the_move_are_read_after_it():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    providers_now = next(node for node in latest if node[0] == "providers")  # the providers table as it is
    old = executor.loader.project_state([TENDERS_BEFORE, providers_now]).apps
    provider = old.get_model("providers", "Provider").objects.create(
        name="Before The Move Ltd", companies_house_number="01234567", cqc_provider_id="1-100000001"
    )
    now = timezone.now()
    old_id = old.get_model("tenders", "Notification").objects.create(
        provider=provider, kind="registration", message="Written by tenders.", link="/providers/organisation/",
        created_at=now,
    ).pk

    executor = MigrationExecutor(connection)
    executor.migrate(latest)

    moved = Notification.objects.get(pk=old_id)
    assert (moved.provider_id, moved.kind, moved.message, moved.link, moved.created_at, moved.read_at) == (
        provider.pk, "registration", "Written by tenders.", "/providers/organisation/", now, None
    )
    # New rows carry on after the old ones (the same table, the same id sequence on PostgreSQL).
    assert Notification.objects.create(provider_id=provider.pk, kind="amendment", message="x", created_at=now).pk > old_id
