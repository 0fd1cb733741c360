"""The evaluation sub-navigation of one tender: only the steps this user may take now (access policy)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template
from django.urls import reverse

from accounts import permissions as policy

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from tenders.models import Tender

register = template.Library()


def evaluation_links(user: User | AnonymousUser, tender: Tender) -> list[tuple[str, str]]:
    ref = tender.reference
    links = [("My evaluation work", reverse("evaluation-home"))]
    assignment = policy.panel_assignment(user, tender)
    if assignment is not None and not policy.is_sealed(tender):
        # Before opening nobody may learn who bid, so the conflicts step (which names bidders) waits.
        links.append(("Conflicts of interest", reverse("evaluation-conflicts", args=[ref])))
        links.append(("Bids", reverse("evaluation-bids", args=[ref])))
        if not assignment.is_moderator:
            links.append(("My scores", reverse("evaluation-my-scores", args=[ref])))
    if not policy.is_sealed(tender) and (policy.is_commissioner(user) or policy.is_moderator_of(user, tender)):
        links.append(("Moderation", reverse("evaluation-moderation", args=[ref])))
    if policy.quality_locked(tender) and policy.can_see_scores(user, tender):
        # Four eyes: changes proposed after the lock, for a second person to decide (same rule as the page).
        links.append(("Consensus changes", reverse("evaluation-consensus-changes", args=[ref])))
    if policy.can_read_evaluation(user, tender) and (policy.is_commissioner(user) or policy.is_legal(user)):
        links.append(("Evaluation summary", reverse("evaluation-summary", args=[ref])))
    if policy.can_manage_panel(user, tender):
        links.append(("Panel", reverse("evaluation-panel", args=[ref])))
    return links


@register.inclusion_tag("evaluation/_tender_nav_links.html", takes_context=True)
def evaluation_nav(context: dict[str, Any], tender: Tender) -> dict[str, Any]:
    request = context.get("request")
    path = request.path if request else ""
    return {"links": [(label, url, url == path) for label, url in evaluation_links(context["user"], tender)]}
