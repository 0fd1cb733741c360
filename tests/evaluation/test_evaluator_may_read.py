"""The sealed-bid seam: an evaluator may read a bid only when assigned, opened, declared and unconflicted."""
from __future__ import annotations

import pytest

from evaluation import services
from evaluation.selectors import evaluator_may_read
from tenders.access import can_read_bid
from tests.evaluation.helpers import declare, opened_tender, submit_bid
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_bids():
    tender = opened_tender()
    alpha = submit_bid(tender, ProviderFactory(name="Alpha Care Ltd"), prices={1: "32.00"})
    bravo = submit_bid(tender, ProviderFactory(name="Bravo Care Ltd"), prices={1: "33.00"})
    return tender, alpha, bravo


def test_it_denies_an_evaluator_who_is_not_on_the_panel(two_bids, evaluator):
    tender, alpha, _ = two_bids
    assert not evaluator_may_read(user=evaluator, tender=tender, provider=alpha.provider)


def test_it_denies_until_conflicts_are_declared_for_every_bidder(two_bids, commissioner, evaluator):
    tender, alpha, bravo = two_bids
    services.evaluation_assign(tender=tender, user=commissioner, member=evaluator)
    assert not evaluator_may_read(user=evaluator, tender=tender, provider=alpha.provider)
    services.conflict_declare(tender=tender, user=evaluator,
                              declarations=[{"provider": alpha.provider_id, "has_conflict": False}])
    assert not evaluator_may_read(user=evaluator, tender=tender, provider=alpha.provider)
    services.conflict_declare(tender=tender, user=evaluator,
                              declarations=[{"provider": bravo.provider_id, "has_conflict": False}])
    assert evaluator_may_read(user=evaluator, tender=tender, provider=alpha.provider)
    assert can_read_bid(evaluator, alpha)


def test_it_denies_the_provider_an_evaluator_is_conflicted_with(two_bids, commissioner, evaluator):
    tender, alpha, bravo = two_bids
    services.evaluation_assign(tender=tender, user=commissioner, member=evaluator)
    declare(tender, evaluator, conflicts=[alpha.provider])
    assert not evaluator_may_read(user=evaluator, tender=tender, provider=alpha.provider)
    assert evaluator_may_read(user=evaluator, tender=tender, provider=bravo.provider)
    assert not can_read_bid(evaluator, alpha)


def test_a_later_conflict_closes_the_bid(two_bids, commissioner, evaluator):
    tender, alpha, _ = two_bids
    services.evaluation_assign(tender=tender, user=commissioner, member=evaluator)
    declare(tender, evaluator)
    assert evaluator_may_read(user=evaluator, tender=tender, provider=alpha.provider)
    services.conflict_declare(tender=tender, user=evaluator, declarations=[
        {"provider": alpha.provider_id, "has_conflict": True, "details": "Offered a job there last week."}
    ])
    assert not evaluator_may_read(user=evaluator, tender=tender, provider=alpha.provider)


def test_it_denies_while_the_tender_is_sealed(two_bids, commissioner, evaluator):
    tender, alpha, _ = two_bids
    services.evaluation_assign(tender=tender, user=commissioner, member=evaluator)
    declare(tender, evaluator)
    tender.opened_at = None
    tender.status = "closed"
    tender.save()
    assert not evaluator_may_read(user=evaluator, tender=tender, provider=alpha.provider)


def test_withdrawn_bidders_need_no_declaration(two_bids, commissioner, evaluator):
    tender, alpha, bravo = two_bids
    bravo.status = "withdrawn"
    bravo.save()
    services.evaluation_assign(tender=tender, user=commissioner, member=evaluator)
    declare(tender, evaluator)
    assert evaluator_may_read(user=evaluator, tender=tender, provider=alpha.provider)


def test_only_evaluators_and_moderators_join_a_panel(two_bids, commissioner, bidder, legal):
    from common.errors import PermissionDeniedError, RuleViolation

    tender, _, _ = two_bids
    for member in (bidder, legal, commissioner):
        with pytest.raises(RuleViolation, match="not an evaluator or moderator"):
            services.evaluation_assign(tender=tender, user=commissioner, member=member)
    with pytest.raises(PermissionDeniedError):
        services.evaluation_assign(tender=tender, user=legal, member=bidder)
