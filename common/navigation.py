"""The header's links: only what this user's role can use, decided by the access policy.

A context processor (config/settings/base.py), so every page, 403 and 404 included, has the
same navigation. Each link names the policy question that allows it; nothing here checks a
role by hand.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse

from accounts import permissions as policy

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    count: int = 0  # unread notifications, shown as a badge
    current: bool = False


def _links(user: User | AnonymousUser) -> list[tuple[str, str]]:
    links = [("Tenders", "home")]
    if policy.is_provider_user(user):
        return links + [("Your bids", "bidding-portal"), ("Notifications", "bidding-notifications"),
                        ("Your organisation", "providers-organisation")]
    if policy.is_commissioner(user) or policy.is_panel_role(user) or policy.is_legal(user):
        links.append(("Evaluation", "evaluation-home"))
    if policy.can_manage_settings(user):
        links.append(("Cost of care", "pricing-home"))
    if policy.can_view_market_data(user):
        links.append(("CQC ratings", "cqc-lookup"))
    if policy.can_decide_registration(user):
        links.append(("Registrations", "providers-pending"))
    if policy.can_read_reports(user):
        links.append(("Reports", "reports-index"))
    if policy.can_manage_users(user):
        links.append(("Administration", "admin:index"))
    return links


def nav_links_for(user: User | AnonymousUser, path: str = "") -> list[NavLink]:
    """The header links for `user`, the one matching `path` marked current; none for an anonymous visitor."""
    if not policy.is_authenticated(user):
        return []
    from tenders.bidding_selectors import unread_notification_count

    result = []
    for label, name in _links(user):
        url = reverse(name)
        count = unread_notification_count(user=user) if name == "bidding-notifications" else 0
        current = path == url if url == "/" else path.startswith(url)
        result.append(NavLink(label=label, url=url, count=count, current=current))
    return result


def navigation(request: HttpRequest) -> dict[str, Any]:
    # A request that never passed the authentication middleware (an early error page) is an anonymous visitor.
    user = getattr(request, "user", None) or AnonymousUser()
    return {"nav_links": nav_links_for(user, request.path),
            # Pages shared by both sides (the tender list) offer the portal's actions to providers.
            "portal_user": policy.is_provider_user(user), "portal_may_bid": policy.may_bid(user)}
