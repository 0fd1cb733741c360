"""Evaluation API: thin views that validate input, call one service or selector, and serialize.

Who may read what is decided by `accounts.permissions` (reads here, writes in the services:
PermissionDeniedError -> 403), so the API and the pages enforce the same blind-scoring,
two-envelope and conflict rules. A conflicted panel member's view of any evaluation data
leaves out the bidders it declared a conflict with.
"""
from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from accounts.models import User
from accounts.reauth import ensure_recent_authentication
from common.errors import PermissionDeniedError, RuleViolation
from common.http import AuthenticatedRequest
from common.pagination import PAGE_PARAMETERS, PaginatedListMixin, paginated_schema
from evaluation import selectors, services
from evaluation.api import serializers as s
from evaluation.models import ConsensusChangeProposal
from tenders.models import Bid, Lot, Tender


def _tender(reference: str) -> Tender:
    return get_object_or_404(Tender, reference=reference)


def _bid(reference: str) -> Bid:
    return get_object_or_404(Bid.objects.select_related("tender", "provider"), reference=reference)


def _valid(serializer_class: Any, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    data: dict[str, Any] = serializer.validated_data
    return data


def _require_evaluation_reader(user: User | AnonymousUser, tender: Tender) -> None:
    if not permissions.can_read_evaluation(user, tender):
        raise PermissionDeniedError(
            "Only commissioners, legal and this tender's panel see its evaluation, and only once bids are opened."
        )


def _require_results_reader(user: User | AnonymousUser, tender: Tender) -> None:
    if not permissions.can_see_results(user, tender):
        raise PermissionDeniedError("Results stay sealed until the price envelope is opened.")


class MyAssignmentsView(PaginatedListMixin, APIView):
    """The tenders the signed-in user evaluates or moderates."""

    @extend_schema(responses=s.AssignmentSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        if not permissions.is_commissioning_side(request.user):
            raise PermissionDenied("Evaluation is for the council's panel.")
        return self.paginated(selectors.assignments_of(user=request.user), s.AssignmentSerializer)


class PanelView(PaginatedListMixin, APIView):
    """A tender's evaluation panel (commissioner)."""

    @extend_schema(responses=s.AssignmentSerializer(many=True))
    def get(self, request: AuthenticatedRequest, reference: str) -> Response:
        tender = _tender(reference)
        if not permissions.can_manage_panel(request.user, tender):
            raise PermissionDeniedError("Only a commissioner can see this.")
        return self.paginated(selectors.panel(tender=tender), s.AssignmentSerializer)

    @extend_schema(request=s.AssignInputSerializer, responses={201: s.AssignmentSerializer})
    def post(self, request: AuthenticatedRequest, reference: str) -> Response:
        tender = _tender(reference)
        data = _valid(s.AssignInputSerializer, request)
        member = User.objects.filter(username=data["username"]).first()
        if member is None:
            raise RuleViolation(f"There is no user called {data['username']!r}.", field="username")
        assignment = services.evaluation_assign(
            tender=tender, user=request.user, member=member, is_moderator=data["is_moderator"]
        )
        return Response(s.AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class ConflictsView(APIView):
    """The signed-in panel member's conflict declarations, one per bidding provider."""

    def _body(self, request: Request, tender: Tender) -> dict[str, Any]:
        assignment = selectors.assignment_for(user=request.user, tender=tender)
        if assignment is None:
            raise PermissionDeniedError("You are not on this tender's evaluation panel.")
        return {
            "bidders": [{"id": p.pk, "name": p.name} for p in selectors.bidding_providers(tender=tender)],
            "declarations": s.DeclarationSerializer(assignment.declarations.select_related("provider"), many=True).data,
            "outstanding": [p.pk for p in selectors.conflicts_outstanding(assignment=assignment)],
        }

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: AuthenticatedRequest, reference: str) -> Response:
        return Response(self._body(request, _tender(reference)))

    @extend_schema(request=s.DeclareInputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: AuthenticatedRequest, reference: str) -> Response:
        tender = _tender(reference)
        data = _valid(s.DeclareInputSerializer, request)
        services.conflict_declare(tender=tender, user=request.user, declarations=data["declarations"])
        return Response(self._body(request, tender))


class TenderBidsView(PaginatedListMixin, APIView):
    """The bids a panel member is to score, whether each may be read, and their progress."""

    @extend_schema(parameters=PAGE_PARAMETERS, responses=paginated_schema("EvaluationBid"))
    def get(self, request: AuthenticatedRequest, reference: str) -> Response:
        tender = _tender(reference)
        if selectors.assignment_for(user=request.user, tender=tender) is None:
            raise PermissionDeniedError("You are not on this tender's evaluation panel.")
        rows = selectors.bids_for_reader(user=request.user, tender=tender)
        return self.paginated(
            rows,
            lambda page: [
                {
                    "bid": r["bid"].reference,
                    "provider": r["bid"].provider.name,
                    "may_read": r["may_read"],
                    "refusal": r["refusal"],
                    "scored_questions": r["scored"],
                    "questions": r["questions"],
                }
                for r in page
            ],
        )


class BidForEvaluationView(APIView):
    """A bid's quality answers for a panel member without a conflict; prices only once their envelope is open."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: AuthenticatedRequest, bid_reference: str) -> Response:
        bid = _bid(bid_reference)
        tender = bid.tender
        if not selectors.evaluator_may_read(user=request.user, tender=tender, provider=bid.provider):
            raise PermissionDeniedError(
                selectors.read_refusal(user=request.user, tender=tender, provider=bid.provider)
            )
        version = selectors.current_version(bid=bid)
        answers = {a.question_id: a.text for a in version.answers.all()} if version else {}
        body: dict[str, Any] = {
            "bid": bid.reference,
            "provider": bid.provider.name,
            "tender": tender.reference,
            "excluded": selectors.is_excluded(bid=bid),
            "questions": [
                {
                    "number": q.number, "text": q.text, "guidance": q.guidance, "weight": str(q.weight),
                    "max_score": q.max_score, "answer": answers.get(q.pk, ""),
                }
                for q in tender.questions.order_by("number")
            ],
        }
        if permissions.can_see_prices(request.user, tender, bid.provider_id) and version is not None:
            body["prices"] = [
                {"lot": p.lot.number, "zone": p.lot.zone.name, "hourly_price": str(p.hourly_price)}
                for p in version.lot_prices.select_related("lot__zone").order_by("lot__number")
            ]
        return Response(body)


class MyScoresView(PaginatedListMixin, APIView):
    """The signed-in evaluator's own scores of a bid (blind: never anyone else's)."""

    @extend_schema(responses=s.IndividualScoreSerializer(many=True))
    def get(self, request: AuthenticatedRequest, bid_reference: str) -> Response:
        bid = _bid(bid_reference)
        if not selectors.evaluator_may_read(user=request.user, tender=bid.tender, provider=bid.provider):
            raise PermissionDeniedError(
                selectors.read_refusal(user=request.user, tender=bid.tender, provider=bid.provider)
            )
        scores = sorted(selectors.my_scores(user=request.user, bid=bid).values(), key=lambda x: x.question.number)
        return self.paginated(scores, s.IndividualScoreSerializer)

    @extend_schema(request=s.ScoresInputSerializer, responses=s.IndividualScoreSerializer(many=True))
    def post(self, request: AuthenticatedRequest, bid_reference: str) -> Response:
        bid = _bid(bid_reference)
        data = _valid(s.ScoresInputSerializer, request)
        saved = services.score_submit(bid=bid, user=request.user, scores=data["scores"])
        return Response(s.IndividualScoreSerializer(saved, many=True).data)


class ModerationStartView(APIView):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: AuthenticatedRequest, reference: str) -> Response:
        stages = services.moderation_start(tender=_tender(reference), user=request.user)
        return Response({"moderation_started_at": stages.moderation_started_at})


class ModerationBoardView(APIView):
    """Individual and consensus scores per bid and question, divergent ones flagged (from moderation on)."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: AuthenticatedRequest, reference: str) -> Response:
        tender = _tender(reference)
        if not permissions.can_see_individual_scores(request.user, tender):
            raise PermissionDeniedError(
                "Individual scores are blind until moderation starts, and only the panel and commissioners see them."
            )
        stages = selectors.tender_evaluation(tender=tender)
        # A panel member never sees the bids of a provider they are conflicted with.
        hidden = selectors.hidden_provider_ids(user=request.user, tender=tender)
        rows = [
            row for row in selectors.moderation_board(tender=tender, user=request.user)
            if row.bid.provider_id not in hidden
        ]
        return Response(
            {
                "tender": tender.reference,
                "quality_locked": stages.quality_locked,
                "bids": [
                    {
                        "bid": row.bid.reference,
                        "provider": row.bid.provider.name,
                        "questions": [
                            {
                                "question": c.question.number,
                                "individual": s.IndividualScoreSerializer(c.individual, many=True).data,
                                "spread": c.spread,
                                "divergent": c.divergent,
                                "consensus": s.ConsensusSerializer(c.consensus).data if c.consensus else None,
                            }
                            for c in row.cells
                        ],
                    }
                    for row in rows
                ],
            }
        )


class ConsensusView(APIView):
    """Record a consensus score; after quality is locked the change is a proposal (202) for a second person."""

    @extend_schema(
        request=s.ConsensusInputSerializer,
        responses={200: s.ConsensusSerializer, 202: s.ConsensusChangeProposalSerializer},
    )
    def post(self, request: AuthenticatedRequest, bid_reference: str) -> Response:
        bid = _bid(bid_reference)
        data = _valid(s.ConsensusInputSerializer, request)
        if selectors.tender_evaluation(tender=bid.tender).quality_locked:
            proposal = services.consensus_change_propose(
                bid=bid, question=data["question"], user=request.user, score=data["score"],
                rationale=data["rationale"], change_reason=data["change_reason"],
                feedback_to_bidder=data["feedback_to_bidder"],
            )
            return Response(s.ConsensusChangeProposalSerializer(proposal).data, status=status.HTTP_202_ACCEPTED)
        row = services.consensus_record(
            bid=bid, question=data["question"], user=request.user, score=data["score"],
            rationale=data["rationale"], change_reason=data["change_reason"],
            feedback_to_bidder=data["feedback_to_bidder"],
        )
        return Response(s.ConsensusSerializer(row).data)


class ConsensusChangesView(PaginatedListMixin, APIView):
    """Changes proposed to locked consensus scores, pending and decided (four eyes)."""

    @extend_schema(responses=s.ConsensusChangeProposalSerializer(many=True))
    def get(self, request: AuthenticatedRequest, reference: str) -> Response:
        tender = _tender(reference)
        if not permissions.can_see_scores(request.user, tender):
            raise PermissionDeniedError("Only commissioners, legal and this tender's panel see its scores.")
        rows = selectors.consensus_change_proposals(tender=tender, user=request.user)
        return self.paginated(rows, s.ConsensusChangeProposalSerializer)


class ConsensusChangeDecisionView(APIView):
    """A second person (the moderator or a commissioner, never the proposer) approves or rejects a change."""

    @extend_schema(request=s.ConsensusChangeDecisionSerializer, responses=s.ConsensusChangeProposalSerializer)
    def post(self, request: AuthenticatedRequest, reference: str, proposal_id: int) -> Response:
        tender = _tender(reference)
        proposal = get_object_or_404(ConsensusChangeProposal, pk=proposal_id, consensus__bid__tender=tender)
        data = _valid(s.ConsensusChangeDecisionSerializer, request)
        decided = services.consensus_change_decide(
            proposal=proposal, user=request.user, approve=data["approve"], note=data["note"]
        )
        return Response(s.ConsensusChangeProposalSerializer(decided).data)


class QualityLockView(APIView):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: AuthenticatedRequest, reference: str) -> Response:
        stages = services.quality_lock(tender=_tender(reference), user=request.user)
        return Response({"quality_locked_at": stages.quality_locked_at})


