"""The notification API's shapes (docs/api.md "Notifications"), named as the original service named them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Category, Email, Notification


class NotificationSerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(source="category", choices=Category.choices, read_only=True)
    message = serializers.CharField(source="body", read_only=True)
    user_id = serializers.IntegerField(source="recipient_id", read_only=True, help_text="Whom it tells.")
    actor_id = serializers.IntegerField(allow_null=True, read_only=True, help_text="Who it is from, if anyone.")
    actor_name = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id", "type", "title", "message", "url", "user_id", "actor_id", "actor_name", "read", "read_at",
            "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_actor_name(self, notification) -> str | None:
        return notification.actor.get_full_name() if notification.actor_id else None

    def get_read(self, notification) -> bool:
        return notification.is_read


class NotificationCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    message = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    type = serializers.ChoiceField(choices=Category.choices)
    user_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="A member of your organisation.")


class NotificationReadSerializer(serializers.Serializer):
    read = serializers.BooleanField(required=False, help_text="Only true: a notification is marked read, not unread.")

    def validate_read(self, value):
        if not value:
            raise serializers.ValidationError("A notification can be marked read, not unread.")
        return value


class NotificationsMarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were unread and are now read.")


class NotificationNotStoredSerializer(serializers.Serializer):
    detail = serializers.CharField()


# OpenAPI's "time" format wants a zone ("08:00:00Z"); the digest's time is a local one, written as the page writes it.
@extend_schema_field({"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$", "example": "08:00"})
class DigestTimeField(serializers.TimeField):
    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", help_text="Your daily digest's time (HH:MM), in your own time zone.", **kwargs)


class NotificationChoiceSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    label = serializers.CharField()
    in_app = serializers.BooleanField()
    email = serializers.ChoiceField(choices=Email.choices)


class NotificationPreferencesSerializer(serializers.Serializer):
    """Your digest's time and, per category you can receive, in the app (on/off) and by email."""

    send_at = DigestTimeField()
    choices = NotificationChoiceSerializer(many=True)


class NotificationChoiceChangeSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    in_app = serializers.BooleanField(required=False)
    email = serializers.ChoiceField(choices=Email.choices, required=False)


class NotificationPreferencesChangeSerializer(serializers.Serializer):
    """What changes: the digest's time, and the categories named (each with what changes in it)."""

    send_at = DigestTimeField(required=False)
    choices = NotificationChoiceChangeSerializer(many=True, required=False, max_length=len(Category.choices) * 2)
