from django.urls import path

from cqc.api import views

urlpatterns = [
    path("cqc/providers/<str:cqc_provider_id>/", views.ProviderLookupView.as_view(), name="api-cqc-provider"),
    path("cqc/imports/", views.ImportListView.as_view(), name="api-cqc-imports"),
    path("cqc/imports/<int:pk>/", views.ImportDetailView.as_view(), name="api-cqc-import"),
]
