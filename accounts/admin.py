from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.decorators import login_required

from accounts.models import User


@admin.register(User)
class HomecareUserAdmin(UserAdmin):
    list_display = ("username", "email", "role", "provider", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = UserAdmin.fieldsets + (("Procurement role", {"fields": ("role", "provider")}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("Procurement role", {"fields": ("role", "provider")}),)


# The admin signs in through the site's own sign-in page, so its second step (TOTP) and
# lock-outs apply to the admin too.
admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]
