"""The object-level access matrix (issue 13): every route that returns bid or evaluation data
x every role x each tender stage x conflict declared or not -> the expected answer, and where the
answer is 200, no price anywhere in the body until the price envelope is open.

The routes are discovered from the URL resolver: a route under one of the SENSITIVE prefixes
that is neither in ROUTES nor in NOT_IN_MATRIX (with the reason) fails
`test_every_bid_or_evaluation_route_has_an_entry`, so a new route cannot slip past the policy.

The expectations below are written out by hand from the rules in `accounts.permissions`' module
docstring; they do not call the policy, so a change to the policy that changes an answer shows up here.

Personas: the owner (a user of bidder A, whose bid the bid routes read), a rival (bidder B's
user), an assigned evaluator (declares a conflict with A when the column says so), an unassigned
evaluator, a conflicted evaluator (always declared a conflict with A), the moderator, legal, the
IT admin (role admin), a superuser (role admin with is_superuser: the flag grants nothing) and
anonymous. A hidden second evaluator scores A so moderation can go ahead when the assigned
evaluator is conflicted.
"""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.models import Role
from evaluation import services
from tenders.models import BidVersion, Tender
from tenders.transitions import TenderStatus
from tests.evaluation.helpers import declare, moderate, opened_tender, score_all, submit_bid
from tests.factories import ProviderFactory, UserFactory
from tests.tenders.bidding_support import shows_amount

STAGES = ("sealed", "opened", "quality_locked", "prices_open", "awarded")
ROLES = (
    "commissioner", "provider_owner", "rival_provider", "assigned_evaluator", "unassigned_evaluator",
    "conflicted_evaluator", "moderator", "legal", "it_admin", "superuser", "anonymous",
)
PANEL = ("assigned_evaluator", "conflicted_evaluator", "moderator")
PRICE_A, PRICE_B = "27.43", "31.17"
# The same prices per contact hour on the 50 + 10 minute basis (x 60 / 50), as pages show them.
PRICE_TEXTS = (PRICE_A, PRICE_B, "32.92", "37.40")
PRICE_KEYS = ('"hourly_price"', '"price_per_contact_hour"', '"package_price"')
DENIED = {302, 401, 403, 404, 405}

# Prefixes of routes that can return bid or evaluation data.
SENSITIVE = (
    "api/^bids/", "api/evaluation/", "api/tenders/<slug:reference>/bid-register/", "api/tenders/<slug:reference>/reports/",
    "api/reports/", "bidding/bids/", "bidding/tenders/<slug:reference>/bids/", "portal/bids/", "evaluation/", "reports/",
)

