from django.urls import path

from providers.api import views

urlpatterns = [
    path("providers/", views.ProviderListView.as_view(), name="api-providers"),
    path("providers/register/", views.RegisterView.as_view(), name="api-provider-register"),
    path("providers/me/", views.MyOrganisationView.as_view(), name="api-provider-me"),
    path("providers/me/users/", views.MyUsersView.as_view(), name="api-provider-users"),
    path("providers/<int:provider_id>/decision/", views.DecisionView.as_view(), name="api-provider-decision"),
]
