from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PricingConfig(AppConfig):
    name = "pricing"
    verbose_name = "Cost of care"

    def ready(self) -> None:
        from pricing.signals import ensure_shipped_presets

        post_migrate.connect(ensure_shipped_presets, sender=self, dispatch_uid="pricing-ensure-shipped-presets")
