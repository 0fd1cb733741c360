"""A realistic sample report context, for tests and the rendering benchmark (NOT demo data).

`sample_context()` is a Lancashire reablement tender in six zones (the hours a week are
Lancashire's 2016/17 figures, shared/domain.md) run under the Procurement Act 2023 in
2025/26: 60% quality / 40% price relative to the lowest acceptable price, prices asked per
60 minutes = 50 contact + 10 travel, checked against the Homecare Association's 2025/26
model (pricing.preset_data "2025-26") with zone-specific travel and mileage. Five fictional
bidders; one (Hilltop Home Support Ltd) excluded because a named CQC location is rated
Inadequate on Safe; one abnormally low price (Wyre Coast Care Services Ltd in Fylde and
Wyre) clarified and accepted; one evaluator declared an interest and did not score one bid.
The contract award notice is published on Friday 19 December 2025, so the 8-working-day
standstill runs over Christmas and New Year (and Scotland's 2 January, s.123) and ends on Monday 5 January 2026.

`sample_context(lots=24, bidders=10, audit_entries=1500)` (or `large_sample_context()`)
adds generated zones and bidders and a long audit trail: about 100 pages of award report.

Figures are worked out here with the published formulas (quality = 60 x sum(w x s / 5) /
sum(w); price = 40 x lowest / price, per contact hour), so every total in the sample is
consistent with its parts. Deterministic: no clock, no randomness.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from decimal import Decimal

from common.money import pennies
from common.timezone import UK_TZ
from evaluation.assemble import question_contribution  # one formula; runs store its result
from pricing.checks import check_price
from pricing.conversion import MinuteBasis
from pricing.cost_model import ServicePattern, assumptions_from_mapping, cost_of_care
from pricing.preset_data import PRESETS
from reports.context import (
    AuditRow,
    Authority,
    AwardEvents,
    Bidder,
    BidRow,
    ClarificationDecision,
    ConflictDeclaration,
    CqcEvidence,
    CqcSnapshotRow,
    Exclusion,
    IndividualScore,
    LotSection,
    LotSensitivity,
    PriceClarification,
    Question,
    QuestionScore,
    ReportContext,
    RowStatus,
    SensitivityRow,
    TenderClarification,
    TenderSummary,
    TimelineEvent,
)

BASIS = MinuteBasis(contact_minutes=50, travel_minutes=10)
QUALITY_WEIGHT = Decimal(60)
PRICE_WEIGHT = Decimal(40)
CEILING = Decimal("31.00")  # per billed hour
EVALUATORS = ("Evaluator 1", "Evaluator 2", "Evaluator 3")
SPLITS = ((Decimal(60), Decimal(40)), (Decimal(50), Decimal(50)), (Decimal(70), Decimal(30)), (Decimal(80), Decimal(20)))


def uk(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """An aware datetime in UK time."""
    return datetime(year, month, day, hour, minute, tzinfo=UK_TZ)


# (name, hours a week, travel minutes per contact hour, miles per contact hour)
ZONES: tuple[tuple[str, Decimal, Decimal, Decimal], ...] = (
    ("Lancaster", Decimal(1128), Decimal(14), Decimal("5.0")),
    ("Fylde and Wyre", Decimal(1065), Decimal(13), Decimal("4.4")),
    ("Pendle and Ribble Valley", Decimal(949), Decimal(16), Decimal("5.6")),
    ("Burnley, Hyndburn and Rossendale", Decimal(1197), Decimal(11), Decimal("3.4")),
    ("Chorley, South Ribble and Greater Preston", Decimal(676), Decimal(10), Decimal("3.0")),
    ("West Lancashire", Decimal(663), Decimal(13), Decimal("4.6")),
)

QUESTIONS: tuple[Question, ...] = (
    Question(
        1, "Reablement outcomes",
        "Describe how you will deliver occupational-therapist-set reablement goals within six weeks and"
        " measure the independence people regain.",
        Decimal(30), 5,
    ),
    Question(
        2, "Workforce",
        "How will you recruit, train and retain care workers, and minimise zero-hours contracts from year two?",
        Decimal(20), 5,
    ),
    Question(
        3, "Safeguarding and quality assurance",
        "Describe your safeguarding arrangements and how you monitor and improve the quality of care.",
        Decimal(20), 5,
    ),
    Question(
        4, "Hospital discharge responsiveness",
        "How will you start packages within 24 hours of a hospital discharge request, including weekends?",
        Decimal(15), 5,
    ),
    Question(
        5, "Social value",
        "What local employment, training and environmental commitments will you make in the zone?",
        Decimal(15), 5,
    ),
)  # fmt: skip

# provider_key, name, CQC provider ID, location ID, location name, town, ratings (overall, safe,
# effective, caring, responsive, well-led)
PROVIDERS: tuple[tuple[str, str, str, str, str, str, tuple[str, ...]], ...] = (
    ("lune", "Lune Valley Home Care Ltd", "1-101000001", "1-201000001", "Lune Valley Home Care - Lancaster",
     "Lancaster", ("Good", "Good", "Good", "Outstanding", "Good", "Good")),
    ("ribble", "Ribble and Pendle Reablement CIC", "1-101000002", "1-201000002", "Ribble and Pendle Reablement",
     "Clitheroe", ("Outstanding", "Good", "Outstanding", "Outstanding", "Good", "Outstanding")),
    ("wyre", "Wyre Coast Care Services Ltd", "1-101000003", "1-201000003", "Wyre Coast Care - Fleetwood",
     "Fleetwood", ("Good", "Good", "Good", "Good", "Good", "Requires improvement")),
    ("pennine", "Pennine Enablement Partnership Ltd", "1-101000004", "1-201000004", "Pennine Enablement - Burnley",
     "Burnley", ("Good", "Good", "Good", "Good", "Good", "Good")),
    ("hilltop", "Hilltop Home Support Ltd", "1-101000005", "1-201000005", "Hilltop Home Support - Blackburn Road",
     "Darwen", ("Requires improvement", "Inadequate", "Requires improvement", "Good", "Good",
                "Requires improvement")),
)  # fmt: skip
EXCLUDED = "hilltop"
NAMED = frozenset(p[0] for p in PROVIDERS)

# Consensus scores (0-5) per question, and each evaluator's offset from it per question.
CONSENSUS: dict[str, tuple[int, ...]] = {
    "lune": (4, 4, 3, 4, 3),
    "ribble": (5, 4, 4, 3, 4),
    "wyre": (3, 3, 3, 4, 3),
    "pennine": (4, 3, 4, 4, 4),
}
OFFSETS = ((0, 1, -1), (1, 0, 0), (-1, 0, 1), (0, -1, 0), (0, 0, 1))

# Lot number -> {provider_key: price per billed hour on the 50 + 10 basis}. None = not opened.
PRICES: dict[int, dict[str, Decimal | None]] = {
    1: {"lune": Decimal("27.95"), "wyre": Decimal("27.40"), "hilltop": None},
    2: {"lune": Decimal("28.20"), "wyre": Decimal("25.20")},
    3: {"ribble": Decimal("28.40"), "pennine": Decimal("27.90")},
    4: {"ribble": Decimal("26.35"), "pennine": Decimal("26.05"), "hilltop": None},
    5: {"lune": Decimal("26.10"), "ribble": Decimal("26.80"), "pennine": Decimal("25.95")},
    6: {"wyre": Decimal("27.75"), "pennine": Decimal("28.10"), "hilltop": None},
}
ABNORMALLY_LOW = (2, "wyre")

EVIDENCE: dict[str, tuple[str, ...]] = {
    "lune": (
        "Section 1.2 sets out OT-agreed goals reviewed weekly and reports 71% of people needing no ongoing"
        " care at six weeks in 2024/25; outcome measures beyond that figure are not described.",
        "Section 2.1 guarantees 16-hour minimum contracts for all staff from month one and describes a"
        " paid induction; retention figures are given (turnover 24%).",
        "Section 3 describes a safeguarding lead and monthly audits but gives no example of learning from"
        " an incident.",
        "Section 4 commits to starts within 24 hours seven days a week with a dedicated discharge"
        " coordinator at the Royal Lancaster Infirmary.",
        "Section 5 offers ten apprenticeships; environmental commitments are general.",
    ),
    "ribble": (
        "Section 1 gives a clear OT-led model with goal attainment scaling, quarterly outcome reports and"
        " 78% independence at six weeks, evidenced by audited data.",
        "Section 2 describes salaried contracts, a career pathway to senior reablement worker and"
        " turnover of 19%; zero-hours contracts are already eliminated.",
        "Section 3 shows a strong audit cycle with two worked examples of learning from safeguarding"
        " enquiries.",
        "Section 4 offers same-day starts on weekdays but only next-day starts at weekends.",
        "Section 5 commits to local recruitment in Pendle with measurable targets and an electric pool"
        " car scheme.",
    ),
    "wyre": (
        "Section 1 describes goal setting but relies on the referring OT for reviews; little evidence of"
        " measured outcomes.",
        "Section 2 plans to move to guaranteed hours in year two without a timetable.",
        "Section 3 meets the requirement with a named safeguarding lead and quarterly audits.",
        "Section 4 commits to starts within 24 hours including weekends, with an on-call rota.",
        "Section 5 offers local recruitment but no measurable targets.",
    ),
    "pennine": (
        "Section 1 describes OT-set goals with fortnightly reviews and reports 70% independence at six"
        " weeks.",
        "Section 2 describes guaranteed hours for most staff; the recruitment plan for rural areas is thin.",
        "Section 3 shows a robust quality framework with an annual independent audit.",
        "Section 4 commits to 24-hour starts seven days a week, with examples from Burnley General.",
        "Section 5 commits to six apprenticeships and a measured cut in mileage through zoned rotas.",
    ),
}
DESCRIPTORS = {
    0: "Unacceptable: the response does not answer the question.",
    1: "Poor: significant gaps or concerns.",
    2: "Weak: partly meets the requirement with notable gaps.",
    3: "Satisfactory: meets the requirement.",
    4: "Good: meets the requirement with some added value.",
    5: "Excellent: exceeds the requirement, well evidenced.",
}


def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()


def _preset_assumptions():  # noqa: ANN202 - RateAssumptions
    preset = next(p for p in PRESETS if p["slug"] == "2025-26")
    return preset["name"], assumptions_from_mapping(preset)


def _zones(count: int) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    zones = list(ZONES[:count])
    for n in range(len(zones) + 1, count + 1):
        zones.append(
            (f"Lancashire zone {n}", Decimal(400 + (n * 37) % 600), Decimal(10 + n % 7), Decimal(3) + Decimal(n % 5) / 2)
        )
    return zones


def _providers(count: int) -> list[tuple[str, str, str, str, str, str, tuple[str, ...]]]:
    providers = list(PROVIDERS[:count])
    for n in range(len(providers) + 1, count + 1):
        providers.append(
            (
                f"gen{n}", f"Red Rose Care Cooperative {n} Ltd", f"1-1010000{n:02d}", f"1-2010000{n:02d}",
                f"Red Rose Care Cooperative {n} - Preston", "Preston",
                ("Good", "Good", "Good", "Good", "Good", "Good"),
            )
        )  # fmt: skip
    return providers


def _consensus(key: str, index: int) -> tuple[int, ...]:
    if key in CONSENSUS:
        return CONSENSUS[key]
    return tuple(2 + (index + q * 2) % 4 for q in range(len(QUESTIONS)))


def _price(lot_number: int, key: str, index: int, model_min_billed: Decimal) -> tuple[bool, Decimal | None]:
    """(bids for the lot, price per billed hour)."""
    if lot_number in PRICES and key in NAMED:
        if key in PRICES[lot_number]:
            return True, PRICES[lot_number][key]
        return False, None
    if (index * 7 + lot_number * 3) % 4 == 0:
        return False, None
    if key == EXCLUDED:
        return True, None
    uplift = Decimal(3 + (index * 5 + lot_number * 3) % 9) / 100
    return True, (model_min_billed * (1 + uplift) * 20).to_integral_value() / 20


def _sensitivity(entries: list[dict], names: dict[str, str]) -> LotSensitivity:
    """Rankings at other splits, and the price moves that would change the winner (whole pennies)."""
    if not entries:
        return LotSensitivity()

    def ranking(qw: Decimal, pw: Decimal, prices: dict[str, Decimal]) -> list[str]:
        lowest = min(prices.values())
        scored = [(qw * e["qf"] + pw * lowest / prices[e["key"]], e["qf"], -prices[e["key"]], e["key"]) for e in entries]
        scored.sort(key=lambda t: (-t[0], -t[1], -t[2], t[3]))
        return [t[3] for t in scored]

    base_prices = {e["key"]: e["pch"] for e in entries}
    base = ranking(QUALITY_WEIGHT, PRICE_WEIGHT, base_prices)
    rows = []
    for qw, pw in SPLITS:
        order = ranking(qw, pw, base_prices)
        rows.append(
            SensitivityRow(
                quality_weight=qw,
                price_weight=pw,
                is_tender_split=(qw, pw) == (QUALITY_WEIGHT, PRICE_WEIGHT),
                winner=names[order[0]],
                ranking=tuple(names[k] for k in order),
                winner_changed=order[0] != base[0],
            )
        )
    winner, runner = base[0], (base[1] if len(base) > 1 else None)
    to_win = cut = to_lose = rise = None
    if runner is not None:
        current = pennies(base_prices[runner])
        cents = int(current * 100)
        for c in range(cents, 0, -1):
            trial = dict(base_prices, **{runner: Decimal(c) / 100})
            if ranking(QUALITY_WEIGHT, PRICE_WEIGHT, trial)[0] == runner:
                to_win = Decimal(c) / 100
                cut = (base_prices[runner] - to_win) / base_prices[runner] * 100
                break
        w_cents = int(pennies(base_prices[winner]) * 100)
        for c in range(w_cents, w_cents * 3):
            trial = dict(base_prices, **{winner: Decimal(c) / 100})
            if ranking(QUALITY_WEIGHT, PRICE_WEIGHT, trial)[0] != winner:
                to_lose = Decimal(c) / 100
                rise = (to_lose - base_prices[winner]) / base_prices[winner] * 100
                break
    return LotSensitivity(
        rows=tuple(rows),
        winner=names[winner],
        runner_up=names[runner] if runner else None,
        runner_up_price_to_win=to_win,
        runner_up_price_cut_percent=cut,
        winner_price_to_lose=to_lose,
        winner_price_rise_percent=rise,
    )


def sample_context(
    *,
    lots: int = 6,
    bidders: int = 5,
    audit_entries: int | None = None,
    generated_at: datetime | None = None,
) -> ReportContext:
    """The sample tender (see module docstring); more lots, bidders or audit entries make it longer."""
    if lots < 1 or bidders < 2:
        raise ValueError("the sample needs at least one lot and two bidders")
    model_name, assumptions = _preset_assumptions()
    providers = _providers(bidders)
    names = {p[0]: p[1] for p in providers}
    total_weight = sum((q.weight for q in QUESTIONS), Decimal(0))
    submitted = {p[0]: uk(2025, 10, 6, 9 + i % 3, (i * 17) % 60) for i, p in enumerate(providers)}
    bid_refs = {p[0]: f"LCC-REA-2025-B{i + 1:03d}" for i, p in enumerate(providers)}

    # Quality is scored once per bid (the same answers serve every lot it bids for).
    quality: dict[str, tuple[Decimal, tuple[QuestionScore, ...]]] = {}
    for index, provider in enumerate(providers):
        key = provider[0]
        if key == EXCLUDED:
            continue
        consensus = _consensus(key, index)
        evidence = EVIDENCE.get(key)
        scores = []
        fraction_sum = Decimal(0)
        for q, question in enumerate(QUESTIONS):
            s = consensus[q]
            fraction_sum += question.weight * Decimal(s) / Decimal(question.max_score)
            individual = []
            for e, evaluator in enumerate(EVALUATORS):
                conflicted = key == "ribble" and e == 2
                value = None if conflicted else Decimal(min(5, max(0, s + OFFSETS[q][e])))
                individual.append(
                    IndividualScore(evaluator, value, "Did not score: declared interest" if conflicted else "")
                )
            text = evidence[q] if evidence else f"Section {q + 1} of the response addresses the question."
            scores.append(
                QuestionScore(
                    question_number=question.number,
                    consensus=Decimal(s),
                    max_score=question.max_score,
                    weighted=question_contribution(
                        quality_weight=QUALITY_WEIGHT, question_weight=question.weight,
                        total_question_weight=total_weight, score=Decimal(s), max_score=question.max_score,
                    ),
                    rationale=f"{DESCRIPTORS[s]} {text} Moderation: the panel agreed {s} after discussion.",
                    individual=tuple(individual),
                    feedback=f"{DESCRIPTORS[s]} {text}",
                )
            )  # fmt: skip
        quality[key] = (QUALITY_WEIGHT * fraction_sum / total_weight, tuple(scores))

    sections: list[LotSection] = []
    clarifications: list[PriceClarification] = []
    lots_of: dict[str, list[int]] = {}
    for lot_number, (zone, hours, travel, miles) in enumerate(_zones(lots), start=1):
        breakdown = cost_of_care(assumptions, ServicePattern(travel, miles))
        model_min, floor = breakdown.total, breakdown.statutory_floor
        model_min_billed = breakdown.total_on_basis(BASIS)
        entries: list[dict] = []
        unranked: list[BidRow] = []
        for index, provider in enumerate(providers):
            key = provider[0]
            bids, price = _price(lot_number, key, index, model_min_billed)
            if not bids:
                continue
            lots_of.setdefault(key, []).append(lot_number)
            if key == EXCLUDED:
                unranked.append(
                    BidRow(
                        bid_ref=bid_refs[key], provider_key=key, provider_name=names[key], status=RowStatus.EXCLUDED,
                        status_reason="Excluded at the CQC check: location 1-201000005 is rated Inadequate on Safe."
                        " Price envelope not opened.",
                        cqc_rating=provider[6][0], cqc_outcome="excluded", submitted_at=submitted[key],
                    )
                )  # fmt: skip
                continue
            assert price is not None
            check = check_price(price, BASIS, breakdown, ceiling=CEILING)
            entries.append(
                {
                    "key": key,
                    "price": price,
                    "pch": check.price_per_contact_hour,
                    "check": check,
                    "qf": quality[key][0] / QUALITY_WEIGHT,
                    "provider": provider,
                }
            )
            if check.needs_clarification:
                clarifications.append(
                    PriceClarification(
                        provider_key=key, provider_name=names[key], bid_ref=bid_refs[key], lot_number=lot_number,
                        price_per_billed_hour=price, price_per_contact_hour=check.price_per_contact_hour,
                        model_minimum=model_min, statutory_floor=floor,
                        question=(
                            f"Your price of £{price} per billed hour (£{pennies(check.price_per_contact_hour)} per"
                            f" contact hour) is below the cost-of-care model's minimum of £{pennies(model_min)} per"
                            " contact hour for this zone. Please explain how it covers care workers' pay at or above"
                            " the National Living Wage for contact, travel and training time, holiday pay, employer"
                            " National Insurance and pension, and your running costs, with evidence."
                        ),
                        requested_at=uk(2025, 11, 4, 10, 0),
                        response=(
                            "Our Fleetwood and Thornton rounds are dense (average 6 minutes' travel between visits,"
                            " shown in the rota analysis attached), we pay £12.60 an hour for all contact, travel and"
                            " training time, and our branch costs are shared with our existing Wyre homecare contract."
                            " Payroll extracts and the branch budget are attached."
                        ),
                        responded_at=uk(2025, 11, 10, 16, 20),
                        decision=ClarificationDecision.ACCEPTED,
                        decided_at=uk(2025, 11, 13, 14, 0),
                        decided_by="Head of Commissioning (Adult Social Care)",
                        rationale=(
                            "Payroll evidence confirms pay above the National Living Wage (£12.21) for all paid time;"
                            " the lower travel time is consistent with the zone's coastal towns; the price covers the"
                            " statutory floor with a margin. Price accepted."
                        ),
                    )
                )  # fmt: skip

        lowest = min((e["pch"] for e in entries), default=None)
        for e in entries:
            e["price_score"] = PRICE_WEIGHT * lowest / e["pch"]
            e["total"] = quality[e["key"]][0] + e["price_score"]
        entries.sort(key=lambda e: (-e["total"], -e["qf"], e["pch"], bid_refs[e["key"]]))
        rows = []
        for rank, e in enumerate(entries, start=1):
            key, check = e["key"], e["check"]
            rows.append(
                BidRow(
                    bid_ref=bid_refs[key], provider_key=key, provider_name=names[key], status=RowStatus.RANKED,
                    quality_score=quality[key][0], price_score=e["price_score"], total=e["total"], rank=rank,
                    recommended=rank == 1, question_scores=quality[key][1],
                    price_per_billed_hour=e["price"], price_per_contact_hour=check.price_per_contact_hour,
                    model_minimum=check.model_minimum, gap_amount=check.gap_amount, gap_percent=check.gap_percent,
                    price_check=check.status, price_check_message=check.message,
                    cqc_rating=e["provider"][6][0], cqc_outcome="eligible", submitted_at=submitted[key],
                    status_reason="Recommended for award" if rank == 1 else "",
                )
            )  # fmt: skip
        sections.append(
            LotSection(
                number=lot_number, zone_name=zone, hours_per_week=hours, contact_minutes=BASIS.contact_minutes,
                model_minimum=model_min, statutory_floor=floor, ceiling_price=CEILING,
                lowest_acceptable_price=lowest, rows=tuple(rows + unranked),
                sensitivity=_sensitivity(entries, names),
            )
        )  # fmt: skip

    keys = [p[0] for p in providers if p[0] in lots_of]
    bidder_rows = tuple(
        Bidder(
            provider_key=p[0], name=p[1], bid_ref=bid_refs[p[0]],
            unique_identifier=f"PUK-{_digest('cdp', p[0])[:4].upper()}-{_digest('id', p[0])[:4].upper()}",
            cqc_provider_id=p[2], address_lines=(f"{10 + i} Market Street", p[5], "Lancashire"),
            contact_name="Tender Manager", contact_email=f"tenders@{p[0]}-care.example",
            submitted_at=submitted[p[0]], receipt_digest=_digest("receipt", bid_refs[p[0]]),
        )
        for i, p in enumerate(providers)
        if p[0] in keys
    )  # fmt: skip
    hilltop = next((p for p in providers if p[0] == EXCLUDED), None)
    exclusions = ()
    if hilltop and EXCLUDED in lots_of:
        exclusions = (
            Exclusion(
                provider_key=EXCLUDED, provider_name=hilltop[1], bid_ref=bid_refs[EXCLUDED],
                reason="location 1-201000005 is rated Inadequate: Safe. The Council does not contract with a"
                " provider rated Inadequate by CQC on any of the five key questions (tender conditions, para 4.3).",
                lot_numbers=tuple(lots_of[EXCLUDED]),
                evidence=(
                    CqcEvidence("1-201000005", hilltop[4], "Overall", "Safe", "Inadequate", date(2025, 6, 12)),
                ),
                decided_at=uk(2025, 10, 7, 11, 30), decided_by="Commissioning Manager (Homecare)",
                ratings_source="CQC care directory with ratings, 1 October 2025",
            ),
        )  # fmt: skip
    snapshot = tuple(
        CqcSnapshotRow(
            provider_key=p[0], provider_name=p[1], bid_ref=bid_refs[p[0]], cqc_provider_id=p[2],
            location_id=p[3], location_name=p[4], overall=p[6][0], safe=p[6][1], effective=p[6][2],
            caring=p[6][3], responsive=p[6][4], well_led=p[6][5],
            publication_date=date(2025, 6, 12) if p[0] == EXCLUDED else date(2024, 3 + i % 9, 1 + i),
            outcome="excluded" if p[0] == EXCLUDED else "eligible",
            source="CQC care directory with ratings, 1 October 2025",
        )
        for i, p in enumerate(providers)
        if p[0] in keys
    )  # fmt: skip

    tender = TenderSummary(
        reference="LCC-REA-2025",
        title="Reablement services in Lancashire, 2026 to 2029",
        service_label="Reablement (up to 6 weeks)",
        description=(
            "Block contracts for reablement support of up to six weeks after a hospital stay, with goals set by"
            " occupational therapists, in six zones of Lancashire."
        ),
        quality_weight=QUALITY_WEIGHT,
        price_weight=PRICE_WEIGHT,
        price_formula="relative_to_lowest",
        price_formula_label="Relative to the lowest acceptable price",
        price_formula_explanation=(
            "Price score = 40 x lowest acceptable price per contact hour in the lot / the bid's price per contact"
            " hour. Quality score = 60 x the weighted sum of consensus scores / the maximum available."
        ),
        contact_minutes=BASIS.contact_minutes,
        travel_minutes=BASIS.travel_minutes,
        cost_model_name=model_name,
        published_at=uk(2025, 9, 1, 9, 0),
        clarification_deadline=uk(2025, 9, 26, 12, 0),
        submission_deadline=uk(2025, 10, 6, 12, 0),
        opened_at=uk(2025, 10, 6, 14, 30),
        price_envelope_opened_at=uk(2025, 11, 3, 10, 0),
        awarded_at=uk(2025, 12, 8, 15, 0),
        contract_start=date(2026, 4, 1),
        contract_end=date(2029, 3, 31),
        max_providers_per_lot=1,
        unrated_policy_label="Allow, flagged for due diligence",
        fail_on_zero_score=True,
        standstill_mandatory=False,
        contract_conditions="From year two, providers must minimise the use of zero-hours contracts.",
        score_descriptors=tuple(sorted(DESCRIPTORS.items(), reverse=True)),
    )
    timeline = (
        TimelineEvent(uk(2025, 9, 1, 9, 0), "Publication", "Tender notice published on the Central Digital Platform.",
                      "Commissioning Manager (Homecare)"),
        TimelineEvent(uk(2025, 9, 12, 15, 0), "Clarifications", "Clarification answers 1 and 2 published to all bidders."),
        TimelineEvent(uk(2025, 9, 19, 15, 0), "Clarifications", "Clarification answer 3 published to all bidders."),
        TimelineEvent(uk(2025, 9, 26, 12, 0), "Clarifications", "Deadline for clarification questions."),
        TimelineEvent(uk(2025, 10, 6, 12, 0), "Deadline", f"Submission deadline: {len(keys)} bids received, none late."),
        TimelineEvent(uk(2025, 10, 6, 14, 30), "Opening", "Quality envelopes opened by two commissioners.",
                      "Commissioning Manager (Homecare); Senior Commissioner"),
        TimelineEvent(uk(2025, 10, 7, 11, 30), "Evaluation", "CQC check: one bid excluded (Inadequate on Safe)."),
        TimelineEvent(uk(2025, 10, 8, 9, 0), "Evaluation", "Individual quality scoring started (three evaluators)."),
        TimelineEvent(uk(2025, 10, 24, 17, 0), "Evaluation", "Individual quality scoring completed."),
        TimelineEvent(uk(2025, 10, 29, 10, 0), "Moderation", "Moderation meeting: consensus scores agreed.",
                      "Procurement Lead (moderator)"),
        TimelineEvent(uk(2025, 11, 3, 10, 0), "Evaluation", "Price envelopes opened; prices checked against the model."),
        TimelineEvent(uk(2025, 11, 4, 10, 0), "Evaluation", "Abnormally low price: explanation requested."),
        TimelineEvent(uk(2025, 11, 13, 14, 0), "Evaluation", "Abnormally low price: explanation accepted."),
        TimelineEvent(uk(2025, 12, 8, 15, 0), "Award", "Award decision by the Cabinet Member for Adult Social Care."),
        TimelineEvent(uk(2025, 12, 18, 10, 0), "Award", "Assessment summaries sent to every bidder."),
        TimelineEvent(uk(2025, 12, 19, 9, 0), "Award", "Contract award notice published; voluntary standstill begins."),
    )  # fmt: skip
    conflicts = (
        ConflictDeclaration("Priya Shah (Evaluator 1, Commissioning Officer)", "Evaluator", uk(2025, 10, 7, 9, 0),
                            False, "No interests to declare."),
        ConflictDeclaration("Tom Barker (Evaluator 2, Occupational Therapist)", "Evaluator", uk(2025, 10, 7, 9, 5),
                            False, "No interests to declare."),
        ConflictDeclaration(
            "Dr Helen Moss (Evaluator 3, Quality Improvement Lead)", "Evaluator", uk(2025, 10, 7, 9, 10), True,
            "Trustee of Ribble and Pendle Reablement CIC until March 2024.",
            "Did not score that bid; its consensus scores were agreed by the other two evaluators and the moderator.",
        ),
        ConflictDeclaration("Sam Okafor (Procurement Lead)", "Moderator", uk(2025, 10, 7, 9, 15), False,
                            "No interests to declare."),
    )  # fmt: skip
    tender_clarifications = (
        TenderClarification(1, "Is TUPE expected to apply to staff of the current providers?",
                            "Yes, TUPE information for each zone is in Appendix F.", uk(2025, 9, 8, 11, 0),
                            uk(2025, 9, 12, 15, 0)),
        TenderClarification(2, "May a bidder price zones differently?",
                            "Yes. Each lot is priced separately per 60 minutes (50 contact + 10 travel).",
                            uk(2025, 9, 9, 16, 0), uk(2025, 9, 12, 15, 0)),
        TenderClarification(3, "Will the Council pay for travel between visits separately?",
                            "No. The hourly price includes 10 minutes of travel per billed hour.",
                            uk(2025, 9, 15, 10, 0), uk(2025, 9, 19, 15, 0)),
    )  # fmt: skip
    audit = _audit_trail(tender.reference, keys, names, bid_refs, timeline, audit_entries)
    return ReportContext(
        tender=tender,
        authority=Authority(
            name="Lancashire County Council",
            address_lines=("County Hall", "Fishergate", "Preston", "PR1 8XJ"),
            contact_name="Procurement Service (Adult Social Care)",
            contact_email="procurement@lancashire.example",
            signatory_name="A. N. Officer",
            signatory_title="Head of Commissioning (Adult Social Care)",
        ),
        generated_at=generated_at or uk(2025, 12, 18, 10, 15),
        generated_by="Legal Services (legal)",
        questions=QUESTIONS,
        lots=tuple(sections),
        bidders=bidder_rows,
        exclusions=exclusions,
        price_clarifications=tuple(clarifications),
        tender_clarifications=tender_clarifications,
        conflicts=conflicts,
        timeline=timeline,
        audit=audit,
        cqc_snapshot=snapshot,
        award_notice_published_on=date(2025, 12, 19),
        standstill_observed=True,
        award_events=AwardEvents(
            decided_at=uk(2025, 12, 8, 15, 0),
            summaries_issued_at=uk(2025, 12, 18, 9, 0),
            award_notice_published_at=uk(2025, 12, 19, 9, 0),
            award_notice_id="012345-2025",
        ),
        evaluators=EVALUATORS,
    )


def _audit_trail(
    reference: str,
    keys: list[str],
    names: dict[str, str],
    bid_refs: dict[str, str],
    timeline: tuple[TimelineEvent, ...],
    entries: int | None,
) -> tuple[AuditRow, ...]:
    """A hash-chained trail: the timeline's steps, every individual score and consensus, padded to `entries`."""
    raw: list[tuple[datetime, str, str, str, str]] = []
    for event in timeline:
        raw.append((event.at, event.actor or "system", f"tender.{event.stage.lower()}", reference, event.description))
    start = uk(2025, 10, 8, 9, 30)
    n = 0
    for key in keys:
        if key == EXCLUDED:
            continue
        for question in QUESTIONS:
            for evaluator in EVALUATORS:
                n += 1
                raw.append(
                    (start + timedelta(minutes=17 * n), evaluator.lower().replace(" ", ""), "score.recorded",
                     f"{bid_refs[key]} Q{question.number}", "Individual score recorded.")
                )  # fmt: skip
            raw.append(
                (uk(2025, 10, 29, 10, 0) + timedelta(minutes=3 * n), "moderator", "score.consensus_agreed",
                 f"{bid_refs[key]} Q{question.number}", f"Consensus agreed for {names[key]}.")
            )  # fmt: skip
    if entries is not None:
        extra = 0
        while len(raw) < entries:
            extra += 1
            raw.append(
                (start + timedelta(minutes=5 * extra), "evaluator1", "bid.document_viewed",
                 f"{bid_refs[keys[extra % len(keys)]]}", f"Document {extra} viewed during evaluation.")
            )  # fmt: skip
    raw.sort(key=lambda r: (r[0], r[2], r[3]))
    rows = []
    previous = ""
    for sequence, (at, actor, action, obj, note) in enumerate(raw, start=1):
        digest = _digest(previous, sequence, at.isoformat(), actor, action, obj, note)
        rows.append(AuditRow(sequence, at, actor, action, obj, note, digest))
        previous = digest
    return tuple(rows)


def large_sample_context(**kwargs: object) -> ReportContext:
    """About 100 pages of award report: 24 lots, 10 bidders, 1,500 audit entries."""
    options: dict = {"lots": 24, "bidders": 10, "audit_entries": 1500}
    options.update(kwargs)
    return sample_context(**options)
