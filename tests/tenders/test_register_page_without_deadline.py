"""The bid register page of a draft that has no submission deadline yet (found by mypy, issue 18).

It compared the clock with a missing deadline and answered 500; it now shows the (empty) register.
"""
from __future__ import annotations

import pytest

from tenders.models import Tender
from tests.factories import complete_tender


@pytest.mark.django_db
def test_a_draft_without_a_deadline_shows_its_register_with_nothing_to_open(client, commissioner):
    tender = complete_tender()
    Tender.objects.filter(pk=tender.pk).update(submission_deadline=None)
    client.force_login(commissioner)

    page = client.get(f"/bidding/tenders/{tender.reference}/bids/")

    assert page.status_code == 200
    assert page.context["deadline_passed"] is False
    assert page.context["can_open"] is False
