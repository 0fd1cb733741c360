"""Read paths for tenders, shaped to avoid N+1 queries."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db.models import Model, Prefetch, QuerySet
from django.db.models.sql.constants import MULTI

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


class PlainRows(NamedTuple):
    """A values_list query read straight from the database driver, with each column's converter.

    `rows` hold what the driver gave (on SQLite a decimal is still a float, a boolean 0 or 1);
    `convert[i]` turns column i's value into what `values_list()` would have given (None when
    the driver's value already is). The list API converts each distinct value once and shows
    it once, instead of Django converting every cell and DRF showing every cell
    (docs/benchmarks.md, API list).
    """

    rows: list[Sequence[Any]]
    convert: list[Callable[[Any], Any] | None]


def _plain_rows(queryset: QuerySet[Any]) -> PlainRows:
    """What `queryset` (a values_list) selects, without converting every cell: the compiler's own
    execute_sql and get_converters, as QuerySet iteration uses them, minus applying them row by row."""
    fields = queryset.query.values_select
    if len(set(fields)) != len(fields):
        raise ValueError(f"each field once, so that row positions match the fields: {fields}")
    compiler = queryset.query.get_compiler(queryset.db)
    chunks = compiler.execute_sql(MULTI)  # sets up compiler.select, even when the query is known to be empty
    rows = [row for chunk in chunks for row in chunk]
    convert: list[Callable[[Any], Any] | None] = [None] * len(fields)
    expressions = [column[0] for column in compiler.select[: compiler.col_count]]
    for position, (converters, expression) in compiler.get_converters(expressions).items():
        convert[position] = _chain(converters, expression, compiler.connection)
    return PlainRows(rows, convert)


def _chain(converters: Sequence[Callable[..., Any]], expression: Any, connection: Any) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        for converter in converters:
            value = converter(value, expression, connection)
        return value

    return convert


def tender_rows(*, tenders: QuerySet[Tender], fields: Sequence[str]) -> PlainRows:
    """The tenders' `fields` as plain driver rows (in the queryset's order): one query, no model instances."""
    return _plain_rows(tenders.values_list(*fields))


def tender_children_rows(*, model: type[Model], tender_ids: Sequence[int], fields: Sequence[str]) -> PlainRows:
    """Lots or questions of these tenders as plain driver rows over `fields`, by tender id, then number: one query.

    The list API reads its page this way: building model instances for every lot and zone
    cost more than the queries themselves (docs/benchmarks.md).
    """
    query = model.objects.filter(tender_id__in=list(tender_ids)).order_by("tender_id", "number")
    return _plain_rows(query.values_list(*fields))
