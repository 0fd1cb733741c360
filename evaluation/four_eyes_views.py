"""Four eyes after the quality lock: the page listing proposed consensus changes, and their decision.

Thin: the policy (`accounts.permissions`) says who may read and decide; the service
(`evaluation.services.consensus_change_decide`) decides and audits.
"""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import permissions
from common.form_views import handle_action
from common.http import AuthenticatedHttpRequest
from evaluation import selectors, services
from evaluation.models import ConsensusChangeProposal
from tenders.models import Tender


@login_required
def consensus_changes(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Changes proposed to locked consensus scores: pending ones for a second person to decide, and the history."""
    tender = get_object_or_404(Tender, reference=reference)
    if not permissions.can_see_scores(request.user, tender):
        raise PermissionDenied("Only commissioners, legal and this tender's panel see its scores.")
    rows = [
        {
            "proposal": p,
            "may_decide": p.is_pending and permissions.can_approve_consensus_change(
                request.user, tender, proposed_by=p.proposed_by_id, provider=p.consensus.bid.provider_id
            ),
        }
        for p in selectors.consensus_change_proposals(tender=tender, user=request.user)
    ]
    return render(request, "evaluation/consensus_changes.html", {"tender": tender, "rows": rows})


@login_required
@require_POST
def consensus_change_decide(request: AuthenticatedHttpRequest, reference: str, proposal_id: int) -> HttpResponse:
    tender = get_object_or_404(Tender, reference=reference)
    proposal = get_object_or_404(ConsensusChangeProposal, pk=proposal_id, consensus__bid__tender=tender)
    approve = request.POST.get("decision") == "approve"
    return handle_action(
        request,
        lambda: services.consensus_change_decide(proposal=proposal, user=request.user, approve=approve,
                                                 note=request.POST.get("note", "")),
        success="The change is approved: the consensus score has changed." if approve
        else "The change is rejected: the consensus score is unchanged.",
        redirect_to=reverse("evaluation-consensus-changes", args=[tender.reference]),
    )
