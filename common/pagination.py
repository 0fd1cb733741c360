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
from typing import Any

from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class DefaultPagination(PageNumberPagination):
    """Page-number pagination: 50 a page by default, `page_size` up to 200."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


Serialize = type[BaseSerializer] | Callable[[list[Any]], Any]


class PaginatedListMixin:
    """For an APIView whose GET returns a collection: paginate it the same way as the ViewSets."""

    pagination_class = DefaultPagination
    request: Request

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