class PriceEnvelopeView(APIView):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: AuthenticatedRequest, reference: str) -> Response:
        ensure_recent_authentication(request)  # cannot be undone: a recent sign-in for session callers
        tender = services.price_envelope_open(tender=_tender(reference), user=request.user)
        pending = selectors.clarifications(tender=tender)
        return Response(
            {
                "status": tender.status,
                "price_envelope_opened_at": tender.price_envelope_opened_at,
                "clarifications": s.ClarificationSerializer(pending, many=True).data,
            }
        )


class ClarificationsView(PaginatedListMixin, APIView):
    """Abnormally low prices, the bidder's explanation and the decision (commissioner)."""

    @extend_schema(responses=s.ClarificationSerializer(many=True))
    def get(self, request: AuthenticatedRequest, reference: str) -> Response:
        tender = _tender(reference)
        if not permissions.can_see_prices(request.user, tender):
            raise PermissionDeniedError("Prices and their checks stay sealed until the price envelope is opened.")
        hidden = selectors.hidden_provider_ids(user=request.user, tender=tender)
        rows = selectors.clarifications(tender=tender).exclude(bid__provider_id__in=hidden)
        return self.paginated(rows, s.ClarificationSerializer)

    @extend_schema(request=s.ClarificationInputSerializer, responses=s.ClarificationSerializer)
    def post(self, request: AuthenticatedRequest, reference: str) -> Response:
        tender = _tender(reference)
        data = _valid(s.ClarificationInputSerializer, request)
        bid = Bid.objects.filter(tender=tender, reference=data["bid"]).first()
        if bid is None:
            raise RuleViolation(f"{tender.reference} has no bid {data['bid']!r}.", field="bid")
        lot = Lot.objects.filter(tender=tender, number=data["lot"]).first()
        if lot is None:
            raise RuleViolation(f"{tender.reference} has no lot {data['lot']}.", field="lot")
        row = services.clarification_record(
            bid=bid, lot=lot, user=request.user, explanation=data["explanation"], decision=data["decision"],
            reason=data["reason"],
        )
        return Response(s.ClarificationSerializer(row).data)


