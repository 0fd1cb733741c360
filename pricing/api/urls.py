from django.urls import path
from rest_framework.routers import SimpleRouter

from pricing.api import views

router = SimpleRouter()
router.register("pricing/presets", views.RatePresetViewSet, basename="pricing-preset")

urlpatterns = [
    path("pricing/convert/", views.ConvertView.as_view(), name="api-pricing-convert"),
    path("pricing/cost-of-care/", views.CostOfCareView.as_view(), name="api-pricing-cost-of-care"),
    path("pricing/check/", views.PriceCheckView.as_view(), name="api-pricing-check"),
    *router.urls,
]
