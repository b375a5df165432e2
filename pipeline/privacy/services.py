"""Erasure and retention: the person's data goes, the rows that counts need stay as an anonymous tombstone.

Each table that holds something about a candidate is named here. A room added later (interviews,
scorecards, tasks, notifications...) adds its rows to erase_candidate, and the acceptance test
(tests/pipeline/privacy/test_erasure.py) finds any table it forgot, since it searches every text column.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Organization
from mail.erasure import erase_messages, messages_about
from notifications.erasure import erase_notifications

from .. import reactions
from ..applications.models import (
    AnswerChoice,
    Application,
    ApplicationFormAnswer,
    ApplicationStageHistory,
    new_status_salt,
)
from ..automation.models import ActionRun
from ..candidates.models import Candidate, Note, TimelineEvent, delete_file_on_commit
from ..interviews.models import Interview, Scorecard
from ..tasks.models import Task, TaskComment
from ..webhooks.services import erase_deliveries
from .models import ErasureRecord, RetentionExtension

# An application in these keeps the person's data past their date: the process is still running.
OPEN_STATUSES = (Application.Status.ACTIVE, Application.Status.ON_HOLD)
# What an application says in words about the person (its status, stage, tags and dates stay).
APPLICATION_TEXT = ("cover_letter", "notes", "internal_notes")
ERASED_TEXT = "(erased)"
REVIEW_WINDOW = timedelta(days=14)


def _open_application():
    return Exists(Application.objects.filter(candidate=OuterRef("pk"), status__in=OPEN_STATUSES))


@transaction.atomic
def erase_candidate(*, candidate, by=None, reason):
    """Erase the person behind `candidate`, in one transaction; returns the ErasureRecord (None if already erased).

    Goes: notes, form answers (values and files), the resume (file, text, parsed data), every profile
    field, timeline and stage-history text, the applications' free text, the tasks about them (with
    their comments), their interviews (panels and scorecards with them: the feedback is about the
    person; nobody is told, as a cancellation would name them again), what their stage actions' runs say
    (those not yet run are cancelled: nothing more goes out to or about them), what the outbox says
    about them (mail.erasure, attachments included), the webhook deliveries about them (payloads and
    receivers' answers), the notifications about them and the digests that
    listed one (notifications.erasure), the Django admin's log lines naming them, the reasons given
    for keeping them longer, and the status links their emails carried (a new salt). Stays: the
    Candidate row as a tombstone ("Erased candidate", an erased-<id>@erased.invalid address, erased_at)
    with its applications, statuses, stages and history dates, so counts and reports survive. The
    search vector (migration 0002) is a column PostgreSQL generates from the row, so it holds the
    tombstone's words once the row is saved.
    Files are deleted once the transaction commits.
    """
    candidate = Candidate.objects.select_for_update(of=("self",)).select_related("organization").get(pk=candidate.pk)
    if candidate.erased_at is not None:
        return None
    now = timezone.now()
    applications = list(Application.objects.filter(candidate=candidate))
    answers = ApplicationFormAnswer.objects.filter(application__candidate=candidate)
    files = [name for name in [candidate.resume.name, *answers.values_list("file", flat=True)] if name]

    tasks = list(Task.objects.filter(application__candidate=candidate))
    interviews = Interview.objects.filter(application__candidate=candidate)
    runs = ActionRun.objects.filter(application__candidate=candidate)
    about = [candidate, *applications, *tasks]
    sent = messages_about(organization=candidate.organization, related=about, addresses=[candidate.email])
    digests = erase_notifications(organization=candidate.organization, related=[*about, *sent])
    messages = erase_messages(
        organization=candidate.organization, related=about, addresses=[candidate.email], pks=digests
    )
    _erase_admin_log(
        {
            Candidate: [candidate.pk],
            Application: [a.pk for a in applications],
            ApplicationFormAnswer: list(answers.values_list("pk", flat=True)),
            ApplicationStageHistory: list(
                ApplicationStageHistory.objects.filter(application__candidate=candidate).values_list("pk", flat=True)
            ),
            Note: list(candidate.notes.values_list("pk", flat=True)),
            TimelineEvent: list(candidate.events.values_list("pk", flat=True)),
            Task: [task.pk for task in tasks],
            TaskComment: list(TaskComment.objects.filter(task__in=tasks).values_list("pk", flat=True)),
            ActionRun: list(runs.values_list("pk", flat=True)),
            Interview: list(interviews.values_list("pk", flat=True)),
            Scorecard: list(Scorecard.objects.filter(interview__in=interviews).values_list("pk", flat=True)),
        }
    )
    runs.filter(status__in=(ActionRun.Status.WAITING, ActionRun.Status.PENDING)).update(
        status=ActionRun.Status.CANCELLED, finished_at=now
    )
    runs.update(result=ERASED_TEXT, error="", email_subject="", email_body="")
    Task.objects.filter(pk__in=[task.pk for task in tasks]).delete()
    interviews.delete()
    erase_deliveries(candidate=candidate)
    answers.delete()
    # The chosen options are answers too (the applications stay, so they don't go by cascade).
    AnswerChoice.objects.filter(application__candidate=candidate).delete()
    candidate.notes.all().delete()
    candidate.events.update(text=ERASED_TEXT)
    Application.objects.filter(candidate=candidate).update(**dict.fromkeys(APPLICATION_TEXT, ""))
    # The status links in the emails they were sent die too (applications.status_link): a new salt each.
    for application in applications:
        application.status_salt = new_status_salt()
    Application.objects.bulk_update(applications, ["status_salt"])
    ApplicationStageHistory.objects.filter(application__candidate=candidate).update(note="")
    RetentionExtension.objects.filter(candidate=candidate).update(reason="")

    candidate.anonymise(at=now)
    candidate.save()
    TimelineEvent.objects.create(candidate=candidate, actor=by, kind="erased", text="Personal data erased")
    for name in files:
        delete_file_on_commit(name)
    return ErasureRecord.objects.create(
        organization=candidate.organization,
        candidate_number=candidate.pk,
        reason=reason,
        erased_by=by,
        erased_at=now,
        applications_kept=len(applications),
        files_deleted=len(files),
        messages_erased=messages,
    )


@transaction.atomic
def delete_application(*, application, by, reason):
    """Delete `application` and what hangs from it, in one transaction; returns the candidate's new
    TimelineEvent saying so (None if the application was already gone).

    Goes, as erase_candidate takes them for the whole person: its form answers (their files once the
    transaction commits), its tasks (with their comments), its interviews (panels and scorecards with
    them; nobody is told, as a cancellation would name the person again), its stage actions' runs
    (deleted before any still to run can start: the worker takes a run under the application's lock,
    held here), its stage history, notes and timeline events, what the outbox says about it or its
    tasks (mail.erasure; a message still queued never goes), the notifications about them and the
    digests that listed one (notifications.erasure), and the webhook deliveries about it (their
    foreign key cascades with the row). Stays: the Candidate, their other applications and what the
    outbox sent them about those, and a timeline event naming the job and who deleted it, so the
    candidate's page says what happened. A person left with no application stays in the talent pool:
    erasing them is erase_candidate's, a separate decision.
    """
    # The candidate first, then the application: erase_candidate's order, so the two never deadlock.
    candidate = (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("organization")
        .filter(pk=application.candidate_id)
        .first()
    )
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("job")
        .filter(pk=application.pk, candidate=candidate)
        .first()
    )
    if application is None:
        return None
    organization = candidate.organization
    answers = ApplicationFormAnswer.objects.filter(application=application)
    files = [name for name in answers.values_list("file", flat=True) if name]
    tasks = list(Task.objects.filter(application=application))

    about = [application, *tasks]
    sent = messages_about(organization=organization, related=about)
    digests = erase_notifications(organization=organization, related=[*about, *sent])
    erase_messages(organization=organization, related=about, pks=digests)
    ActionRun.objects.filter(application=application).delete()
    Task.objects.filter(pk__in=[task.pk for task in tasks]).delete()
    Interview.objects.filter(application=application).delete()
    answers.delete()
    ApplicationStageHistory.objects.filter(application=application).delete()
    Note.objects.filter(application=application).delete()
    TimelineEvent.objects.filter(application=application).delete()
    job_id, stage_id = application.job_id, application.current_stage_id
    application.delete()
    reactions.application_deleted(job_id, stage_id)

    for name in files:
        delete_file_on_commit(name)
    text = f"Application for {application.job.title} deleted by {by or 'the system'}"
    return TimelineEvent.objects.create(
        candidate=candidate,
        actor=by,
        kind="application_deleted",
        text=f"{text} ({reason})"[:500] if reason else text[:500],
    )


def _erase_admin_log(pks_by_model):
    """Django admin's history names each object it changed (its str(), the person's name): blank those lines."""
    content_types = ContentType.objects.get_for_models(*pks_by_model)
    match = Q(pk__in=[])
    for model, pks in pks_by_model.items():
        if pks:
            match |= Q(content_type=content_types[model], object_id__in=[str(pk) for pk in pks])
    LogEntry.objects.filter(match).update(object_repr=ERASED_TEXT, change_message="")


# --- Retention ---------------------------------------------------------------------------------


def expired_candidates(*, now=None):
    """Candidates whose date has passed in their organisation's zone, with no application active or on hold.

    `retain_until` is the last day kept ("We keep your data until <date>"), so a candidate is due
    the day after. Candidates without a date are never due.
    """
    now = now or timezone.now()
    past = Q(pk__in=[])
    # One condition per time zone in use: "today" differs between them, the zones are few.
    for zone in Organization.objects.values_list("timezone", flat=True).distinct():
        today = now.astimezone(ZoneInfo(zone or "UTC")).date()
        past |= Q(organization__timezone=zone, retain_until__lt=today)
    return Candidate.objects.filter(past, erased_at=None).exclude(_open_application())


def is_expired(candidate, *, now=None):
    """expired_candidates' rule for one candidate, read afresh."""
    if candidate.erased_at is not None or candidate.retain_until is None:
        return False
    if candidate.retain_until >= candidate.organization.local_date(now or timezone.now()):
        return False
    return not Application.objects.filter(candidate=candidate, status__in=OPEN_STATUSES).exists()


