"""Interviews (a time, a place, a panel) and the scorecards each interviewer writes after one."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organization

from ..applications.models import Application


def _uid():
    return uuid.uuid4().hex


class Interview(models.Model):
    """One meeting with a candidate about one application.

    Its time is an instant (UTC in the database), scheduled in the organiser's zone (`time_zone`),
    which the invitations and the candidate's emails use; each member sees it in their own zone.
    `uid` and `sequence` make its calendar invitations one event that changes: every reschedule
    or cancellation sends the same UID with a higher SEQUENCE (see calendar.py).
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="interviews")
    # Erased with its application (and with its candidate), scorecards and all.
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="interviews")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    # starts_at + duration, stored so "who is busy then?" is one indexed range query.
    ends_at = models.DateTimeField(editable=False)
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    time_zone = models.CharField(max_length=64, default="UTC")
    location = models.CharField("place or video link", max_length=300, blank=True)
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="PanelMember", related_name="interviews", blank=True
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    uid = models.CharField(max_length=64, unique=True, default=_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # Work that must make its interview once names it ("action-run:<id>"): making it again finds this row.
    key = models.CharField(max_length=150, null=True, blank=True, unique=True, editable=False)
    # When the current time was set (scheduling or the last reschedule): a reminder is only worth
    # sending for an interview arranged well before it.
    scheduled_at = models.DateTimeField(default=timezone.now, editable=False)
    # Each of these is done once, claimed by setting it (see jobs.py).
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    feedback_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    feedback_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            # An application's interviews (the candidate page, the board's tally).
            models.Index(fields=["application", "starts_at"], name="interview_application_idx"),
            # The sweeper and the dashboard: an organisation's scheduled interviews by time.
            models.Index(fields=["status", "starts_at"], name="interview_due_idx"),
            models.Index(fields=["status", "ends_at"], name="interview_ended_idx"),
        ]

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.starts_at):%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        self.ends_at = self.starts_at + timezone.timedelta(minutes=self.duration_minutes)
        fields = kwargs.get("update_fields")
        if fields is not None and {"starts_at", "duration_minutes"} & set(fields):
            kwargs["update_fields"] = {*kwargs["update_fields"], "ends_at"}
        super().save(*args, **kwargs)

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def has_started(self):
        return self.starts_at <= timezone.now()

    @property
    def is_upcoming(self):
        return self.status == self.Status.SCHEDULED and self.ends_at > timezone.now()

    @property
    def location_is_link(self):
        return self.location.startswith(("https://", "http://"))


class PanelMember(models.Model):
    """An interviewer on an interview's panel."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panel_seats")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["interview", "user"], name="one_seat_per_interviewer")]
        indexes = [models.Index(fields=["user", "interview"], name="panel_user_idx")]

    def __str__(self):
        return f"{self.user} on {self.interview}"


class Scorecard(models.Model):
    """One interviewer's feedback on one interview: a rating per attribute of the job, a
    recommendation, notes. Others' scorecards stay hidden from an interviewer until they submit theirs."""

    class Recommendation(models.TextChoices):
        STRONG_NO = "strong_no", "Strong no"
        NO = "no", "No"
        YES = "yes", "Yes"
        STRONG_YES = "strong_yes", "Strong yes"

    RATINGS = {1: "Poor", 2: "Weak", 3: "Adequate", 4: "Strong", 5: "Exceptional"}

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="scorecards")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="scorecards"
    )
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices)
    # [{"attribute": <jobs.ScorecardAttribute id>, "name": <its name when rated>, "rating": 1-5}], in the
    # job's order; an attribute not assessed is left out. The name is kept: an attribute renamed or
    # deleted later leaves the feedback as it was written.
    ratings = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True, max_length=10000)
    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "author"], condition=models.Q(author__isnull=False), name="one_scorecard_each"
            )
        ]

    def __str__(self):
        return f"{self.get_recommendation_display()} from {self.author or 'a former member'}"