# route (as the resolver spells it) -> (kind, path with {ref} = tender, {bid} = bidder A's bid)
ROUTES = {
    "api/^bids/$": ("bid_list", "/api/bids/"),
    "api/^bids/(?P<reference>[A-Za-z0-9_-]+)/$": ("bid", "/api/bids/{bid}/"),
    "api/^bids/(?P<reference>[A-Za-z0-9_-]+)/versions/(?P<number>[0-9]{1,9})/receipt/$":
        ("bid", "/api/bids/{bid}/versions/1/receipt/"),
    "api/^bids/(?P<reference>[A-Za-z0-9_-]+)/problems/$": ("own", "/api/bids/{bid}/problems/"),
    "bidding/bids/<str:reference>/": ("bid", "/bidding/bids/{bid}/"),
    "api/tenders/<slug:reference>/bid-register/": ("register", "/api/tenders/{ref}/bid-register/"),
    "bidding/tenders/<slug:reference>/bids/": ("commissioner", "/bidding/tenders/{ref}/bids/"),
    "portal/bids/<str:reference>/": ("own", "/portal/bids/{bid}/"),
    "portal/bids/<str:reference>/prices/": ("own", "/portal/bids/{bid}/prices/"),
    "portal/bids/<str:reference>/locations/": ("own", "/portal/bids/{bid}/locations/"),
    "portal/bids/<str:reference>/answers/<int:number>/": ("own", "/portal/bids/{bid}/answers/1/"),
    "portal/bids/<str:reference>/documents/": ("own", "/portal/bids/{bid}/documents/"),
    "portal/bids/<str:reference>/declarations/": ("own", "/portal/bids/{bid}/declarations/"),
    "portal/bids/<str:reference>/check/": ("own", "/portal/bids/{bid}/check/"),
    "portal/bids/<str:reference>/receipts/<int:number>/": ("own", "/portal/bids/{bid}/receipts/1/"),
    "portal/bids/<str:reference>/receipts/<int:number>/receipt.json": ("own", "/portal/bids/{bid}/receipts/1/receipt.json"),
    "api/evaluation/tenders/<slug:reference>/panel/": ("commissioner", "/api/evaluation/tenders/{ref}/panel/"),
    "api/evaluation/tenders/<slug:reference>/conflicts/": ("panel", "/api/evaluation/tenders/{ref}/conflicts/"),
    "api/evaluation/tenders/<slug:reference>/bids/": ("panel", "/api/evaluation/tenders/{ref}/bids/"),
    "api/evaluation/tenders/<slug:reference>/cqc-checks/": ("evaluation", "/api/evaluation/tenders/{ref}/cqc-checks/"),
    "api/evaluation/tenders/<slug:reference>/moderation/": ("moderation", "/api/evaluation/tenders/{ref}/moderation/"),
    "api/evaluation/tenders/<slug:reference>/clarifications/":
        ("results", "/api/evaluation/tenders/{ref}/clarifications/"),
    "api/evaluation/tenders/<slug:reference>/runs/": ("results", "/api/evaluation/tenders/{ref}/runs/"),
    "api/evaluation/tenders/<slug:reference>/result/": ("results", "/api/evaluation/tenders/{ref}/result/"),
    "api/evaluation/tenders/<slug:reference>/consensus-changes/":
        ("evaluation", "/api/evaluation/tenders/{ref}/consensus-changes/"),
    "api/evaluation/bids/<str:bid_reference>/": ("panel_bid", "/api/evaluation/bids/{bid}/"),
    "api/evaluation/bids/<str:bid_reference>/scores/": ("panel_bid", "/api/evaluation/bids/{bid}/scores/"),
    "evaluation/<slug:reference>/bids/<str:bid_reference>/": ("panel_bid", "/evaluation/{ref}/bids/{bid}/"),
    "evaluation/<slug:reference>/moderation/": ("moderation_page", "/evaluation/{ref}/moderation/"),
    "evaluation/<slug:reference>/summary/": ("summary_page", "/evaluation/{ref}/summary/"),
    "evaluation/<slug:reference>/consensus-changes/": ("evaluation", "/evaluation/{ref}/consensus-changes/"),
    "api/tenders/<slug:reference>/reports/": ("reports", "/api/tenders/{ref}/reports/"),
    "reports/<slug:reference>/": ("reports", "/reports/{ref}/"),
}

