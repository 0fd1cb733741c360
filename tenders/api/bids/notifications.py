"""A provider organisation's in-app notifications (the records and reads are the `notifications` app's)."""
from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import BIGINT_MAX
from common.http import AuthenticatedRequest
from common.pagination import PaginatedListMixin
from notifications.models import Notification
from notifications.selectors import notifications_queryset
from tenders import services
from tenders.api.bids.serializers import BiddingErrorSerializer
from tenders.models import Tender


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    tender: serializers.SlugRelatedField[Tender] = serializers.SlugRelatedField(slug_field="reference", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "link", "tender", "created_at", "read_at"]


class MarkReadSerializer(serializers.Serializer[Any]):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=BIGINT_MAX), required=False,
                                max_length=1000,
                                help_text="Leave out to mark all as read.")


class MarkReadResultSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField()


class NotificationListView(PaginatedListMixin, APIView):
    @extend_schema(responses=NotificationSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        """The organisation's in-app notifications, newest first (empty for non-provider users)."""
        return self.paginated(notifications_queryset(user=request.user), NotificationSerializer)


class NotificationReadView(APIView):
    @extend_schema(request=MarkReadSerializer, responses={200: MarkReadResultSerializer, 403: BiddingErrorSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = services.notification_mark_read(user=request.user, notification_ids=data.validated_data.get("ids"))
        return Response({"marked": marked})
