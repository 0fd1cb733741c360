"""Provider portal (/portal/) and the commissioner's bidding pages (/bidding/)."""
from django.urls import path

from tenders import bidding_views as views
from tenders import portal_views

urlpatterns = [
    path("portal/", views.portal, name="bidding-portal"),
    path("portal/notifications/", views.notifications, name="bidding-notifications"),
    path("portal/tenders/<slug:reference>/", views.tender_page, name="bidding-tender"),
    path("portal/tenders/<slug:reference>/documents/<int:document_id>/", views.tender_document, name="bidding-tender-document"),
    path("portal/tenders/<slug:reference>/ask/", views.clarification_ask, name="bidding-ask"),
    path("portal/tenders/<slug:reference>/bid/", views.bid_start, name="bidding-start"),
    path("portal/bids/<str:reference>/", views.bid_overview, name="bidding-bid"),
    path("portal/bids/<str:reference>/prices/", views.bid_prices, name="bidding-prices"),
    path("portal/bids/<str:reference>/locations/", views.bid_locations, name="bidding-locations"),
    path("portal/bids/<str:reference>/answers/<int:number>/", views.bid_answer, name="bidding-answer"),
    path("portal/bids/<str:reference>/documents/", views.bid_documents, name="bidding-documents"),
    path("portal/bids/<str:reference>/documents/<int:document_id>/remove/", views.bid_document_remove,
         name="bidding-document-remove"),
    path("portal/bids/<str:reference>/documents/<int:document_id>/", views.bid_document_download,
         name="bidding-document"),
    path("portal/bids/<str:reference>/declarations/", views.bid_declarations, name="bidding-declarations"),
    path("portal/bids/<str:reference>/check/", views.bid_check, name="bidding-check"),
    path("portal/bids/<str:reference>/receipts/<int:number>/", views.bid_receipt, name="bidding-receipt"),
    path("portal/bids/<str:reference>/receipts/<int:number>/receipt.json", views.bid_receipt_json,
         name="bidding-receipt-json"),
    path("portal/bids/<str:reference>/revise/", views.bid_revise, name="bidding-revise"),
    path("portal/bids/<str:reference>/discard/", views.bid_discard, name="bidding-discard"),
    path("portal/bids/<str:reference>/reconfirm/", views.bid_reconfirm, name="bidding-reconfirm"),
    path("portal/bids/<str:reference>/withdraw/", views.bid_withdraw, name="bidding-withdraw"),
    path("portal/bids/<str:reference>/price-questions/<int:pk>/", portal_views.price_clarification,
         name="bidding-price-clarification"),
    path("portal/bids/<str:reference>/price-questions/<int:pk>/documents/<int:document_id>/",
         portal_views.price_clarification_document, name="price-clarification-document"),
    path("bidding/tenders/<slug:reference>/clarifications/", views.manage_clarifications,
         name="bidding-manage-clarifications"),
    path("bidding/tenders/<slug:reference>/clarifications/<int:number>/", views.manage_clarification_answer,
         name="bidding-manage-answer"),
    path("bidding/tenders/<slug:reference>/amend/", views.manage_amend, name="bidding-amend"),
    path("bidding/tenders/<slug:reference>/bids/", views.manage_register, name="bidding-register"),
    path("bidding/bids/<str:reference>/", views.opened_bid, name="bidding-opened-bid"),
]