# Routes under a sensitive prefix that this matrix does not request, and why.
NOT_IN_MATRIX = {
    "api/^bids/(?P<reference>[A-Za-z0-9_-]+)/discard/$": "POST only (the bidder's own draft)",
    "api/^bids/(?P<reference>[A-Za-z0-9_-]+)/draft/$": "PATCH only (the bidder's own draft)",
    "api/^bids/(?P<reference>[A-Za-z0-9_-]+)/reconfirm/$": "POST only",
    "api/^bids/(?P<reference>[A-Za-z0-9_-]+)/revise/$": "POST only",
    "api/^bids/(?P<reference>[A-Za-z0-9_-]+)/submit/$": "POST only",
    "api/^bids/(?P<reference>[A-Za-z0-9_-]+)/documents/$": "POST only (upload)",
    "api/^bids/(?P<reference>[A-Za-z0-9_-]+)/withdraw/$": "POST only",
    "api/^bids/(?P<reference>[A-Za-z0-9_-]+)/documents/(?P<document_id>[0-9]{1,18})/$":
        "bid documents: tests/tenders/test_bidding_sealed.py (the fixture bids carry no files)",
    "portal/bids/<str:reference>/documents/<int:document_id>/": "bid documents: tests/tenders/test_bidding_sealed.py",
    "portal/bids/<str:reference>/documents/<int:document_id>/remove/": "POST only",
    "portal/bids/<str:reference>/receipts/<int:number>/receipt.pdf": "the bidder's own receipt as PDF (WeasyPrint: slow)",
    "portal/bids/<str:reference>/revise/": "POST only",
    "portal/bids/<str:reference>/discard/": "POST only",
    "portal/bids/<str:reference>/reconfirm/": "POST only",
    "portal/bids/<str:reference>/withdraw/": "the bidder's own withdrawal confirmation (no content of the bid)",
    "portal/bids/<str:reference>/price-questions/<int:pk>/": "needs a price clarification row: tests/evaluation",
    "portal/bids/<str:reference>/price-questions/<int:pk>/documents/<int:document_id>/": "needs a clarification file",
    "api/evaluation/my-assignments/": "the caller's own panel assignments only, no bid data",
    "api/evaluation/tenders/<slug:reference>/moderation/start/": "POST only",
    "api/evaluation/tenders/<slug:reference>/quality-lock/": "POST only",
    "api/evaluation/tenders/<slug:reference>/price-envelope/": "POST only",
    "api/evaluation/tenders/<slug:reference>/award/": "POST only",
    "api/evaluation/tenders/<slug:reference>/consensus-changes/<int:proposal_id>/decision/": "POST only",
    "api/evaluation/bids/<str:bid_reference>/consensus/": "POST only",
    "api/reports/<int:pk>/": "needs a generated report: tests/reports/test_report_permissions.py",
    "api/reports/<int:pk>/download/": "needs a generated report: tests/reports/test_report_permissions.py",
    "evaluation/": "the caller's own work list (no bid content)",
    "evaluation/<slug:reference>/panel/": "panel membership (no bid data)",
    "evaluation/<slug:reference>/conflicts/": "the caller's own declarations page",
    "evaluation/<slug:reference>/bids/": "the caller's own scoring list",
    "evaluation/<slug:reference>/bids/<str:bid_reference>/documents/<int:document_id>/":
        "bid documents: tests/tenders/test_bidding_sealed.py",
    "evaluation/<slug:reference>/my-scores/": "the caller's own scores",
    "evaluation/<slug:reference>/moderation/<str:bid_reference>/": "the moderator's consensus form (tests/evaluation)",
    "evaluation/<slug:reference>/clarifications/<str:bid_reference>/<int:lot_number>/":
        "needs a price clarification row: tests/evaluation",
    "evaluation/<slug:reference>/actions/<slug:name>/": "POST only",
    "evaluation/<slug:reference>/open-prices/": "commissioner's confirmation page, no data",
    "evaluation/<slug:reference>/consensus-changes/<int:proposal_id>/decision/": "POST only",
    "reports/": "index of tenders with reports (commissioners and legal), no bid data",
    "reports/download/<int:pk>/": "needs a generated report: tests/reports",
    "reports/issued/<int:pk>/": "needs an issued document: tests/reports",
    "reports/<slug:reference>/award/": "award steps page (commissioners): tests/reports/test_award_pages.py",
    "reports/<slug:reference>/award/decide/": "award confirmation page: tests/reports/test_award_pages.py",
}


# --------------------------------------------------------------------------
# Expected answers, written out from the policy's rules
# --------------------------------------------------------------------------


def _reached(stage: str, at_least: str) -> bool:
    return STAGES.index(stage) >= STAGES.index(at_least)


def _conflicted(role: str, conflict: bool) -> bool:
    return role == "conflicted_evaluator" or (role == "assigned_evaluator" and conflict)


def expected(kind: str, role: str, stage: str, conflict: bool) -> str:
    """'ok' (200), 'denied' (302/401/403/404/405) or 'own' (the bidder's portal page: 200 or a redirect)."""
    council = role in ("commissioner", "legal")
    if kind == "own":
        return "own" if role == "provider_owner" else "denied"
    if kind == "bid_list":
        return "denied" if role == "anonymous" else "ok"
    if kind == "bid":
        if role == "provider_owner":
            return "ok"
        if stage == "sealed":
            return "denied"
        if council or role == "moderator" or (role == "assigned_evaluator" and not conflict):
            return "ok"
        return "denied"
    if kind == "panel_bid":  # the scoring view: panel members who may read this bid, once opened
        if stage == "sealed" or role not in ("assigned_evaluator", "moderator"):
            return "denied"
        return "denied" if _conflicted(role, conflict) else "ok"
    if kind == "commissioner":
        return "ok" if role == "commissioner" else "denied"
    if kind == "register":
        return "ok" if council or role in PANEL else "denied"
    if kind == "panel":
        return "ok" if role in PANEL else "denied"
    if kind == "evaluation":
        return "ok" if stage != "sealed" and (council or role in PANEL) else "denied"
    if kind == "moderation":
        return "ok" if _reached(stage, "quality_locked") and (council or role in PANEL) else "denied"
    if kind == "results":
        return "ok" if _reached(stage, "prices_open") and (council or role in PANEL) else "denied"
    if kind == "moderation_page":  # a status page for the panel and commissioners; scores once moderation starts
        return "ok" if role == "commissioner" or role in PANEL else "denied"
    if kind == "summary_page":  # commissioners and legal; prices on it only once the envelope is open
        return "ok" if council else "denied"
    if kind == "reports":
        return "ok" if council else "denied"
    raise AssertionError(kind)


