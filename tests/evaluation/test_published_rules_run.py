"""Published evaluation rules through a stored evaluation run (issue 15): ceilings, package prices, drawing of lots."""
from __future__ import annotations

from decimal import Decimal

import pytest

from common.models import AuditEntry
from evaluation import selectors, services
from evaluation.assemble import results_from_inputs
from evaluation.scoring import draw_key
from tenders.models import BidLotPrice, CeilingRule, Lot, TieBreakRule
from tenders.receipts import bid_version_content, content_digest
from tests.evaluation.helpers import cqc_location, moderate, opened_tender, panel, score_all, submit_bid
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db
D = Decimal


def _run(tender, commissioner, evaluator, moderator, scores):
    """Panel, blind scores, consensus (scores per bid ref), lock, price envelope, run."""
    panel(tender, commissioner, evaluator, moderator=moderator)
    services.bids_assess_cqc(tender=tender, user=commissioner)
    scorable = selectors.scorable_bids(tender=tender)
    for bid in scorable:
        score_all(bid, evaluator, scores[bid.reference])
    services.moderation_start(tender=tender, user=moderator)
    for bid in scorable:
        moderate(bid, moderator, scores[bid.reference])
    services.quality_lock(tender=tender, user=moderator)
    services.price_envelope_open(tender=tender, user=commissioner)
    return services.evaluation_run(tender=tender, user=commissioner)


def _bidder(tender, name, ref, price, location):
    provider = ProviderFactory(name=name)
    cqc_location(location, provider.cqc_provider_id)
    return submit_bid(tender, provider, prices={1: price}, location_ids=[location], reference=ref)


def _two_bidders(ceiling, **tender_kwargs):
    tender = opened_tender(**tender_kwargs)
    Lot.objects.filter(tender=tender).update(ceiling_price=None if ceiling is None else D(ceiling))
    _bidder(tender, "Best Quality Care", "B-BEST", "34.00", "1-550000011")
    _bidder(tender, "Rival Care", "B-RIVAL", "31.00", "1-550000012")
    return tender


SCORES = {"B-BEST": (5, 5, 10), "B-RIVAL": (3, 3, 6)}


def test_a_bid_above_the_ceiling_is_never_recommended(commissioner, evaluator, moderator):
    tender = _two_bidders("33.00")
    run = _run(tender, commissioner, evaluator, moderator, SCORES)
    lot = run.results["lots"][0]
    assert lot["award"]["recommended"] == ["B-RIVAL"]
    assert lot["ceiling_price"] == "33.00"
    best = next(b for b in lot["bids"] if b["bid_ref"] == "B-BEST")
    assert best["status"] == "above_ceiling" and best["rank"] is None and not best["recommended"]
    assert best["reason"] == (
        "priced above the lot's published ceiling: £34.00 per billed hour against a ceiling of £33.00"
    )
    assert best["quality_score"] == "60.00"  # still reported for its assessment summary
    assert run.results["published_rules"]["ceiling_rule"] == "not_ranked"
    assert "never recommended" in run.results["published_rules"]["ceiling_rule_text"]
    # The stored run recomputes to itself.
    assert results_from_inputs(run.inputs) == run.results


def test_the_same_bid_below_the_ceiling_is_recommended(commissioner, evaluator, moderator):
    tender = _two_bidders("35.00")
    run = _run(tender, commissioner, evaluator, moderator, SCORES)
    assert run.results["lots"][0]["award"]["recommended"] == ["B-BEST"]


def test_ranked_for_information_above_the_ceiling_still_passes_the_place_on(commissioner, evaluator, moderator):
    tender = _two_bidders("33.00", ceiling_rule=CeilingRule.RANKED_NOT_RECOMMENDED)
    run = _run(tender, commissioner, evaluator, moderator, SCORES)
    lot = run.results["lots"][0]
    assert [b["bid_ref"] for b in lot["bids"] if b["status"] == "ranked"] == ["B-BEST", "B-RIVAL"]
    assert lot["award"]["recommended"] == ["B-RIVAL"]
    assert lot["award"]["passed_over"][0]["bid_ref"] == "B-BEST"


