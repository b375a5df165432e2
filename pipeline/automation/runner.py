"""The worker's side of stage actions: run one, idempotently; sweep up what is due or was lost.

How a run executed twice does its work once: a run is claimed (pending -> running, one UPDATE
that only one worker can win), then what it does and the record that it did it are written in one
transaction, so a worker that dies half way leaves no trace and the run is simply owed again.
What it does is keyed by the run besides ("action-run:<id>" on the outbox row, the notification,
the task), so even a run whose record were lost, or that a person retries, finds its email, its
notifications and its task already there and makes no second one. Its email is then sent once by
the outbox, which has its own claim (mail.services.deliver).
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.template import TemplateSyntaxError
from django.utils import timezone
from django.utils.formats import date_format

from accounts.background import enqueue_on_commit
from accounts.models import Membership
from jobs.models import HiringTeamMember
from mail import rendering
from mail import services as mail
from notifications.models import Category
from notifications.services import notify

from ..applications import emails
from ..applications.access import members_who_see
from ..applications.models import Application, ApplicationStageHistory
from ..applications.notices import application_url
from ..interviews.services import schedule_interview
from ..interviews.slots import next_working_day_at, organizer_zone
from ..tasks.services import create_task
from .models import ActionRun, StageAction
from .services import RUN_ACTIONS

logger = logging.getLogger(__name__)

# Unexpected failures are tried again after these waits; after the last try the run is failed.
RETRY_DELAYS = (timedelta(minutes=2), timedelta(minutes=10))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A run still "running" after this has lost its worker: the cluster kills a task after its timeout.
STUCK_AFTER = timedelta(seconds=settings.Q_CLUSTER.get("timeout", 120) + 60)
# A pending run queued this long ago and not yet started has lost its task: the sweeper queues it again.
LOST_AFTER = timedelta(minutes=1)
# Runs per task from the sweeper, and the time a task spends before handing the rest to a new one.
BATCH_SIZE = 200
BATCH_TIME_BUDGET = timedelta(seconds=settings.Q_CLUSTER.get("timeout", 120) / 2)


class ActionError(Exception):
    """A run that can't be done as it stands (no template, a template that can't be filled): failed
    at once with this message, for a person to fix and retry; trying again by itself would not help."""


def run_many(run_ids):
    """Run each of `run_ids`; past the time budget, hand the rest to a new task."""
    started = time.monotonic()
    for index, run_id in enumerate(run_ids):
        if time.monotonic() - started > BATCH_TIME_BUDGET.total_seconds():
            enqueue_on_commit(RUN_ACTIONS, list(run_ids[index:]))
            return
        run_one(run_id)


def run_one(run_id):
    """Run one action run if it is still pending; returns its status afterwards (None: not ours to run)."""
    run = _claim(run_id)
    if run is None:
        return None
    try:
        with transaction.atomic():
            # Locked for the run: a rejection (or a move) made meanwhile waits, then this run sees it.
            Application.objects.select_for_update().values_list("pk", flat=True).get(pk=run.application_id)
            run.application.refresh_from_db(fields=["status", "current_stage"])
            status, result, task = perform(run)
            ActionRun.objects.filter(pk=run.pk).update(
                status=status, result=result[:300], error="", finished_at=timezone.now(), task=task
            )
        return status
    except ActionError as error:
        _record_failure(run, str(error), final=True)
    except Exception as error:
        logger.exception("Stage action run %s failed", run.pk)
        _record_failure(run, f"{type(error).__name__}: {error}", final=run.attempts >= MAX_ATTEMPTS)
    return ActionRun.objects.values_list("status", flat=True).get(pk=run.pk)


def _claim(run_id):
    now = timezone.now()
    # Not checking due_at: only due runs are queued (on commit, or by the sweeper).
    claimed = ActionRun.objects.filter(pk=run_id, status=ActionRun.Status.PENDING).update(
        status=ActionRun.Status.RUNNING, started_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return ActionRun.objects.select_related(
        "action__email_template", "application__job__organization", "application__candidate",
        "application__current_stage", "created_by",
    ).get(pk=run_id)  # fmt: skip


def _record_failure(run, error, *, final):
    now = timezone.now()
    if final:
        fields = {"status": ActionRun.Status.FAILED, "finished_at": now}
    else:
        wait = RETRY_DELAYS[min(run.attempts, len(RETRY_DELAYS)) - 1]
        fields = {"status": ActionRun.Status.PENDING, "due_at": now + wait, "enqueued_at": None}
    ActionRun.objects.filter(pk=run.pk).update(error=error[:2000], **fields)


# --- What a run does -----------------------------------------------------------------------------


def perform(run):
    """Do what `run` owes, unless it no longer applies; (status, what happened, the task made or None)."""
    application = run.application
    reason = _not_wanted(run, application)
    if reason:
        return ActionRun.Status.SKIPPED, reason, None
    kind = run.kind
    if kind == StageAction.Kind.EMAIL:
        return ActionRun.Status.DONE, _email(run, application), None
    if kind == StageAction.Kind.NOTIFICATION:
        return ActionRun.Status.DONE, _notification(run, application), None
    if kind == StageAction.Kind.MEETING and run.action.slot_rule == StageAction.SlotRule.NEXT_WORKING_DAY:
        return ActionRun.Status.DONE, _meeting(run, application), None
    task = _task(run, application)
    return ActionRun.Status.DONE, f"Task “{task.title}” for {_name(task.assignee) or 'the team'}", task


def _not_wanted(run, application):
    """Why the run no longer applies ("" if it does): a delayed action checks the application first."""
    if run.trigger == ActionRun.Trigger.REJECTION:
        return "" if application.status == Application.Status.REJECTED else "Not sent: no longer rejected."
    if run.action_id is None:
        return "Not run: the action was deleted."
    if not run.action.is_active:
        return "Not run: the action was switched off."
    if application.status != Application.Status.ACTIVE:
        return f"Not run: the application is {application.get_status_display().lower()}."
    if ApplicationStageHistory.objects.filter(application=application, pk__gt=run.history_id).exists():
        return f"Not run: moved on to {application.current_stage.name}."
    return ""


def _sender(run, application):
    """Replies reach a person: whoever moved it, else whoever created the job, while a member."""
    job = application.job
    for user_id in (run.created_by_id, job.created_by_id):
        if (
            user_id
            and Membership.objects.filter(
                organization_id=job.organization_id, user_id=user_id, is_active=True, user__is_active=True
            ).exists()
        ):
            return run.created_by if user_id == run.created_by_id else job.created_by
    return None


def _people(action, application):
    """The members the action names (its team roles in their order, then named members) who may see
    the application, as users. A meeting's panel is every active member it names: being on the
    panel is what lets an interviewer see the application."""
    team = dict(
        HiringTeamMember.objects.filter(job_id=application.job_id, role__in=action.roles).values_list("user_id", "role")
    )
    wanted = set(team) | {member for member in action.members if isinstance(member, int)}
    if action.kind == StageAction.Kind.MEETING:
        members = Membership.objects.filter(
            organization_id=application.job.organization_id, is_active=True, user__is_active=True
        )
    else:
        members = members_who_see(application)
    users = {m.user_id: m.user for m in members.filter(user_id__in=wanted).select_related("user")}

    def rank(user_id):
        if user_id in team:
            return (0, action.roles.index(team[user_id]), user_id)
        return (1, action.members.index(user_id), user_id)

    return [users[user_id] for user_id in sorted(users, key=rank)]


def _name(user):
    return (user.name or user.email) if user else ""


def _email(run, application):
    action = run.action
    sender = _sender(run, application)
    sent = []
    if run.trigger == ActionRun.Trigger.REJECTION or action.to_candidate:
        template = action.email_template if action else None
        # The acknowledgement keeps the key it has always had: one per application, ever.
        if template is not None and template.key == "acknowledgement":
            key = f"ack:{application.pk}"
        else:
            key = f"action-run:{run.pk}:candidate"
        try:
            if run.email_body:
                emails.send_written(application=application, subject=run.email_subject, body=run.email_body,
                                    sender=sender, idempotency_key=key, template=template)  # fmt: skip
            else:
                _need_template(template)
                if emails.send_to_candidate(application=application, key=template.key, sender=sender,
                                            idempotency_key=key) is None:  # fmt: skip
                    raise ActionError(f"The email template “{template.name}” is switched off.")
        except ValidationError as error:
            raise ActionError(" ".join(error.messages)) from error
        sent.append("the candidate")
    if action is not None and (action.roles or action.members):
        people = _people(action, application)
        if people:
            template = _need_template(action.email_template)
            values = emails.values_for(application, sender=sender)
            for user in people:
                mail.send_template(
                    organization=application.job.organization, key=template.key, to=[user.email], values=values,
                    related=application, reply_to=sender.email if sender else "", sent_by=sender,
                    idempotency_key=f"action-run:{run.pk}:user:{user.pk}",
                )  # fmt: skip
            sent += [_name(user) for user in people]
    if not sent:
        return "Nobody to email: no one it names may see this application."
    return f"Emailed {', '.join(sent)}"


def _need_template(template):
    if template is None:
        raise ActionError("This action has no email template: choose one on the Stages page, then retry.")
    return template


def _render(source, values, what):
    try:
        return " ".join(rendering.render(source, values, html_output=False).split()) if source else ""
    except TemplateSyntaxError as error:
        raise ActionError(f"The {what} could not be filled in: {error}") from error


def _notification(run, application):
    action = run.action
    people = _people(action, application)
    if not people:
        return "Nobody to notify: no one it names may see this application."
    values = emails.values_for(application)
    notify(
        category=Category.STAGE_ACTION, recipients=people, organization=application.job.organization,
        actor=run.created_by, key=f"action-run:{run.pk}",
        title=_render(action.title, values, "message") or action.summary,
        body=_render(action.body, values, "details"), url=application_url(application), target=application,
        subject=application.job.title, group_key=f"job:{application.job_id}",
    )  # fmt: skip
    return f"Notified {', '.join(_name(user) for user in people)}"


def _meeting(run, application):
    """A meeting action with a slot rule: the interview itself, the next working day at 10:00 in the
    organiser's zone (whoever moved the application, else whoever created the job), invitations and all."""
    action = run.action
    organizer = _sender(run, application)
    organization = application.job.organization
    values = emails.values_for(application)
    try:
        interview = schedule_interview(
            application=application, organizer=organizer, by=run.created_by, key=f"action-run:{run.pk}",
            title=_render(action.title, values, "title") or action.get_kind_display(),
            starts_at=next_working_day_at(organizer_zone(organizer, organization)),
            duration_minutes=action.duration_minutes or 30, interviewers=_people(action, application),
            location=action.location, candidate_template=action.email_template.key if action.email_template else None,
        )  # fmt: skip
    except ValidationError as error:
        raise ActionError(" ".join(error.messages)) from error
    when = timezone.localtime(interview.starts_at, organizer_zone(organizer, organization))
    panel = ", ".join(_name(user) for user in interview.interviewers.all()) or "no interviewers yet"
    on = f"{date_format(when, 'DATETIME_FORMAT')} {when:%Z}"
    return f"Interview “{interview.title}” on {on} with {panel}; invitations sent"


