"""Read paths for tenders, shaped to avoid N+1 queries."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Model, Prefetch, QuerySet

from accounts import permissions
from tenders.models import Lot, Tender
from tenders.transitions import TenderStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def tender_list(*, user: User | AnonymousUser) -> QuerySet[Tender]:
    """Tenders a user may see: everything for the commissioning side, published ones for providers."""
    qs = Tender.objects.select_related("rate_preset").prefetch_related(
        Prefetch("lots", queryset=Lot.objects.select_related("zone").order_by("number")),
        "questions",
    )
    if permissions.is_commissioning_side(user):  # accounts.permissions; is_superuser alone grants nothing
        return qs
    return qs.exclude(status__in=[TenderStatus.DRAFT.value])


def tender_rows(*, tenders: QuerySet[Tender], fields: Iterable[str]) -> list[dict[str, Any]]:
    """The tenders as plain rows (values dicts, in the queryset's order): one query, no model instances."""
    return list(tenders.values(*dict.fromkeys(["id", *fields])))


def tender_children_by_tender(
    *, model: type[Model], tender_ids: Sequence[int], fields: Iterable[str]
) -> dict[int, list[dict[str, Any]]]:
    """Lots or questions of these tenders as plain rows in number order, grouped by tender id: one query.

    The list API reads 500 tenders of 10 lots this way: building model instances for every
    lot and zone cost more than the queries themselves (docs/benchmarks.md).
    """
    grouped: dict[int, list[dict[str, Any]]] = {}
    rows = model.objects.filter(tender_id__in=list(tender_ids)).order_by("tender_id", "number")
    for row in rows.values(*dict.fromkeys(["tender_id", *fields])):
        grouped.setdefault(row["tender_id"], []).append(row)
    return grouped
