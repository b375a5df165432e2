"""One person with something in every place the site keeps a candidate's data, made through the real services."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Membership
from jobs.models import FormField, HiringTeamMember
from jobs.services import add_question
from mail import services as mail
from mail.models import EmailTemplate
from notifications.digest import send_digest
from pipeline.applications.choices import WrittenEmail
from pipeline.applications.emails import send_to_candidate
from pipeline.applications.services import move_application, submit_application
from pipeline.automation.services import queue_rejection_email
from pipeline.candidates.models import Candidate, TimelineEvent
from pipeline.candidates.services import add_note
from pipeline.interviews.models import Scorecard
from pipeline.interviews.services import schedule_interview, submit_scorecard
from pipeline.privacy.services import extend_retention
from pipeline.tasks.models import Task
from pipeline.tasks.services import add_comment
from tests.factories import MembershipFactory, make_job, pdf_bytes

FIRST, LAST = "Zelda", "Quixotewright"
FULL_NAME = f"{FIRST} {LAST}"
EMAIL = "zelda.quixotewright@example.org"
PHONE = "+44 20 7946 0321"
NEEDLES = (EMAIL, FULL_NAME, LAST, PHONE)


@pytest.fixture
def admin_user(organization):
    return MembershipFactory(organization=organization, role=Membership.Role.ADMIN).user


@pytest.fixture
def person(organization, owner, django_capture_on_commit_callbacks):
    """Zelda, who applied with a resume and a portfolio file, was discussed, moved, written to and extended."""
    organization.privacy_policy_url = "https://acme.example/privacy"
    organization.save()
    job = make_job(organization, title="Backend Engineer", created_by=owner)
    # A colleague on the team hears of it all: in the app, by email (mention) and in a digest.
    colleague = MembershipFactory(organization=organization, user__name="Riley Colleague").user
    HiringTeamMember.objects.create(job=job, user=colleague, role=HiringTeamMember.Role.RECRUITER)
    portfolio = add_question(form=job.application_form, label="Portfolio", field_type=FormField.Type.FILE)
    referral = add_question(form=job.application_form, label="Who referred you?", field_type=FormField.Type.SHORT_TEXT)
    resume = SimpleUploadedFile("zelda-cv.pdf", pdf_bytes([FULL_NAME, EMAIL, PHONE]), content_type="application/pdf")
    work = SimpleUploadedFile("work.pdf", pdf_bytes([f"Portfolio of {FULL_NAME}"]), content_type="application/pdf")
    values = {
        "first_name": FIRST,
        "last_name": LAST,
        "email": EMAIL,
        "phone": PHONE,
        "cover_letter": f"I am {FULL_NAME}.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        # Resume parsing and the acknowledgement run on commit (django-q2 in sync mode).
        application = submit_application(
            job=job,
            values=values,
            answers={referral.key: f"A friend of {FULL_NAME}"},
            files={"resume": resume, portfolio.key: work},
        )
    candidate = Candidate.objects.get(pk=application.candidate_id)
    stages = list(job.stages.order_by("order"))
    with django_capture_on_commit_callbacks(execute=True):
        move_application(application=application, to_stage=stages[1], by=owner, note=f"{FULL_NAME} was great")
        add_note(candidate=candidate, author=owner, body=f"@riley call {FULL_NAME} on {PHONE}")
        EmailTemplate.objects.create(
            organization=organization,
            key="personal",
            name="Personal",
            subject="For {{ candidate.full_name }}",
            html_body="<p>Dear {{ candidate.full_name }} ({{ candidate.email }})</p>",
        )
        send_to_candidate(application=application, key="personal", sender=owner)
    # The screening stage's action gave the recruiter a task naming them; someone commented on it.
    task = Task.objects.get(application=application)
    add_comment(task=task, author=owner, body=f"Left {FULL_NAME} a message on {PHONE}")
    # An interview this morning (its invitations carry .ics attachments naming them), and the
    # colleague's scorecard on it.
    with django_capture_on_commit_callbacks(execute=True):
        interview = schedule_interview(
            application=application, starts_at=timezone.now() - timedelta(hours=2), duration_minutes=45,
            interviewers=[colleague], organizer=owner, by=owner, title=f"Talk with {FULL_NAME}", location="Office",
        )  # fmt: skip
    submit_scorecard(
        interview=interview, author=colleague, recommendation=Scorecard.Recommendation.YES,
        notes=f"{FULL_NAME} explained caching well",
    )  # fmt: skip
    # A rejection email written for them, not gone yet (its run waits two days).
    queue_rejection_email(
        application, WrittenEmail(subject=f"Sorry {FULL_NAME}", body=f"<p>Dear {FULL_NAME}</p>", delay=timedelta(2))
    )
    assert send_digest(user=colleague, day=timezone.now().date()) == 1
    # One more that is still queued (its task never ran): erasing must not let it go out.
    queued = mail.queue_email(
        organization=organization, to=[EMAIL], subject=f"Hello {FULL_NAME}", text="Hi", related=application
    )
    TimelineEvent.objects.create(
        candidate=candidate, application=application, actor=owner, kind="called", text=f"Phoned {FULL_NAME}"
    )
    extend_retention(
        candidate=candidate,
        until=organization.local_date(timezone.now()) + timedelta(days=800),
        reason=f"{FULL_NAME} asked to stay in our talent pool",
        by=owner,
    )
    candidate.refresh_from_db()
    LogEntry.objects.create(
        user=owner,
        content_type=ContentType.objects.get_for_model(Candidate),
        object_id=str(candidate.pk),
        object_repr=str(candidate),
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Phone"]}}]',
    )
    return SimpleNamespace(
        organization=organization, job=job, candidate=candidate, application=application, queued=queued, owner=owner
    )
