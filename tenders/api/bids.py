"""Bidding API: the same operations as the provider portal, for token or session clients.

Providers only ever see their own organisation's bids (another's answers 404, as if it
did not exist). The commissioning side gets 403 on a sealed bid's content, and the
content only once the tender is opened and tenders.access.can_read_bid allows it.
Every rule is in tenders.services; these views validate input and serialise results.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from common.errors import PermissionDeniedError
from tenders import bidding_selectors as sel
from tenders import services
from tenders.access import can_read_bid, can_read_version, is_own_bid, sealed_message
from tenders.bidding_rules import DECLARATIONS, word_count
from tenders.models import (
    Amendment,
    Bid,
    BidAnswer,
    BidDocument,
    BidLotPrice,
    BidStatus,
    BidVersion,
    BidVersionStatus,
    Clarification,
    Lot,
    Notification,
    QualityQuestion,
    Tender,
)
from tenders.receipts import canonical_json
from tenders.selectors import tender_list

# --- serializers: output ------------------------------------------------------


# Plain strings with the values listed: named enums for these would collide with other `status` sets.
@extend_schema_field({"type": "string", "description": "One of: " + ", ".join(BidStatus.values)
                      + " (submitted: a live submission stands)."})
class BidStatusField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "description": "One of: " + ", ".join(BidVersionStatus.values)
                      + " (submitted: the live version)."})
class VersionStatusField(serializers.CharField):
    pass


class LotPriceOutSerializer(serializers.ModelSerializer):
    lot = serializers.IntegerField(source="lot.number", read_only=True)
    zone = serializers.CharField(source="lot.zone.name", read_only=True)
    price_per_contact_hour = serializers.SerializerMethodField()

    class Meta:
        model = BidLotPrice
        fields = ["lot", "zone", "hourly_price", "package_price", "price_per_contact_hour"]

    @extend_schema_field(serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True))
    def get_price_per_contact_hour(self, obj: BidLotPrice) -> str | None:
        value = sel.contact_hour_price(tender=obj.lot.tender, price=obj.hourly_price)
        return None if value is None else str(value.quantize(Decimal("0.01")))


class AnswerOutSerializer(serializers.ModelSerializer):
    question = serializers.IntegerField(source="question.number", read_only=True)
    words = serializers.SerializerMethodField()
    word_limit = serializers.IntegerField(source="question.word_limit", read_only=True)

    class Meta:
        model = BidAnswer
        fields = ["question", "text", "words", "word_limit"]

    def get_words(self, obj: BidAnswer) -> int:
        return word_count(obj.text)


class DocumentOutSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)

    class Meta:
        model = BidDocument
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_at"]


class VersionSerializer(serializers.ModelSerializer):
    status = VersionStatusField(read_only=True)
    lots = LotPriceOutSerializer(source="lot_prices", many=True, read_only=True)
    answers = AnswerOutSerializer(many=True, read_only=True)
    documents = DocumentOutSerializer(many=True, read_only=True)
    declarations = serializers.SerializerMethodField()

    class Meta:
        model = BidVersion
        fields = ["number", "status", "submitted_at", "digest", "lots", "answers", "cqc_location_ids",
                  "declarations", "documents"]

    def get_declarations(self, obj: BidVersion) -> list[str]:
        return [key for key in DECLARATIONS if (obj.declarations or {}).get(key)]


class VersionSummarySerializer(serializers.ModelSerializer):
    status = VersionStatusField(read_only=True)

    class Meta:
        model = BidVersion
        fields = ["number", "status", "submitted_at", "digest"]


class BidSerializer(serializers.ModelSerializer):
    tender = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    provider = serializers.CharField(source="provider.name", read_only=True)
    status = BidStatusField(read_only=True)
    submission_deadline = serializers.DateTimeField(source="tender.submission_deadline", read_only=True)

    class Meta:
        model = Bid
        fields = ["reference", "tender", "provider", "status", "needs_reconfirmation", "submitted_at",
                  "withdrawn_at", "submission_deadline"]


class BidDetailSerializer(BidSerializer):
    draft = VersionSerializer(read_only=True, allow_null=True)
    live = VersionSerializer(read_only=True, allow_null=True)
    versions = VersionSummarySerializer(many=True, read_only=True)

    class Meta(BidSerializer.Meta):
        fields = BidSerializer.Meta.fields + ["draft", "live", "versions"]


class ReceiptSerializer(serializers.Serializer):
    bid = serializers.CharField()
    tender = serializers.CharField()
    version = serializers.IntegerField()
    status = VersionStatusField()
    submitted_at = serializers.DateTimeField()
    digest = serializers.CharField(help_text="SHA-256 of canonical_json (UTF-8).")
    content = serializers.JSONField(help_text="The frozen content, including the server's submitted_at (UTC).")
    canonical_json = serializers.CharField(help_text="Keys sorted, separators ',' and ':', UTF-8: hash this.")
    replayed = serializers.BooleanField(help_text="True when an earlier submission with the same key was returned.")


class ProblemSerializer(serializers.Serializer):
    field = serializers.CharField()
    message = serializers.CharField()


class BiddingErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)
    field = serializers.CharField(required=False)


# --- serializers: input -------------------------------------------------------


class BidStartSerializer(serializers.Serializer):
    tender = serializers.SlugField(max_length=40, help_text="The tender's reference.")


class LotPriceInSerializer(serializers.Serializer):
    lot = serializers.IntegerField(min_value=1, max_value=32767, help_text="Lot number within the tender.")
    hourly_price = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=Decimal("0.01"))
    package_price = serializers.DecimalField(
        max_digits=9, decimal_places=2, min_value=Decimal("0.01"), required=False, allow_null=True
    )


class AnswerInSerializer(serializers.Serializer):
    question = serializers.IntegerField(min_value=1, max_value=32767, help_text="Question number within the tender.")
    text = serializers.CharField(allow_blank=True, max_length=100_000)


class DraftUpdateSerializer(serializers.Serializer):
    """Any part left out is unchanged; `lots` replaces the chosen lots; an empty answer text removes it."""

    lots = LotPriceInSerializer(many=True, required=False, max_length=500)
    answers = AnswerInSerializer(many=True, required=False, max_length=500)
    cqc_location_ids = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, max_length=50
    )
    declarations = serializers.ListField(
        child=serializers.ChoiceField(choices=list(DECLARATIONS)), required=False, max_length=len(DECLARATIONS) * 2,
        help_text="The keys of the declarations the provider makes: " + ", ".join(DECLARATIONS) + ".",
    )


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, DOCX or XLSX, checked by content; size limit BID_DOCUMENT_MAX_BYTES.")


class SubmitSerializer(serializers.Serializer):
    idempotency_key = serializers.CharField(
        max_length=64, required=False, allow_blank=True,
        help_text=(
            "Send the same key on a retry to get the same receipt back (or use the Idempotency-Key header);"
            " use a new key for each new submission, e.g. a fresh UUID."
        ),
    )


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


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


def _detail(bid: Bid, user: Any) -> dict[str, Any]:
    state = sel.bid_state(bid=bid)
    own = is_own_bid(user, bid)
    live = state.live if (own or can_read_bid(user, bid)) else None
    return {
        **BidSerializer(bid).data,
        "draft": VersionSerializer(state.draft).data if own and state.draft else None,
        "live": VersionSerializer(live).data if live else None,
        "versions": VersionSummarySerializer(
            [v for v in state.versions if own or v.status != BidVersionStatus.DRAFT], many=True
        ).data,
    }


def _receipt(version: BidVersion, *, replayed: bool = False) -> dict[str, Any]:
    return {
        "bid": version.bid.reference,
        "tender": version.bid.tender.reference,
        "version": version.number,
        "status": version.status,
        "submitted_at": version.submitted_at,
        "digest": version.digest,
        "content": version.content,
        "canonical_json": canonical_json(version.content),
        "replayed": replayed,
    }


# --- views --------------------------------------------------------------------

SEALED_RESPONSES = {
    403: OpenApiResponse(BiddingErrorSerializer, description="Sealed: the tender has not been opened, or you may not read it."),
    404: OpenApiResponse(BiddingErrorSerializer, description="No such bid (a rival's bid looks exactly like this)."),
}
WRITE_RESPONSES = {
    400: OpenApiResponse(BiddingErrorSerializer, description="Bad input or a broken rule; `field` names the part."),
    403: OpenApiResponse(BiddingErrorSerializer, description="Not your organisation's bid, or registration not approved."),
    404: OpenApiResponse(BiddingErrorSerializer, description="No such bid."),
    409: OpenApiResponse(BiddingErrorSerializer, description="The deadline has passed (server clock) or the tender is not open."),
}


class BidViewSet(viewsets.GenericViewSet):
    """Sealed bids. Providers: their own organisation's bids. Commissioning side: only opened tenders' bids."""

    lookup_field = "reference"
    lookup_value_regex = r"[A-Za-z0-9_-]+"
    serializer_class = BidSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self) -> QuerySet[Bid]:
        user = self.request.user
        qs = Bid.objects.select_related("tender", "provider")
        if getattr(user, "role", None) == Role.PROVIDER:
            return qs.filter(provider_id=user.provider_id)
        if getattr(user, "is_commissioning_side", False):
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
        if getattr(user, "role", None) == Role.PROVIDER or not getattr(user, "is_commissioning_side", False):
            raise Http404("No such bid.")
        if not can_read_bid(user, bid):
            raise PermissionDenied(sealed_message(bid.tender))
        return bid

    def _own(self) -> Bid:
        bid = self.get_object()
        if not is_own_bid(self.request.user, bid):
            raise PermissionDenied("Only the bidding provider's users can change a bid.")
        return bid

    @extend_schema(responses=BidSerializer(many=True))
    def list(self, request: Request) -> Response:
        bids = [b for b in self.get_queryset().order_by("tender__reference") if is_own_bid(request.user, b)
                or can_read_bid(request.user, b)]
        return Response(BidSerializer(bids, many=True).data)

    @extend_schema(request=BidStartSerializer, responses={201: BidDetailSerializer, **WRITE_RESPONSES})
    def create(self, request: Request) -> Response:
        """Start a bid on a published tender (or return the existing one): one bid per provider per tender."""
        data = BidStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tender = tender_list(user=request.user).filter(reference=data.validated_data["tender"]).first()
        if tender is None:
            raise ValidationError({"tender": ["No published tender has this reference."]})
        bid = services.bid_start(tender=tender, user=request.user)
        return Response(_detail(bid, request.user), status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: BidDetailSerializer, **SEALED_RESPONSES})
    def retrieve(self, request: Request, reference: str | None = None) -> Response:
        return Response(_detail(self.get_object(), request.user))

    @extend_schema(request=DraftUpdateSerializer, responses={200: VersionSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["patch"])
    def draft(self, request: Request, reference: str | None = None) -> Response:
        """Save parts of the draft. Word limits are enforced; prices must be positive with at most 2 decimals."""
        bid = self._own()
        data = DraftUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.bid_update_draft(bid=bid, user=request.user, **_draft_changes(bid, data.validated_data))
        return Response(VersionSerializer(sel.version_with_content(version_id=version.pk)).data)

    @extend_schema(responses={200: ProblemSerializer(many=True), **SEALED_RESPONSES})
    @action(detail=True, methods=["get"])
    def problems(self, request: Request, reference: str | None = None) -> Response:
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
    def upload(self, request: Request, reference: str | None = None) -> Response:
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
    def document(self, request: Request, reference: str | None = None, document_id: str = "") -> Any:
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
        if not can_read_version(request.user, document.version):
            raise PermissionDenied(sealed_message(bid.tender))
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
    def submit(self, request: Request, reference: str | None = None) -> Response:
        """Submit the draft: completeness checked, content frozen, receipt with SHA-256 digest returned.

        After the deadline (server clock) the attempt is recorded and refused with 409.
        """
        bid = self._own()
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key") or data.validated_data.get("idempotency_key", "")
        result = services.bid_submit(bid=bid, user=request.user, idempotency_key=key, channel="api")
        return Response(_receipt(result.version, replayed=result.replayed),
                        status=status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED)

    @extend_schema(
        request=SubmitSerializer,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
        responses={201: ReceiptSerializer, 200: OpenApiResponse(ReceiptSerializer, description="Replayed receipt."),
                   **WRITE_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def reconfirm(self, request: Request, reference: str | None = None) -> Response:
        """After an amendment: re-submit the live bid unchanged as a new version acknowledging the addenda."""
        bid = self._own()
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key") or data.validated_data.get("idempotency_key", "")
        result = services.bid_reconfirm(bid=bid, user=request.user, idempotency_key=key, channel="api")
        return Response(_receipt(result.version, replayed=result.replayed),
                        status=status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: VersionSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, reference: str | None = None) -> Response:
        """Open a new draft copied from the latest version; the submitted one stays live until replaced."""
        draft = services.bid_revise(bid=self._own(), user=request.user)
        return Response(VersionSerializer(sel.version_with_content(version_id=draft.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def discard(self, request: Request, reference: str | None = None) -> Response:
        """Throw away the unsubmitted draft (the submitted version is untouched)."""
        services.bid_discard_draft(bid=self._own(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=WithdrawSerializer, responses={200: BidSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, reference: str | None = None) -> Response:
        """Withdraw the live submission before the deadline; it is kept for the record."""
        bid = self._own()
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bid = services.bid_withdraw(bid=bid, user=request.user, reason=data.validated_data["reason"])
        return Response(BidSerializer(bid).data)

    @extend_schema(responses={200: ReceiptSerializer, **SEALED_RESPONSES})
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>[0-9]{1,9})/receipt")
    def receipt(self, request: Request, reference: str | None = None, number: str = "") -> Response:
        """A submitted version's receipt: recompute SHA-256 over canonical_json to check the digest."""
        bid = self.get_object()
        version = BidVersion.objects.filter(bid=bid, number=int(number)).exclude(status=BidVersionStatus.DRAFT).first()
        if version is None or not version.content:
            raise Http404("No such submission.")
        if not can_read_version(request.user, version):
            raise PermissionDenied(sealed_message(bid.tender))
        version.bid = bid
        return Response(_receipt(version))


