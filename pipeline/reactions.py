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

Later steps add here: stage actions (10), webhooks (12).
"""

from accounts.background import enqueue_on_commit
from notifications import live

PARSE_RESUME = "pipeline.candidates.tasks.parse_resume"
NOTIFY_NEW_APPLICATION = "pipeline.applications.tasks.notify_new_application"
NOTIFY_STAGE_ENTERED = "pipeline.applications.tasks.notify_stage_entered"
NOTIFY_DECISION = "pipeline.applications.tasks.notify_decision"
NOTIFY_MENTIONS = "pipeline.candidates.tasks.notify_mentions"
TASK_PATHS = (PARSE_RESUME, NOTIFY_NEW_APPLICATION, NOTIFY_STAGE_ENTERED, NOTIFY_DECISION, NOTIFY_MENTIONS)


def application_created(application, *, applied):
    """Someone applied (`applied`), or a recruiter added them to a job.

    The acknowledgement is not queued from here: its outbox row is written in the application's own
    transaction (applications.services.open_application), so no lost task can lose it.
    """
    enqueue_on_commit(NOTIFY_NEW_APPLICATION, application.pk)
    live.stages_changed(application.job_id, [application.current_stage_id])


def resume_received(candidate):
    """A candidate's resume on file is new: read it in the background."""
    enqueue_on_commit(PARSE_RESUME, candidate.pk)


def stage_entered(history):
    """An application entered a stage (the history entry says from where, by whom)."""
    enqueue_on_commit(NOTIFY_STAGE_ENTERED, history.pk)
    live.stages_changed(history.application.job_id, [history.from_stage_id, history.to_stage_id])


def application_rejected(application, event):
    """An application was rejected with a reason (`event`: its timeline entry, with who did it)."""
    _decided(application, event)


def application_withdrawn(application, event):
    """The candidate withdrew."""
    _decided(application, event)


def application_hired(application, event):
    """An application was hired."""
    _decided(application, event)


def _decided(application, event):
    enqueue_on_commit(NOTIFY_DECISION, event.pk)
    live.stages_changed(application.job_id, [application.current_stage_id])


def note_added(note, mentioned):
    """A note was written; `mentioned` are the members it names (none for a private note)."""
    if mentioned:
        enqueue_on_commit(NOTIFY_MENTIONS, note.pk)
