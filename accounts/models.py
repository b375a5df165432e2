import secrets
import zoneinfo
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone as dj_timezone


def validate_timezone(name):
    if name and name not in zoneinfo.available_timezones():
        raise ValidationError(f"“{name}” is not a time zone we know. Pick one like Europe/Paris.")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address."""

    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=150, blank=True)
    timezone = models.CharField(
        "time zone",
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text="Dates and times are shown in this zone. Empty: your organisation's.",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("staff status", default=False)
    date_joined = models.DateTimeField(default=dj_timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.name or self.email

    def save(self, *args, **kwargs):
        # One account per address, whatever the casing someone types.
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email

    @property
    def initials(self):
        parts = (self.name or self.email).replace("@", " ").split()
        return "".join(part[0] for part in parts[:2]).upper()


slug_validator = RegexValidator(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", "Use lowercase letters, digits and single hyphens.")
colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #1f6feb.")


class Organization(models.Model):
    """A company that hires: every job, candidate and email belongs to one."""

    class Size(models.TextChoices):
        TINY = "1-10", "1–10 people"
        SMALL = "11-50", "11–50 people"
        MEDIUM = "51-200", "51–200 people"
        LARGE = "201-1000", "201–1,000 people"
        HUGE = "1000+", "More than 1,000 people"

    name = models.CharField(max_length=150)
    slug = models.SlugField(
        max_length=60,
        unique=True,
        validators=[slug_validator],
        help_text="Used in your careers page address, like /careers/acme/.",
    )
    website = models.URLField(blank=True)
    logo = models.ImageField(upload_to="logos/", blank=True)
    description = models.TextField(blank=True)
    industry = models.CharField(max_length=100, blank=True)
    size = models.CharField(max_length=20, choices=Size.choices, blank=True)
    brand_colour = models.CharField(max_length=7, default="#1f6feb", validators=[colour_validator])
    careers_intro = models.TextField(
        "careers page introduction", blank=True, help_text="Shown at the top of your public careers page."
    )
    privacy_policy_url = models.URLField("privacy policy URL", blank=True)
    data_retention_days = models.PositiveIntegerField(
        default=365, help_text="How long candidate data is kept after they apply, in days."
    )
    timezone = models.CharField(
        "time zone",
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text="Deadlines, date filters, daily reports and retention dates follow this zone.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def brand_text_colour(self):
        """Black or white, whichever reads better on the brand colour (WCAG relative luminance)."""
        channels = [int(self.brand_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
        return "#000000" if luminance > 0.179 else "#ffffff"

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.timezone or "UTC")

    def local_date(self, moment):
        """The calendar day `moment` falls on in the organisation's zone."""
        return moment.astimezone(self.zone).date()

    def day_start(self, day):
        """The aware moment calendar day `day` begins in the organisation's zone.

        Filters cut whole days with `>= day_start(first)` and `< day_start(last + 1 day)`:
        aware bounds an index on the column can serve, unlike a `__date` lookup.
        """
        return datetime.combine(day, time.min, tzinfo=self.zone)

    def retention_date(self, moment):
        """Until when data given at `moment` is kept: a day in the organisation's zone."""
        return self.local_date(moment) + timedelta(days=self.data_retention_days)

    def owner_count(self):
        return self.memberships.filter(role=Membership.Role.OWNER, is_active=True).count()


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        ADMIN = "admin", "Admin"
        RECRUITER = "recruiter", "Recruiter"
        HIRING_MANAGER = "hiring_manager", "Hiring manager"
        INTERVIEWER = "interviewer", "Interviewer"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.RECRUITER)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization", "user__email"]
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="unique_membership")]

    def __str__(self):
        return f"{self.user} in {self.organization} ({self.get_role_display()})"

    def is_last_owner(self):
        return (
            self.role == self.Role.OWNER
            and self.is_active
            and not self.organization.memberships.filter(role=self.Role.OWNER, is_active=True)
            .exclude(pk=self.pk)
            .exists()
        )


def _new_token():
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Membership.Role.choices, default=Membership.Role.RECRUITER)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One pending invitation per address per organisation.
            models.UniqueConstraint(
                Lower("email"),
                "organization",
                condition=models.Q(accepted_at__isnull=True),
                name="unique_pending_invitation",
            )
        ]

    def __str__(self):
        return f"Invitation for {self.email} to {self.organization}"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        if not self.expires_at:
            self.expires_at = dj_timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("accounts:accept_invitation", args=[self.token])

    @property
    def is_expired(self):
        return dj_timezone.now() >= self.expires_at

    @property
    def is_pending(self):
        return self.accepted_at is None and not self.is_expired


class RateCounter(models.Model):
    """Hits on one rate-limit key in its current window (accounts.ratelimit counts them atomically)."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    # When the window ends; the next hit after it starts a new one. Indexed for pruning.
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-expires_at"]

    def __str__(self):
        return f"{self.key}: {self.count}"


class ApiKey(models.Model):
    """A script's credential: acts in one organisation with the role chosen at creation.

    The key itself is shown once and never stored: only its SHA-256 (a random 256-bit secret needs no
    slow hash) and a short prefix that names it in lists. It acts as the member who created it, with
    its own role, and stops working when revoked or when that member leaves.
    """

    PREFIX = "ats_"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    role = models.CharField(max_length=20, choices=Membership.Role.choices, default=Membership.Role.RECRUITER)
    read_only = models.BooleanField(default=True)
    prefix = models.CharField(max_length=16, help_text="The key's first characters, to tell keys apart.")
    hashed = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organization", "-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self):
        return self.revoked_at is None
