"""The admin is for IT: users, roles and provider links, through the audited services.

Every save goes through `accounts.services` (issue 12: the admin is no back door), so each
creation or change of a user, role or provider link is in the hash-chained audit trail.
API tokens and authenticator keys are never shown: tokens by a 6-character prefix only, and
both can only be revoked here (each revocation audited). Users are deactivated, not deleted.
"""
from __future__ import annotations

import copy
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.admin import TokenAdmin as DRFTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from accounts import services
from accounts.models import ApiToken, User


@admin.register(User)
class HomecareUserAdmin(UserAdmin):
    list_display = ("username", "email", "role", "provider", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = UserAdmin.fieldsets + (("Procurement role", {"fields": ("role", "provider")}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("Procurement role", {"fields": ("role", "provider")}),)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if change:
            services.user_update(
                actor=request.user, user=obj,
                changes={name: getattr(obj, name) for name in services.AUDITED_FIELDS},
            )
            return
        data = form.cleaned_data
        password = data.get("password1") if data.get("set_usable_password", True) else None
        created = services.user_create(
            actor=request.user, username=obj.username, password=password, role=obj.role, provider=obj.provider,
            email=obj.email, first_name=obj.first_name, last_name=obj.last_name, is_active=obj.is_active,
            is_staff=obj.is_staff, is_superuser=obj.is_superuser,
        )
        # The admin goes on with `obj` (related objects, its own log): make it the saved row.
        obj.pk, obj.password = created.pk, created.password
        obj._state.adding, obj._state.db = False, created._state.db

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        data = form.cleaned_data
        if "groups" in data or "user_permissions" in data:
            services.user_update(actor=request.user, user=form.instance, groups=data.get("groups"),
                                 permissions=data.get("user_permissions"))
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: the audit trail and bids refer to users

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        """Django's password page, with the save routed through the audited service (actor = this request's user)."""
        actor = request.user

        class AuditedPasswordForm(AdminPasswordChangeForm):
            def save(self, commit: bool = True) -> User:
                usable = self.cleaned_data.get("set_usable_password", True)
                saved = services.user_set_password(actor=actor, user=self.user,
                                                   password=self.cleaned_data["password1"] if usable else None)
                self.user.password = saved.password
                return self.user

        per_request = copy.copy(self)  # the admin instance is shared between threads: change a copy
        per_request.change_password_form = AuditedPasswordForm
        return UserAdmin.user_change_password(per_request, request, id, form_url)


# DRF's own token admin lists every key in clear (issue 13, case 2).
admin.site.unregister(TokenProxy)


@admin.register(ApiToken)
class TokenAdmin(DRFTokenAdmin):
    """Addressed by user id (DRF's mapping), shown by prefix; no add, no change, no bulk actions."""

    list_display = ("user", "key_prefix", "created", "revoke")
    list_display_links = None  # the change page would carry the key in its links (the key is the primary key)
    fields = ("user", "key_prefix", "created")
    readonly_fields = fields
    list_filter = ()
    search_fields = ("user__username",)
    ordering = ("-created",)

    @admin.display(description="Key")
    def key_prefix(self, obj: ApiToken) -> str:
        return f"{obj.key[:services.TOKEN_PREFIX]}… (hidden)"

    @admin.display(description="")
    def revoke(self, obj: ApiToken) -> str:
        url = reverse("admin:accounts_apitoken_delete", args=[obj.user_id])
        return format_html('<a href="{}">Revoke<span class="visually-hidden"> the token of {}</span></a>', url, obj.user)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        return HttpResponseRedirect(reverse("admin:accounts_apitoken_changelist"))

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        return HttpResponseRedirect(reverse("admin:accounts_apitoken_changelist"))

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        return [str(obj) for obj in objs], {"API tokens": len(objs)}, set(), []

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # users ask for their own token at POST /api/token/ (shown to them once, audited)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        services.user_token_revoke(actor=request.user, user=obj.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for token in queryset.select_related("user"):
            services.user_token_revoke(actor=request.user, user=token.user)


# django-otp's admin shows each device's secret key and QR code.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    fields = ("user", "name", "confirmed", "created_at", "last_used_at")
    readonly_fields = fields
    search_fields = ("user__username",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # users set up their own authenticator at /accounts/two-step/

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: TOTPDevice) -> None:
        services.user_totp_reset(actor=request.user, user=obj.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for user_id in set(queryset.values_list("user_id", flat=True)):
            services.user_totp_reset(actor=request.user, user=User.objects.get(pk=user_id))


# The admin signs in through the site's own sign-in page, so its second step (TOTP) and
# lock-outs apply to the admin too.
admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]
