from django.urls import include, path

from tenders import views

urlpatterns = [
    path("", views.home, name="home"),
    # Before tender-detail: "tenders/new/" would otherwise be read as a tender called "new".
    path("", include("tenders.builder_urls")),
    path("tenders/<slug:reference>/", views.tender_detail, name="tender-detail"),
]
