from django.urls import path

from accounts import api

urlpatterns = [
    path("token/", api.TokenView.as_view(), name="api-token"),
]
