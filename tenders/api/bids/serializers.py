"""Bidding API serializers (output and input) and the shared error responses.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers

from tenders import bidding_selectors as sel
from tenders.access import strip_prices
from tenders.bidding_rules import DECLARATIONS, word_count
from tenders.models import (
    Bid,
    BidAnswer,
    BidDocument,
    BidLotPrice,
    BidStatus,
    BidVersion,
    BidVersionStatus,
    DocumentEnvelope,
    Tender,
)

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


class ContactHourPriceField(serializers.DecimalField):
    """The lot price re-expressed per contact hour on the tender's minute basis (display only)."""

    def get_attribute(self, instance: BidLotPrice) -> Decimal | None:
        # Already rounded half up (pricing.conversion.contact_hour_price); quantize() here rounded half to even.
        return sel.contact_hour_price(tender=instance.lot.tender, price=instance.hourly_price)


PRICE_HELP = "Left out unless accounts.permissions.can_see_prices allows this reader (two envelopes)."


class LotPriceOutSerializer(serializers.ModelSerializer[BidLotPrice]):
    """A lot of a bid; its prices only where the reader may see them (context `prices`, default no)."""

    lot = serializers.IntegerField(source="lot.number", read_only=True)
    zone = serializers.CharField(source="lot.zone.name", read_only=True)
    # Not read-only so the schema marks them optional: they are absent for readers who may not see prices.
    hourly_price = serializers.DecimalField(max_digits=7, decimal_places=2, required=False, help_text=PRICE_HELP)
    package_price = serializers.DecimalField(
        max_digits=9, decimal_places=2, required=False, allow_null=True, help_text=PRICE_HELP
    )
    price_per_contact_hour = ContactHourPriceField(
        max_digits=9, decimal_places=2, required=False, allow_null=True, help_text=PRICE_HELP
    )

    class Meta:
        model = BidLotPrice
        fields = ["lot", "zone", "hourly_price", "package_price", "price_per_contact_hour"]

    def to_representation(self, instance: BidLotPrice) -> dict[str, Any]:
        data = super().to_representation(instance)
        return data if self.context.get("prices", False) else strip_prices(data)


class AnswerOutSerializer(serializers.ModelSerializer[BidAnswer]):
    question = serializers.IntegerField(source="question.number", read_only=True)
    words = serializers.SerializerMethodField()
    word_limit = serializers.IntegerField(source="question.word_limit", read_only=True)

    class Meta:
        model = BidAnswer
        fields = ["question", "text", "words", "word_limit"]

    def get_words(self, obj: BidAnswer) -> int:
        return word_count(obj.text)


class DocumentOutSerializer(serializers.ModelSerializer[BidDocument]):
    name = serializers.CharField(source="original_name", read_only=True)

    class Meta:
        model = BidDocument
        fields = ["id", "name", "envelope", "content_type", "size", "sha256", "uploaded_at"]


class VersionSerializer(serializers.ModelSerializer[BidVersion]):
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

    def to_representation(self, instance: BidVersion) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self.context.get("prices", False):  # price documents stay sealed with the prices
            data["documents"] = [d for d in data["documents"] if d.get("envelope") != DocumentEnvelope.PRICE]
        return data


class VersionSummarySerializer(serializers.ModelSerializer[BidVersion]):
    status = VersionStatusField(read_only=True)

    class Meta:
        model = BidVersion
        fields = ["number", "status", "submitted_at", "digest"]


class BidSerializer(serializers.ModelSerializer[Bid]):
    tender: serializers.SlugRelatedField[Tender] = serializers.SlugRelatedField(slug_field="reference", read_only=True)
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


class ReceiptSerializer(serializers.Serializer[Any]):
    bid = serializers.CharField()
    tender = serializers.CharField()
    version = serializers.IntegerField()
    status = VersionStatusField()
    submitted_at = serializers.DateTimeField()
    digest = serializers.CharField(help_text="SHA-256 of canonical_json (UTF-8).")
    content = serializers.JSONField(help_text="The frozen content, including the server's submitted_at (UTC).")
    canonical_json = serializers.CharField(
        required=False,
        help_text="Keys sorted, separators ',' and ':', UTF-8: hash this. Left out, and `content` shown without"
                  " prices, for a reader who may not see the bid's prices (two envelopes).",
    )
    replayed = serializers.BooleanField(help_text="True when an earlier submission with the same key was returned.")


class ProblemSerializer(serializers.Serializer[Any]):
    field = serializers.CharField()
    message = serializers.CharField()


class BiddingErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)
    field = serializers.CharField(required=False)


# --- serializers: input -------------------------------------------------------


class BidStartSerializer(serializers.Serializer[Any]):
    tender = serializers.SlugField(max_length=40, help_text="The tender's reference.")


class LotPriceInSerializer(serializers.Serializer[Any]):
    lot = serializers.IntegerField(min_value=1, max_value=32767, help_text="Lot number within the tender.")
    hourly_price = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=Decimal("0.01"))
    package_price = serializers.DecimalField(
        max_digits=9, decimal_places=2, min_value=Decimal("0.01"), required=False, allow_null=True
    )


class AnswerInSerializer(serializers.Serializer[Any]):
    question = serializers.IntegerField(min_value=1, max_value=32767, help_text="Question number within the tender.")
    text = serializers.CharField(allow_blank=True, max_length=100_000)


class DraftUpdateSerializer(serializers.Serializer[Any]):
    """Any part left out is unchanged; `lots` replaces the chosen lots; an empty answer text removes it."""

    # `many=True` spelled out (what DRF's many_init builds), so the list's max_length is typed.
    lots: serializers.ListSerializer[Any] = serializers.ListSerializer(child=LotPriceInSerializer(required=False), required=False, max_length=500)
    answers: serializers.ListSerializer[Any] = serializers.ListSerializer(child=AnswerInSerializer(required=False), required=False, max_length=500)
    cqc_location_ids = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, max_length=50
    )
    declarations = serializers.ListField(
        child=serializers.ChoiceField(choices=list(DECLARATIONS)), required=False, max_length=len(DECLARATIONS) * 2,
        help_text="The keys of the declarations the provider makes: " + ", ".join(DECLARATIONS) + ".",
    )


class DocumentUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="PDF, DOCX or XLSX, checked by content; size limit BID_DOCUMENT_MAX_BYTES.")


class SubmitSerializer(serializers.Serializer[Any]):
    idempotency_key = serializers.CharField(
        max_length=64, required=False, allow_blank=True,
        help_text=(
            "Send the same key on a retry to get the same receipt back (or use the Idempotency-Key header);"
            " use a new key for each new submission, e.g. a fresh UUID."
        ),
    )


class WithdrawSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")




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
