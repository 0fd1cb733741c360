"""The tender builder and the commissioner's lifecycle actions."""
from django.urls import path

from tenders import builder_views as views

urlpatterns = [
    path("tenders/new/", views.tender_new, name="tender-new"),
    path("tenders/<slug:reference>/copy/", views.tender_copy, name="tender-copy"),
    path("tenders/<slug:reference>/actions/<slug:verb>/", views.tender_action, name="tender-action"),
    path("tenders/<slug:reference>/build/", views.builder_tasks, name="builder-tasks"),
    path("tenders/<slug:reference>/build/details/", views.builder_details, name="builder-details"),
    path("tenders/<slug:reference>/build/lots/", views.builder_lots, name="builder-lots"),
    path("tenders/<slug:reference>/build/lots/add/", views.builder_lot, name="builder-lot-add"),
    path("tenders/<slug:reference>/build/lots/<int:number>/", views.builder_lot, name="builder-lot"),
    path("tenders/<slug:reference>/build/questions/", views.builder_questions, name="builder-questions"),
    path("tenders/<slug:reference>/build/questions/add/", views.builder_question, name="builder-question-add"),
    path("tenders/<slug:reference>/build/questions/<int:number>/", views.builder_question, name="builder-question"),
    path("tenders/<slug:reference>/build/<str:kind>/<int:number>/remove/", views.builder_remove, name="builder-remove"),
    path("tenders/<slug:reference>/build/rules/", views.builder_rules, name="builder-rules"),
    path("tenders/<slug:reference>/build/minutes/", views.builder_minutes, name="builder-minutes"),
    path("tenders/<slug:reference>/build/preset/", views.builder_preset, name="builder-preset"),
    path("tenders/<slug:reference>/build/dates/", views.builder_dates, name="builder-dates"),
    path("tenders/<slug:reference>/build/standstill/", views.builder_standstill, name="builder-standstill"),
    path("tenders/<slug:reference>/build/documents/", views.builder_documents, name="builder-documents"),
    path("tenders/<slug:reference>/build/check/", views.builder_check, name="builder-check"),
]
