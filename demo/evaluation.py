"""The Lancashire reablement tender evaluated: bids, panel, blind scores, moderation, prices, a run.

LCC-REAB-2017 was opened on 30 January 2017. This loader gives it submitted bids
from the six fictional demo providers, then walks the real evaluation services
in order, on the dates they would have happened in early 2017 (time-machine sets
the clock, so every timestamp and audit entry tells one coherent story):

    panel assigned -> CQC check at opening (Red Rose excluded: Inadequate on Safe)
    -> conflicts declared (evaluator3 conflicted with Fylde Coast Companions)
    -> blind individual scores -> moderation (divergent scores discussed)
    -> quality locked -> price envelope opened -> two abnormally low prices
    explained (Morecambe's accepted, Dockside's rejected) -> evaluation run.

Prices are per billed hour on Lancashire's 50 contact + 10 travel minute basis,
around the UKHCA's 2016 minimum of £16.70 per contact hour (£13.92 per billed
hour) and above the £12.75 Lancashire paid, higher in rural zones where the
cost-of-care model's travel and mileage are higher.

Idempotent: every step checks what is already there, and nothing runs again once
the tender has an evaluation run. It needs the CQC demo ratings (demo.cqc) loaded first.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import time_machine
from django.db import transaction

from accounts.models import User
from common.timezone import UK_TZ
from evaluation import selectors, services
from evaluation.models import (
    ConsensusScore,
    EvaluationRun,
    IndividualScore,
    PriceClarification,
    PriceClarificationStatus,
)
from providers.models import Provider
from tenders.models import (
    Bid,
    BidAnswer,
    BidLotPrice,
    BidStatus,
    BidVersion,
    BidVersionStatus,
    Lot,
    Tender,
)
from tenders.receipts import bid_version_content, content_digest

REFERENCE = "LCC-REAB-2017"


def _at(m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(2017, m, d, hh, mm, tzinfo=UK_TZ)


@dataclass(frozen=True)
class DemoBid:
    slug: str  # demo.lancashire.PROVIDERS slug
    location_id: str  # CQC location the service is delivered from (demo.cqc)
    submitted: datetime
    prices: dict[int, str]  # lot number -> price per billed hour (50 + 10 minutes)
    answers: tuple[str, str, str, str, str]


# Lots: 1 Lancaster (mixed), 2 Fylde and Wyre (mixed), 3 Pendle and Ribble Valley (rural),
# 4 Burnley, Hyndburn and Rossendale (urban), 5 Chorley, South Ribble and Greater Preston (urban),
# 6 West Lancashire (rural).
BIDS = (
    DemoBid(
        "bowland", "1-991000001", _at(1, 24, 15, 12), {1: "14.85", 2: "15.10", 3: "16.20"},
        (
            "Each person has a reablement plan built from the occupational therapist's goals, reviewed weekly by "
            "a senior worker; 62% of people we reabled in 2015/16 needed no ongoing care at six weeks.",
            "We recruit locally through the fells villages and pay travel time; 80% of staff are on guaranteed-"
            "hours contracts and turnover was 28% last year against a county average of over 40%.",
            "A duty coordinator takes hospital referrals seven days a week until 8pm and starts care within 24 "
            "hours; weekend starts are covered by a rota of four senior workers.",
            "Safeguarding leads in each branch, monthly spot checks and an annual survey; CQC rated us Good.",
            "We employ from the zone, run a volunteer befriending scheme and are moving to electric pool cars.",
        ),
    ),
    DemoBid(
        "morecambe", "1-991000002", _at(1, 26, 11, 40), {1: "15.40", 2: "15.30", 4: "12.60", 6: "16.30"},
        (
            "Our reablement workers are trained by the community OT team; goals are set with the person and "
            "measured with the Canadian Occupational Performance Measure at start, week 3 and discharge.",
            "As a worker co-operative every care worker is a member on a salaried contract with no zero-hours "
            "contracts; members elect the board and turnover is 14%.",
            "We hold a standing discharge team at the Royal Lancaster Infirmary and start most packages the same "
            "day, including weekends and bank holidays.",
            "Outstanding rated by CQC; a quality committee of members and people who use the service reviews "
            "every incident and complaint.",
            "Surpluses are reinvested locally; we train unemployed residents as carers with a guaranteed job.",
        ),
    ),
    DemoBid(
        "pendle", "1-991000003", _at(1, 25, 9, 5), {3: "15.95", 4: "14.25", 5: "14.30"},
        (
            "We specialise in reablement: therapists' goals drive every visit and we step visits down as people "
            "regain skills, handing back unused hours to the council.",
            "Recruitment days in Nelson and Colne; staff are offered guaranteed hours after probation, though "
            "some weekend staff remain on flexible contracts by choice.",
            "Referrals are accepted until 6pm on weekdays and 2pm at weekends; most starts are next-day.",
            "We are implementing an improvement plan after CQC rated Effective as requires improvement, with new "
            "supervision and care-plan audits.",
            "We buy locally and support a carers' café in Barnoldswick.",
        ),
    ),
    DemoBid(
        "fylde", "1-991000004", _at(1, 23, 16, 30), {1: "14.95", 2: "14.70", 5: "14.45", 6: "16.10"},
        (
            "Reablement assistants work to OT goals recorded in the care plan; progress is reviewed at weeks 2 "
            "and 4 with the therapist.",
            "All care workers are on contracted hours, paid for travel and training; we run an apprenticeship "
            "with Blackpool and The Fylde College.",
            "A hospital liaison worker at Blackpool Victoria triages discharges; weekend starts are available.",
            "Good rated by CQC; quarterly quality audits and an electronic call-monitoring system.",
            "Local recruitment in coastal towns with high unemployment; staff volunteering days.",
        ),
    ),
    DemoBid(
        "redrose", "1-991000005", _at(1, 27, 11, 15), {3: "14.20", 4: "13.40", 5: "13.30"},
        (
            "Reablement delivered by our homecare teams following the council's support plan.",
            "We recruit continuously and offer flexible hours to suit staff.",
            "We aim to start packages within 48 hours of referral.",
            "We have an action plan following our last inspection.",
            "We support local charities.",
        ),
    ),
    DemoBid(
        "dockside", "1-991000006", _at(1, 26, 17, 50), {4: "14.60", 5: "11.40", 6: "16.45"},
        (
            "A new service led by a registered manager with ten years' reablement experience; OT goals are "
            "reviewed fortnightly.",
            "We will recruit 40 workers before the contract starts, on a mix of guaranteed and zero-hours "
            "contracts during the first year.",
            "Referrals accepted seven days a week; starts within 48 hours while the team grows.",
            "Registered with CQC in 2016 and not yet inspected; policies follow Skills for Care guidance.",
            "A social enterprise reinvesting profit in training and local apprenticeships.",
        ),
    ),
)

DESCRIPTORS = {
    0: "No answer or unacceptable",
    1: "Major concerns",
    2: "Some concerns",
    3: "Satisfactory",
    4: "Good, with evidence",
    5: "Excellent, with strong evidence",
}

# Individual scores per question (Q1..Q5) by evaluator, and the consensus with its rationale.
# evaluator3 declared a conflict with Fylde Coast Companions, so did not score it.
SCORES: dict[str, dict[str, tuple[int, ...]]] = {
    "morecambe": {"evaluator": (5, 4, 4, 5, 4), "evaluator2": (4, 4, 3, 5, 4), "evaluator3": (5, 3, 4, 4, 2)},
    "bowland": {"evaluator": (4, 4, 3, 4, 3), "evaluator2": (4, 5, 3, 3, 3), "evaluator3": (3, 4, 2, 4, 3)},
    "pendle": {"evaluator": (4, 3, 4, 3, 3), "evaluator2": (2, 3, 4, 3, 3), "evaluator3": (4, 3, 5, 3, 2)},
    "fylde": {"evaluator": (3, 4, 4, 4, 4), "evaluator2": (3, 4, 4, 3, 4)},
    "dockside": {"evaluator": (3, 3, 3, 3, 4), "evaluator2": (3, 3, 3, 1, 4), "evaluator3": (3, 2, 3, 3, 4)},
}
CONSENSUS: dict[str, tuple[int, ...]] = {
    "morecambe": (5, 4, 4, 5, 4),
    "bowland": (4, 4, 3, 4, 3),
    "pendle": (4, 3, 4, 3, 3),
    "fylde": (3, 4, 4, 4, 4),
    "dockside": (3, 3, 3, 3, 4),
}
# Rationales for the questions the panel discussed (divergent scores); others use the descriptor.
DISCUSSED = {
    ("morecambe", 5): "Esme scored 2 as the answer gives no figures; the panel agreed the guaranteed-job "
                      "training scheme is specific to the zone and evidenced in the appendix, so 4.",
    ("pendle", 1): "Euan scored 2, reading step-down as cost-cutting; the panel agreed handing back unused hours "
                   "follows the therapists' goals and is good practice, with outcome data, so 4.",
    ("dockside", 4): "Euan scored 1 because the service is not yet inspected; the panel agreed an uninspected "
                     "service is not in itself a concern and the policies are sound, so 3, with CQC due "
                     "diligence before contract.",
}

CLARIFICATIONS = {
    ("morecambe", 4): (
        PriceClarificationStatus.ACCEPTED,
        "Burnley is served from our existing Accrington branch, whose premises and management are already "
        "paid for by current contracts; staff are salaried at £7.50 an hour with paid travel. Branch accounts "
        "for 2015/16 were provided.",
        "The explanation shows the price pays at least the National Living Wage for contact and travel time and "
        "the shortfall against the model is in running costs already covered elsewhere. Accepted.",
    ),
    ("dockside", 5): (
        PriceClarificationStatus.REJECTED,
        "We plan to pay care workers per visit and not for travel between visits, and to start with a "
        "lean office of two.",
        "Unpaid travel time would take effective pay below the National Living Wage (National Minimum Wage "
        "Regulations 2015: travel between assignments is working time). The price is not sustainable. Rejected.",
    ),
}


def _reference(slug: str) -> str:
    # Same shape as tenders.services' random references, but stable so the demo is repeatable.
    return f"{REFERENCE}-{hashlib.sha256(slug.encode()).hexdigest()[:8].upper()}"


def _providers() -> dict[str, Provider]:
    from demo.lancashire import PROVIDERS

    by_cqc = {p.cqc_provider_id: p for p in Provider.objects.all()}
    return {spec.slug: by_cqc[spec.cqc_provider_id] for spec in PROVIDERS}


def load_bids(tender: Tender, providers: dict[str, Provider]) -> dict[str, Bid]:
    """Submitted bids written through the bid models, each with frozen content and its digest."""
    lots = {lot.number: lot for lot in Lot.objects.filter(tender=tender)}
    questions = list(tender.questions.order_by("number"))
    users = {u.provider_id: u for u in User.objects.filter(provider__in=providers.values())}
    bids = {}
    for spec in BIDS:
        provider = providers[spec.slug]
        bid = Bid.objects.filter(tender=tender, provider=provider).first()
        if bid is not None:
            bids[spec.slug] = bid
            continue
        with time_machine.travel(spec.submitted, tick=False):
            bid = Bid.objects.create(
                tender=tender, provider=provider, reference=_reference(spec.slug), status=BidStatus.SUBMITTED,
                submitted_at=spec.submitted,
            )
            version = BidVersion.objects.create(
                bid=bid, number=1, status=BidVersionStatus.SUBMITTED, cqc_location_ids=[spec.location_id],
                declarations={"accepts_terms": True, "no_collusion": True, "information_true": True},
                submitted_at=spec.submitted, submitted_by=users.get(provider.pk),
            )
            for number, price in spec.prices.items():
                BidLotPrice.objects.create(
                    version=version, lot=lots[number], hourly_price=Decimal(price),
                    package_price=Decimal(price) * (lots[number].package_hours or Decimal(0)) or None,
                )
            for question, text in zip(questions, spec.answers, strict=True):
                BidAnswer.objects.create(version=version, question=question, text=text)
            version.content = bid_version_content(version)
            version.digest = content_digest(version.content)
            version.save(update_fields=["content", "digest"])
        bids[spec.slug] = bid
    return bids


def _comment(slug: str, number: int, score: int) -> str:
    """An evaluator's comment: the descriptor, the answer's key claim, and why they went above or below the panel."""
    answer = next(b.answers for b in BIDS if b.slug == slug)[number - 1]
    claim = f'{DESCRIPTORS[score]}. Key claim: "{answer.split(";")[0].split(". ")[0].rstrip(".")}".'
    agreed = CONSENSUS[slug][number - 1]
    if score > agreed:
        return f"{claim} Convincing and specific to the zone."
    if score < agreed:
        return f"{claim} Little evidence offered to back it."
    return claim


def _panel(tender: Tender, commissioner: User, staff: dict[str, User]) -> None:
    with time_machine.travel(_at(1, 16, 9), tick=False):
        for name in ("evaluator", "evaluator2", "evaluator3", "moderator"):
            services.evaluation_assign(tender=tender, user=commissioner, member=staff[name])


def _declare(tender: Tender, staff: dict[str, User], providers: dict[str, Provider]) -> None:
    for minute, name in enumerate(("evaluator", "evaluator2", "evaluator3", "moderator")):
        assignment = selectors.assignment_for(user=staff[name], tender=tender)
        if assignment.declarations.exists():
            continue
        items = []
        for slug, provider in providers.items():
            conflict = name == "evaluator3" and slug == "fylde"
            items.append({
                "provider": provider.pk, "has_conflict": conflict,
                "details": "My sister is a care coordinator at Fylde Coast Companions." if conflict else "",
            })
        with time_machine.travel(_at(1, 30, 11, 5 * minute), tick=False):
            services.conflict_declare(tender=tender, user=staff[name], declarations=items)


def _score(tender: Tender, staff: dict[str, User], bids: dict[str, Bid]) -> None:
    if selectors.tender_evaluation(tender=tender).moderation_started:
        return
    for day, (slug, by_evaluator) in enumerate(SCORES.items()):
        bid = bids[slug]
        for hour, (name, scores) in enumerate(by_evaluator.items()):
            if IndividualScore.objects.filter(bid=bid, evaluator=staff[name]).exists():
                continue
            items = [
                {"question": n, "score": s, "comment": _comment(slug, n, s)} for n, s in enumerate(scores, start=1)
            ]
            with time_machine.travel(_at(2, 1 + day, 10 + 2 * hour), tick=False):
                services.score_submit(bid=bid, user=staff[name], scores=items)


def _moderate(tender: Tender, staff: dict[str, User], bids: dict[str, Bid]) -> None:
    moderator = staff["moderator"]
    stages = selectors.tender_evaluation(tender=tender)
    if not stages.moderation_started:
        with time_machine.travel(_at(2, 13, 10), tick=False):
            services.moderation_start(tender=tender, user=moderator)
    questions = {q.number: q for q in tender.questions.all()}
    for index, (slug, scores) in enumerate(CONSENSUS.items()):
        bid = bids[slug]
        for number, score in enumerate(scores, start=1):
            if ConsensusScore.objects.filter(bid=bid, question=questions[number]).exists():
                continue
            rationale = DISCUSSED.get((slug, number)) or (
                f"Panel agreed {score}: {DESCRIPTORS[score].lower()}, in line with the individual scores."
            )
            # What the bidder reads (reg 31): the score against the published descriptor, no names.
            feedback = (
                f"Question {number} scored {score} out of 5 ({DESCRIPTORS[score].lower()}) against the "
                "published scoring descriptors."
            )
            with time_machine.travel(_at(2, 13, 10 + index, 30 + number), tick=False):
                services.consensus_record(bid=bid, question=number, user=moderator, score=score, rationale=rationale,
                                          feedback_to_bidder=feedback)
    if not selectors.tender_evaluation(tender=tender).quality_locked:
        with time_machine.travel(_at(2, 14, 16), tick=False):
            services.quality_lock(tender=tender, user=moderator)


def _prices(tender: Tender, commissioner: User, bids: dict[str, Bid]) -> None:
    if tender.price_envelope_opened_at is None:
        with time_machine.travel(_at(2, 15, 10), tick=False):
            services.price_envelope_open(tender=tender, user=commissioner)
    for (slug, number), (decision, explanation, reason) in CLARIFICATIONS.items():
        clarification = PriceClarification.objects.filter(bid=bids[slug], lot__number=number).first()
        if clarification is None or not clarification.is_pending:
            continue
        with time_machine.travel(_at(2, 22, 11 + number), tick=False):
            services.clarification_record(
                bid=bids[slug], lot=clarification.lot, user=commissioner, explanation=explanation,
                decision=decision, reason=reason,
            )


@transaction.atomic
def load_demo_evaluation() -> EvaluationRun | None:
    """Evaluate LCC-REAB-2017 up to a current run, on 2017 dates; does nothing once a run exists."""
    tender = Tender.objects.filter(reference=REFERENCE).first()
    if tender is None or tender.opened_at is None:
        return None
    existing = selectors.current_run(tender=tender)
    if existing is not None:
        return existing
    staff = {u.username: u for u in User.objects.filter(
        username__in=["commissioner", "evaluator", "evaluator2", "evaluator3", "moderator"]
    )}
    commissioner = staff["commissioner"]
    providers = _providers()
    bids = load_bids(tender, providers)
    _panel(tender, commissioner, staff)
    if not selectors.latest_assessments(bids=list(bids.values())):
        with time_machine.travel(_at(1, 30, 10, 30), tick=False):
            services.bids_assess_cqc(tender=tender, user=commissioner)
    _declare(tender, staff, providers)
    _score(tender, staff, bids)
    _moderate(tender, staff, bids)
    tender.refresh_from_db()
    _prices(tender, commissioner, bids)
    tender.refresh_from_db()
    with time_machine.travel(_at(2, 23, 9), tick=False):
        return services.evaluation_run(tender=tender, user=commissioner)
