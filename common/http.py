"""Request types for views that only a signed-in user reaches (issue 18).

django-stubs types `request.user` as `User | AnonymousUser`, right for a page anyone may open.
Behind `@login_required` (or a role decorator built on it) and behind DRF's default
`IsAuthenticated` the user is a `User`: annotate such a view's `request` with one of these so
mypy checks what the view hands the services (`user: User`). Annotations only: at run time the
request is Django's or DRF's own object. A view reachable anonymously keeps `HttpRequest` and
narrows with `request.user.is_authenticated` (or `accounts.permissions.is_authenticated`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:  # a type only: no import of accounts at run time
    from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A page request that passed `@login_required` (or a role decorator that wraps it)."""

    user: User


class AuthenticatedRequest(Request):
    """An API request that passed `IsAuthenticated` (the project's default permission class)."""

    user: User
