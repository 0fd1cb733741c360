from django.urls import path

from reports import award_views, views

urlpatterns = [
    path("reports/", views.index, name="reports-index"),
    path("reports/download/<int:pk>/", views.download, name="reports-download"),
    path("reports/issued/<int:pk>/", award_views.issued_document, name="reports-issued-document"),
    path("reports/<slug:reference>/", views.tender_reports, name="reports-tender"),
    path("reports/<slug:reference>/award/", award_views.award_page, name="reports-award"),
    path("reports/<slug:reference>/award/decide/", award_views.award_decide, name="reports-award-decide"),
]