def prices_visible(kind: str, role: str, stage: str) -> bool:
    """The two envelopes: the bidder sees its own prices; everyone else only once the price envelope is open."""
    if role == "provider_owner" and kind in ("own", "bid", "bid_list"):
        return True
    return _reached(stage, "prices_open")


# Kinds whose body lists several bidders: a conflicted reader must not see bidder A in them at all.
LISTS_BIDDERS = ("evaluation", "moderation", "results", "moderation_page")


# --------------------------------------------------------------------------
# The data: one tender per stage and conflict column, bids by A and B
# --------------------------------------------------------------------------


def _users() -> dict[str, object]:
    owner_org, rival_org = ProviderFactory(name="Alpha Care Ltd"), ProviderFactory(name="Bravo Homecare Ltd")
    return {
        "commissioner": UserFactory(username="m-commissioner", role=Role.COMMISSIONER),
        "provider_owner": UserFactory(username="m-owner", role=Role.PROVIDER, provider=owner_org),
        "rival_provider": UserFactory(username="m-rival", role=Role.PROVIDER, provider=rival_org),
        "assigned_evaluator": UserFactory(username="m-evaluator", role=Role.EVALUATOR),
        "unassigned_evaluator": UserFactory(username="m-outsider", role=Role.EVALUATOR),
        "conflicted_evaluator": UserFactory(username="m-conflicted", role=Role.EVALUATOR),
        "moderator": UserFactory(username="m-moderator", role=Role.MODERATOR),
        "legal": UserFactory(username="m-legal", role=Role.LEGAL),
        "it_admin": UserFactory(username="m-it", role=Role.ADMIN, is_staff=True),
        "superuser": UserFactory(username="m-root", role=Role.ADMIN, is_staff=True, is_superuser=True),
        "scorer": UserFactory(username="m-scorer", role=Role.EVALUATOR),
    }


def _build(stage: str, conflict: bool, users: dict[str, object]) -> dict[str, str]:
    ref = f"M-{stage.replace('_', '-').upper()}-{'C' if conflict else 'N'}"
    tender = opened_tender(reference=ref, title=f"Matrix {ref}")
    owner, rival = users["provider_owner"], users["rival_provider"]
    alpha = submit_bid(tender, owner.provider, prices={1: PRICE_A}, reference=f"{ref}-A")
    bravo = submit_bid(tender, rival.provider, prices={1: PRICE_B}, reference=f"{ref}-B")
    BidVersion.objects.filter(bid=alpha).update(submitted_by=owner)
    BidVersion.objects.filter(bid=bravo).update(submitted_by=rival)
    commissioner, moderator = users["commissioner"], users["moderator"]
    if stage == "sealed":  # deadline passed, not yet opened: the panel declares before any bid is read
        Tender.objects.filter(pk=tender.pk).update(status=TenderStatus.CLOSED.value, opened_at=None)
        tender.refresh_from_db()
    for member in ("assigned_evaluator", "conflicted_evaluator", "scorer", "moderator"):
        services.evaluation_assign(tender=tender, user=commissioner, member=users[member])
    declare(tender, users["assigned_evaluator"], conflicts=[alpha.provider] if conflict else [])
    declare(tender, users["conflicted_evaluator"], conflicts=[alpha.provider])
    declare(tender, users["scorer"])
    declare(tender, moderator)
    if stage == "sealed":
        return {"ref": ref, "bid": alpha.reference, "rival_bid": bravo.reference}
    services.bids_assess_cqc(tender=tender, user=commissioner)
    if _reached(stage, "quality_locked"):
        score_all(alpha, users["scorer"], (3, 3, 6))
        score_all(bravo, users["scorer"], (4, 4, 8))
        score_all(bravo, users["conflicted_evaluator"], (4, 3, 8))
        score_all(bravo, users["assigned_evaluator"], (4, 4, 7))
        if not conflict:
            score_all(alpha, users["assigned_evaluator"], (3, 2, 6))
        services.moderation_start(tender=tender, user=moderator)
        moderate(alpha, moderator, (3, 3, 6))
        moderate(bravo, moderator, (4, 4, 8))
        services.quality_lock(tender=tender, user=moderator)
    if _reached(stage, "prices_open"):
        services.price_envelope_open(tender=tender, user=commissioner)
        services.evaluation_run(tender=tender, user=commissioner)
    if stage == "awarded":
        Tender.objects.filter(pk=tender.pk).update(status=TenderStatus.AWARDED.value, awarded_at=timezone.now())
    return {"ref": ref, "bid": alpha.reference, "rival_bid": bravo.reference}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        users = _users()
        tenders = {(stage, conflict): _build(stage, conflict, users) for stage in STAGES for conflict in (False, True)}
        clients = {}
        for role in ROLES:
            client = Client()
            if role != "anonymous":
                client.force_login(users[role])
            clients[role] = client
    yield tenders, clients
    with django_db_blocker.unblock():
        call_command("flush", "--noinput", verbosity=0)


