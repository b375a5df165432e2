"""Whom an application's news reaches, and what they are told (through notifications.notify).

Called from this room's tasks (queued by reactions), never from a request: telling people
may send email. Every recipient is also someone who may see the application now.
"""

from django.urls import reverse

from jobs.models import HiringTeamMember
from notifications.models import Category
from notifications.services import notify

from ..candidates.models import Note
from .access import members_who_see
from .models import Follow


def application_url(application):
    return reverse("pipeline:candidate", args=[application.candidate_id]) + f"#application-{application.pk}"


def followers(application):
    """Who follows `application`: its job's team and whoever wrote a note on it, unless they
    unfollowed; and whoever clicked Follow. Only those who may see it."""
    team = set(HiringTeamMember.objects.filter(job_id=application.job_id).values_list("user_id", flat=True))
    wrote = Note.objects.filter(application=application, author__isnull=False, visibility=Note.Visibility.TEAM)
    following = team | set(wrote.values_list("author_id", flat=True))
    for user_id, follows in Follow.objects.filter(application=application).values_list("user_id", "following"):
        (following.add if follows else following.discard)(user_id)
    return [
        membership.user
        for membership in members_who_see(application).filter(user_id__in=following).select_related("user")
    ]


def followed_among(applications, user):
    """The ids of `applications` (that `user` may see) whose news `user` follows: three queries for any number."""
    ids = [application.pk for application in applications]
    team_jobs = set(HiringTeamMember.objects.filter(user=user).values_list("job_id", flat=True))
    wrote = set(
        Note.objects.filter(application_id__in=ids, author=user, visibility=Note.Visibility.TEAM).values_list(
            "application_id", flat=True
        )
    )
    chosen = dict(Follow.objects.filter(application_id__in=ids, user=user).values_list("application_id", "following"))
    return {
        application.pk
        for application in applications
        if chosen.get(application.pk, application.job_id in team_jobs or application.pk in wrote)
    }


def new_application(application):
    """Tell the job's team that someone applied (or was added)."""
    job = application.job
    team = HiringTeamMember.objects.filter(job=job).values_list("user_id", flat=True)
    recipients = [
        membership.user for membership in members_who_see(application).filter(user_id__in=team).select_related("user")
    ]
    name = application.candidate.full_name
    notify(
        category=Category.NEW_APPLICATION,
        recipients=recipients,
        organization=job.organization,
        key=f"new_application:{application.pk}",
        title=f"{name} applied for {job.title}",
        body=f"Source: {application.source}" if application.source else "",
        url=application_url(application),
        target=application,
        subject=job.title,
        group_key=f"job:{job.pk}",
    )


def stage_entered(history):
    application = history.application
    name = application.candidate.full_name
    notify(
        category=Category.STAGE_CHANGE,
        recipients=followers(application),
        organization=application.job.organization,
        actor=history.moved_by,
        key=f"stage:{history.pk}",
        title=f"{name} moved to {history.to_stage.name} ({application.job.title})",
        body=f"From {history.from_stage_name}" if history.from_stage_name else "",
        url=application_url(application),
        target=application,
        subject=application.job.title,
        group_key=f"job:{application.job_id}",
    )


DECISIONS = {
    # event kind: (category, how the title reads)
    "rejected": (Category.REJECTION, "{name} was rejected for {job}"),
    "withdrawn": (Category.REJECTION, "{name} withdrew from {job}"),
    "hired": (Category.HIRE, "{name} was hired for {job}"),
}


def decided(event):
    """A rejection, withdrawal or hire (its timeline event), told to the application's followers."""
    application = event.application
    category, title = DECISIONS[event.kind]
    notify(
        category=category,
        recipients=followers(application),
        organization=application.job.organization,
        actor=event.actor,
        key=f"decision:{event.pk}",
        title=title.format(name=application.candidate.full_name, job=application.job.title),
        body=event.text,
        url=application_url(application),
        target=application,
        subject=application.job.title,
        group_key=f"job:{application.job_id}",
    )
