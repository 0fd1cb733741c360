"""Reads for the reports pages and API: evaluated tenders, generated and issued documents, bidder outcomes.

Building a report's content from the stored run is `reports.building`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from evaluation import selectors as evaluation_selectors
from evaluation.models import EvaluationRun
from providers.models import Provider
from reports.context import RowStatus
from reports.models import GeneratedReport
from tenders.models import Bid, Tender


def current_run(*, tender: Tender) -> EvaluationRun | None:
    """The tender's current evaluation run, if it has been evaluated (`evaluation.selectors.current_run`)."""
    return evaluation_selectors.current_run(tender=tender)


# --- Pages and API ------------------------------------------------------------------------


def evaluated_tenders() -> list[Tender]:
    """Tenders with a current evaluation run, newest run first: the ones reports can be made for."""
    runs = (
        EvaluationRun.objects.filter(is_current=True).select_related("tender").defer(*EvaluationRun.DOCUMENTS)
        .order_by("-run_at", "-pk")
    )
    return [run.tender for run in runs]


def tender_reports(*, tender: Tender, limit: int = 100) -> list[Any]:
    """The tender's generated reports, newest first."""
    return list(tender_reports_queryset(tender=tender)[:limit])


def tender_reports_queryset(*, tender: Tender) -> QuerySet[Any]:
    """The tender's generated reports, newest first, for the API to page through."""
    return (
        GeneratedReport.objects.filter(tender=tender)
        .select_related("tender", "provider", "evaluation_run", "requested_by")
        .defer(*(f"evaluation_run__{name}" for name in EvaluationRun.DOCUMENTS))
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class BidderOutcome:
    """A bidder in the current run and the lots it is recommended for (for the reports page)."""

    provider: Provider
    bid_ref: str
    recommended_lots: tuple[int, ...]
    excluded: bool

    @property
    def is_successful(self) -> bool:
        return bool(self.recommended_lots)


def bidder_outcomes(*, run: EvaluationRun | None) -> list[BidderOutcome]:
    """Every bidder of the run (the tender's current one), by name, with its recommended lots (its stored results)."""
    if run is None:
        return []
    lots: dict[int, list[int]] = {}
    refs: dict[int, str] = {}
    excluded: dict[int, bool] = {}
    for lot in run.results["lots"]:
        for bid in lot["bids"]:
            if bid.get("provider_id") is None:
                continue
            pid = int(bid["provider_id"])
            refs[pid] = bid["bid_ref"]
            lots.setdefault(pid, [])
            if bid.get("recommended"):
                lots[pid].append(int(lot["lot"]))
            excluded[pid] = excluded.get(pid, False) or bid.get("status") == RowStatus.EXCLUDED
    providers = Provider.objects.filter(pk__in=refs).order_by("name")
    return [
        BidderOutcome(provider=p, bid_ref=refs[p.pk], recommended_lots=tuple(lots[p.pk]), excluded=excluded[p.pk])
        for p in providers
    ]


def missing_feedback(*, run: EvaluationRun | None) -> list[str]:
    """Scored questions of the run with no feedback to the bidder (reg 31): the award service's own rule."""
    return evaluation_selectors.missing_feedback(run=run)


def issued_documents(*, bid: Bid) -> list[GeneratedReport]:
    """The assessment summary and letter issued to this bid's organisation at award, for its bid page."""
    return list(
        GeneratedReport.objects.filter(tender_id=bid.tender_id, provider_id=bid.provider_id, issued_at__isnull=False)
        .order_by("kind", "-pk")
    )
