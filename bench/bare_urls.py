"""The real site's URLs plus the bare baseline endpoints and the hand-written SQL probe (only under bench.settings)."""
from django.urls import include, path

from bench.bare_views import BareInsertView, BareListView
from bench.raw_submit import RawSubmitView

urlpatterns = [
    path("bench/bare/", BareListView.as_view(), name="bench-bare"),
    path("bench/bare-insert/", BareInsertView.as_view(), name="bench-bare-insert"),
    path("bench/raw-submit/<str:reference>/", RawSubmitView.as_view(), name="bench-raw-submit"),
    path("", include("config.urls")),
]
