from django.urls import path

from reports.api import views

urlpatterns = [
    path("tenders/<slug:reference>/reports/", views.TenderReportsView.as_view(), name="api-tender-reports"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="api-report"),
    path("reports/<int:pk>/download/", views.ReportDownloadView.as_view(), name="api-report-download"),
]
