"""A real round trip through a Celery worker on Redis; .ci/run starts the worker."""
import os
from datetime import timedelta

import pytest
from django.utils import timezone

from tenders.tasks import close_due_tenders
from tenders.transitions import TenderStatus
from tests.factories import complete_tender

needs_broker = pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL"),
    reason="CELERY_BROKER_URL is not set: no broker, so tasks run eagerly and there is no worker to reach",
)


@pytest.mark.django_db
def test_the_close_task_runs_eagerly_without_a_broker(commissioner):
    tender = complete_tender(status=TenderStatus.PUBLISHED.value, submission_deadline=timezone.now() - timedelta(minutes=1))
    if os.environ.get("CELERY_BROKER_URL"):
        pytest.skip("a broker is configured; the worker test covers this")
    assert close_due_tenders.delay().get() == [tender.reference]


@needs_broker
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_on_redis_closes_due_tenders(commissioner):
    tender = complete_tender(status=TenderStatus.PUBLISHED.value, submission_deadline=timezone.now() - timedelta(minutes=1))
    result = close_due_tenders.delay()
    assert result.get(timeout=60) == [tender.reference]
    tender.refresh_from_db()
    assert tender.status == TenderStatus.CLOSED