def test_the_drawing_of_lots_seed_is_stored_once_audited_and_reproduces_the_order(commissioner, evaluator, moderator):
    tender = opened_tender()
    for n in range(1, 5):
        _bidder(tender, f"Twin Care {n}", f"B-TWIN{n}", "32.00", f"1-55000002{n}")
    same = {f"B-TWIN{n}": (3, 3, 6) for n in range(1, 5)}
    run = _run(tender, commissioner, evaluator, moderator, same)
    tender.refresh_from_db()
    assert tender.tie_break_rule == TieBreakRule.QUALITY_PRICE_LOTS
    seed = tender.tie_break_seed
    assert len(seed) == 32
    assert run.inputs["rules"]["tie_break_seed"] == seed
    lot = run.results["lots"][0]
    (tie,) = lot["ties"]
    assert tie["drawn"] and tie["seed"] == seed
    assert tie["decided_by"] == ["drawing of lots"] * 3
    expected = sorted(same, key=lambda ref: draw_key(seed, f"{ref}@Lot 1"))
    assert tie["bids"] == expected
    assert [b["bid_ref"] for b in lot["bids"]] == expected
    # Recorded in the audit trail, and the seed's storing too.
    drawn = AuditEntry.objects.get(action="evaluation.lots_drawn")
    assert drawn.after["seed"] == seed and drawn.after["order"] == expected
    assert AuditEntry.objects.filter(action="tender.tie_break_seed_stored").count() == 1
    # A re-run keeps the seed and the order.
    rerun = services.evaluation_run(tender=tender, user=commissioner)
    tender.refresh_from_db()
    assert tender.tie_break_seed == seed
    assert rerun.results["lots"][0]["ties"][0]["bids"] == expected


def test_ties_by_submission_time_only_where_the_tender_says_so(commissioner, evaluator, moderator):
    tender = opened_tender(tie_break_rule=TieBreakRule.SUBMISSION_TIME)
    early = _bidder(tender, "Early Care", "B-Z-EARLY", "32.00", "1-550000031")
    late = _bidder(tender, "Late Care", "B-A-LATE", "32.00", "1-550000032")
    late.submitted_at = early.submitted_at.replace(minute=(early.submitted_at.minute + 1) % 60)
    for bid, at in ((early, early.submitted_at), (late, late.submitted_at)):
        bid.versions.update(submitted_at=at)
    late.save(update_fields=["submitted_at"])
    run = _run(tender, commissioner, evaluator, moderator, {"B-Z-EARLY": (3, 3, 6), "B-A-LATE": (3, 3, 6)})
    tender.refresh_from_db()
    assert tender.tie_break_seed == ""
    lot = run.results["lots"][0]
    assert lot["ties"][0]["decided_by"] == ["submission time"]
    assert not AuditEntry.objects.filter(action="evaluation.lots_drawn").exists()


def _package_bid(tender, name, ref, hourly, package, location):
    bid = _bidder(tender, name, ref, hourly, location)
    version = bid.versions.get()
    BidLotPrice.objects.filter(version=version).update(package_price=D(package))
    version.content = bid_version_content(version)
    version.digest = content_digest(version.content)
    version.save(update_fields=["content", "digest"])
    return bid


@pytest.mark.parametrize(("weight", "winner"), [("0", "B-HOURLY"), ("50", "B-PACKAGE")])
def test_package_prices_change_the_ranking_where_the_published_weights_say(
    weight, winner, commissioner, evaluator, moderator
):
    tender = opened_tender()
    Lot.objects.filter(tender=tender).update(
        package_pricing=True, package_hours=D("30"), package_price_weight=D(weight)
    )
    # Cheaper per hour vs much cheaper per 30-hour package.
    _package_bid(tender, "Hourly Care", "B-HOURLY", "32.00", "1440.00", "1-550000041")
    _package_bid(tender, "Package Care", "B-PACKAGE", "36.00", "960.00", "1-550000042")
    run = _run(tender, commissioner, evaluator, moderator, {"B-HOURLY": (3, 3, 6), "B-PACKAGE": (3, 3, 6)})
    lot = run.results["lots"][0]
    assert lot["award"]["recommended"] == [winner]
    assert D(lot["package_price_weight"]) == D(weight)
    package = next(b for b in lot["bids"] if b["bid_ref"] == "B-PACKAGE")
    assert package["package_price"] == "960.00"
    # 960 / 30 = 32.00 per billed hour on 50/10 = 38.40 per contact hour.
    assert package["package_price_per_contact_hour"] == "38.40"
    assert results_from_inputs(run.inputs) == run.results


