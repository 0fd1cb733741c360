from __future__ import annotations

from celery import shared_task

from tenders.services import tenders_close_due


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5, time_limit=120, soft_time_limit=100)
def close_due_tenders(self) -> list[str]:
    """Close published tenders whose deadline has passed; safe to run any number of times."""
    return tenders_close_due()
