"""Hostile input: schemathesis fuzzes every operation of our own OpenAPI schema, in process (no network).

The property is that nothing answers 5xx. Two tests:

- random cases (schemathesis' fuzzing and examples phases, a few per operation): every demo role calls every
  operation;
- boundary cases (its coverage phase: values at and beyond each limit, missing and wrong-typed fields, other
  methods; dozens to hundreds per operation): each case goes to the roles in turn until one is let in (an
  answer other than 401 or 403). Sending them as all six roles every time cost most of the suite's time and
  only repeated the refusals of the roles the operation is not for.

About half the cases carry real path parameters from the demo (a tender's or bid's reference, a preset's slug,
a provider's id...) so the fuzz reaches the code behind the 404s.
"""
from __future__ import annotations

import os
import zlib

import pytest
import schemathesis
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from accounts import services as account_services
from accounts.models import User
from demo.lancashire import load_demo

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
# One demo user per role (README "Demo users").
ROLES = ("commissioner", "provider", "evaluator", "moderator", "legal", "admin")

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
schema.config.phases.coverage.enabled = False
boundaries = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
boundaries.config.phases.examples.enabled = False
boundaries.config.phases.fuzzing.enabled = False
REFUSED = (401, 403)  # the role is not let in: the next role gets the same case


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo()
        keys = {}
        for role in ROLES:
            user = User.objects.get(username=role)
            keys[role] = account_services.user_token_issue(user=user, actor=user)
        real = _real_path_values()
    yield keys, real
    with django_db_blocker.unblock():
        call_command("flush", "--noinput", verbosity=0)


def _real_path_values() -> dict[str, list]:
    """Path parameter values that exist in the demo, by parameter name (bids' and tenders' references apart)."""
    from cqc.models import CQCImport, CQCLocation
    from evaluation.models import ConsensusChangeProposal
    from pricing.models import RatePreset
    from providers.models import Provider
    from reports.models import GeneratedReport
    from tenders.models import Bid, BidDocument, Tender

    def ids(model) -> list:
        return list(model.objects.order_by("pk").values_list("pk", flat=True)[:5]) or [1]

    bids = list(Bid.objects.order_by("pk").values_list("reference", flat=True)[:6])
    return {
        "tender_reference": list(Tender.objects.order_by("pk").values_list("reference", flat=True)),
        "bid_reference": bids,
        "number": [1, 2],
        "document_id": ids(BidDocument),
        "report_id": ids(GeneratedReport),
        "import_id": ids(CQCImport),
        "cqc_provider_id": list(CQCLocation.objects.values_list("provider_id", flat=True).distinct()[:5]) or ["1-000"],
        "proposal_id": ids(ConsensusChangeProposal),
        "slug": list(RatePreset.objects.order_by("pk").values_list("slug", flat=True)[:5]),
        "provider_id": ids(Provider),
    }


def _with_real_path_parameters(case, real: dict[str, list]) -> None:
    """About half the cases (chosen by a checksum, so runs repeat) get real values in their path."""
    if not case.path_parameters:
        return
    seed = zlib.crc32(repr(sorted(case.path_parameters.items(), key=str)).encode())
    if seed % 2:
        return
    for name in case.path_parameters:
        if name == "reference":
            pool = real["bid_reference"] if case.path.startswith("/api/bids/") else real["tender_reference"]
        elif name == "id":
            pool = real["import_id"] if case.path.startswith("/api/cqc/") else real["report_id"]
        else:
            pool = real.get(name) or []
        if pool:
            case.path_parameters[name] = pool[seed % len(pool)]


@pytest.mark.fuzz
@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
@pytest.mark.django_db
def test_no_operation_answers_a_server_error(case, role, tokens):
    keys, real = tokens
    _with_real_path_parameters(case, real)
    case.call_and_validate(headers={"Authorization": f"Token {keys[role]}"}, checks=[not_a_server_error])


@pytest.mark.fuzz
@boundaries.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@pytest.mark.django_db
def test_no_boundary_case_answers_a_server_error(case, tokens):
    keys, real = tokens
    _with_real_path_parameters(case, real)
    for role in ROLES:
        response = case.call(headers={"Authorization": f"Token {keys[role]}"})
        case.validate_response(response, checks=[not_a_server_error])  # raises on a 5xx
        if response.status_code not in REFUSED:
            break
