"""The templates every organisation starts with (`python manage.py load_email_templates`)."""

from django.db import IntegrityError, transaction

from .models import EmailTemplate

C = EmailTemplate.Category
_SIGN = "<p>Best wishes,<br>{% if sender.name %}{{ sender.name }}<br>{% endif %}{{ organization.name }}</p>"

DEFAULT_TEMPLATES = [
    ("acknowledgement", "Application received", C.CONFIRMATION,
     "Thanks, {{ candidate.first_name }}: we received your application for {{ job.title }}",
     "<p>Hello {{ candidate.first_name }},</p><p>Thank you for applying for <strong>{{ job.title }}</strong> at "
     "{{ organization.name }}. We have your application and will be in touch as soon as someone has read it.</p>"
     # No status link here: the branded layout (mail/branding.py) gives every candidate email its button.
     + _SIGN),
    ("screening_invitation", "Screening invitation", C.APPLICATION_STATUS,
     "Next step for {{ job.title }}",
     "<p>Hello {{ candidate.first_name }},</p><p>We enjoyed reading your application for {{ job.title }} and would "
     "like to learn a little more. Could you reply with a few times that suit you for a short call?</p>" + _SIGN),
    ("phone_screen", "Phone screen", C.MEETING_REMINDER,
     "Phone call about {{ job.title }}",
     "<p>Hello {{ candidate.first_name }},</p><p>Let's talk on {{ interview.date }} at {{ interview.time }}: "
     "{{ interview.place }}. It takes about 30 minutes.</p>" + _SIGN),
    ("interview_invitation", "Interview invitation", C.MEETING_REMINDER,
     "Interview for {{ job.title }}, {{ interview.date }}",
     "<p>Hello {{ candidate.first_name }},</p><p>We'd like to invite you to an interview for {{ job.title }} on "
     "{{ interview.date }} at {{ interview.time }} ({{ interview.place }}).</p><p>Reply to this email if you need "
     "another time.</p>" + _SIGN),
    ("reference_request", "Reference request", C.APPLICATION_STATUS,
     "References for {{ job.title }}",
     "<p>Hello {{ candidate.first_name }},</p><p>We are nearly there. Could you send us the names and contact "
     "details of two people who have worked with you?</p>" + _SIGN),
    ("offer", "Offer", C.OFFER,
     "Your offer from {{ organization.name }}",
     "<p>Hello {{ candidate.first_name }},</p><p>We are delighted to offer you the position of "
     "<strong>{{ job.title }}</strong>. The details follow separately; reply to this email with any question.</p>"
     + _SIGN),
    ("welcome", "Welcome", C.WELCOME,
     "Welcome to {{ organization.name }}, {{ candidate.first_name }}!",
     "<p>Hello {{ candidate.first_name }},</p><p>Welcome aboard! We are glad you are joining us as {{ job.title }}."
     "</p>" + _SIGN),
    ("rejection", "Rejection", C.REJECTION,
     "Your application for {{ job.title }}",
     "<p>Hello {{ candidate.first_name }},</p><p>Thank you for your interest in {{ job.title }} and for the time you "
     "gave us. We have decided to continue with other candidates. We wish you all the best.</p>" + _SIGN),
    ("interview_reminder", "Interview reminder", C.MEETING_REMINDER,
     "Reminder: interview on {{ interview.date }}",
     "<p>Hello {{ candidate.first_name }},</p><p>A reminder of your interview for {{ job.title }} on "
     "{{ interview.date }} at {{ interview.time }}: {{ interview.place }}.</p>" + _SIGN),
    ("interview_panel", "Interview invitation (panel)", C.MEETING_REMINDER,
     "Interview: {{ candidate.full_name }} for {{ job.title }}, {{ interview.date }}",
     "<p>Hello,</p><p>You are on the panel for {{ candidate.full_name }}'s interview for {{ job.title }} on "
     "{{ interview.date }} at {{ interview.time }} ({{ interview.place }}). The calendar invitation is attached.</p>"
     "<p>Their profile, resume and answers, and your scorecard afterwards: "
     '<a href="{{ interview.url }}">{{ interview.url }}</a></p>' + _SIGN),
    ("interview_cancelled", "Interview cancelled", C.MEETING_REMINDER,
     "Cancelled: interview for {{ job.title }}, {{ interview.date }}",
     "<p>Hello {{ candidate.first_name }},</p><p>We are sorry: the interview for {{ job.title }} on "
     "{{ interview.date }} at {{ interview.time }} is cancelled. We will be in touch about what comes next.</p>"
     + _SIGN),
    ("interview_panel_cancelled", "Interview cancelled (panel)", C.MEETING_REMINDER,
     "Cancelled: interview with {{ candidate.full_name }}, {{ interview.date }}",
     "<p>Hello,</p><p>The interview with {{ candidate.full_name }} for {{ job.title }} on {{ interview.date }} at "
     "{{ interview.time }} is cancelled, or you are no longer on its panel.</p>" + _SIGN),
    ("task_reminder", "Task reminder", C.TASK_REMINDER,
     "Reminder: a task is waiting",
     "<p>Hello,</p><p>A hiring task for {{ candidate.full_name }} ({{ job.title }}) is waiting for you.</p>" + _SIGN),
]  # fmt: skip

# What the system sends by key (applications, interviews, rejections): switched off, never deleted.
SYSTEM_KEYS = frozenset(key for key, *_ in DEFAULT_TEMPLATES)


def ensure_default_templates(organization):
    """Create the default templates the organisation lacks. Never overwrites an edited template."""
    existing = set(organization.email_templates.values_list("key", flat=True))
    created = 0
    for key, name, category, subject, html in DEFAULT_TEMPLATES:
        if key in existing:
            continue
        try:
            with transaction.atomic():
                EmailTemplate.objects.create(
                    organization=organization, key=key, name=name, category=category, subject=subject, html_body=html
                )
                created += 1
        except IntegrityError:
            pass  # made by a concurrent request
    return created
