"""The real site's URLs plus the bare baseline endpoints (served only under bench.settings)."""
from django.urls import include, path

from bench.bare_views import BareInsertView, BareListView

urlpatterns = [
    path("bench/bare/", BareListView.as_view(), name="bench-bare"),
    path("bench/bare-insert/", BareInsertView.as_view(), name="bench-bare-insert"),
    path("", include("config.urls")),
]
