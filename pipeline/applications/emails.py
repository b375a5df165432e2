"""What the pipeline tells the mail app: the variables a template may use, and their values per application."""

from django.conf import settings
from django.db.models import F
from django.urls import reverse

from jobs.models import Job
from mail import rendering
from mail import services as mail
from mail.models import EmailMessage

from .status_link import status_url

# Registered with mail from PipelineConfig.ready(): name -> (what it is, sample value for previews), and
# SYSTEM_URL for a URL this site builds (click tracking may follow it; never a value someone typed).
VARIABLES = {
    "candidate.first_name": ("Candidate's first name", "Ada"),
    "candidate.last_name": ("Candidate's last name", "Lovelace"),
    "candidate.full_name": ("Candidate's full name", "Ada Lovelace"),
    "candidate.email": ("Candidate's email", "ada@example.com"),
    "job.title": ("Job title", "Senior Backend Engineer"),
    "job.department": ("Job's department", "Engineering"),
    "job.location": ("Job's location", "London, UK (hybrid)"),
    "job.url": (
        "Job's careers page",
        "https://careers.example.com/acme/senior-backend-engineer/",
        rendering.SYSTEM_URL,
    ),
    "stage.name": ("The application's stage", "Phone Screen"),
    # For the interview templates: pipeline.interviews.emails.values_for() fills them from the real
    # interview; any other email (about an application, not an interview) prints nothing for them.
    "interview.date": ("Interview date", "Tuesday 3 March 2026"),
    "interview.time": ("Interview time and zone", "14:30 CET"),
    "interview.place": ("Interview place or link", "Video call: https://meet.example.com/abc"),
    "interview.url": (
        "The interview's page, for the team",
        "https://ats.example.com/interviews/42/",
        rendering.SYSTEM_URL,
    ),
    "links.careers": ("Your careers page", "https://careers.example.com/acme/", rendering.SYSTEM_URL),
    # The candidate's own status page (applications.status_link): in every email to the candidate about
    # an application; empty in those to the team (the link is the candidate's, like a password).
    "application.status_url": (
        "The candidate's status page for this application (their emails only)",
        "https://careers.example.com/acme/-/status/42:sample/",
        rendering.SYSTEM_URL,
    ),
}


def register_variables():
    rendering.register_variables("pipeline", VARIABLES)


def sample_values(organization, viewer=None):
    """An organisation's previews and test sends show its own newest open job and careers page (mail's
    register_samples hook), not another company's; the documented samples stand in without one."""
    job = (
        Job.objects.filter(organization=organization, status=Job.Status.OPEN)
        .order_by(F("published_at").desc(nulls_last=True), "-pk")
        .first()
    )
    if job is None:
        return {}
    return {
        "job.title": job.title,
        "job.department": job.department,
        "job.location": job.location,
        "job.url": settings.SITE_URL + reverse("careers:job", args=[organization.slug, job.slug]),
        "links.careers": settings.SITE_URL + reverse("careers:index", args=[organization.slug]),
    }


def register_samples():
    rendering.register_samples("pipeline", sample_values)


def values_for(application, *, sender=None, to_candidate=False):
    """The template context (mail's variables and VARIABLES above) for one application, as plain strings.

    `to_candidate`: the email goes to the candidate, so it carries their status link; an email to
    the team (a panel's invitation, a stage action's email to members) never does.
    """
    candidate, job = application.candidate, application.job
    organization = job.organization
    careers = settings.SITE_URL + reverse("careers:index", args=[organization.slug])
    return {
        **rendering.base_values(organization, sender=sender),
        "candidate.first_name": candidate.first_name,
        "candidate.last_name": candidate.last_name,
        "candidate.full_name": candidate.full_name,
        "candidate.email": candidate.email,
        "job.title": job.title,
        "job.department": job.department,
        "job.location": job.location,
        "job.url": settings.SITE_URL + reverse("careers:job", args=[organization.slug, job.slug]),
        "stage.name": application.current_stage.name if application.current_stage_id else "",
        "links.careers": careers,
        "application.status_url": status_url(application, organization=organization) if to_candidate else "",
    }


def send_to_candidate(*, application, key, sender=None, idempotency_key=None):
    """Queue template `key` to the application's candidate; the message points back at the application."""
    return mail.send_template(
        organization=application.job.organization,
        key=key,
        to=[application.candidate.email],
        values=values_for(application, sender=sender, to_candidate=True),
        related=application,
        reply_to=sender.email if sender else "",
        sent_by=sender,
        idempotency_key=idempotency_key,
    )


def _check_organization(application, template):
    if template is not None and template.organization_id != application.job.organization_id:
        raise ValueError("The template belongs to another organisation.")


def preview_written(*, application, subject, body, sender=None):
    """(subject, html, text) of a recruiter's text as this application's candidate would get it.

    Raises ValidationError (keyed "subject" and "body") when it can't be rendered: see mail.services.render_written.
    """
    return mail.render_written(
        subject=subject, body=body, values=values_for(application, sender=sender, to_candidate=True)
    )


def send_written(*, application, subject, body, cc=(), sender=None, idempotency_key=None, template=None):
    """Queue a recruiter's own text (template sources, variables allowed, the body HTML) to the candidate.

    Rendered for this application with values_for(), the HTML cleaned by nh3, related to the
    application, replies to `sender`. `template` is the one the text started from, if any (the
    log shows it); `cc` at most mail.services.MAX_CC addresses. With an `idempotency_key` a second
    call returns the first message and sends nothing. Raises ValidationError when the text can't
    be rendered or an address isn't one.
    """
    if idempotency_key:
        existing = EmailMessage.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing  # not even rendered again: the first call's text is what was meant
    _check_organization(application, template)
    # The status link lets whoever holds it withdraw the person: not when the same text goes to others.
    values = values_for(application, sender=sender, to_candidate=not cc)
    subject, html, text = mail.render_written(subject=subject, body=body, values=values)
    return mail.queue_email(
        organization=application.job.organization, to=[application.candidate.email], cc=cc, subject=subject,
        html=html, text=text, template=template, values=values, related=application,
        reply_to=sender.email if sender else "", sent_by=sender, idempotency_key=idempotency_key,
    )  # fmt: skip


def send_written_to_applications(*, applications, subject, body, sender, template=None):
    """send_written for each application's candidate, in a fixed number of queries whatever their number.

    `applications` come with their candidate, current stage and job's organisation selected (one
    organisation). All or nothing: text that can't be rendered for one of them raises ValidationError
    (saying for whom) and queues nothing. Returns the messages.
    """
    applications = list(applications)
    if not applications:
        return []
    organization = applications[0].job.organization
    if any(a.job.organization_id != organization.pk for a in applications):
        raise ValueError("The applications belong to more than one organisation.")
    _check_organization(applications[0], template)
    recipients = [(a.candidate.email, values_for(a, sender=sender, to_candidate=True), a) for a in applications]
    return mail.queue_written(
        organization=organization, subject=subject, body=body, recipients=recipients, template=template,
        reply_to=sender.email if sender else "", sent_by=sender,
    )  # fmt: skip
