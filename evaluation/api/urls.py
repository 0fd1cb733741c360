from django.urls import path

from evaluation.api import views

urlpatterns = [
    path("evaluation/my-assignments/", views.MyAssignmentsView.as_view(), name="api-evaluation-my-assignments"),
    path("evaluation/tenders/<slug:reference>/panel/", views.PanelView.as_view(), name="api-evaluation-panel"),
    path("evaluation/tenders/<slug:reference>/conflicts/", views.ConflictsView.as_view(), name="api-evaluation-conflicts"),
    path("evaluation/tenders/<slug:reference>/bids/", views.TenderBidsView.as_view(), name="api-evaluation-bids"),
    path("evaluation/tenders/<slug:reference>/cqc-checks/", views.CqcChecksView.as_view(), name="api-evaluation-cqc"),
    path("evaluation/tenders/<slug:reference>/moderation/", views.ModerationBoardView.as_view(),
         name="api-evaluation-moderation"),
    path("evaluation/tenders/<slug:reference>/moderation/start/", views.ModerationStartView.as_view(),
         name="api-evaluation-moderation-start"),
    path("evaluation/tenders/<slug:reference>/quality-lock/", views.QualityLockView.as_view(),
         name="api-evaluation-quality-lock"),
    path("evaluation/tenders/<slug:reference>/price-envelope/", views.PriceEnvelopeView.as_view(),
         name="api-evaluation-price-envelope"),
    path("evaluation/tenders/<slug:reference>/clarifications/", views.ClarificationsView.as_view(),
         name="api-evaluation-clarifications"),
    path("evaluation/tenders/<slug:reference>/runs/", views.RunsView.as_view(), name="api-evaluation-runs"),
    path("evaluation/tenders/<slug:reference>/result/", views.ResultView.as_view(), name="api-evaluation-result"),
    path("evaluation/tenders/<slug:reference>/award/", views.AwardView.as_view(), name="api-evaluation-award"),
    path("evaluation/tenders/<slug:reference>/consensus-changes/", views.ConsensusChangesView.as_view(),
         name="api-evaluation-consensus-changes"),
    path("evaluation/tenders/<slug:reference>/consensus-changes/<int:proposal_id>/decision/",
         views.ConsensusChangeDecisionView.as_view(), name="api-evaluation-consensus-change-decision"),
    path("evaluation/bids/<str:bid_reference>/", views.BidForEvaluationView.as_view(), name="api-evaluation-bid"),
    path("evaluation/bids/<str:bid_reference>/scores/", views.MyScoresView.as_view(), name="api-evaluation-scores"),
    path("evaluation/bids/<str:bid_reference>/consensus/", views.ConsensusView.as_view(),
         name="api-evaluation-consensus"),
]
