from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import User


@admin.register(User)
class HomecareUserAdmin(UserAdmin):
    list_display = ("username", "email", "role", "provider", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = UserAdmin.fieldsets + (("Procurement role", {"fields": ("role", "provider")}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("Procurement role", {"fields": ("role", "provider")}),)
