"""pipeline/reactions.py: every task it names exists, and applying queues exactly what it lists, on commit only.

reactions.py imports no room (see the import contracts in pyproject.toml): it queues tasks by dotted
path, so a renamed task would only fail in the worker. These tests import each path instead.
"""

import pytest
from django.db import transaction
from django.utils.module_loading import import_string

from mail.models import EmailMessage
from pipeline import reactions
from pipeline.applications.services import submit_application
from pipeline.automation.models import ActionRun
from pipeline.automation.services import RUN_ACTIONS
from pipeline.candidates.models import Candidate
from tests.factories import make_job, pdf_upload


def _named_paths():
    """Every module-level string of reactions.py that names something to import ("pkg.module.function")."""
    return {
        name: value
        for name, value in vars(reactions).items()
        if name.isupper() and isinstance(value, str) and "." in value
    }


def test_reactions_names_its_tasks_and_in_transaction_calls_in_their_lists():
    paths = _named_paths()
    assert paths  # reactions.py queues something today (resume parsing)
    assert set(paths.values()) == set(reactions.TASK_PATHS) | set(reactions.IN_TRANSACTION_PATHS)


@pytest.mark.parametrize("path", reactions.TASK_PATHS + reactions.IN_TRANSACTION_PATHS)
def test_every_task_path_imports_to_a_function(path):
    assert callable(import_string(path))


@pytest.fixture
def queued(monkeypatch):
    """What reaches django-q: (task path, args) for each async_task call, in order."""
    calls = []
    monkeypatch.setattr("django_q.tasks.async_task", lambda path, *args, **kwargs: calls.append((path, args)))
    return calls


@pytest.fixture
def job(organization):
    organization.privacy_policy_url = "https://acme.example/privacy"  # the apply form asks for consent to it
    organization.save()
    return make_job(organization, title="Backend Developer")


def _apply(client, job, email="jane.doe@example.com"):
    data = {"first_name": "Jane", "last_name": "Doe", "email": email, "resume": pdf_upload(), "consent": "on"}
    return client.post(f"/careers/{job.organization.slug}/{job.slug}/apply/", data)


@pytest.mark.django_db
def test_applying_with_a_new_resume_queues_the_acknowledgement_and_resume_parsing(
    client, job, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _apply(client, job)
        # Nothing is queued before the transaction commits.
        assert queued == []

    assert response.status_code == 302
    candidate = Candidate.objects.get()
    application = candidate.applications.get()
    # The acknowledgement's run was written with the application; only running it waits for the commit.
    acknowledgement = ActionRun.objects.get(application=application)
    assert acknowledgement.status == ActionRun.Status.PENDING
    assert acknowledgement.action.email_template.key == "acknowledgement"
    assert len(callbacks) == 5
    assert queued == [
        (reactions.SEND_WEBHOOKS, ("candidate.created", candidate.pk)),
        (RUN_ACTIONS, ([acknowledgement.pk],)),
        (reactions.NOTIFY_NEW_APPLICATION, (application.pk,)),
        (reactions.SEND_WEBHOOKS, ("application.created", application.pk)),
        (reactions.PARSE_RESUME, (candidate.pk,)),
    ]


@pytest.mark.django_db
def test_applying_again_with_a_resume_on_file_queues_only_the_acknowledgement(
    client, organization, job, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert _apply(client, job).status_code == 302
    second_job = make_job(organization, title="Frontend Developer")
    queued.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = _apply(client, second_job, email="Jane.Doe@example.com")

    assert response.status_code == 302
    # The candidate's resume on file is not new: this one is kept with the application, not parsed;
    # nor is the candidate (no candidate.created webhook).
    application = Candidate.objects.get().applications.get(job=second_job)
    acknowledgement = ActionRun.objects.get(application=application)
    assert queued == [
        (RUN_ACTIONS, ([acknowledgement.pk],)),
        (reactions.NOTIFY_NEW_APPLICATION, (application.pk,)),
        (reactions.SEND_WEBHOOKS, ("application.created", application.pk)),
    ]


@pytest.mark.django_db
def test_a_broker_failing_after_the_commit_neither_fails_the_applicant_nor_skips_what_follows(
    client, job, monkeypatch, on_commit_errors, django_capture_on_commit_callbacks
):
    reached = []

    def broken_broker(path, *args, **kwargs):
        reached.append(path)
        if path == RUN_ACTIONS:
            raise ConnectionError("broker unreachable")

    monkeypatch.setattr("django_q.tasks.async_task", broken_broker)

    with django_capture_on_commit_callbacks(execute=True):
        response = _apply(client, job)

    assert response.status_code == 302
    assert response.url.endswith("/thanks/")
    candidate = Candidate.objects.get()
    # The callback after the failing one still ran, and the acknowledgement's run waits for the sweeper.
    assert reached == [
        reactions.SEND_WEBHOOKS,
        RUN_ACTIONS,
        reactions.NOTIFY_NEW_APPLICATION,
        reactions.SEND_WEBHOOKS,
        reactions.PARSE_RESUME,
    ]
    acknowledgement = ActionRun.objects.get(application=candidate.applications.get())
    assert acknowledgement.status == ActionRun.Status.PENDING
    assert not EmailMessage.objects.exists()
    assert [record.exc_info[0] for record in on_commit_errors] == [ConnectionError]
    on_commit_errors.clear()


class _Abort(Exception):
    pass


@pytest.mark.django_db
def test_a_rolled_back_application_queues_nothing(job, queued, django_capture_on_commit_callbacks):
    values = {"first_name": "Jo", "last_name": "Doe", "email": "jo@example.com"}

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(_Abort), transaction.atomic():
        application = submit_application(job=job, values=values, files={"resume": pdf_upload()})
        assert application.pk is not None  # it was created, then the transaction is undone
        raise _Abort

    assert callbacks == []
    assert queued == []
    assert not Candidate.objects.exists()
