"""Read paths for tenders, shaped to avoid N+1 queries."""
from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from tenders.models import Lot, Tender
from tenders.transitions import TenderStatus


def tender_list(*, user: Any) -> QuerySet[Tender]:
    """Tenders a user may see: everything for the commissioning side, published ones for providers."""
    qs = Tender.objects.select_related("rate_preset").prefetch_related(
        Prefetch("lots", queryset=Lot.objects.select_related("zone").order_by("number")),
        "questions",
    )
    if getattr(user, "is_commissioning_side", False) or getattr(user, "is_superuser", False):
        return qs
    return qs.exclude(status__in=[TenderStatus.DRAFT.value])
