from django.contrib import admin

from zones.models import PostcodeDistrict, Zone


class PostcodeDistrictInline(admin.TabularInline):
    model = PostcodeDistrict
    extra = 1


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "local_authority", "rurality")
    list_filter = ("rurality", "local_authority")
    inlines = [PostcodeDistrictInline]
