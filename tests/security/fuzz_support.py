"""What both fuzz tests share: the roles, real path values (the demo and a token per role: conftest.fuzz_demo).

tests/security/test_api_fuzz.py sends random cases as every role; tests/security/test_api_boundaries.py sends
boundary cases to the roles in turn until one is let in. Two files so that pytest-xdist (a file per worker at
a time) runs them side by side.
"""
from __future__ import annotations

import zlib

# One demo user per role (README "Demo users").
ROLES = ("commissioner", "provider", "evaluator", "moderator", "legal", "admin")
SCHEMA_PATH = "/api/schema/?format=json"


def real_path_values() -> dict[str, list]:
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


def with_real_path_parameters(case, real: dict[str, list]) -> None:
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
