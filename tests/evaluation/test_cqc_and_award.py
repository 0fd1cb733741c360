"""CQC at opening and again at award: excluded bids are never scored; a drop to Inadequate stops the award."""
from __future__ import annotations

from datetime import date

import pytest

from common.errors import RuleViolation
from evaluation import selectors, services
from evaluation.models import BidAssessment
from tests.evaluation.helpers import GOOD, cqc_location, moderate, opened_tender, panel, score_all, submit_bid
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db


def _evaluate(tender, bids, commissioner, evaluator, moderator):
    panel(tender, commissioner, evaluator, moderator=moderator)
    services.bids_assess_cqc(tender=tender, user=commissioner)
    scorable = selectors.scorable_bids(tender=tender)
    for bid in scorable:
        score_all(bid, evaluator, (3, 3, 6))
    services.moderation_start(tender=tender, user=moderator)
    for bid in scorable:
        moderate(bid, moderator, (3, 3, 6))
    services.quality_lock(tender=tender, user=moderator)
    services.price_envelope_open(tender=tender, user=commissioner)
    return services.evaluation_run(tender=tender, user=commissioner)


@pytest.fixture
def two_bidders():
    tender = opened_tender()
    alpha = ProviderFactory(name="Alpha Care Ltd")
    bravo = ProviderFactory(name="Bravo Care Ltd")
    cqc_location("1-550000001", alpha.cqc_provider_id)
    cqc_location("1-550000002", bravo.cqc_provider_id)
    bids = {
        "alpha": submit_bid(tender, alpha, prices={1: "32.00"}, location_ids=["1-550000001"], reference="B-ALPHA"),
        "bravo": submit_bid(tender, bravo, prices={1: "34.00"}, location_ids=["1-550000002"], reference="B-BRAVO"),
    }
    return tender, bids


def test_a_provider_that_drops_to_inadequate_is_not_awarded_and_the_next_bidder_is(
    two_bidders, commissioner, evaluator, moderator
):
    tender, bids = two_bidders
    run = _evaluate(tender, bids, commissioner, evaluator, moderator)
    assert run.results["lots"][0]["award"]["recommended"] == ["B-ALPHA"]
    # CQC publishes a new rating for Alpha's location after the evaluation ran.
    cqc_location("1-550000001", bids["alpha"].provider.cqc_provider_id,
                 {**GOOD, "Well-led": "Inadequate"}, published=date(2017, 3, 1))

    with pytest.raises(RuleViolation) as refused:
        services.evaluation_award(tender=tender, user=commissioner)
    assert "Alpha Care Ltd (B-ALPHA)" in refused.value.message
    assert "Inadequate: Well-led" in refused.value.message
    tender.refresh_from_db()
    assert tender.status == "in_evaluation"
    # The evidence of the re-check is kept even though the award was refused.
    check = BidAssessment.objects.get(bid=bids["alpha"], stage="award")
    assert check.outcome == "excluded"
    assert {"location_id": "1-550000001", "service_group": "Overall", "domain": "Well-led", "rating": "Inadequate",
            "publication_date": "2017-03-01"} in check.evidence

    rerun = services.evaluation_run(tender=tender, user=commissioner)
    lot = rerun.results["lots"][0]
    assert lot["award"]["recommended"] == ["B-BRAVO"]
    alpha = next(b for b in lot["bids"] if b["bid_ref"] == "B-ALPHA")
    assert alpha["status"] == "excluded" and alpha["cqc"]["stage"] == "award"
    tender = services.evaluation_award(tender=tender, user=commissioner)
    assert tender.status == "awarded"


def test_an_excluded_bid_is_never_scored(two_bidders, commissioner, evaluator, moderator):
    tender, bids = two_bidders
    cqc_location("1-550000002", bids["bravo"].provider.cqc_provider_id, {**GOOD, "Overall": "Inadequate"})
    panel(tender, commissioner, evaluator, moderator=moderator)
    services.bids_assess_cqc(tender=tender, user=commissioner)
    assert [b.reference for b in selectors.scorable_bids(tender=tender)] == ["B-ALPHA"]
    with pytest.raises(RuleViolation, match="excluded bids are never scored"):
        score_all(bids["bravo"], evaluator, (3, 3, 6))


def test_a_location_registered_to_another_provider_excludes_the_bid(two_bidders, commissioner):
    tender, bids = two_bidders
    cqc_location("1-550000002", "1-999999999")
    (alpha, bravo) = services.bids_assess_cqc(tender=tender, user=commissioner)
    assert alpha.outcome == "eligible"
    assert bravo.outcome == "excluded" and "registered to CQC provider 1-999999999" in bravo.reason