def _task(run, application):
    """A task action's task; a meeting action "to schedule"'s: someone's task to arrange it."""
    action = run.action
    organization = application.job.organization
    values = emails.values_for(application)
    people = _people(action, application)
    title = _render(action.title, values, "title") or action.get_kind_display()
    description = _render(action.body, values, "description")
    if action.kind == StageAction.Kind.MEETING:
        who = ", ".join(_name(user) for user in people) or "interviewers to choose"
        details = [f"{action.duration_minutes or 30} minutes with {who}."]
        if action.location:
            details.append(f"Where: {action.location}")
        details.append("Find a time with them, then use “Schedule interview” on the candidate's page: the candidate "
                       "and the panel get their calendar invitations from there.")  # fmt: skip
        description = "\n".join([*details, description]).strip()
        title = f"Schedule: {title}"
        assignee = _sender(run, application)
    else:
        assignee = people[0] if people else None
    due_on = None
    if action.due_in_days is not None:
        due_on = organization.local_date(timezone.now()) + timedelta(days=action.due_in_days)
    return create_task(
        organization=organization, title=f"{title} — {application.candidate.full_name}", assignee=assignee,
        application=application, description=description, due_on=due_on, priority=action.priority,
        key=f"action-run:{run.pk}",
    )  # fmt: skip


# --- The sweeper ---------------------------------------------------------------------------------


def sweep(*, now=None):
    """Every minute: queue pending runs whose time has come (delays, retries) or whose task was lost,
    and give back runs whose worker died mid-run. Returns how many were queued."""
    now = now or timezone.now()
    for run in ActionRun.objects.filter(status=ActionRun.Status.RUNNING, started_at__lte=now - STUCK_AFTER):
        # Nothing of it was kept (its work and its record are one transaction): it is owed again.
        _record_failure(run, "The worker stopped during this try.", final=run.attempts >= MAX_ATTEMPTS)
    due = list(
        ActionRun.objects.filter(status=ActionRun.Status.PENDING, due_at__lte=now)
        .filter(Q(enqueued_at=None) | Q(enqueued_at__lte=now - LOST_AFTER))
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[: BATCH_SIZE * 10]
    )
    ActionRun.objects.filter(pk__in=due).update(enqueued_at=now)
    for start in range(0, len(due), BATCH_SIZE):
        enqueue_on_commit(RUN_ACTIONS, due[start : start + BATCH_SIZE])
    return len(due)
