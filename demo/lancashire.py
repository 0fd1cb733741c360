"""The Lancashire demo: real 2016/17 zone hours (shared/domain.md), fictional providers.

Every loader is idempotent: it looks rows up by their natural key and only
creates what is missing, so running `load_demo` twice changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from common.audit import audit_record
from common.timezone import UK_TZ
from demo.cqc import load_demo_cqc
from demo.evaluation import load_demo_evaluation
from pricing.models import RatePreset
from providers.models import Provider, ProviderStatus
from tenders.models import Lot, QualityQuestion, ServiceType, Tender
from tenders.transitions import TenderStatus
from zones.models import PostcodeDistrict, Rurality, Zone

LA = "Lancashire County Council"
DEMO_PASSWORD = "homecare-demo"  # local demo only; README says so.


@dataclass(frozen=True)
class ZoneSpec:
    code: str
    name: str
    rurality: str
    districts: tuple[str, ...] = ()


# Lancashire's six reablement/homecare zones and three crisis areas (seed 004).
DISTRICT_ZONES = (
    ZoneSpec("lancaster", "Lancaster", Rurality.MIXED, ("LA1", "LA2", "LA3", "LA4", "LA5", "LA6")),
    ZoneSpec("fylde-wyre", "Fylde and Wyre", Rurality.MIXED, ("FY5", "FY6", "FY7", "FY8", "PR3", "PR4")),
    ZoneSpec("pendle-ribble-valley", "Pendle and Ribble Valley", Rurality.RURAL, ("BB7", "BB8", "BB9", "BB18")),
    ZoneSpec("burnley-hyndburn-rossendale", "Burnley, Hyndburn and Rossendale", Rurality.URBAN,
             ("BB4", "BB5", "BB10", "BB11", "BB12")),
    ZoneSpec("chorley-south-ribble-preston", "Chorley, South Ribble and Greater Preston", Rurality.URBAN,
             ("PR1", "PR2", "PR5", "PR6", "PR7", "PR25", "PR26")),
    ZoneSpec("west-lancashire", "West Lancashire", Rurality.RURAL, ("L39", "L40", "WN8")),
)
CRISIS_ZONES = (
    ZoneSpec("crisis-north", "North", Rurality.MIXED),
    ZoneSpec("crisis-east", "East", Rurality.URBAN),
    ZoneSpec("crisis-central", "Central", Rurality.URBAN),
)

REABLEMENT_HOURS = {
    "lancaster": Decimal("1128"),
    "fylde-wyre": Decimal("1065"),
    "pendle-ribble-valley": Decimal("949"),
    "burnley-hyndburn-rossendale": Decimal("1197"),
    "chorley-south-ribble-preston": Decimal("676"),
    "west-lancashire": Decimal("663"),
}
CRISIS_HOURS = {"crisis-north": Decimal("360"), "crisis-east": Decimal("575"), "crisis-central": Decimal("2369")}
# Homecare framework hours per zone: the market is ~5 million hours a year (~96,000 a week); the
# framework lots here are an illustrative share, split in proportion to the reablement zones.
HOMECARE_HOURS = {code: hours * 4 for code, hours in REABLEMENT_HOURS.items()}


@dataclass(frozen=True)
class ProviderSpec:
    slug: str
    name: str
    companies_house_number: str
    cqc_provider_id: str
    contact_name: str


PROVIDERS = (
    ProviderSpec("bowland", "Bowland Fells Home Support Ltd (fictional)", "99000001", "1-990000001", "Ada Birtwistle"),
    ProviderSpec("morecambe", "Morecambe Bay Care Co-operative (fictional)", "99000002", "1-990000002", "Ben Whittle"),
    ProviderSpec("pendle", "Pendle Hill Reablement Services (fictional)", "99000003", "1-990000003", "Cath Ormerod"),
    ProviderSpec("fylde", "Fylde Coast Companions Ltd (fictional)", "99000004", "1-990000004", "Dev Patel"),
    ProviderSpec("redrose", "Red Rose Domiciliary Care Ltd (fictional)", "99000005", "1-990000005", "Eve Haworth"),
    ProviderSpec("dockside", "Dockside Care Partners Ltd (fictional)", "99000006", "1-990000006", "Faisal Khan"),
)

STAFF = (
    ("commissioner", Role.COMMISSIONER, "Carol", "Commissioner"),
    ("commissioner2", Role.COMMISSIONER, "Colin", "Second-Commissioner"),
    ("evaluator", Role.EVALUATOR, "Erin", "Evaluator"),
    ("evaluator2", Role.EVALUATOR, "Euan", "Evaluator"),
    ("evaluator3", Role.EVALUATOR, "Esme", "Evaluator"),
    ("moderator", Role.MODERATOR, "Morag", "Moderator"),
    ("legal", Role.LEGAL, "Lena", "Legal"),
)

QUESTIONS = {
    ServiceType.REABLEMENT: (
        ("How will you help people regain independence within six weeks, working to goals set by occupational therapists?", "30"),
        ("How will you recruit, train and keep care workers, and minimise zero-hours contracts?", "25"),
        ("How will you start packages promptly on hospital discharge, including at weekends?", "20"),
        ("How do you safeguard people and assure the quality of care?", "15"),
        ("What social value will you add in the zone (local employment, volunteering, carbon)?", "10"),
    ),
    ServiceType.CRISIS: (
        ("How will you start care within hours of a hospital discharge or carer breakdown, for up to 72 hours?", "35"),
        ("How will you staff an unpredictable crisis service without zero-hours contracts?", "25"),
        ("How will you hand people on safely to longer-term care or reablement?", "25"),
        ("How do you safeguard people and assure the quality of care?", "15"),
    ),
    ServiceType.HOMECARE: (
        ("How will you deliver person-centred care and continuity of care workers?", "30"),
        ("How will you recruit and keep care workers, and minimise zero-hours contracts from year two?", "30"),
        ("How will you cover rural parts of the zone?", "20"),
        ("How do you safeguard people and assure the quality of care?", "20"),
    ),
}

SCORE_GUIDANCE = (
    "0 no answer or unacceptable; 1 major concerns; 2 some concerns; 3 satisfactory; "
    "4 good, with evidence; 5 excellent, with strong evidence."
)


def _at(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UK_TZ)


def load_zones() -> dict[str, Zone]:
    zones = {}
    for spec in DISTRICT_ZONES + CRISIS_ZONES:
        zone, _ = Zone.objects.get_or_create(
            code=spec.code, defaults={"name": spec.name, "local_authority": LA, "rurality": spec.rurality}
        )
        for district in spec.districts:
            PostcodeDistrict.objects.get_or_create(code=district, defaults={"zone": zone})
        zones[spec.code] = zone
    return zones


def load_providers() -> dict[str, Provider]:
    providers = {}
    for number, spec in enumerate(PROVIDERS, start=1):
        provider, _ = Provider.objects.get_or_create(
            cqc_provider_id=spec.cqc_provider_id,
            defaults={
                "name": spec.name,
                "companies_house_number": spec.companies_house_number,
                "contact_name": spec.contact_name,
                "contact_email": f"bids@{spec.slug}.example",
                # Fictional registered office: assessment summaries give the winner's postal address (reg 31).
                "registered_address": f"Unit {number}\nRibbleton Business Park\nPreston\nPR2 {number}XY",
                "status": ProviderStatus.APPROVED,
            },
        )
        providers[spec.slug] = provider
    return providers


def _user(username: str, role: str, first: str, last: str, provider: Provider | None = None, **extra) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=role, first_name=first, last_name=last, provider=provider,
                    email=f"{username}@demo.example", **extra)
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def load_users(providers: dict[str, Provider]) -> dict[str, User]:
    users = {name: _user(name, role, first, last) for name, role, first, last in STAFF}
    users["admin"] = _user("admin", Role.ADMIN, "Ade", "Admin", is_staff=True, is_superuser=True)
    for spec in PROVIDERS:
        name = "provider" if spec.slug == PROVIDERS[0].slug else f"provider-{spec.slug}"
        first, last = spec.contact_name.split(" ", 1)
        users[name] = _user(name, Role.PROVIDER, first, last, provider=providers[spec.slug])
    return users


def _preset(slug: str, year_label: str, effective_from: date) -> RatePreset:
    preset, _ = RatePreset.objects.get_or_create(
        slug=slug, defaults={"name": f"Cost of care {year_label}", "year_label": year_label, "effective_from": effective_from}
    )
    return preset


@dataclass(frozen=True)
class TenderSpec:
    reference: str
    title: str
    service_type: str
    status: TenderStatus
    hours: dict[str, Decimal]
    description: str


TENDERS = (
    TenderSpec(
        "LCC-REAB-2017", "Reablement service, six zones", ServiceType.REABLEMENT, TenderStatus.OPENED, REABLEMENT_HOURS,
        "Up to six weeks of support to regain skills after a stay in hospital, with goals set by occupational "
        "therapists and packages of hours. 5,678 hours a week across six zones (current spend £3,764,514 a year "
        "at £12.75 an hour).",
    ),
    TenderSpec(
        "LCC-CRISIS-2017", "Crisis support at home", ServiceType.CRISIS, TenderStatus.PUBLISHED, CRISIS_HOURS,
        "Immediate care at home for up to 72 hours, often on hospital discharge or carer breakdown. Central is "
        "about 40% crisis and 60% domiciliary rehabilitation.",
    ),
    TenderSpec(
        "LCC-HOME-2017", "Homecare framework agreement", ServiceType.HOMECARE, TenderStatus.DRAFT,
        HOMECARE_HOURS,
        "Long-term care at home for older and disabled adults, a framework with contracts per zone and fewer "
        "providers than before.",
    ),
)


def _first_of_month_after(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def _current_preset(on: date, fallback: RatePreset) -> RatePreset:
    """The shipped preset in force on `on` (the latest that starts on or before it)."""
    return RatePreset.objects.filter(effective_from__lte=on).order_by("-effective_from").first() or fallback


def load_tenders(zones: dict[str, Zone], commissioner: User) -> dict[str, Tender]:
    historical_preset = _preset("2016-17", "2016/17", date(2016, 4, 1))
    now = timezone.now()
    tenders = {}
    for spec in TENDERS:
        tender = Tender.objects.filter(reference=spec.reference).first()
        if tender is not None:
            tenders[spec.reference] = tender
            continue
        if spec.status == TenderStatus.OPENED:
            # The historical reablement tender keeps its 2017 dates and the 2016/17 model.
            dates = dict(
                clarification_deadline=_at(2017, 1, 13), submission_deadline=_at(2017, 1, 27),
                published_at=_at(2016, 12, 5, 9), opened_at=_at(2017, 1, 30, 10),
                contract_start=date(2017, 4, 1), contract_end=date(2020, 3, 31),
            )
            preset = historical_preset
        else:
            # Tenders open for bids run on today's calendar: the deadline four weeks ahead, the
            # contract starting on the first of a month at least two months after it, for three years.
            deadline = (now + timedelta(days=28)).astimezone(UK_TZ).replace(hour=12, minute=0, second=0, microsecond=0)
            start = _first_of_month_after(deadline.date(), 2)
            dates = dict(
                clarification_deadline=deadline - timedelta(days=14), submission_deadline=deadline,
                contract_start=start, contract_end=date(start.year + 3, start.month, 1) - timedelta(days=1),
            )
            if spec.status == TenderStatus.PUBLISHED:
                dates["published_at"] = now
            preset = _current_preset(start, historical_preset)
        tender = Tender.objects.create(
            reference=spec.reference,
            title=spec.title,
            service_type=spec.service_type,
            description=spec.description,
            status=spec.status.value,
            rate_preset=preset,
            max_providers_per_lot=2 if spec.service_type == ServiceType.HOMECARE else 1,
            max_lots_per_provider=3 if spec.service_type == ServiceType.REABLEMENT else None,
            expected_visit_mix={"30": "40", "45": "30", "60": "30"},
            contract_conditions=(
                "From year two, providers must minimise the use of zero-hours contracts."
                if spec.service_type == ServiceType.HOMECARE else ""
            ),
            **dates,
        )
        for number, (code, hours) in enumerate(spec.hours.items(), start=1):
            Lot.objects.create(
                tender=tender, number=number, zone=zones[code], hours_per_week=hours,
                package_pricing=spec.service_type == ServiceType.REABLEMENT,
                package_hours=Decimal("30") if spec.service_type == ServiceType.REABLEMENT else None,
                # The interim North tender guaranteed 458 hours, more than the 360 the lot buys; a
                # guarantee can never exceed the lot's hours, so the demo guarantees 300 of them.
                guaranteed_minimum_hours=Decimal("300") if code == "crisis-north" else None,
            )
        for number, (text, weight) in enumerate(QUESTIONS[spec.service_type], start=1):
            QualityQuestion.objects.create(
                tender=tender, number=number, text=text, weight=Decimal(weight), max_score=5,
                word_limit=750, guidance=SCORE_GUIDANCE,
            )
        audit_record(actor=commissioner, action="demo.tender_loaded", obj=tender,
                     after={"status": tender.status, "lots": len(spec.hours)}, note="Lancashire demo data")
        tenders[spec.reference] = tender
    return tenders


@transaction.atomic
def load_demo() -> dict[str, int]:
    zones = load_zones()
    providers = load_providers()
    load_demo_cqc()  # CQC ratings for the six providers (demo/cqc.py), through the real import
    users = load_users(providers)
    tenders = load_tenders(zones, users["commissioner"])
    load_demo_evaluation()  # LCC-REAB-2017: bids, panel, blind scores, moderation, prices, a run (demo/evaluation.py)
    load_demo_clarifications()  # two answered questions on the crisis tender, which providers can bid on
    return {"zones": len(zones), "providers": len(providers), "users": len(users), "tenders": len(tenders)}


DEMO_CLARIFICATIONS = (
    ("pendle", "Is travel time between visits paid within the hourly rate, or separately?",
     "Within the hourly rate. The rate buys 60 minutes of provider time: 50 contact minutes and 10 minutes of travel."),
    ("fylde", "For Central, will the 40% crisis and 60% domiciliary rehabilitation split be guaranteed?",
     "No. The split is the council's current estimate; the hours a week per lot are the commitment."),
)


@transaction.atomic
def load_demo_clarifications() -> int:
    """Two answered clarifications on the crisis tender (idempotent: only if it has none yet)."""
    from tenders.models import Clarification, ClarificationStatus

    tender = Tender.objects.filter(reference="LCC-CRISIS-2017").first()
    commissioner = User.objects.filter(username="commissioner").first()
    if tender is None or commissioner is None or Clarification.objects.filter(tender=tender).exists():
        return 0
    now = timezone.now()
    created = 0
    for number, (slug, question, answer) in enumerate(DEMO_CLARIFICATIONS, start=1):
        spec = next(p for p in PROVIDERS if p.slug == slug)
        provider = Provider.objects.filter(cqc_provider_id=spec.cqc_provider_id).first()
        asker = provider and provider.users.first()
        if asker is None:
            continue
        clarification = Clarification.objects.create(
            tender=tender, number=number, asked_by_provider=provider, asked_by=asker, asked_at=now - timedelta(days=2),
            question=question, published_question=question, answer=answer, answered_by=commissioner,
            answered_at=now - timedelta(days=1), status=ClarificationStatus.PUBLISHED,
        )
        audit_record(actor=commissioner, action="demo.clarification_loaded", obj=clarification, note="Lancashire demo data")
        created += 1
    return created