def test_the_evaluation_summary_shows_the_ceiling_and_the_rules_applied(commissioner, evaluator, moderator, client):
    tender = _two_bidders("33.00")
    _run(tender, commissioner, evaluator, moderator, SCORES)
    client.force_login(commissioner)
    page = client.get(f"/evaluation/{tender.reference}/summary/").content.decode()
    assert "Above ceiling" in page
    assert "ceiling £33.00 per billed hour" in page
    assert "priced above the lot&#x27;s published ceiling: £34.00 per billed hour" in page
    assert "never recommended" in page
    assert "every location CQC lists under the bidder&#x27;s CQC provider ID" in page


@pytest.mark.parametrize(("scope", "outcome"), [("provider_wide", "excluded"), ("named_locations", "eligible")])
def test_an_inadequate_branch_left_out_of_the_bid_is_caught_by_the_default_rule(scope, outcome, commissioner):
    from tests.evaluation.helpers import GOOD

    tender = opened_tender(cqc_gate_scope=scope)
    provider = ProviderFactory(name="Two Branch Care")
    cqc_location("1-550000051", provider.cqc_provider_id)  # the branch it names: Good
    cqc_location("1-550000052", provider.cqc_provider_id, {**GOOD, "Well-led": "Inadequate"})  # left out
    submit_bid(tender, provider, prices={1: "32.00"}, location_ids=["1-550000051"], reference="B-TWO")
    (assessment,) = services.bids_assess_cqc(tender=tender, user=commissioner)
    assert assessment.outcome == outcome
    if outcome == "excluded":
        assert "1-550000052 (not named in the bid" in assessment.reason
        assert {"location_id": "1-550000052", "service_group": "Overall", "domain": "Well-led",
                "rating": "Inadequate", "publication_date": "2016-11-01"} in assessment.evidence
    entry = AuditEntry.objects.filter(action="evaluation.cqc_assessed").latest("at")
    assert entry.after["cqc_rule"] == scope


def test_an_abnormally_low_package_price_is_checked_against_package_hours_and_needs_explaining(
    commissioner, evaluator, moderator
):
    from evaluation.models import PriceClarification

    tender = opened_tender()
    assert tender.rate_preset_id is not None
    Lot.objects.filter(tender=tender).update(package_pricing=True, package_hours=D("30"))
    # £32.00 an hour is fine; £300 for 30 hours is £10.00 a billed hour, below the floor.
    _package_bid(tender, "Cheap Package Care", "B-CHEAP", "32.00", "300.00", "1-550000061")
    _package_bid(tender, "Fair Care", "B-FAIR", "32.00", "960.00", "1-550000062")
    run = _run(tender, commissioner, evaluator, moderator, {"B-CHEAP": (3, 3, 6), "B-FAIR": (3, 3, 6)})
    (clarification,) = PriceClarification.objects.filter(bid__tender=tender)
    assert clarification.bid.reference == "B-CHEAP"
    assert clarification.price_check["message"].startswith("Package price £300.00 for 30 hours:")
    assert clarification.check_status == "below_statutory_floor"
    lot = run.results["lots"][0]
    assert lot["provisional"] and lot["unresolved_clarifications"] == ["B-CHEAP"]
    cheap = next(b for b in lot["bids"] if b["bid_ref"] == "B-CHEAP")
    assert cheap["package_check"]["status"] == "below_statutory_floor"
