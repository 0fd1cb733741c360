"""Evaluation pages: panel members score and moderate, commissioners run and award.

Thin: each page reads through selectors and writes through one service; a
DomainError from a service is shown to the user (never a 500).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import permissions as policy
from accounts.models import User
from accounts.reauth import reauthentication_redirect
from common.form_views import form_status, handle_action, handle_form
from common.http import AuthenticatedHttpRequest
from evaluation import price_clarifications, selectors, services
from evaluation.forms import (
    AssignForm,
    ClarificationForm,
    ConflictForm,
    ConsensusForm,
    PriceDecisionForm,
    PriceQuestionForm,
    ScoreForm,
)
from evaluation.models import PriceClarification
from tenders.models import Bid, BidDocument, BidVersion, DocumentEnvelope, Lot, Tender
from tenders.transitions import TenderStatus


def _tender(reference: str) -> Tender:
    return get_object_or_404(Tender, reference=reference)


def _bid(tender: Tender, bid_reference: str) -> Bid:
    bid = Bid.objects.select_related("provider", "tender").filter(tender=tender, reference=bid_reference).first()
    if bid is None:
        raise Http404("No such bid.")
    return bid


def _is_commissioner(user: User | AnonymousUser) -> bool:
    return policy.is_commissioner(user)


def _require_panel_or_commissioner(user: User | AnonymousUser, tender: Tender) -> None:
    if selectors.assignment_for(user=user, tender=tender) is None and not _is_commissioner(user):
        raise PermissionDenied("You are not on this tender's evaluation panel.")


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """My evaluation work: tenders I am on the panel of; for commissioners, tenders being evaluated."""
    if not policy.is_commissioning_side(request.user):
        raise PermissionDenied("Evaluation is for the council's panel.")
    rows = []
    for assignment in selectors.assignments_of(user=request.user):
        tender = assignment.tender
        stages = selectors.tender_evaluation(tender=tender)
        outstanding = selectors.conflicts_outstanding(assignment=assignment)
        bids = selectors.bids_for_reader(user=request.user, tender=tender) if not tender.is_sealed else []
        rows.append(
            {
                "assignment": assignment,
                "tender": tender,
                "stages": stages,
                "outstanding": outstanding,
                "bids_total": len([b for b in bids if b["may_read"]]),
                "bids_done": len([b for b in bids if b["may_read"] and b["complete"]]),
            }
        )
    evaluating = []
    if _is_commissioner(request.user) or policy.is_legal(request.user):
        evaluating = list(
            Tender.objects.filter(
                status__in=[TenderStatus.OPENED, TenderStatus.IN_EVALUATION, TenderStatus.AWARDED, TenderStatus.CLOSED]
            ).order_by("reference")
        )
    return render(request, "evaluation/home.html", {"rows": rows, "evaluating": evaluating})


@login_required
def panel(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The tender's panel and its conflict declarations; commissioners add members."""
    tender = _tender(reference)
    if not _is_commissioner(request.user):
        raise PermissionDenied("Only a commissioner manages the evaluation panel.")
    form = AssignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (done := handle_form(
        request, form, lambda data: services.evaluation_assign(tender=tender, user=request.user, member=data["member"]),
        success=lambda _: f"{form.cleaned_data['member'].get_username()} is on the panel.",
        redirect_to=reverse("evaluation-panel", args=[tender.reference]),
        default_field="member",  # the form's one field: every refusal is about the member chosen
    )):
        return done
    bidders = selectors.bidding_providers(tender=tender)
    members = []
    for assignment in selectors.panel(tender=tender):
        declared = selectors.declarations_of(assignment=assignment)
        members.append(
            {
                "assignment": assignment,
                "declared": len([p for p in bidders if p.pk in declared]),
                "conflicts": [d for d in declared.values() if d.has_conflict],
            }
        )
    return render(
        request, "evaluation/panel.html",
        {"tender": tender, "form": form, "members": members, "bidders": bidders}, status=form_status(form),
    )


