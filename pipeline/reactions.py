"""What follows each event of the pipeline: the one place to read it.

A service that changes state calls one function here, inside its transaction;
each entry queues a background task by dotted path once the transaction commits
(a rolled-back request queues nothing). Tasks take ids, re-fetch, and are
idempotent. This module sits under every room of pipeline and imports none of
them: the dotted paths are the one sanctioned string reference across floors
(see the import contracts in pyproject.toml), and a test imports each of them.

Live updates are the one exception to "queue a task": an open board's "these columns changed" is
published on commit from the process that made the change (notifications.live), because it is a
hint, not work: losing one loses nothing a page's next fetch doesn't show, and a queue's delay
would only make it late.

Stage actions are the main entry that writes in the caller's transaction: entering a stage owes
one ActionRun per action of that stage, and the runs are the record of that debt (a sweeper finds
a run whose task was lost), so they are written with the move, then queued on commit. This module
reaches pipeline.automation by dotted path, like the tasks, so it still imports no room. A decision
cancels the application's interviews still to come the same way (their cancellations are written
to the outbox with the decision).

Webhooks: each event an organisation's endpoints may hear of queues one task with the ids of the
records that set it off (pipeline.webhooks.events reads them); that task writes a delivery per
subscribed endpoint and sends each through the worker.
"""

from django.utils.module_loading import import_string

from accounts.background import enqueue_on_commit
from notifications import live

PARSE_RESUME = "pipeline.candidates.tasks.parse_resume"
NOTIFY_NEW_APPLICATION = "pipeline.applications.tasks.notify_new_application"
NOTIFY_STAGE_ENTERED = "pipeline.applications.tasks.notify_stage_entered"
NOTIFY_DECISION = "pipeline.applications.tasks.notify_decision"
NOTIFY_MENTIONS = "pipeline.candidates.tasks.notify_mentions"
NOTIFY_TASK_ASSIGNED = "pipeline.tasks.jobs.notify_assigned"
NOTIFY_INTERVIEW_SCHEDULED = "pipeline.interviews.jobs.notify_scheduled"
SEND_WEBHOOKS = "pipeline.webhooks.tasks.send_event"
TASK_PATHS = (
    PARSE_RESUME,
    NOTIFY_NEW_APPLICATION,
    NOTIFY_STAGE_ENTERED,
    NOTIFY_DECISION,
    NOTIFY_MENTIONS,
    NOTIFY_TASK_ASSIGNED,
    NOTIFY_INTERVIEW_SCHEDULED,
    SEND_WEBHOOKS,
)
# Called in the caller's transaction (see above), not queued.
START_STAGE_ACTIONS = "pipeline.automation.services.start_stage_actions"
CANCEL_PENDING_RUNS = "pipeline.automation.services.cancel_pending_runs"
CANCEL_RUNS_OF_ENTRY = "pipeline.automation.services.cancel_runs_of_entry"
QUEUE_REJECTION_EMAIL = "pipeline.automation.services.queue_rejection_email"
CANCEL_UPCOMING_INTERVIEWS = "pipeline.interviews.services.cancel_upcoming"
IN_TRANSACTION_PATHS = (
    START_STAGE_ACTIONS,
    CANCEL_PENDING_RUNS,
    CANCEL_RUNS_OF_ENTRY,
    QUEUE_REJECTION_EMAIL,
    CANCEL_UPCOMING_INTERVIEWS,
)


def _now(path, *args, **kwargs):
    return import_string(path)(*args, **kwargs)


def application_created(application, history, *, applied):
    """Someone applied (`applied`), or a recruiter added them to a job (`history`: its first entry).

    The first stage's actions start here (its acknowledgement email among them); candidate emails
    only for someone who applied, never for a person a recruiter added.
    """
    _now(START_STAGE_ACTIONS, [history], candidate_emails=applied)
    enqueue_on_commit(NOTIFY_NEW_APPLICATION, application.pk)
    enqueue_on_commit(SEND_WEBHOOKS, "application.created", application.pk)
    live.stages_changed(application.job_id, [application.current_stage_id])


def application_deleted(job_id, stage_id):
    """An admin deleted an application (pipeline.privacy): open boards drop its card."""
    live.stages_changed(job_id, [stage_id])


