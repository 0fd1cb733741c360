"""One page shape for every API list: `{count, next, previous, results}` (DRF's page-number pagination).

Clients ask for `?page=N` and may set `?page_size=` up to MAX_PAGE_SIZE; filters in the query
string are kept in the `next`/`previous` links. A page past the end answers 404.

ViewSets get this from `REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]`. A plain `APIView` that
returns a list mixes in `PaginatedListMixin` and ends with `return self.paginated(items, Serializer)`;
declaring `responses=Serializer(many=True)` is enough for drf-spectacular to document the
paginated envelope and the `page`/`page_size` parameters (it reads the view's pagination_class).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.paginator import InvalidPage
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class DefaultPagination(PageNumberPagination):
    """Page-number pagination: 50 a page by default, `page_size` up to 200."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_lazily(self, queryset: QuerySet, request: Request, view: Any = None) -> QuerySet:
        """`paginate_queryset`, but the page comes back as the queryset's unevaluated slice.

        For a caller that reads the page its own way (plain `values()` rows, say) in one query
        instead of fetching the page's ids first. Same page size, page number and 404 past the end.
        """
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:
            raise NotFound(self.invalid_page_message.format(page_number=page_number, message=str(exc))) from exc
        return self.page.object_list


Serialize = type[BaseSerializer] | Callable[[list[Any]], Any]


# For mypy the mixin is an APIView, so its `self.request` is the one APIView declares (a DRF Request)
# and mixing it into an APIView does not define `request` twice; at run time it is a plain mixin.
if TYPE_CHECKING:
    _ListViewBase = APIView
else:
    _ListViewBase = object


class PaginatedListMixin(_ListViewBase):
    """For an APIView whose GET returns a collection: paginate it the same way as the ViewSets."""

    pagination_class = DefaultPagination

    def paginated(self, items: QuerySet | Sequence[Any], serialize: Serialize) -> Response:
        """One page of `items` (a queryset is sliced in the database), each shown by `serialize`.

        `serialize` is a serializer class (used with many=True) or a function from the page's
        items to the JSON-ready list.
        """
        paginator = self.pagination_class()
        page = list(paginator.paginate_queryset(items, self.request, view=self) or [])
        if isinstance(serialize, type) and issubclass(serialize, BaseSerializer):
            data = serialize(page, many=True, context={"request": self.request}).data
        else:
            data = serialize(page)
        return paginator.get_paginated_response(data)


def paginated_schema(name: str, item: Any = None) -> Any:
    """The documented page of items built as plain dicts (no serializer): `responses=paginated_schema(...)`.

    Views that serialize with a serializer class declare `responses=Serializer(many=True)` instead
    and drf-spectacular documents the page and its parameters itself. With this one, add
    `parameters=PAGE_PARAMETERS`.
    """
    return inline_serializer(
        name=f"Paginated{name}List",
        fields={
            "count": serializers.IntegerField(help_text="Items in every page together."),
            "next": serializers.URLField(allow_null=True, help_text="The next page, or null on the last."),
            "previous": serializers.URLField(allow_null=True, help_text="The previous page, or null on the first."),
            "results": serializers.ListField(child=item if item is not None else serializers.DictField()),
        },
    )


# What drf-spectacular adds by itself for a serializer-backed list (PageNumberPagination's own wording).
PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="A page number within the paginated result set."),
    OpenApiParameter("page_size", int, description="Number of results to return per page."),
]
