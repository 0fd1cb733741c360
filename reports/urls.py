from django.urls import path

from reports import views

urlpatterns = [
    path("reports/", views.index, name="reports-index"),
    path("reports/download/<int:pk>/", views.download, name="reports-download"),
    path("reports/<slug:reference>/", views.tender_reports, name="reports-tender"),
]