pytestmark = pytest.mark.django_db


def _routes(patterns=None, prefix=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _sensitive_routes() -> set[str]:
    return {r for r in _routes() if r.startswith(SENSITIVE) and "format" not in r}


def _body(response) -> str:
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return content.decode("utf-8", errors="replace")


# --------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------


def test_every_bid_or_evaluation_route_has_an_entry():
    missing = sorted(_sensitive_routes() - set(ROUTES) - set(NOT_IN_MATRIX))
    assert missing == [], "add each new route to ROUTES (with its expected answers) or NOT_IN_MATRIX (with why)"


def test_the_matrix_names_only_routes_that_exist():
    assert sorted((set(ROUTES) | set(NOT_IN_MATRIX)) - _sensitive_routes()) == []


@pytest.mark.parametrize("route", sorted(ROUTES), ids=[ROUTES[r][1] for r in sorted(ROUTES)])
def test_the_matrix(world, route):
    tenders, clients = world
    kind, template = ROUTES[route]
    wrong, leaks = [], []
    for (stage, conflict), names in tenders.items():
        path = template.format(**names)
        for role in ROLES:
            response = clients[role].get(path)
            code = response.status_code
            want = expected(kind, role, stage, conflict)
            assert code < 500, (path, role, code)
            if want == "ok" and code != 200 or want == "denied" and code not in DENIED or (
                want == "own" and code not in (200, 302)
            ):
                wrong.append((stage, conflict, role, code, want))
                continue
            if code != 200:
                continue
            body = _body(response)
            if kind == "bid_list":  # a list: only bids the reader may read, never a sealed one
                body = json.dumps([b for b in json.loads(body).get("results", json.loads(body))
                                   if isinstance(b, dict) and b.get("tender") == names["ref"]]) \
                    if body.lstrip().startswith(("{", "[")) else body
            if not prices_visible(kind, role, stage):
                found = [t for t in PRICE_TEXTS if shows_amount(body, t)] + [k for k in PRICE_KEYS if k in body]
                if found:
                    leaks.append((stage, conflict, role, "prices", found))
            if kind in LISTS_BIDDERS and _conflicted(role, conflict) and re.search(re.escape(names["bid"]) + r"\b", body):
                leaks.append((stage, conflict, role, "conflicted bidder shown"))
    assert wrong == [], f"{template}: (stage, conflict, role, got, expected) {wrong}"
    assert leaks == [], f"{template}: leaks {leaks}"


def test_the_bid_list_never_shows_a_sealed_bid_to_anyone_but_its_bidder(world):
    tenders, clients = world
    sealed = {names["bid"] for (stage, _), names in tenders.items() if stage == "sealed"}
    for role in ROLES:
        if role in ("anonymous", "provider_owner"):
            continue
        body = _body(clients[role].get("/api/bids/?page_size=500"))
        assert not any(ref in body for ref in sealed), role
    # and a rival never sees A's bids at all
    rival = _body(clients["rival_provider"].get("/api/bids/?page_size=500"))
    assert not any(names["bid"] in rival for names in tenders.values())


def test_a_tender_not_yet_past_its_deadline_is_unknown_to_the_panel(world):
    """Sanity: the fixture's 'sealed' tenders are closed and unopened (the matrix relies on it)."""
    tenders, _ = world
    for (stage, _), names in tenders.items():
        tender = Tender.objects.get(reference=names["ref"])
        assert tender.is_sealed == (stage == "sealed")
        assert tender.submission_deadline < timezone.now() + timedelta(seconds=1)
