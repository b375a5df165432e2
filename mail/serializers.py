"""The email API's shapes (docs/api.md "Email"), named as the original email service named them.

Templates are validated by the same form as the template editor, so a template the page refuses
is refused here with the same messages, keyed by the API's field names.
"""

from django.utils.text import slugify
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .defaults import SYSTEM_KEYS
from .forms import EmailTemplateForm
from .models import EmailEvent, EmailMessage, EmailTemplate

# The editor's field names -> the API's.
API_NAMES = {
    "html_body": "body_html",
    "text_body": "body_text",
    "category": "template_type",
    "__all__": "non_field_errors",
}


class EmailTemplateSerializer(serializers.ModelSerializer):
    key = serializers.SlugField(
        max_length=60, required=False, help_text="How the system finds the template; made from the name when left out."
    )
    body_html = serializers.CharField(source="html_body")
    body_text = serializers.CharField(
        source="text_body", required=False, allow_blank=True, help_text="Left empty, it is made from the HTML."
    )
    template_type = serializers.ChoiceField(
        source="category", choices=EmailTemplate.Category.choices, default=EmailTemplate.Category.NOTIFICATION
    )
    is_system = serializers.SerializerMethodField(
        help_text="The system sends it by its key: it can be switched off (is_active), not deleted."
    )

    class Meta:
        model = EmailTemplate
        fields = [
            "id", "key", "name", "subject", "body_text", "body_html", "template_type", "is_active", "is_system",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def get_is_system(self, template) -> bool:
        return template.key in SYSTEM_KEYS

    def validate(self, attrs):
        """The editor's form decides: the template language's checks, the key's uniqueness, the lengths."""
        if self.instance is not None:
            # What the call leaves out stays as it is.
            template = self.instance
            data = {field: getattr(template, field) for field in EmailTemplateForm.Meta.fields}
        else:
            template = EmailTemplate(organization=self.context["request"].organization)
            data = {"is_active": True, "key": slugify(attrs.get("name", ""))[:60]}
        data.update(attrs)
        self._form = EmailTemplateForm(data, instance=template)
        if not self._form.is_valid():
            raise serializers.ValidationError(
                {API_NAMES.get(field, field): messages for field, messages in self._form.errors.items()}
            )
        return attrs

    def create(self, validated_data):
        return self._form.save()

    def update(self, instance, validated_data):
        return self._form.save()


class EmailEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = EmailEvent
        fields = ["kind", "url", "detail", "created_at"]


class EmailMessageSerializer(serializers.ModelSerializer):
    """One message of the log. A sensitive one (it carried a secret link) shows who, what and how it went:
    never its bodies."""

    to = serializers.ListField(child=serializers.CharField())
    cc = serializers.ListField(child=serializers.CharField())
    template_name = serializers.CharField(source="template.name", allow_null=True, default=None)

    class Meta:
        model = EmailMessage
        fields = [
            "id", "to", "cc", "subject", "status", "template", "template_name", "sensitive", "attempts", "last_error",
            "next_attempt_at", "created_at", "sent_at", "opened_at", "clicked_at",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, message):
        data = super().to_representation(message)
        if message.sensitive:  # as the log's page: subject and status, not what the reader did with it
            data["opened_at"] = data["clicked_at"] = None
        return data


class EmailMessageDetailSerializer(EmailMessageSerializer):
    body_text = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()
    events = EmailEventSerializer(many=True, read_only=True)

    class Meta(EmailMessageSerializer.Meta):
        fields = [*EmailMessageSerializer.Meta.fields, "from_email", "reply_to", "body_text", "body_html", "events"]
        read_only_fields = fields

    def get_body_text(self, message) -> str | None:
        return None if message.sensitive else message.text_body

    def get_body_html(self, message) -> str | None:
        return None if message.sensitive else message.html_body


@extend_schema_field({"type": "string", "format": "email", "maxLength": 254})
class AddressField(serializers.CharField):
    """An address as given: mail.services.recipients checks it (with the same validator as everywhere)."""

    def __init__(self, **kwargs):
        super().__init__(max_length=254, allow_blank=True, **kwargs)


class EmailSendSerializer(serializers.Serializer):
    """Either a template (by key or name) and its values, or the message itself: exactly one of the two."""

    to = serializers.ListField(child=AddressField(), max_length=1000)
    template = serializers.CharField(required=False, max_length=150, help_text="A template's key or name.")
    context = serializers.DictField(
        required=False, help_text='The template\'s values: {"candidate": {"first_name": "Ada"}} or flat names.'
    )
    subject = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    body_text = serializers.CharField(required=False, allow_blank=True)
    body_html = serializers.CharField(required=False, allow_blank=True)

    WRITTEN = ("subject", "body_text", "body_html")

    def validate(self, attrs):
        written = [field for field in self.WRITTEN if field in attrs]
        if "template" in attrs and written:
            raise serializers.ValidationError(
                {field: ["Send either a template or your own subject and body, not both."] for field in written}
            )
        if "template" not in attrs and "subject" not in attrs:
            raise serializers.ValidationError({"template": ["Name a template, or give a subject and a body."]})
        if "context" in attrs and "template" not in attrs:
            raise serializers.ValidationError({"context": ["Values are for a template."]})
        return attrs


class EmailSendResultSerializer(serializers.Serializer):
    message_ids = serializers.ListField(child=serializers.IntegerField(), help_text="One message per recipient.")


class EmailCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    sent = serializers.IntegerField()
    failed = serializers.IntegerField()
    opened = serializers.IntegerField()
    clicked = serializers.IntegerField()
    open_rate = serializers.IntegerField(help_text="Percent of the sent messages that were opened.")
    click_rate = serializers.IntegerField(help_text="Percent of the sent messages whose link was followed.")
    failure_rate = serializers.IntegerField(help_text="Percent of the finished (sent or failed) messages that failed.")


class EmailTemplateCountsSerializer(EmailCountsSerializer):
    template = serializers.CharField(source="template__name", allow_null=True, help_text="Null: written by hand.")


class EmailDayCountsSerializer(EmailCountsSerializer):
    day = serializers.DateField(help_text="A day in the organisation's time zone.")


class EmailAnalyticsSerializer(serializers.Serializer):
    totals = EmailCountsSerializer()
    per_template = EmailTemplateCountsSerializer(many=True)
    per_day = EmailDayCountsSerializer(many=True, help_text="The last 30 days, oldest first, each day present.")


class EmailQueueStatusSerializer(serializers.Serializer):
    queued = serializers.IntegerField()
    sending = serializers.IntegerField()
    failed = serializers.IntegerField()
    sent = serializers.IntegerField()
    tasks_waiting = serializers.IntegerField(
        allow_null=True, help_text="Tasks in the worker's queue, all organisations together; null: unreachable."
    )
    worker_last_seen = serializers.DateTimeField(allow_null=True, help_text="The worker's last finished task.")
    worker_ok = serializers.BooleanField(help_text="The worker finished a task in the last five minutes.")
