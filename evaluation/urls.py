from django.urls import path

from evaluation import four_eyes_views, views

urlpatterns = [
    path("evaluation/", views.home, name="evaluation-home"),
    path("evaluation/<slug:reference>/panel/", views.panel, name="evaluation-panel"),
    path("evaluation/<slug:reference>/conflicts/", views.conflicts, name="evaluation-conflicts"),
    path("evaluation/<slug:reference>/bids/", views.bids, name="evaluation-bids"),
    path("evaluation/<slug:reference>/bids/<str:bid_reference>/", views.score, name="evaluation-score"),
    path("evaluation/<slug:reference>/bids/<str:bid_reference>/documents/<int:document_id>/", views.bid_document,
         name="evaluation-bid-document"),
    path("evaluation/<slug:reference>/my-scores/", views.my_scores, name="evaluation-my-scores"),
    path("evaluation/<slug:reference>/moderation/", views.moderation, name="evaluation-moderation"),
    path("evaluation/<slug:reference>/moderation/<str:bid_reference>/", views.consensus, name="evaluation-consensus"),
    path("evaluation/<slug:reference>/summary/", views.summary, name="evaluation-summary"),
    path("evaluation/<slug:reference>/clarifications/<str:bid_reference>/<int:lot_number>/", views.clarification,
         name="evaluation-clarification"),
    path("evaluation/<slug:reference>/actions/<slug:name>/", views.action, name="evaluation-action"),
    path("evaluation/<slug:reference>/open-prices/", views.open_prices_confirm, name="evaluation-open-prices"),
    path("evaluation/<slug:reference>/consensus-changes/", four_eyes_views.consensus_changes,
         name="evaluation-consensus-changes"),
    path("evaluation/<slug:reference>/consensus-changes/<int:proposal_id>/decision/",
         four_eyes_views.consensus_change_decide, name="evaluation-consensus-change-decide"),
]