@login_required
def conflicts(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Declare conflicts of interest per bidding provider, before reading any bid."""
    tender = _tender(reference)
    assignment = selectors.assignment_for(user=request.user, tender=tender)
    if assignment is None:
        raise PermissionDenied("You are not on this tender's evaluation panel.")
    if policy.is_sealed(tender):
        # Naming the bidders before opening would reveal who bid: the step waits for the opening.
        return render(request, "evaluation/conflicts_not_yet.html", {"tender": tender, "assignment": assignment})
    providers = selectors.bidding_providers(tender=tender)
    existing = selectors.declarations_of(assignment=assignment)
    form = ConflictForm(request.POST if request.method == "POST" else None, providers=providers, existing=existing)
    if request.method == "POST" and (done := handle_form(
        request, form,
        lambda _: services.conflict_declare(tender=tender, user=request.user, declarations=form.declarations()),
        success="Your declarations are recorded.", redirect_to=reverse("evaluation-bids", args=[tender.reference]),
    )):
        return done
    return render(
        request, "evaluation/conflicts.html",
        {"tender": tender, "form": form, "assignment": assignment, "existing": existing}, status=form_status(form),
    )


@login_required
def bids(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The bids to score, with progress; bids of conflicted providers are listed but closed."""
    tender = _tender(reference)
    assignment = selectors.assignment_for(user=request.user, tender=tender)
    if assignment is None:
        raise PermissionDenied("You are not on this tender's evaluation panel.")
    outstanding = selectors.conflicts_outstanding(assignment=assignment)
    rows = selectors.bids_for_reader(user=request.user, tender=tender) if not tender.is_sealed else []
    return render(
        request, "evaluation/bids.html",
        {"tender": tender, "assignment": assignment, "rows": rows, "outstanding": outstanding,
         "stages": selectors.tender_evaluation(tender=tender)},
    )


@login_required
def score(request: AuthenticatedHttpRequest, reference: str, bid_reference: str) -> HttpResponse:
    """Read a bid's answers and score each question with a comment (blind: only your own scores)."""
    tender = _tender(reference)
    bid = _bid(tender, bid_reference)
    if not selectors.evaluator_may_read(user=request.user, tender=tender, provider=bid.provider):
        raise PermissionDenied(selectors.read_refusal(user=request.user, tender=tender, provider=bid.provider))
    assignment = selectors.assignment_for(user=request.user, tender=tender)
    stages = selectors.tender_evaluation(tender=tender)
    questions = list(tender.questions.order_by("number"))
    version = selectors.current_version(bid=bid)
    answers = {a.question_id: a.text for a in version.answers.all()} if version else {}
    existing = selectors.my_scores(user=request.user, bid=bid)
    assert assignment is not None  # evaluator_may_read said yes: the user is on this tender's panel
    can_score = (
        not assignment.is_moderator and not stages.moderation_started and tender.status in selectors.WORKING_STATUSES
        and not selectors.is_excluded(bid=bid)
    )
    form = ScoreForm(request.POST if request.method == "POST" else None, questions=questions, existing=existing)
    if request.method == "POST":
        if not can_score:
            raise PermissionDenied("You cannot score this bid now.")
        if done := handle_form(
            request, form, lambda _: services.score_submit(bid=bid, user=request.user, scores=form.scores()),
            success=f"Your scores for {bid.reference} are saved.",
            redirect_to=reverse("evaluation-my-scores", args=[tender.reference]),
        ):
            return done
    documents = _readable_documents(request.user, version)
    items = [
        {"question": q, "answer": answers.get(q.pk, ""), "score": form[f"score_{q.pk}"],
         "comment": form[f"comment_{q.pk}"], "mine": existing.get(q.pk)}
        for q in questions
    ]
    return render(
        request, "evaluation/score.html",
        {"tender": tender, "bid": bid, "items": items, "form": form, "can_score": can_score, "stages": stages,
         "assignment": assignment, "documents": documents["readable"], "sealed_documents": documents["sealed"]},
        status=form_status(form),
    )


def _readable_documents(user: User | AnonymousUser, version: BidVersion | None) -> dict[str, Any]:
    """The version's documents this user may open now, and how many price documents stay sealed."""
    if version is None:
        return {"readable": [], "sealed": 0}
    readable, sealed = [], 0
    for document in version.documents.order_by("envelope", "original_name"):
        if policy.can_read_document(user, version, is_price_document=document.envelope == DocumentEnvelope.PRICE):
            readable.append(document)
        else:
            sealed += 1
    return {"readable": readable, "sealed": sealed}


# Opened in the browser's own viewer; any other kind is downloaded.
_INLINE_TYPES = {"application/pdf"}


@login_required
def bid_document(request: AuthenticatedHttpRequest, reference: str, bid_reference: str, document_id: int) -> FileResponse:
    """A bid document for the panel: quality documents once opened, price documents once the price envelope is."""
    tender = _tender(reference)
    bid = _bid(tender, bid_reference)
    document = BidDocument.objects.select_related("version__bid").filter(pk=document_id, version__bid=bid).first()
    if document is None:
        raise Http404("No such document.")
    if not policy.can_read_document(request.user, document.version,
                                    is_price_document=document.envelope == DocumentEnvelope.PRICE):
        raise PermissionDenied("This document is sealed for you: price documents open with the price envelope, "
                               "and a declared conflict closes a bidder's documents.")
    inline = document.content_type in _INLINE_TYPES
    return FileResponse(document.file.open("rb"), as_attachment=not inline, filename=document.original_name,
                        content_type=document.content_type)


@login_required
def my_scores(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Every score I have submitted on this tender."""
    tender = _tender(reference)
    if selectors.assignment_for(user=request.user, tender=tender) is None:
        raise PermissionDenied("You are not on this tender's evaluation panel.")
    rows = []
    questions = list(tender.questions.order_by("number"))
    scores = selectors.my_scores_by_bid(user=request.user, tender=tender)
    for row in selectors.bids_for_reader(user=request.user, tender=tender):
        if not row["may_read"]:
            continue
        mine = scores[row["bid"].pk]
        rows.append({"bid": row["bid"], "items": [{"question": q, "score": mine.get(q.pk)} for q in questions]})
    return render(request, "evaluation/my_scores.html", {"tender": tender, "rows": rows, "questions": questions})


@login_required
def moderation(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Moderation board: individual scores side by side, divergent ones highlighted, consensus entered."""
    tender = _tender(reference)
    _require_panel_or_commissioner(request.user, tender)
    stages = selectors.tender_evaluation(tender=tender)
    assignment = selectors.assignment_for(user=request.user, tender=tender)
    context: dict[str, Any] = {
        "tender": tender, "stages": stages, "assignment": assignment,
        "questions": list(tender.questions.order_by("number")),
        "can_moderate": bool(assignment and assignment.is_moderator) or _is_commissioner(request.user),
    }
    if selectors.may_see_individual_scores(user=request.user, tender=tender):
        rows = selectors.moderation_board(tender=tender, user=request.user)
        if assignment is not None:
            rows = [r for r in rows if r.may_moderate]
        context["rows"] = rows
        context["consensus_gaps"] = selectors.consensus_gaps(tender=tender)
    else:
        # A conflicted panel member does not see others' progress on the bidder it is conflicted with.
        hidden = selectors.hidden_provider_ids(user=request.user, tender=tender)
        context["gaps"] = selectors.scoring_gaps(tender=tender, hidden=hidden) if not tender.is_sealed else []
    return render(request, "evaluation/moderation.html", context)


@login_required
def consensus(request: AuthenticatedHttpRequest, reference: str, bid_reference: str) -> HttpResponse:
    """Record the consensus score and rationale per question of one bid."""
    tender = _tender(reference)
    bid = _bid(tender, bid_reference)
    assignment = selectors.assignment_for(user=request.user, tender=tender)
    if assignment is None or not assignment.is_moderator:
        raise PermissionDenied("Only the tender's moderator records consensus scores.")
    if not selectors.evaluator_may_read(user=request.user, tender=tender, provider=bid.provider):
        raise PermissionDenied(selectors.read_refusal(user=request.user, tender=tender, provider=bid.provider))
    stages = selectors.tender_evaluation(tender=tender)
    if not stages.moderation_started:
        raise PermissionDenied("Moderation has not started: individual scoring is still blind.")
    row = next(iter(selectors.moderation_board(tender=tender, user=request.user, bid=bid)), None)
    if row is None:
        raise Http404("This bid is not being evaluated.")
    version = selectors.current_version(bid=bid)
    answers = {a.question_id: a.text for a in version.answers.all()} if version else {}
    status = 200
    posted_q = request.POST.get("question") if request.method == "POST" else None
    items = []
    for cell in row.cells:
        q = cell.question
        bound = posted_q == str(q.number)
        initial = {}
        if cell.consensus is not None:
            initial = {"score": str(cell.consensus.score), "rationale": cell.consensus.rationale,
                       "feedback_to_bidder": cell.consensus.feedback_to_bidder}
        form = ConsensusForm(
            request.POST if bound else None, max_score=q.max_score, prefix=f"q{q.number}", initial=initial
        )
        if bound:
            if done := handle_form(
                request, form,
                lambda data: services.consensus_record(  # called at once, within this iteration
                    bid=bid, question=q, user=request.user, score=data["score"], rationale=data["rationale"],  # noqa: B023
                    change_reason=data["change_reason"], feedback_to_bidder=data["feedback_to_bidder"],
                ),
                # After the lock the service only proposes the change (four eyes): say so, not "recorded".
                success=(f"Your change to question {q.number} of {bid.reference} is proposed. It takes effect only "
                         "when a second person (the tender's moderator or a commissioner, not you) approves it "
                         "under Changes after the quality lock.") if stages.quality_locked
                else f"Consensus for question {q.number} of {bid.reference} is recorded.",
                redirect_to=reverse("evaluation-consensus", args=[tender.reference, bid.reference]) + f"#q{q.number}",
            ):
                return done
            status = form_status(form)
        items.append({"cell": cell, "form": form, "answer": answers.get(q.pk, "")})
    return render(
        request, "evaluation/consensus.html",
        {"tender": tender, "bid": bid, "items": items, "stages": stages}, status=status,
    )


@login_required
def summary(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Commissioner's evaluation summary: stages, CQC checks, clarifications, results per lot, award."""
    tender = _tender(reference)
    user = request.user
    if not (_is_commissioner(user) or policy.is_legal(user)):
        raise PermissionDenied("Only commissioners and the legal team see the evaluation summary.")
    stages = selectors.tender_evaluation(tender=tender)
    bids_ = list(selectors.submitted_bids(tender=tender)) if not tender.is_sealed else []
    latest = selectors.latest_assessments(bids=bids_)
    run = selectors.current_run(tender=tender)
    may_see_prices = selectors.may_see_prices(user=user, tender=tender)
    context: dict[str, Any] = {
        "tender": tender,
        "stages": stages,
        "is_commissioner": _is_commissioner(user),
        "panel": list(selectors.panel(tender=tender)),
        "assessments": [{"bid": b, "assessment": latest.get(b.pk)} for b in bids_],
        "may_see_prices": may_see_prices,
        "clarifications": list(selectors.clarifications(tender=tender)) if may_see_prices else [],
        "run": run if may_see_prices else None,
        "stale": bool(run and may_see_prices and selectors.run_is_stale(run=run)),
        "runs": list(selectors.runs(tender=tender)[:10]) if may_see_prices else [],
    }
    return render(request, "evaluation/summary.html", context)


@login_required
def open_prices_confirm(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Confirm before opening the price envelope: what will happen and what cannot be undone."""
    tender = _tender(reference)
    if not policy.is_commissioner(request.user):
        raise PermissionDenied("Only a commissioner opens the price envelope.")
    stages = selectors.tender_evaluation(tender=tender)
    if tender.price_envelope_opened_at is not None or not stages.quality_locked:
        return redirect("evaluation-summary", reference=tender.reference)
    return render(request, "evaluation/open_prices_confirm.html", {
        "tender": tender, "stages": stages, "bid_count": len(selectors.scorable_bids(tender=tender)),
    })


ACTIONS: dict[str, tuple[str, Callable[[Tender, User], object]]] = {
    "assess-cqc": ("Bids were checked against the CQC ratings.", lambda t, u: services.bids_assess_cqc(tender=t, user=u)),
    "start-moderation": ("Moderation has started; individual scores are now visible to the panel.",
                         lambda t, u: services.moderation_start(tender=t, user=u)),
    "lock-quality": ("Quality moderation is locked.", lambda t, u: services.quality_lock(tender=t, user=u)),
    "open-prices": ("The price envelope is open.", lambda t, u: services.price_envelope_open(tender=t, user=u)),
    "run": ("The evaluation has run.", lambda t, u: services.evaluation_run(tender=t, user=u)),
}


@login_required
@require_POST
def action(request: AuthenticatedHttpRequest, reference: str, name: str) -> HttpResponse:
    """One-button workflow steps; the service decides whether the user and the stage allow it."""
    tender = _tender(reference)
    back = request.POST.get("next") or reverse("evaluation-summary", args=[tender.reference])
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("evaluation-summary", args=[tender.reference])
    # Opening the price envelope cannot be undone: the password again if signed in long ago.
    # The award has one path: the confirmation page /reports/<ref>/award/decide/ (reports.award_views).
    if name == "open-prices" and (answer := reauthentication_redirect(request)):
        return answer
    if name in ACTIONS:
        done, call = ACTIONS[name]
    else:
        raise Http404("No such action.")
    return handle_action(request, lambda: call(tender, request.user), success=done, redirect_to=back)


@login_required
def clarification(request: AuthenticatedHttpRequest, reference: str, bid_reference: str, lot_number: int) -> HttpResponse:
    """Record the bidder's explanation of an abnormally low price and decide on it."""
    tender = _tender(reference)
    if not _is_commissioner(request.user):
        raise PermissionDenied("Only a commissioner decides on price clarifications.")
    bid = _bid(tender, bid_reference)
    if lot_number > 32767:  # beyond any lot number; the database column is a small integer
        raise Http404("No such lot.")
    lot = get_object_or_404(Lot.objects.select_related("zone"), tender=tender, number=lot_number)
    current = selectors.clarifications(tender=tender).filter(bid=bid, lot=lot).first()
    if current is None:
        raise Http404("This price has no clarification.")
    action = request.POST.get("action", "record") if request.method == "POST" else ""
    if action in ("request", "decide"):
        return _portal_clarification(request, tender, bid, lot, current, action)
    initial = {}
    if not current.is_pending:
        initial = {"explanation": current.explanation, "decision": current.status, "reason": current.decision_reason}
    form = ClarificationForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and (done := handle_form(
        request, form, lambda data: services.clarification_record(bid=bid, lot=lot, user=request.user, **data),
        success=f"The decision on {bid.reference}'s price for lot {lot.number} is recorded.",
        redirect_to=reverse("evaluation-summary", args=[tender.reference]),
    )):
        return done
    return render(
        request, "evaluation/clarification.html",
        {"tender": tender, "bid": bid, "lot": lot, "clarification": current, "form": form,
         "question_form": _question_form(current), "decision_form": PriceDecisionForm(),
         "documents": price_clarifications.readable_documents(user=request.user, clarification=current),
         "now": timezone.now()},
        status=form_status(form),
    )


def _question_form(clarification: PriceClarification, data: QueryDict | None = None) -> PriceQuestionForm:
    reply_by = timezone.localtime(timezone.now() + timedelta(days=5)).replace(hour=17, minute=0, second=0, microsecond=0)
    initial = {"question": clarification.question or (
        f"Your price is below the cost-of-care model. {clarification.price_check.get('message', '')} "
        "Explain how the price covers the legal minimum wage for contact, travel and training time, holiday pay, "
        "employer National Insurance and pension, and your running costs."
    ), "reply_by": clarification.reply_by or reply_by}
    return PriceQuestionForm(data, initial=initial)


def _portal_clarification(
    request: AuthenticatedHttpRequest, tender: Tender, bid: Bid, lot: Lot, current: PriceClarification, action: str
) -> HttpResponse:
    """Ask the bidder through the portal, or decide on the explanation it gave there (one service each)."""
    if action == "request":
        form: PriceQuestionForm | PriceDecisionForm = _question_form(current, request.POST)
        call = lambda data: price_clarifications.price_clarification_request(  # noqa: E731
            clarification=current, user=request.user, question=data["question"], reply_by=data["reply_by"])
        done = f"{bid.provider.name} has been asked to explain its price for lot {lot.number}."
    else:
        form = PriceDecisionForm(request.POST)
        call = lambda data: price_clarifications.price_clarification_decide(  # noqa: E731
            clarification=current, user=request.user, decision=data["decision"], reason=data["reason"])
        done = f"The decision on {bid.reference}'s price for lot {lot.number} is recorded."
    response = handle_form(request, form, call, success=done,
                           redirect_to=reverse("evaluation-clarification", args=[tender.reference, bid.reference,
                                                                               lot.number]))
    if response is not None:
        return response
    return render(
        request, "evaluation/clarification.html",
        {"tender": tender, "bid": bid, "lot": lot, "clarification": current, "form": ClarificationForm(),
         "question_form": form if action == "request" else _question_form(current),
         "decision_form": form if action == "decide" else PriceDecisionForm(),
         "documents": price_clarifications.readable_documents(user=request.user, clarification=current),
         "now": timezone.now(), "error_form": form},
        status=400,
    )
