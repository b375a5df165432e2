"""What follows each event of the pipeline: the one place to read it.

A service that changes state calls one function here, inside its transaction;
each entry queues a background task by dotted path once the transaction commits
(a rolled-back request queues nothing). Tasks take ids, re-fetch, and are
idempotent. This module sits under every room of pipeline and imports none of
them: the dotted paths are the one sanctioned string reference across floors
(see the import contracts in pyproject.toml), and a test imports each of them.

Later steps add here: notifications and live updates (9), stage actions (10),
webhooks (12).
"""

from accounts.background import enqueue_on_commit

PARSE_RESUME = "pipeline.candidates.tasks.parse_resume"
TASK_PATHS = (PARSE_RESUME,)


def application_created(application, *, applied):
    """Someone applied (`applied`), or a recruiter added them to a job.

    The acknowledgement is not queued from here: its outbox row is written in the application's own
    transaction (applications.services.open_application), so no lost task can lose it.
    """


def resume_received(candidate):
    """A candidate's resume on file is new: read it in the background."""
    enqueue_on_commit(PARSE_RESUME, candidate.pk)


def stage_entered(history):
    """An application entered a stage (the history entry says from where, by whom)."""


def application_rejected(application):
    """An application was rejected with a reason."""


def application_withdrawn(application):
    """The candidate withdrew."""


def application_hired(application):
    """An application was hired."""


def note_added(note, mentioned):
    """A note was written; `mentioned` are the members it names."""