# --- clarifications, amendments, notifications ------------------------------------


class PublishedClarificationSerializer(serializers.ModelSerializer):
    """As every bidder sees it: never who asked."""

    question = serializers.SerializerMethodField()

    class Meta:
        model = Clarification
        fields = ["number", "status", "question", "answer", "answered_at"]

    def get_question(self, obj: Clarification) -> str:
        return obj.published_question or obj.question


class ClarificationCommissionerSerializer(serializers.ModelSerializer):
    asked_by_provider = serializers.CharField(source="asked_by_provider.name", read_only=True)

    class Meta:
        model = Clarification
        fields = ["number", "status", "question", "published_question", "answer", "asked_at", "answered_at",
                  "asked_by_provider"]


class AskSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=3000)


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=10000)
    published_question = serializers.CharField(max_length=3000, required=False, allow_blank=True, default="")


def _visible_tender(request: Request, reference: str) -> Tender:
    tender = tender_list(user=request.user).filter(reference=reference).first()
    if tender is None:
        raise Http404("No such tender.")
    return tender


class ClarificationListView(APIView):
    """Published questions and answers for a tender; providers also see their own pending questions."""

    @extend_schema(responses={200: PublishedClarificationSerializer(many=True), 404: BiddingErrorSerializer})
    def get(self, request: Request, reference: str) -> Response:
        tender = _visible_tender(request, reference)
        if getattr(request.user, "role", None) == Role.COMMISSIONER:
            return Response(ClarificationCommissionerSerializer(sel.all_clarifications(tender=tender), many=True).data)
        rows = list(sel.published_clarifications(tender=tender))
        if getattr(request.user, "provider_id", None):
            rows += list(sel.own_pending_clarifications(tender=tender, provider_id=request.user.provider_id))
        return Response(PublishedClarificationSerializer(rows, many=True).data)

    @extend_schema(request=AskSerializer, responses={201: PublishedClarificationSerializer, **WRITE_RESPONSES})
    def post(self, request: Request, reference: str) -> Response:
        """Ask a question (providers, before the clarification deadline)."""
        tender = _visible_tender(request, reference)
        data = AskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        clarification = services.clarification_ask(tender=tender, user=request.user, question=data.validated_data["question"])
        return Response(PublishedClarificationSerializer(clarification).data, status=status.HTTP_201_CREATED)


