"""A small evaluated tender for report tests: two lots, three bidders (one excluded), a current run."""
from __future__ import annotations

from typing import Any

from evaluation import services
from tenders.models import Tender
from tests.evaluation.helpers import cqc_location, moderate, opened_tender, panel, score_all, submit_bid
from tests.factories import ProviderFactory

ALPHA = "Alpha Care Ltd"
BRAVO = "Bravo Care Ltd"
CHARLIE = "Charlie Care Ltd"


def evaluated_tender(commissioner: Any, evaluator: Any, moderator: Any) -> Tender:
    """Bravo wins lot 1 on quality, Alpha lot 2; Charlie is excluded (Inadequate on Safe)."""
    tender = opened_tender(lots=2)
    alpha = submit_bid(tender, ProviderFactory(name=ALPHA), prices={1: "32.00", 2: "31.00"}, reference="B-ALPHA")
    bravo = submit_bid(tender, ProviderFactory(name=BRAVO), prices={1: "34.00"}, reference="B-BRAVO")
    charlie_provider = ProviderFactory(name=CHARLIE)
    submit_bid(tender, charlie_provider, prices={1: "30.00", 2: "30.00"}, reference="B-CHARLIE",
               location_ids=["1-559999999"])
    cqc_location("1-559999999", charlie_provider.cqc_provider_id,
                 {"Overall": "Requires improvement", "Safe": "Inadequate", "Effective": "Good", "Caring": "Good",
                  "Responsive": "Good", "Well-led": "Requires improvement"})
    services.bids_assess_cqc(tender=tender, user=commissioner, stage="opening")
    panel(tender, commissioner, evaluator, moderator=moderator)
    for bid, scores in ((alpha, (3, 3, 6)), (bravo, (4, 4, 8))):
        score_all(bid, evaluator, scores)
    services.moderation_start(tender=tender, user=moderator)
    for bid, scores in ((alpha, (3, 3, 6)), (bravo, (4, 4, 8))):
        moderate(bid, moderator, scores)
    services.quality_lock(tender=tender, user=moderator)
    services.price_envelope_open(tender=tender, user=commissioner)
    services.evaluation_run(tender=tender, user=commissioner)
    tender.refresh_from_db()
    return tender
