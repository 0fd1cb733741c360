from django.contrib import admin

from zones.models import PostcodeDistrict, Zone


class PostcodeDistrictInline(admin.TabularInline):
    model = PostcodeDistrict
    extra = 1


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    """Blank travel or miles scale the tender's cost-of-care preset by rurality (docs/cost_of_care.md, "Zones")."""

    list_display = ("name", "code", "local_authority", "rurality", "travel_minutes_per_contact_hour",
                    "miles_per_contact_hour")
    list_filter = ("rurality", "local_authority")
    inlines = [PostcodeDistrictInline]