class ClarificationAnswerView(APIView):
    @extend_schema(request=AnswerSerializer, responses={200: PublishedClarificationSerializer, **WRITE_RESPONSES})
    def post(self, request: Request, reference: str, number: int) -> Response:
        """A commissioner answers; the (optionally reworded) question and answer go to every bidder."""
        if getattr(request.user, "role", None) != Role.COMMISSIONER:
            raise PermissionDeniedError("Only a commissioner can answer clarification questions.")
        clarification = Clarification.objects.filter(tender__reference=reference, number=number).first()
        if clarification is None:
            raise Http404("No such clarification.")
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        clarification = services.clarification_answer(
            clarification=clarification, user=request.user, answer=data.validated_data["answer"],
            published_question=data.validated_data["published_question"],
        )
        return Response(PublishedClarificationSerializer(clarification).data)


class AmendmentSerializer(serializers.ModelSerializer):
    documents = serializers.SerializerMethodField()

    class Meta:
        model = Amendment
        fields = ["number", "summary", "changes", "created_at", "documents"]

    def get_documents(self, obj: Amendment) -> list[str]:
        return [d.title for d in obj.documents.all()]


class LotChangeSerializer(serializers.Serializer):
    lot = serializers.IntegerField(min_value=1, max_value=32767)
    hours_per_week = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=Decimal("0.01"), required=False)
    ceiling_price = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=Decimal("0.01"), required=False, allow_null=True
    )


class AmendmentCreateSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=5000)
    submission_deadline = serializers.DateTimeField(required=False)
    clarification_deadline = serializers.DateTimeField(required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=50000)
    lots = LotChangeSerializer(many=True, required=False, max_length=500)


class AmendmentListView(APIView):
    @extend_schema(responses={200: AmendmentSerializer(many=True), 404: BiddingErrorSerializer})
    def get(self, request: Request, reference: str) -> Response:
        tender = _visible_tender(request, reference)
        return Response(AmendmentSerializer(sel.amendments(tender=tender), many=True).data)

    @extend_schema(request=AmendmentCreateSerializer, responses={201: AmendmentSerializer, **WRITE_RESPONSES})
    def post(self, request: Request, reference: str) -> Response:
        """Amend a published tender (commissioners). Extending the deadline is an amendment."""
        if getattr(request.user, "role", None) != Role.COMMISSIONER:
            raise PermissionDeniedError("Only a commissioner can amend a tender.")
        tender = Tender.objects.filter(reference=reference).first()
        if tender is None:
            raise Http404("No such tender.")
        data = AmendmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        lots = {lot.number: lot.pk for lot in Lot.objects.filter(tender=tender)}
        hours, ceilings = {}, {}
        for row in values.get("lots", []):
            if row["lot"] not in lots:
                raise ValidationError({"lots": [f"Lot {row['lot']} is not part of {tender.reference}."]})
            if "hours_per_week" in row:
                hours[lots[row["lot"]]] = row["hours_per_week"]
            if "ceiling_price" in row:
                ceilings[lots[row["lot"]]] = row["ceiling_price"]
        amendment = services.amendment_create(
            tender=tender, user=request.user, summary=values["summary"],
            submission_deadline=values.get("submission_deadline"),
            clarification_deadline=values.get("clarification_deadline"),
            description=values.get("description"), lot_hours=hours, lot_ceilings=ceilings,
        )
        return Response(AmendmentSerializer(amendment).data, status=status.HTTP_201_CREATED)


