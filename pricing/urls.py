from django.urls import path

from pricing import views

urlpatterns = [
    # /pricing/ (named in the README): the presets, each linking the tenders whose lot costs it prices.
    path("pricing/", views.preset_list, name="pricing-home"),
    path("pricing/presets/", views.preset_list, name="pricing-presets"),
    path("pricing/presets/new/", views.preset_create, name="pricing-preset-create"),
    path("pricing/presets/compare/", views.preset_compare, name="pricing-preset-compare"),
    path("pricing/presets/<slug:slug>/", views.preset_detail, name="pricing-preset-detail"),
    path("pricing/presets/<slug:slug>/edit/", views.preset_edit, name="pricing-preset-edit"),
    path("pricing/tenders/<slug:reference>/costs/", views.tender_lot_costs, name="pricing-tender-lot-costs"),
]
