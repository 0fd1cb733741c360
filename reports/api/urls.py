from django.urls import path

from reports.api import award, views

urlpatterns = [
    path("tenders/<slug:reference>/reports/", views.TenderReportsView.as_view(), name="api-tender-reports"),
    path("tenders/<slug:reference>/award/", award.AwardView.as_view(), name="api-tender-award"),
    path("tenders/<slug:reference>/award/summaries/", award.AwardSummariesView.as_view(), name="api-award-summaries"),
    path("tenders/<slug:reference>/award/notice/", award.AwardNoticeView.as_view(), name="api-award-notice"),
    path("tenders/<slug:reference>/award/contract/", award.AwardContractView.as_view(), name="api-award-contract"),
    path("tenders/<slug:reference>/award/details-notice/", award.AwardDetailsNoticeView.as_view(),
         name="api-award-details-notice"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="api-report"),
    path("reports/<int:pk>/download/", views.ReportDownloadView.as_view(), name="api-report-download"),
]
