"""What the pipeline tells the mail app: the plain values a template may use, per application."""

from django.conf import settings
from django.urls import reverse

from mail import services as mail


def values_for(application, *, sender=None):
    """The documented template context (mail.rendering.VARIABLES) for one application, as plain strings."""
    candidate, job = application.candidate, application.job
    organization = job.organization
    careers = settings.SITE_URL + reverse("careers:index", args=[organization.slug])
    return {
        "candidate.first_name": candidate.first_name,
        "candidate.last_name": candidate.last_name,
        "candidate.full_name": candidate.full_name,
        "candidate.email": candidate.email,
        "job.title": job.title,
        "job.department": job.department,
        "job.location": job.location,
        "job.url": settings.SITE_URL + reverse("careers:job", args=[organization.slug, job.slug]),
        "organization.name": organization.name,
        "organization.website": organization.website,
        "stage.name": application.current_stage.name if application.current_stage_id else "",
        "sender.name": sender.get_full_name() if sender else "",
        "sender.email": sender.email if sender else "",
        "links.careers": careers,
        "links.privacy": organization.privacy_policy_url,
    }


def send_to_candidate(*, application, key, sender=None):
    """Queue template `key` to the application's candidate; the message points back at the application."""
    return mail.send_template(
        organization=application.job.organization,
        key=key,
        to=[application.candidate.email],
        values=values_for(application, sender=sender),
        related=application,
        reply_to=sender.email if sender else "",
        sent_by=sender,
    )