class CqcChecksView(PaginatedListMixin, APIView):
    """CQC checks of the bids: the latest per bid, or run them again (commissioner)."""

    @extend_schema(responses=s.AssessmentSerializer(many=True))
    def get(self, request: AuthenticatedRequest, reference: str) -> Response:
        tender = _tender(reference)
        _require_evaluation_reader(request.user, tender)
        hidden = selectors.hidden_provider_ids(user=request.user, tender=tender)  # conflicted: no locations either
        latest = selectors.latest_assessments(
            bids=selectors.submitted_bids(tender=tender).exclude(provider_id__in=hidden)
        )
        return self.paginated(list(latest.values()), s.AssessmentSerializer)

    @extend_schema(request=s.AssessInputSerializer, responses=s.AssessmentSerializer(many=True))
    def post(self, request: AuthenticatedRequest, reference: str) -> Response:
        tender = _tender(reference)
        data = _valid(s.AssessInputSerializer, request)
        rows = services.bids_assess_cqc(tender=tender, user=request.user, stage=data["stage"])
        return Response(s.AssessmentSerializer(rows, many=True).data)


class RunsView(PaginatedListMixin, APIView):
    """Evaluation runs: list them, or run (again) on the current inputs (commissioner)."""

    @extend_schema(responses=s.RunSummarySerializer(many=True))
    def get(self, request: AuthenticatedRequest, reference: str) -> Response:
        tender = _tender(reference)
        _require_results_reader(request.user, tender)
        return self.paginated(selectors.runs(tender=tender), s.RunSummarySerializer)

    @extend_schema(request=None, responses={201: s.RunSerializer})
    def post(self, request: AuthenticatedRequest, reference: str) -> Response:
        run = services.evaluation_run(tender=_tender(reference), user=request.user)
        return Response(s.RunSerializer(run).data, status=status.HTTP_201_CREATED)


class ResultView(APIView):
    """The current run's complete result: per lot bids, scores, ranks, sensitivity; awards."""

    @extend_schema(responses=s.RunSerializer)
    def get(self, request: AuthenticatedRequest, reference: str) -> Response:
        tender = _tender(reference)
        _require_results_reader(request.user, tender)
        run = selectors.current_run(tender=tender)
        if run is None:
            raise RuleViolation("The evaluation has not been run yet.")
        body = s.RunSerializer(run).data
        # A conflicted panel member sees the result without the bidders it declared a conflict with.
        body["results"] = selectors.without_bidders(
            body["results"], tender=tender, provider_ids=selectors.hidden_provider_ids(user=request.user, tender=tender)
        )
        body["stale"] = selectors.run_is_stale(run=run)
        return Response(body)


class AwardView(APIView):
    @extend_schema(request=s.AwardInputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: AuthenticatedRequest, reference: str) -> Response:
        ensure_recent_authentication(request)  # cannot be undone: a recent sign-in for session callers
        data = _valid(s.AwardInputSerializer, request)
        tender = services.evaluation_award(tender=_tender(reference), user=request.user, note=data["note"])
        return Response({"tender": tender.reference, "status": tender.status, "awarded_at": tender.awarded_at})
