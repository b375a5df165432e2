"""Stage actions set off: the runs a stage entry owes, and what people do with them.

Runs are written in the transaction of the move (or rejection) that owes them and queued once it
commits, all of one move in one task (pipeline.automation.tasks.run_actions). A run that must wait
(a delay, the Undo window, a person's confirmation) is left for the sweeper (runner.sweep).
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.background import enqueue_on_commit

from ..applications.choices import MoveChoices
from ..applications.services import UNDO_WINDOW
from .models import ActionRun, StageAction

RUN_ACTIONS = "pipeline.automation.tasks.run_actions"
# A stage entered again within this long does not repeat the candidate emails it sent.
REPEAT_AFTER = timedelta(days=14)
WAITING = ActionRun.Status.WAITING
OPEN = (WAITING, ActionRun.Status.PENDING)
# Runs of these statuses count as "sent" for REPEAT_AFTER (a failed or cancelled one does not).
SENT_OR_GOING = (ActionRun.Status.PENDING, ActionRun.Status.RUNNING, ActionRun.Status.DONE, ActionRun.Status.WAITING)


def start_stage_actions(entries, *, choices=None, candidate_emails=True):
    """One run per active action of the stage the `entries` (history entries, one job, one stage) entered.

    Called by pipeline.reactions inside the move's transaction; a fixed number of queries whatever
    the number of entries. Returns the runs that wait for a person's confirmation.

    - A candidate email set off by a person's move waits out the move's Undo window.
    - An offer or rejection email waits for confirmation unless `choices` confirmed it (then it
      goes with the person's edited text, or is skipped as they chose).
    - A candidate email this stage already sent the person within REPEAT_AFTER is skipped, unless
      `choices.send_again`; and none at all when `candidate_emails` is off (a recruiter added them).
    """
    choices = choices or MoveChoices()
    if not choices.run_actions:
        return []
    now = timezone.now()
    # A confirmation left unanswered at the stage it leaves is moot: its email would no longer apply.
    _cancel(
        ActionRun.objects.filter(application_id__in=[entry.application_id for entry in entries], status=WAITING),
        "Not confirmed before it moved on.",
    )
    stage_id = entries[0].to_stage_id
    actions = list(StageAction.objects.filter(stage_id=stage_id, is_active=True).select_related("email_template"))
    if not actions:
        return []
    sent_lately = set()
    if not choices.send_again and any(action.emails_candidate for action in actions):
        sent_lately = set(
            ActionRun.objects.filter(
                action__in=[a for a in actions if a.emails_candidate],
                application_id__in=[entry.application_id for entry in entries],
                status__in=SENT_OR_GOING,
                created_at__gte=now - REPEAT_AFTER,
            ).values_list("action_id", "application_id")
        )
    runs = []
    for entry in entries:
        for action in actions:
            runs.append(_run_for(action, entry, choices=choices, now=now, candidate_emails=candidate_emails,
                                 sent_lately=(action.pk, entry.application_id) in sent_lately))  # fmt: skip
    due = [run for run in runs if run.status == ActionRun.Status.PENDING and run.due_at <= now]
    for run in due:
        run.enqueued_at = now  # written with the row: queued below, once the move commits
    ActionRun.objects.bulk_create(runs)
    if due:
        enqueue_on_commit(RUN_ACTIONS, [run.pk for run in due])
    return [run for run in runs if run.status == WAITING]


def _run_for(action, entry, *, choices, now, candidate_emails, sent_lately):
    run = ActionRun(
        action=action, application_id=entry.application_id, history=entry, kind=action.kind, label=action.summary,
        created_by=entry.moved_by, created_at=now, due_at=now + timedelta(minutes=action.delay_minutes),
    )  # fmt: skip
    if not action.emails_candidate:
        return run
    if not candidate_emails:
        return _settled(run, ActionRun.Status.SKIPPED, "Not sent: a recruiter added this person, they didn't apply.")
    if sent_lately:
        return _settled(run, ActionRun.Status.SKIPPED, "Not sent again: this stage sent it in the last 14 days.")
    if entry.moved_by_id is not None:
        run.due_at = max(run.due_at, now + UNDO_WINDOW)
    if action.asks_first:
        if not choices.confirmed:
            run.status = WAITING
        elif action.pk in choices.skip:
            return _settled(run, ActionRun.Status.SKIPPED, "Skipped by the person who moved it.")
        elif (edit := choices.edits.get(action.pk)) is not None:
            run.email_subject, run.email_body = edit.subject, edit.body
    return run


def _settled(run, status, result):
    run.status, run.result, run.finished_at = status, result, run.created_at
    return run


def _queue(runs):
    """Hand `runs` to the worker in one task once the transaction commits."""
    if runs:
        now = timezone.now()
        ActionRun.objects.filter(pk__in=[run.pk for run in runs]).update(enqueued_at=now)
        enqueue_on_commit(RUN_ACTIONS, [run.pk for run in runs])


def queue_rejection_email(application, email, *, by=None):
    """The rejection form's email (applications.choices.WrittenEmail), now or after its delay."""
    now = timezone.now()
    run = ActionRun.objects.create(
        application=application, trigger=ActionRun.Trigger.REJECTION, kind=StageAction.Kind.EMAIL,
        label="Rejection email to the candidate", email_subject=email.subject, email_body=email.body,
        created_by=by, created_at=now, due_at=now + email.delay,
    )  # fmt: skip
    if email.delay <= timedelta(0):
        _queue([run])
    return run


def cancel_pending_runs(application, *, reason, trigger):
    """Cancel the application's runs not yet started that `trigger` set off (reject, withdraw, hire, un-reject)."""
    return _cancel(ActionRun.objects.filter(application=application, trigger=trigger), reason)


def cancel_runs_of_entry(entry, *, reason):
    """Cancel what one stage entry set off and hasn't done (an undone move)."""
    return _cancel(ActionRun.objects.filter(history=entry), reason)


def _cancel(runs, reason):
    return runs.filter(status__in=OPEN).update(
        status=ActionRun.Status.CANCELLED, result=reason[:300], finished_at=timezone.now()
    )


# --- What people do with runs (the candidate page, the confirm form) ------------------------------


def _locked_run(run, statuses, message):
    run = ActionRun.objects.select_for_update().get(pk=run.pk)
    if run.status not in statuses:
        raise ValidationError(message)
    return run


@transaction.atomic
def retry_run(*, run, by=None):
    """A failed run, again, now (what it already did is not done twice: see runner.perform)."""
    run = _locked_run(run, (ActionRun.Status.FAILED,), "Only a failed action can be retried.")
    run.status, run.error, run.attempts, run.due_at = ActionRun.Status.PENDING, "", 0, timezone.now()
    run.save(update_fields=["status", "error", "attempts", "due_at"])
    _queue([run])
    return run


@transaction.atomic
def cancel_run(*, run, by=None):
    run = _locked_run(run, OPEN, "Only an action that hasn't run yet can be cancelled.")
    name = by.name or by.email if by else "someone"
    _cancel(ActionRun.objects.filter(pk=run.pk), f"Cancelled by {name}.")
    run.refresh_from_db()
    return run


@transaction.atomic
def confirm_runs(*, runs, by, send, edit=None):
    """A person's answer to runs waiting for confirmation: `send` (with `edit`, a WrittenEmail, if
    they changed the text) or skip. Runs no longer waiting (answered in another tab) are left alone.
    Returns the runs answered."""
    ids = [run.pk for run in runs]
    waiting = list(ActionRun.objects.select_for_update().filter(pk__in=ids, status=WAITING))
    if not waiting:
        return []
    if not send:
        name = by.name or by.email
        _cancel(ActionRun.objects.filter(pk__in=[r.pk for r in waiting]), f"Skipped by {name}.")
        return waiting
    now = timezone.now()
    for run in waiting:
        run.status, run.due_at = ActionRun.Status.PENDING, now
        if edit is not None:
            run.email_subject, run.email_body = edit.subject, edit.body
    ActionRun.objects.bulk_update(waiting, ["status", "due_at", "email_subject", "email_body"])
    _queue(waiting)
    return waiting


def runs_of(applications):
    """The runs of `applications`, newest first, for the timeline (the viewer may see the applications)."""
    return ActionRun.objects.filter(application__in=applications).select_related("task")


def waiting_runs(application_ids):
    return ActionRun.objects.filter(application_id__in=application_ids, status=ActionRun.Status.WAITING).select_related(
        "action__email_template", "application__candidate"
    )
