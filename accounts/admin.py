from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models

from .models import ApiKey, Invitation, Membership, Organization, RateCounter, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organization"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "date_joined", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "name"]
    readonly_fields = ["date_joined", "last_login"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["name", "timezone"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "industry", "size", "member_count", "created_at"]
    list_filter = ["size", "industry"]
    search_fields = ["name", "slug", "website"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [MembershipInline]

    @admin.display(description="Members")
    def member_count(self, obj):
        return obj.memberships.filter(is_active=True).count()


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active", "organization"]
    search_fields = ["user__email", "user__name", "organization__name"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "invited_by", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", "organization", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "organization__name"]
    # The token is the invitation's secret: nobody needs to read it back (Resend emails it again).
    exclude = ["token"]
    readonly_fields = ["created_at", "accepted_at", "accepted_by"]
    autocomplete_fields = ["organization", "invited_by"]
    list_select_related = ["organization", "invited_by"]


@admin.register(RateCounter)
class RateCounterAdmin(admin.ModelAdmin):
    """Who is being rate limited right now. Deleting a row lifts that key's limit at once."""

    list_display = ["key", "count", "expires_at"]
    search_fields = ["key"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are created on the organisation's API keys page (shown once there); here they are read and revoked."""

    list_display = ["name", "prefix", "organization", "role", "read_only", "created_by", "last_used_at", "revoked_at"]
    list_filter = ["role", "read_only", "revoked_at"]
    search_fields = ["name", "prefix", "organization__name", "created_by__email"]
    fields = [
        "organization",
        "name",
        "role",
        "read_only",
        "prefix",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = ["organization", "prefix", "created_by", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