def candidate_created(candidate):
    """A person is new to the organisation (they applied, or a recruiter added them)."""
    enqueue_on_commit(SEND_WEBHOOKS, "candidate.created", candidate.pk)


def resume_received(candidate):
    """A candidate's resume on file is new: read it in the background."""
    enqueue_on_commit(PARSE_RESUME, candidate.pk)


def stages_entered(entries, choices=None):
    """Applications of one job entered a stage (each history entry says from where, by whom).

    Any number of entries costs the same queries: one notification task for them all, and their
    stage actions started in one batch. `choices` (applications.choices.MoveChoices) is what the
    person moving said of the actions. Returns the runs that wait for a person to confirm them.
    """
    if not entries:
        return []
    waiting = _now(START_STAGE_ACTIONS, entries, choices=choices)
    enqueue_on_commit(NOTIFY_STAGE_ENTERED, *[entry.pk for entry in entries])
    enqueue_on_commit(SEND_WEBHOOKS, "application.stage_changed", *[entry.pk for entry in entries])
    stages = {stage for entry in entries for stage in (entry.from_stage_id, entry.to_stage_id)}
    live.stages_changed(entries[0].application.job_id, stages)
    return waiting


def move_undone(entry):
    """A move was undone (`entry`: the history entry undone): its runs not yet done are cancelled."""
    _now(CANCEL_RUNS_OF_ENTRY, entry, reason="The move was undone.")


def application_rejected(application, event, *, email=None):
    """An application was rejected with a reason (`event`: its timeline entry, with who did it).

    Its pending stage actions are cancelled; `email` (applications.choices.WrittenEmail) is the
    rejection email the person chose to send, at once or later.
    """
    _decided(application, event)
    enqueue_on_commit(SEND_WEBHOOKS, "application.rejected", event.pk)
    if email is not None:
        _now(QUEUE_REJECTION_EMAIL, application, email, by=event.actor)


def application_withdrawn(application, event):
    """The candidate withdrew (a member recorded it, or they did on their status page)."""
    _decided(application, event)
    enqueue_on_commit(SEND_WEBHOOKS, "application.withdrawn", event.pk)


def application_hired(application, event):
    """An application was hired."""
    _decided(application, event)
    enqueue_on_commit(SEND_WEBHOOKS, "application.hired", event.pk)


def application_unrejected(application, event):
    """Brought back into the process: a rejection email not yet sent never goes."""
    _now(CANCEL_PENDING_RUNS, application, reason="Brought back into the process.", trigger="rejection")


def _decided(application, event):
    _now(CANCEL_PENDING_RUNS, application, reason=f"{event.text}.", trigger="stage")
    # Its interviews still to come leave everyone's calendar (the decision is the reason given).
    _now(CANCEL_UPCOMING_INTERVIEWS, application, reason=f"{event.text}.")
    enqueue_on_commit(NOTIFY_DECISION, event.pk)
    live.stages_changed(application.job_id, [application.current_stage_id])


def task_assigned(task):
    """A task was given to someone (made for them, or handed over): they hear of it."""
    enqueue_on_commit(NOTIFY_TASK_ASSIGNED, task.pk, task.assignee_id)


def note_added(note, mentioned):
    """A note was written; `mentioned` are the members it names (none for a private note)."""
    if mentioned:
        enqueue_on_commit(NOTIFY_MENTIONS, note.pk)


def interview_scheduled(interview, user_ids, *, by=None):
    """Members were put on an interview's panel (scheduled, or added later): they hear of it.
    Their invitations are already in the outbox: the interview's service wrote them with it."""
    enqueue_on_commit(NOTIFY_INTERVIEW_SCHEDULED, interview.pk, list(user_ids), getattr(by, "pk", None))
    if interview.sequence == 0:  # a new interview (a reschedule, which may add to the panel, counts up)
        enqueue_on_commit(SEND_WEBHOOKS, "interview.scheduled", interview.pk)


def scorecard_submitted(scorecard, *, created):
    """Feedback was given (or changed): open boards redraw the card's recommendation tally. Webhooks
    hear of the first submission only (a change is the same scorecard, by the same person)."""
    application = scorecard.interview.application
    live.stages_changed(application.job_id, [application.current_stage_id])
    if created:
        enqueue_on_commit(SEND_WEBHOOKS, "scorecard.submitted", scorecard.pk)
