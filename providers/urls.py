from django.urls import path

from providers import views

urlpatterns = [
    path("providers/register/", views.register, name="providers-register"),
    path("providers/registered/", views.registered, name="providers-registered"),
    path("providers/organisation/", views.organisation, name="providers-organisation"),
    path("providers/organisation/users/add/", views.add_user, name="providers-add-user"),
    path("providers/registrations/", views.pending, name="providers-pending"),
    path("providers/registrations/<int:provider_id>/", views.decide, name="providers-decide"),
]
