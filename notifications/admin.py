from django.contrib import admin

from .models import Checkpoint, DigestSchedule, Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "recipient", "organization", "created_at", "read_at"]
    list_filter = ["category", "organization"]
    search_fields = ["title", "recipient__email", "key"]
    raw_id_fields = ["recipient", "actor", "organization", "email"]
    readonly_fields = ["key", "content_type", "object_id", "digest_pending"]
    list_select_related = ["recipient", "organization"]
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "category", "in_app", "email"]
    list_filter = ["category", "in_app", "email"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]


@admin.register(DigestSchedule)
class DigestScheduleAdmin(admin.ModelAdmin):
    list_display = ["user", "send_at", "last_sent_on"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
    readonly_fields = ["last_sent_on"]
    list_select_related = ["user"]


@admin.register(Checkpoint)
class CheckpointAdmin(admin.ModelAdmin):
    list_display = ["name", "at"]
