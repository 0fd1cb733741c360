"""A bid's named CQC locations must be its provider's own, by the council's imported CQC data (issue 15)."""
from __future__ import annotations

import pytest
from django.utils import timezone

from common.errors import RuleViolation
from cqc.models import CQCImport, ImportStatus
from tenders import services
from tenders.bidding_rules import location_problems
from tests.evaluation.helpers import cqc_location
from tests.tenders.bidding_support import complete_draft, open_tender

OWN = "1-800000001"


def test_known_own_locations_raise_nothing():
    assert location_problems(location_ids=["1-900000001"], provider_cqc_id=OWN,
                             registered_to={"1-900000001": OWN}, data_as_of="1 September 2026") == []


def test_an_unknown_location_is_a_clear_problem_naming_the_data_it_was_looked_up_in():
    (problem,) = location_problems(location_ids=["1-123456789"], provider_cqc_id=OWN, registered_to={},
                                   data_as_of="1 September 2026")
    assert problem.field == "locations"
    assert problem.message.startswith(
        "CQC location 1-123456789 is not in the CQC data the council holds (imported 1 September 2026)."
    )


def test_another_providers_location_is_a_clear_problem():
    (problem,) = location_problems(location_ids=["1-900000003"], provider_cqc_id=OWN,
                                   registered_to={"1-900000003": "1-800000002"}, data_as_of="1 September 2026")
    assert problem.message == (
        "CQC location 1-900000003 is registered to CQC provider 1-800000002, not to your organisation's CQC provider"
        " ID 1-800000001. Name only locations your organisation runs."
    )


@pytest.fixture
def imported(db):
    now = timezone.now()
    return CQCImport.objects.create(filename="ratings.ods", sha256="0" * 64, created_at=now, finished_at=now,
                                    status=ImportStatus.DONE)


@pytest.mark.django_db
def test_a_bid_naming_an_unknown_location_is_refused_before_submission(bidder, imported):
    tender = open_tender()
    bid = services.bid_start(tender=tender, user=bidder)
    complete_draft(bid, bidder)  # names 1-123456789, which the imported data does not list
    with pytest.raises(RuleViolation) as refused:
        services.bid_submit(bid=bid, user=bidder)
    assert "CQC location 1-123456789 is not in the CQC data the council holds" in str(refused.value.message)
    bid.refresh_from_db()
    assert bid.status == "draft"


@pytest.mark.django_db
def test_a_bid_naming_another_providers_location_is_refused_and_its_own_is_accepted(bidder, imported):
    tender = open_tender()
    cqc_location("1-123456789", "1-809999999")  # someone else's branch
    bid = services.bid_start(tender=tender, user=bidder)
    complete_draft(bid, bidder)
    with pytest.raises(RuleViolation) as refused:
        services.bid_submit(bid=bid, user=bidder)
    assert "registered to CQC provider 1-809999999, not to your organisation's" in str(refused.value.message)

    cqc_location("1-123456789", bidder.provider.cqc_provider_id)  # CQC lists it under the bidder after all
    result = services.bid_submit(bid=bid, user=bidder)
    assert result.version.status == "submitted"


@pytest.mark.django_db
def test_without_any_cqc_import_the_bid_is_not_blocked(bidder):
    tender = open_tender()
    bid = services.bid_start(tender=tender, user=bidder)
    complete_draft(bid, bidder)
    assert services.bid_submit(bid=bid, user=bidder).version.status == "submitted"
