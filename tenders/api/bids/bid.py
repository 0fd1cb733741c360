"""Bids: start, draft, documents, submit, reconfirm, revise, discard, withdraw, receipts.

Providers only ever see their own organisation's bids (another's answers 404, as if it
did not exist). Anyone else gets 403 on a sealed bid, and after opening only what
`accounts.permissions` allows: quality content via `can_read_bid`, prices only via
`can_see_prices` (the second envelope).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts import permissions
from accounts.permissions import can_read_bid, can_read_document, can_read_version, can_see_bid_prices, is_own_bid
from common.http import AuthenticatedRequest
from tenders import bidding_selectors as sel
from tenders import services
from tenders.access import sealed_message, version_content_for
from tenders.api.bids.serializers import (
    SEALED_RESPONSES,
    WRITE_RESPONSES,
    BidDetailSerializer,
    BidSerializer,
    BidStartSerializer,
    DocumentOutSerializer,
    DocumentUploadSerializer,
    DraftUpdateSerializer,
    ProblemSerializer,
    ReceiptSerializer,
    SubmitSerializer,
    VersionSerializer,
    VersionSummarySerializer,
    WithdrawSerializer,
)
from tenders.models import (
    Bid,
    BidDocument,
    BidVersion,
    BidVersionStatus,
    DocumentEnvelope,
    Lot,
    QualityQuestion,
)
from tenders.receipts import canonical_json
from tenders.selectors import tender_list

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def _draft_changes(bid: Bid, data: dict[str, Any]) -> dict[str, Any]:
    """Translate lot and question numbers into ids, with field errors for unknown ones."""
    tender = bid.tender
    errors: dict[str, list[str]] = {}
    kwargs: dict[str, Any] = {}
    if "lots" in data:
        lots = {lot.number: lot for lot in Lot.objects.filter(tender=tender)}
        prices: dict[int, tuple[Any, Any]] = {}
        for row in data["lots"]:
            lot = lots.get(row["lot"])
            if lot is None:
                errors.setdefault("lots", []).append(f"Lot {row['lot']} is not part of {tender.reference}.")
            elif lot.pk in prices:
                errors.setdefault("lots", []).append(f"Lot {row['lot']} is given more than once.")
            else:
                prices[lot.pk] = (row["hourly_price"], row.get("package_price"))
        kwargs["prices"] = prices
    if "answers" in data:
        questions = {q.number: q for q in QualityQuestion.objects.filter(tender=tender)}
        answers: dict[int, str] = {}
        for row in data["answers"]:
            question = questions.get(row["question"])
            if question is None:
                errors.setdefault("answers", []).append(f"Question {row['question']} is not part of {tender.reference}.")
            else:
                answers[question.pk] = row["text"]
        kwargs["answers"] = answers
    if "cqc_location_ids" in data:
        kwargs["cqc_location_ids"] = data["cqc_location_ids"]
    if "declarations" in data:
        kwargs["declarations"] = data["declarations"]
    if errors:
        raise ValidationError(errors)
    return kwargs


def _detail(bid: Bid, user: User | AnonymousUser) -> dict[str, Any]:
    """The bid as this reader may see it: quality content via can_read_bid, prices via can_see_prices."""
    state = sel.bid_state(bid=bid)
    own = is_own_bid(user, bid)
    live = state.live if (own or can_read_bid(user, bid)) else None
    context = {"prices": can_see_bid_prices(user, bid)}
    return {
        **BidSerializer(bid).data,
        "draft": VersionSerializer(state.draft, context=context).data if own and state.draft else None,
        "live": VersionSerializer(live, context=context).data if live else None,
        "versions": VersionSummarySerializer(
            [v for v in state.versions if own or v.status != BidVersionStatus.DRAFT], many=True
        ).data,
    }


def _receipt(version: BidVersion, *, user: User | AnonymousUser, replayed: bool = False) -> dict[str, Any]:
    """A submission receipt; a reader who may not see prices gets the content without them and no canonical JSON."""
    receipt = {
        "bid": version.bid.reference,
        "tender": version.bid.tender.reference,
        "version": version.number,
        "status": version.status,
        "submitted_at": version.submitted_at,
        "digest": version.digest,
        "content": version_content_for(user, version),
        "replayed": replayed,
    }
    if can_see_bid_prices(user, version.bid):
        content = version.content
        assert content is not None  # a submitted version: its content was frozen when it was received
        receipt["canonical_json"] = canonical_json(content)
    return receipt


# The bidder's own drafts: its users always see their own prices.
OWN = {"prices": True}


class BidViewSet(viewsets.GenericViewSet[Bid]):
    """Sealed bids. Providers: their own organisation's bids. Commissioning side: only opened tenders' bids."""

    request: AuthenticatedRequest  # IsAuthenticated, the default permission, lets only signed-in users in
    lookup_field = "reference"
    lookup_value_regex = r"[A-Za-z0-9_-]+"
    serializer_class = BidSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self) -> QuerySet[Bid]:
        user = self.request.user
        qs = Bid.objects.select_related("tender", "provider")
        if permissions.is_provider_user(user) and user.provider_id is not None:  # (is_provider_user checks it too)
            return qs.filter(provider_id=user.provider_id)
        if permissions.is_procurement_staff(user):
            return qs.filter(tender__opened_at__isnull=False)
        return qs.none()

    def get_object(self) -> Bid:
        """Own bid, or a bid the commissioning side may read; sealed ones answer 403, a rival's 404."""
        user = self.request.user
        reference = self.kwargs.get("reference", "")
        bid = Bid.objects.select_related("tender", "provider").filter(reference=reference).first()
        if bid is None:
            raise Http404("No such bid.")
        if is_own_bid(user, bid):
            return bid
        if not permissions.is_commissioning_side(user):
            raise Http404("No such bid.")  # a rival provider (or anyone outside the council) learns nothing
        if not can_read_bid(user, bid):
            raise PermissionDenied(sealed_message(bid.tender))
        return bid

    def _own(self) -> Bid:
        bid = self.get_object()
        if not is_own_bid(self.request.user, bid):
            raise PermissionDenied("Only the bidding provider's users can change a bid.")
        return bid

    @extend_schema(responses=BidSerializer(many=True))
    def list(self, request: AuthenticatedRequest) -> Response:
        bids = [b for b in self.get_queryset().order_by("tender__reference") if is_own_bid(request.user, b)
                or can_read_bid(request.user, b)]
        return self.get_paginated_response(BidSerializer(self.paginate_queryset(bids), many=True).data)

    @extend_schema(request=BidStartSerializer, responses={201: BidDetailSerializer, **WRITE_RESPONSES})
    def create(self, request: AuthenticatedRequest) -> Response:
        """Start a bid on a published tender (or return the existing one): one bid per provider per tender."""
        data = BidStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tender = tender_list(user=request.user).filter(reference=data.validated_data["tender"]).first()
        if tender is None:
            raise ValidationError({"tender": ["No published tender has this reference."]})
        bid = services.bid_start(tender=tender, user=request.user)
        return Response(_detail(bid, request.user), status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: BidDetailSerializer, **SEALED_RESPONSES})
    def retrieve(self, request: AuthenticatedRequest, reference: str | None = None) -> Response:
        return Response(_detail(self.get_object(), request.user))

    @extend_schema(request=DraftUpdateSerializer, responses={200: VersionSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["patch"])
    def draft(self, request: AuthenticatedRequest, reference: str | None = None) -> Response:
        """Save parts of the draft. Word limits are enforced; prices must be positive with at most 2 decimals."""
        bid = self._own()
        data = DraftUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.bid_update_draft(bid=bid, user=request.user, **_draft_changes(bid, data.validated_data))
        return Response(VersionSerializer(sel.version_with_content(version_id=version.pk), context=OWN).data)

    @extend_schema(responses={200: ProblemSerializer(many=True), **SEALED_RESPONSES})
    @action(detail=True, methods=["get"], pagination_class=None)  # a checklist read whole, not a collection
    def problems(self, request: AuthenticatedRequest, reference: str | None = None) -> Response:
        """What still stops the draft being submitted (an empty list when it is complete)."""
        bid = self._own()
        draft = sel.bid_state(bid=bid).draft
        found = services.bid_submission_problems(version=draft) if draft else []
        return Response([{"field": p.field, "message": p.message} for p in found])

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentOutSerializer, **WRITE_RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path="documents", parser_classes=[MultiPartParser, FormParser])
    def upload(self, request: AuthenticatedRequest, reference: str | None = None) -> Response:
        """Attach a document to the draft (PDF, DOCX or XLSX, judged by content, not name)."""
        bid = self._own()
        data = DocumentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.bid_add_document(bid=bid, user=request.user, upload=data.validated_data["file"])
        return Response(DocumentOutSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["get"], responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **SEALED_RESPONSES},
        description="Download a document of the bid (own bid, or opened and readable).",
    )
    @extend_schema(methods=["delete"], responses={204: None, **WRITE_RESPONSES}, description="Remove it from the draft.")
    @action(detail=True, methods=["get", "delete"], url_path=r"documents/(?P<document_id>[0-9]{1,18})")
    def document(self, request: AuthenticatedRequest, reference: str | None = None, document_id: str = "") -> Any:
        bid = self.get_object()
        if request.method == "DELETE":
            bid = self._own()
            services.bid_remove_document(bid=bid, user=request.user, document_id=int(document_id))
            return Response(status=status.HTTP_204_NO_CONTENT)
        document = BidDocument.objects.select_related("version__bid__tender").filter(
            pk=int(document_id), version__bid=bid
        ).first()
        if document is None:
            raise Http404("No such document.")
        if not can_read_document(request.user, document.version,
                                 is_price_document=document.envelope == DocumentEnvelope.PRICE):
            raise PermissionDenied(sealed_message(bid.tender) if bid.tender.is_sealed
                                   else "Price documents stay sealed until the price envelope is opened.")
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name,
                            content_type=document.content_type)

    @extend_schema(
        request=SubmitSerializer,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
                                     description="Same key, same receipt: retries never create a second version.")],
        responses={201: ReceiptSerializer, 200: OpenApiResponse(ReceiptSerializer, description="Replayed receipt."),
                   **WRITE_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: AuthenticatedRequest, reference: str | None = None) -> Response:
        """Submit the draft: completeness checked, content frozen, receipt with SHA-256 digest returned.

        After the deadline (server clock) the attempt is recorded and refused with 409.
        """
        bid = self._own()
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key") or data.validated_data.get("idempotency_key", "")
        result = services.bid_submit(bid=bid, user=request.user, idempotency_key=key, channel="api")
        return Response(_receipt(result.version, user=request.user, replayed=result.replayed),
                        status=status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED)

    @extend_schema(
        request=SubmitSerializer,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
        responses={201: ReceiptSerializer, 200: OpenApiResponse(ReceiptSerializer, description="Replayed receipt."),
                   **WRITE_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def reconfirm(self, request: AuthenticatedRequest, reference: str | None = None) -> Response:
        """After an amendment: re-submit the live bid unchanged as a new version acknowledging the addenda."""
        bid = self._own()
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key") or data.validated_data.get("idempotency_key", "")
        result = services.bid_reconfirm(bid=bid, user=request.user, idempotency_key=key, channel="api")
        return Response(_receipt(result.version, user=request.user, replayed=result.replayed),
                        status=status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: VersionSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def revise(self, request: AuthenticatedRequest, reference: str | None = None) -> Response:
        """Open a new draft copied from the latest version; the submitted one stays live until replaced."""
        draft = services.bid_revise(bid=self._own(), user=request.user)
        return Response(VersionSerializer(sel.version_with_content(version_id=draft.pk), context=OWN).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def discard(self, request: AuthenticatedRequest, reference: str | None = None) -> Response:
        """Throw away the unsubmitted draft (the submitted version is untouched)."""
        services.bid_discard_draft(bid=self._own(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=WithdrawSerializer, responses={200: BidSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: AuthenticatedRequest, reference: str | None = None) -> Response:
        """Withdraw the live submission before the deadline; it is kept for the record."""
        bid = self._own()
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bid = services.bid_withdraw(bid=bid, user=request.user, reason=data.validated_data["reason"])
        return Response(BidSerializer(bid).data)

    @extend_schema(responses={200: ReceiptSerializer, **SEALED_RESPONSES})
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>[0-9]{1,9})/receipt")
    def receipt(self, request: AuthenticatedRequest, reference: str | None = None, number: str = "") -> Response:
        """A submitted version's receipt: recompute SHA-256 over canonical_json to check the digest."""
        bid = self.get_object()
        version = BidVersion.objects.filter(bid=bid, number=int(number)).exclude(status=BidVersionStatus.DRAFT).first()
        if version is None or not version.content:
            raise Http404("No such submission.")
        if not can_read_version(request.user, version):
            raise PermissionDenied(sealed_message(bid.tender))
        version.bid = bid
        return Response(_receipt(version, user=request.user))
