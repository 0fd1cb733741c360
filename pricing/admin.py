"""Rate presets in the admin: saving goes through pricing.services, so every change is audited and checked."""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from common.errors import DomainError
from common.money import pennies
from pricing import services
from pricing.forms import FIELDSETS
from pricing.models import RatePreset
from pricing.selectors import preset_cost_of_care, preset_locking_tenders


class RatePresetAdminForm(forms.ModelForm):
    class Meta:
        model = RatePreset
        fields = ["slug", *services.EDITABLE_FIELDS]

    def clean(self):
        """Refuse changes to a locked preset here, so the admin shows the reason on the form."""
        cleaned = super().clean()
        if self.instance.pk and self.changed_data:
            locking = preset_locking_tenders(self.instance)
            if locking:
                raise forms.ValidationError(
                    f"Tenders {', '.join(locking)} check prices against this preset, so it cannot change."
                    " Add a new preset instead."
                )
        return cleaned


@admin.register(RatePreset)
class RatePresetAdmin(admin.ModelAdmin):
    form = RatePresetAdminForm
    list_display = ("name", "slug", "year_label", "effective_from", "is_estimate", "hourly_pay_rate", "model_minimum")
    list_filter = ("is_estimate",)
    search_fields = ("slug", "name", "year_label")
    readonly_fields = ("updated_at",)
    fieldsets = [(legend, {"fields": names, "description": hint}) for legend, hint, names in FIELDSETS]

    @admin.display(description="Model minimum per contact hour")
    def model_minimum(self, preset: RatePreset) -> str:
        try:
            return f"£{pennies(preset_cost_of_care(preset=preset).total)}"
        except DomainError as exc:
            return exc.message

    def get_readonly_fields(self, request: HttpRequest, obj: RatePreset | None = None):
        # A slug is a permanent name: tenders, links and the API use it.
        return (*self.readonly_fields, "slug") if obj else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: RatePreset, form, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in services.EDITABLE_FIELDS}
        try:
            if change:
                services.preset_update(preset=obj, user=request.user, data=data, note="admin")
            else:
                created = services.preset_create(
                    user=request.user, data={name: form.cleaned_data[name] for name in ("slug", *services.EDITABLE_FIELDS)},
                    note="admin",
                )
                obj.pk = created.pk
        except DomainError as exc:
            # The admin has no hook to re-show the form here; say plainly that nothing was saved.
            self.message_user(request, f"Not saved: {exc.message}", level=messages.ERROR)

    def has_delete_permission(self, request: HttpRequest, obj: RatePreset | None = None) -> bool:
        # Presets are the record of what prices were checked against: add a new one, do not delete.
        return False