@transaction.atomic
def erase_if_expired(*, candidate_id, now=None):
    """Erase candidate `candidate_id` when it is still due once its row is locked; the record, or None.

    Rechecked under the lock because someone may have applied again (a new date, an open
    application) or an admin extended the date since the list was read.
    """
    candidate = (
        Candidate.objects.select_for_update(of=("self",)).select_related("organization").filter(pk=candidate_id).first()
    )
    if candidate is None or not is_expired(candidate, now=now):
        return None
    return erase_candidate(candidate=candidate, reason=ErasureRecord.Reason.RETENTION)


def retention_due(organization, *, now=None):
    """The organisation's candidates due for erasure within REVIEW_WINDOW (or overdue), soonest first.

    `blocked` says an application active or on hold keeps them for now.
    """
    today = organization.local_date(now or timezone.now())
    return (
        Candidate.objects.filter(organization=organization, erased_at=None, retain_until__lte=today + REVIEW_WINDOW)
        .annotate(blocked=_open_application())
        .order_by("retain_until", "pk")
    )


@transaction.atomic
def extend_retention(*, candidate, until, reason, by):
    """Keep `candidate` until `until` (a later day than today and than their current date), saying why."""
    candidate = Candidate.objects.select_for_update(of=("self",)).select_related("organization").get(pk=candidate.pk)
    reason = " ".join(str(reason).split())
    if candidate.erased_at is not None:
        raise ValidationError("This candidate's data has already been erased.")
    if not reason:
        raise ValidationError({"reason": "Say why their data is kept longer."})
    today = candidate.organization.local_date(timezone.now())
    if until <= today:
        raise ValidationError({"retain_until": "Choose a day after today."})
    if candidate.retain_until and until <= candidate.retain_until:
        current = date_format(candidate.retain_until)
        raise ValidationError({"retain_until": f"Choose a day after their current date ({current})."})
    extension = RetentionExtension.objects.create(
        candidate=candidate, previous_date=candidate.retain_until, new_date=until, reason=reason[:500], extended_by=by
    )
    candidate.retain_until = until
    candidate.save(update_fields=["retain_until", "updated_at"])
    return extension
