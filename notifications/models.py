"""What the site tells a member: in-app notifications, each member's choices, the daily digest's clock."""

from datetime import time

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organization


class Category(models.TextChoices):
    NEW_APPLICATION = "new_application", "New application on a job I'm on"
    STAGE_CHANGE = "stage_change", "Stage change on an application I follow"
    REJECTION = "rejection", "Rejection of an application I follow"
    HIRE = "hire", "Hire of an application I follow"
    MENTION = "mention", "Mention in a note"
    TEAM_ADDED = "team_added", "Added to a hiring team"
    TASK_ASSIGNED = "task_assigned", "Task assigned to me"
    TASK_DUE = "task_due", "Task of mine due or overdue"
    INTERVIEW_SCHEDULED = "interview_scheduled", "Interview scheduled with me"
    FEEDBACK_REQUESTED = "feedback_requested", "Feedback requested from me"
    EMAIL_FAILED = "email_failed", "An email I sent could not be delivered"
    MEMBER_JOINED = "member_joined", "Someone joined the organisation"
    STAGE_ACTION = "stage_action", "A stage's message to its team (stage actions)"


class Email(models.TextChoices):
    OFF = "off", "Off"
    IMMEDIATE = "immediate", "At once"
    DIGEST = "digest", "Daily digest"


# What a member gets before choosing: at once what is addressed to them personally, the rest in the
# digest. Every category is in-app by default.
DEFAULT_EMAIL = {
    Category.NEW_APPLICATION: Email.DIGEST,
    Category.STAGE_CHANGE: Email.DIGEST,
    Category.REJECTION: Email.DIGEST,
    Category.HIRE: Email.DIGEST,
    Category.MENTION: Email.IMMEDIATE,
    Category.TEAM_ADDED: Email.IMMEDIATE,
    Category.TASK_ASSIGNED: Email.IMMEDIATE,
    Category.TASK_DUE: Email.DIGEST,
    # Its email is the calendar invitation the interview sends each interviewer itself.
    Category.INTERVIEW_SCHEDULED: Email.OFF,
    Category.FEEDBACK_REQUESTED: Email.IMMEDIATE,
    Category.EMAIL_FAILED: Email.IMMEDIATE,
    Category.MEMBER_JOINED: Email.DIGEST,
    Category.STAGE_ACTION: Email.IMMEDIATE,
}

# How a burst of one category about one subject reads in the inbox ("5 new applications for Backend Engineer").
GROUP_TITLES = {
    Category.NEW_APPLICATION: "{count} new applications for {subject}",
    Category.STAGE_CHANGE: "{count} stage changes for {subject}",
    Category.REJECTION: "{count} rejections for {subject}",
    Category.HIRE: "{count} hires for {subject}",
    Category.MENTION: "{count} mentions about {subject}",
    Category.EMAIL_FAILED: "{count} emails could not be delivered",
    Category.MEMBER_JOINED: "{count} people joined {subject}",
}


ICONS = {
    Category.NEW_APPLICATION: "person-plus",
    Category.STAGE_CHANGE: "arrow-right-circle",
    Category.REJECTION: "x-circle",
    Category.HIRE: "trophy",
    Category.MENTION: "at",
    Category.TEAM_ADDED: "people",
    Category.TASK_ASSIGNED: "check2-square",
    Category.TASK_DUE: "alarm",
    Category.INTERVIEW_SCHEDULED: "calendar-event",
    Category.FEEDBACK_REQUESTED: "clipboard-check",
    Category.EMAIL_FAILED: "envelope-exclamation",
    Category.MEMBER_JOINED: "person-check",
    Category.STAGE_ACTION: "lightning",
}


class Notification(models.Model):
    """One thing one member was told, in one organisation. Read once opened or marked read."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="notifications")
    category = models.CharField(max_length=30, choices=Category.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    # A path on this site (the target's page); opening the notification goes there.
    url = models.CharField(max_length=500, blank=True)
    # What it is about, so erasing a person can find what was said about them.
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    # The thing a burst is about (a job's title) and its key: the inbox folds neighbours sharing a key.
    subject = models.CharField(max_length=255, blank=True)
    group_key = models.CharField(max_length=100, blank=True)
    # Work that must notify once names its notification ("mention:<note id>"): a task run twice
    # finds the row and adds none.
    key = models.CharField(max_length=150, blank=True)
    email = models.ForeignKey(
        "mail.EmailMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # Set when the digest took it (or it needs no digest), so a day's digest holds each row once.
    digest_pending = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The inbox and the dropdown: a member's newest first, in one organisation.
            models.Index(fields=["recipient", "organization", "-created_at", "-id"], name="notification_inbox_idx"),
            # The bell: counts a member's unread rows from this index alone.
            models.Index(
                fields=["recipient", "organization"], condition=Q(read_at__isnull=True), name="notification_unread_idx"
            ),
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["recipient"], condition=Q(digest_pending=True), name="notification_digest_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], condition=~Q(key=""), name="unique_notification_key")
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self):
        return self.read_at is not None

    @property
    def icon(self):
        return ICONS.get(self.category, "bell")


class NotificationPreference(models.Model):
    """A member's choice for one category; a category without a row follows DEFAULT_EMAIL, in-app on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    category = models.CharField(max_length=30, choices=Category.choices)
    in_app = models.BooleanField("in the app", default=True)
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.DIGEST)

    class Meta:
        ordering = ["user", "category"]
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="unique_notification_preference")]

    def __str__(self):
        return f"{self.user}: {self.get_category_display()}"


class DigestSchedule(models.Model):
    """When a member's daily digest goes: a local time in their zone, and the local day it last went."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_schedule")
    send_at = models.TimeField("send at", default=time(8, 0), help_text="In your time zone.")
    last_sent_on = models.DateField(null=True, blank=True, editable=False)

    def __str__(self):
        return f"{self.user}'s digest at {self.send_at:%H:%M}"


class Checkpoint(models.Model):
    """How far a recurring job has read (failed deliveries up to `at`), so each run starts where the last ended."""

    name = models.CharField(max_length=50, unique=True)
    at = models.DateTimeField()

    def __str__(self):
        return f"{self.name}: {self.at}"
