import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from accounts.models import Organization


class EmailTemplate(models.Model):
    class Category(models.TextChoices):
        NOTIFICATION = "notification", "Notification"
        TASK_REMINDER = "task_reminder", "Task reminder"
        APPLICATION_STATUS = "application_status", "Application status"
        MEETING_REMINDER = "meeting_reminder", "Meeting reminder"
        CONFIRMATION = "confirmation", "Confirmation"
        OFFER = "offer", "Offer"
        REJECTION = "rejection", "Rejection"
        WELCOME = "welcome", "Welcome"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="email_templates")
    key = models.SlugField(max_length=60, help_text="How the system finds this template, e.g. acknowledgement.")
    name = models.CharField(max_length=150)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.NOTIFICATION)
    subject = models.CharField(max_length=255)
    html_body = models.TextField("HTML body")
    text_body = models.TextField("text body", blank=True, help_text="Left empty, it is made from the HTML.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="unique_template_key")]

    def __str__(self):
        return self.name


def _token():
    return secrets.token_urlsafe(24)


class EmailMessage(models.Model):
    """One email, from the moment it is queued; the outbox and the log. Never deleted by the system."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    # Blank for the site's own account emails (sign-up confirmation, password reset): no organisation's.
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="email_messages"
    )
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    from_email = models.CharField(max_length=255)
    reply_to = models.CharField(max_length=255, blank=True)
    subject = models.CharField(max_length=255)
    html_body = models.TextField(blank=True)
    text_body = models.TextField(blank=True)
    template = models.ForeignKey(
        EmailTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    context = models.JSONField(default=dict, blank=True)
    # The links the HTML held when sent: a click redirect may go to these and nowhere else.
    links = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Work that must happen once names its message ("ack:<application id>"): queueing it again finds this row.
    idempotency_key = models.CharField(max_length=150, null=True, blank=True, unique=True, editable=False)
    # Carries a secret (an invitation or sign-in link): shown by subject and status only, never
    # tracked, and its bodies erased once sent.
    sensitive = models.BooleanField(default=False, editable=False)
    # A template's "send a test to me": shown as a test in the outbox, and left out of the analytics.
    is_test = models.BooleanField(default=False, editable=False)
    # When the current try began, and when it was about to hand the server the message's data
    # (committed before SMTP DATA): a try found unfinished is resent only without this marker.
    sending_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    data_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set once, before the first try, so every try sends the same Message-ID.
    message_id = models.CharField(max_length=255, blank=True)
    tracking_token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    related = GenericForeignKey("content_type", "object_id")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            # The outbox: one organisation's messages, newest first (its default order), a page at a time.
            models.Index(fields=["organization", "-created_at", "-id"], name="email_outbox_idx"),
            # The sweeper (tasks.deliver_due): queued messages whose retry time has come. Leading with
            # status, it also serves the status filters, so status and next_attempt_at need no index of their own.
            models.Index(fields=["status", "next_attempt_at"], name="email_due_idx"),
        ]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"


class EmailEvent(models.Model):
    class Kind(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Will retry"
        FAILED = "failed", "Failed"
        OPENED = "opened", "Opened"
        CLICKED = "clicked", "Clicked"
        ERASED = "erased", "Erased"

    message = models.ForeignKey(EmailMessage, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    url = models.URLField(max_length=2000, blank=True)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.message}"


class EmailAttachment(models.Model):
    """A file sent with a message, stored with it so a retry sends the same bytes and erasure removes them."""

    message = models.ForeignKey(EmailMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    # The whole Content-Type value, parameters included ("text/calendar; method=REQUEST"): sent as it is.
    mimetype = models.CharField(max_length=150)
    content = models.BinaryField()
    # A body part beside the text and HTML (a calendar's invitation), not a file to open.
    as_alternative = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.filename
