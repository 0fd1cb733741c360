from django.urls import path

from cqc import views

urlpatterns = [
    path("cqc/providers/", views.lookup, name="cqc-lookup"),
    path("cqc/providers/<str:cqc_provider_id>/", views.lookup, name="cqc-provider"),
    path("cqc/imports/", views.import_list, name="cqc-imports"),
    path("cqc/imports/new/", views.import_new, name="cqc-import-new"),
    path("cqc/imports/<int:pk>/", views.import_detail, name="cqc-import-detail"),
]
