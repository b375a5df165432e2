from django.contrib import admin

from .models import EmailEvent, EmailMessage, EmailTemplate


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "category", "organization", "is_active", "updated_at"]
    list_filter = ["category", "is_active", "organization"]
    search_fields = ["name", "key", "subject"]
    list_select_related = ["organization"]


class EmailEventInline(admin.TabularInline):
    model = EmailEvent
    extra = 0
    readonly_fields = ["kind", "url", "detail", "created_at"]


@admin.register(EmailMessage)
class EmailMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "status", "attempts", "organization", "created_at", "sent_at", "opened_at"]
    list_filter = ["status", "organization", "template"]
    search_fields = ["subject", "to", "message_id"]
    readonly_fields = [
        "sensitive", "idempotency_key", "tracking_token", "message_id", "created_at", "sending_started_at",
        "data_started_at", "sent_at", "opened_at", "clicked_at",
    ]  # fmt: skip
    raw_id_fields = ["template", "sent_by"]
    list_select_related = ["organization"]
    inlines = [EmailEventInline]

    # A secret's message (an invitation, a sign-in link) shows no content here either.
    SECRET_FIELDS = ("html_body", "text_body", "context", "links")

    def get_exclude(self, request, obj=None):
        return self.SECRET_FIELDS if obj is not None and obj.sensitive else super().get_exclude(request, obj)


@admin.register(EmailEvent)
class EmailEventAdmin(admin.ModelAdmin):
    list_display = ["message", "kind", "url", "created_at"]
    list_filter = ["kind"]
    search_fields = ["message__subject", "url"]
    raw_id_fields = ["message"]
