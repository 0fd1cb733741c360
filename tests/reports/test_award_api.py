"""Award sequence API: each step after the decision, 409 out of order or inside the standstill."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from tests.reports.helpers import evaluated_tender

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender(commissioner, evaluator, moderator):
    return evaluated_tender(commissioner, evaluator, moderator)


def test_the_api_walks_the_award_sequence(tender, commissioner, legal, api_as, django_capture_on_commit_callbacks):
    base = f"/api/tenders/{tender.reference}/award/"
    with time_machine.travel(datetime(2025, 12, 18, 9, 0, tzinfo=UTC), tick=False):
        client = api_as(commissioner)
        assert client.get(base).json()["next_step"] == "decide"
        early = client.post(base + "summaries/")
        assert early.status_code == 409 and "first record the award decision" in early.json()["detail"]
        assert client.post(f"/api/evaluation/tenders/{tender.reference}/award/", {"note": ""}, format="json").status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            issued = client.post(base + "summaries/")
        assert issued.status_code == 200 and issued.json()["next_step"] == "record_award_notice"
    with time_machine.travel(datetime(2025, 12, 19, 11, 0, tzinfo=UTC), tick=False):
        client = api_as(commissioner)
        notice = client.post(base + "notice/", {"published_at": "2025-12-19T09:30:00Z", "notice_id": "012345-2025"},
                             format="json")
        assert notice.status_code == 200
        body = notice.json()
        assert body["standstill_ends_on"] == "2026-01-05" and body["contract_possible_from"] == "2026-01-06"
        refused = client.post(base + "contract/")
        assert refused.status_code == 409 and "from Tuesday 6 January 2026" in refused.json()["detail"]
        # Legal staff can read where the award stands but not take a step.
        assert api_as(legal).get(base).status_code == 200
        assert api_as(legal).post(base + "contract/").status_code == 403
    with time_machine.travel(datetime(2026, 1, 6, 9, 0, tzinfo=UTC), tick=False):
        client = api_as(commissioner)
        done = client.post(base + "contract/")
        assert done.status_code == 200 and done.json()["status"] == "contracted"
        assert done.json()["details_notice_due_on"] == "2026-05-05"
        details = client.post(base + "details-notice/", {"published_at": "2026-01-06T09:00:00Z", "notice_id": "UK7-9"},
                              format="json")
        assert details.status_code == 200 and details.json()["next_step"] == "complete"