class NotificationSerializer(serializers.ModelSerializer):
    tender = serializers.SlugRelatedField(slug_field="reference", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "link", "tender", "created_at", "read_at"]


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=1000,
                                help_text="Leave out to mark all as read.")


class MarkReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class NotificationListView(APIView):
    @extend_schema(responses=NotificationSerializer(many=True))
    def get(self, request: Request) -> Response:
        """The organisation's in-app notifications, newest first (empty for non-provider users)."""
        return Response(NotificationSerializer(sel.notifications_for(user=request.user, limit=200), many=True).data)


class NotificationReadView(APIView):
    @extend_schema(request=MarkReadSerializer, responses={200: MarkReadResultSerializer, 403: BiddingErrorSerializer})
    def post(self, request: Request) -> Response:
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = services.notification_mark_read(user=request.user, notification_ids=data.validated_data.get("ids"))
        return Response({"marked": marked})


class RegisterSummarySerializer(serializers.Serializer):
    sealed = serializers.BooleanField()
    submitted = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    late_attempts = serializers.IntegerField()
    bids = BidSerializer(many=True, help_text="Empty while sealed.")


class BidRegisterView(APIView):
    @extend_schema(responses={200: RegisterSummarySerializer, 403: BiddingErrorSerializer, 404: BiddingErrorSerializer})
    def get(self, request: Request, reference: str) -> Response:
        """The commissioning side's bid register: counts only while sealed, the list once opened."""
        if not getattr(request.user, "is_commissioning_side", False):
            raise PermissionDeniedError("Only the commissioning side can see a tender's bid register.")
        tender = Tender.objects.filter(reference=reference).first()
        if tender is None:
            raise Http404("No such tender.")
        summary = sel.bid_register(tender=tender)
        return Response(RegisterSummarySerializer({
            "sealed": summary.sealed, "submitted": summary.submitted, "withdrawn": summary.withdrawn,
            "in_progress": summary.in_progress, "late_attempts": summary.late_attempts, "bids": summary.bids,
        }).data)
