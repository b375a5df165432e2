from django.contrib import admin
from django.db.models.functions import Length
from django.template.defaultfilters import filesizeformat

from .models import EmailAttachment, EmailEvent, EmailMessage, EmailTemplate


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


def _with_size(queryset):
    # The size from the database, so a list of attachments never reads their bytes.
    return queryset.defer("content").annotate(size=Length("content"))


@admin.display(description="size", ordering="size")
def _size(attachment):
    return filesizeformat(attachment.size)


class EmailAttachmentInline(admin.TabularInline):
    """What was sent with the message: names, types and sizes; the bytes are never shown or edited."""

    model = EmailAttachment
    extra = 0
    fields = ["filename", "mimetype", "as_alternative", _size]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return _with_size(super().get_queryset(request))

    def has_add_permission(self, request, obj=None):
        return False


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
    inlines = [EmailAttachmentInline, EmailEventInline]

    # A secret's message (an invitation, a sign-in link) shows no content here either.
    SECRET_FIELDS = ("html_body", "text_body", "context", "links")

    def get_exclude(self, request, obj=None):
        return self.SECRET_FIELDS if obj is not None and obj.sensitive else super().get_exclude(request, obj)


@admin.register(EmailAttachment)
class EmailAttachmentAdmin(admin.ModelAdmin):
    """Stored attachments, by name, type and size: sent as stored, so a row is read-only once made."""

    list_display = ["filename", "mimetype", "as_alternative", _size, "message"]
    list_filter = ["as_alternative"]
    search_fields = ["filename", "mimetype", "message__subject"]
    raw_id_fields = ["message"]
    list_select_related = ["message"]

    def get_queryset(self, request):
        return _with_size(super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        return ["message", "filename", "mimetype", "as_alternative", _size] if obj is not None else []


@admin.register(EmailEvent)
class EmailEventAdmin(admin.ModelAdmin):
    list_display = ["message", "kind", "url", "created_at"]
    list_filter = ["kind"]
    search_fields = ["message__subject", "url"]
    raw_id_fields = ["message"]
