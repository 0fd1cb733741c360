from csp.decorators import csp_exempt
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from accounts.views import SignInView
from tenders.api.views import TenderViewSet

router = DefaultRouter()
router.register("tenders", TenderViewSet, basename="tender")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI runs inline scripts of its own; its assets are served locally (sidecar).
    path("api/docs/", csp_exempt()(SpectacularSwaggerView.as_view(url_name="schema")), name="api-docs"),
    path("api/", include("accounts.api_urls")),
    path("api/", include(router.urls)),
    path("api/", include("tenders.api.bidding_urls")),
    path("api/", include("pricing.api.urls")),
    path("api/", include("evaluation.api.urls")),
    path("api/", include("providers.api.urls")),
    path("api/", include("cqc.api.urls")),
    path("api/", include("reports.api.urls")),
    path("", include("tenders.urls")),
    path("", include("tenders.bidding_urls")),
    path("", include("pricing.urls")),
    path("", include("evaluation.urls")),
    path("", include("providers.urls")),
    path("", include("cqc.urls")),
    path("", include("reports.urls")),
]