@pytest.mark.parametrize(("policy", "outcome"), [("allow", "eligible"), ("flag", "flagged"), ("exclude", "excluded")])
def test_a_location_not_yet_rated_follows_the_tender_policy(policy, outcome, commissioner):
    tender = opened_tender(unrated_policy=policy)
    new = ProviderFactory(name="New Care Ltd")
    cqc_location("1-550000009", new.cqc_provider_id, {})
    submit_bid(tender, new, prices={1: "32.00"}, location_ids=["1-550000009"])
    (assessment,) = services.bids_assess_cqc(tender=tender, user=commissioner)
    assert assessment.outcome == outcome
    assert "not yet rated" in assessment.reason


def test_a_flagged_bid_is_scored_and_listed_for_due_diligence(commissioner, evaluator, moderator):
    tender = opened_tender(unrated_policy="flag")
    new = ProviderFactory(name="New Care Ltd")
    cqc_location("1-550000009", new.cqc_provider_id, {})
    submit_bid(tender, new, prices={1: "32.00"}, location_ids=["1-550000009"], reference="B-NEW")
    run = _evaluate(tender, None, commissioner, evaluator, moderator)
    assert run.results["flagged"] == [
        {"bid_ref": "B-NEW", "provider": "New Care Ltd", "reason": "not yet rated by CQC: 1-550000009 (due diligence required)"}
    ]
    assert run.results["lots"][0]["bids"][0]["rank"] == 1


def test_withdrawn_bids_are_ignored(two_bidders, commissioner):
    tender, bids = two_bidders
    bids["bravo"].status = "withdrawn"
    bids["bravo"].save()
    assert [p.name for p in selectors.bidding_providers(tender=tender)] == ["Alpha Care Ltd"]
    assert len(services.bids_assess_cqc(tender=tender, user=commissioner)) == 1


def test_only_a_commissioner_checks_cqc_or_awards(two_bidders, evaluator, api_as):
    tender, _ = two_bidders
    assert api_as(evaluator).post(f"/api/evaluation/tenders/{tender.reference}/cqc-checks/").status_code == 403
    assert api_as(evaluator).post(f"/api/evaluation/tenders/{tender.reference}/award/").status_code == 403


def test_a_failure_after_the_re_check_leaves_nothing_behind(two_bidders, commissioner, evaluator, moderator, monkeypatch):
    """All or nothing: the re-check and the award are one transaction; any failure rolls both back."""
    from common.audit import AuditEntry
    from tenders import services as tender_services
    from tenders.models import TenderAward

    tender, bids = two_bidders
    _evaluate(tender, bids, commissioner, evaluator, moderator)
    before = (BidAssessment.objects.count(), AuditEntry.objects.count())

    def broken(**kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(tender_services, "tender_award", broken)
    with pytest.raises(RuntimeError):
        services.evaluation_award(tender=tender, user=commissioner)
    assert (BidAssessment.objects.count(), AuditEntry.objects.count()) == before
    assert not BidAssessment.objects.filter(stage="award").exists()
    assert not TenderAward.objects.filter(tender=tender).exists()
    tender.refresh_from_db()
    assert tender.status == "in_evaluation" and tender.awarded_at is None


def test_a_cqc_exclusion_at_award_keeps_only_the_re_check_as_a_recorded_event(
    two_bidders, commissioner, evaluator, moderator
):
    """The one deliberate exception: the re-check is kept as evidence; nothing of the award is written."""
    from common.audit import AuditEntry
    from tenders.models import TenderAward

    tender, bids = two_bidders
    _evaluate(tender, bids, commissioner, evaluator, moderator)
    cqc_location("1-550000001", bids["alpha"].provider.cqc_provider_id,
                 {**GOOD, "Safe": "Inadequate"}, published=date(2017, 3, 1))
    entries = AuditEntry.objects.count()
    with pytest.raises(RuleViolation, match="Cannot award"):
        services.evaluation_award(tender=tender, user=commissioner)
    assert list(BidAssessment.objects.filter(stage="award").values_list("bid__reference", "outcome")) == [
        ("B-ALPHA", "excluded")
    ]
    new = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)[entries:])
    assert new == ["evaluation.cqc_assessed"]
    assert not TenderAward.objects.filter(tender=tender).exists()
    tender.refresh_from_db()
    assert tender.status == "in_evaluation" and tender.awarded_at is None
