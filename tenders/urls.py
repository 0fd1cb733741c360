from django.urls import path

from tenders import views

urlpatterns = [
    path("", views.home, name="home"),
    path("tenders/<slug:reference>/", views.tender_detail, name="tender-detail"),
]
