"""Bidding API, one module per resource: the same operations as the provider portal, for token or session clients.

* `bid`: bids, drafts, documents, submission, receipts (`BidViewSet`);
* `clarifications`, `amendments`, `notifications`, `register` (the bid register);
* `serializers`: every serializer and the shared error responses.

Who may read what is decided by `accounts.permissions` alone. URLs and OpenAPI
operation ids are unchanged from the single module this package replaced.
"""
from tenders.api.bids.amendments import AmendmentListView
from tenders.api.bids.bid import BidViewSet
from tenders.api.bids.clarifications import ClarificationAnswerView, ClarificationListView
from tenders.api.bids.notifications import NotificationListView, NotificationReadView
from tenders.api.bids.register import BidRegisterView

__all__ = [
    "AmendmentListView",
    "BidRegisterView",
    "BidViewSet",
    "ClarificationAnswerView",
    "ClarificationListView",
    "NotificationListView",
    "NotificationReadView",
]
