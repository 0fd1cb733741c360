"""Bidding API under /api/: bids, clarifications, amendments, notifications, the bid register."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from tenders.api import bids

router = SimpleRouter()
router.register("bids", bids.BidViewSet, basename="bid")

urlpatterns = router.urls + [
    path("tenders/<slug:reference>/clarifications/", bids.ClarificationListView.as_view(), name="api-clarifications"),
    path("tenders/<slug:reference>/clarifications/<int:number>/answer/", bids.ClarificationAnswerView.as_view(),
         name="api-clarification-answer"),
    path("tenders/<slug:reference>/amendments/", bids.AmendmentListView.as_view(), name="api-amendments"),
    path("tenders/<slug:reference>/bid-register/", bids.BidRegisterView.as_view(), name="api-bid-register"),
    path("notifications/", bids.NotificationListView.as_view(), name="api-notifications"),
    path("notifications/read/", bids.NotificationReadView.as_view(), name="api-notifications-read"),
]
