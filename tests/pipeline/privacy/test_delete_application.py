"""Deleting one application (pipeline.privacy.services.delete_application): what hangs from it goes, the person stays.

`person` (conftest) is Zelda, whose one application has something in every room: answers and a file,
history, stage actions' runs, a task with a comment, an interview with a scorecard, emails (one still
queued), notifications and a digest. Here she also applied to a second job, which must stay whole.
"""

import pytest
from django.contrib.contenttypes.models import ContentType

from mail.models import EmailMessage
from notifications.models import Notification
from pipeline.applications.models import Application, ApplicationFormAnswer, ApplicationStageHistory
from pipeline.applications.services import submit_application
from pipeline.automation.models import ActionRun
from pipeline.candidates.models import Candidate, Note, TimelineEvent
from pipeline.interviews.models import Interview, PanelMember, Scorecard
from pipeline.privacy.services import delete_application
from pipeline.tasks.models import Task, TaskComment
from pipeline.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.factories import make_job, pdf_upload

from .conftest import EMAIL, FIRST, LAST

pytestmark = pytest.mark.django_db


@pytest.fixture
def second(person, django_capture_on_commit_callbacks):
    """Zelda's application to another job, acknowledged by email."""
    job = make_job(person.organization, title="Data Engineer")
    with django_capture_on_commit_callbacks(execute=True):
        application = submit_application(
            job=job,
            values={"first_name": FIRST, "last_name": LAST, "email": EMAIL},
            files={"resume": pdf_upload("zelda-cv-2.pdf")},
        )
    assert application.candidate_id == person.candidate.pk
    return application


@pytest.fixture
def deliveries(person):
    """What a receiver heard of: the application's creation, and the person's (about them, not it)."""
    endpoint = WebhookEndpoint.objects.create(
        organization=person.organization, url="https://hooks.example.com/ats", events=["application.created"]
    )
    about_it = WebhookDelivery.objects.create(
        endpoint=endpoint, event="application.created", source=f"application:{person.application.pk}",
        payload={}, candidate=person.candidate, application=person.application,
    )  # fmt: skip
    about_them = WebhookDelivery.objects.create(
        endpoint=endpoint, event="candidate.created", source=f"candidate:{person.candidate.pk}", payload={},
        candidate=person.candidate,
    )  # fmt: skip
    return about_it, about_them


def _pointing_at(model, objects):
    return model.objects.filter(
        content_type=ContentType.objects.get_for_model(type(objects[0])), object_id__in=[o.pk for o in objects]
    )


def _answer_files(application):
    return [
        name
        for name in ApplicationFormAnswer.objects.filter(application=application).values_list("file", flat=True)
        if name
    ]


def test_what_hangs_from_the_application_goes(person, deliveries, django_capture_on_commit_callbacks):
    application = person.application
    tasks = list(Task.objects.filter(application=application))
    notes = Note.objects.filter(application=application)
    Note.objects.create(candidate=person.candidate, application=application, author=person.owner, body="On the job")
    # The fixture made one of each: the test would prove nothing without them.
    for rows in (
        ApplicationFormAnswer.objects.filter(application=application),
        ApplicationStageHistory.objects.filter(application=application),
        ActionRun.objects.filter(application=application),
        TaskComment.objects.filter(task__in=tasks),
        Interview.objects.filter(application=application),
        PanelMember.objects.filter(interview__application=application),
        Scorecard.objects.filter(interview__application=application),
        notes,
        TimelineEvent.objects.filter(application=application),
        _pointing_at(Notification, [application]),
        _pointing_at(Notification, tasks),
    ):
        assert rows.exists(), rows.model
    assert tasks
    about_it, about_them = deliveries

    with django_capture_on_commit_callbacks(execute=True):
        event = delete_application(application=application, by=person.owner, reason="Entered twice")

    assert not Application.objects.filter(pk=application.pk).exists()
    for model in (ApplicationFormAnswer, ApplicationStageHistory, ActionRun, Task, Interview, Note, TimelineEvent):
        assert not model.objects.filter(application_id=application.pk).exists(), model
    assert not TaskComment.objects.filter(task_id__in=[task.pk for task in tasks]).exists()
    assert not PanelMember.objects.exists()
    assert not Scorecard.objects.exists()
    assert not _pointing_at(Notification, [application]).exists()
    assert not _pointing_at(Notification, tasks).exists()
    assert not WebhookDelivery.objects.filter(pk=about_it.pk).exists()
    assert WebhookDelivery.objects.filter(pk=about_them.pk).exists()
    # The outbox keeps its rows (its counts), not what they said; the one still queued never goes.
    about = [*_pointing_at(EmailMessage, [application]), *_pointing_at(EmailMessage, tasks)]
    assert about
    assert {message.subject for message in about} == {"(erased)"}
    assert {message.html_body + message.text_body for message in about} == {""}
    queued = EmailMessage.objects.get(pk=person.queued.pk)
    assert (queued.status, queued.last_error) == (EmailMessage.Status.FAILED, "Erased before it was sent.")
    # The timeline says what happened, and it is about the person, not the row now gone.
    assert (event.kind, event.actor, event.application) == ("application_deleted", person.owner, None)
    assert event.text == f"Application for Backend Engineer deleted by {person.owner} (Entered twice)"
    assert TimelineEvent.objects.get(pk=event.pk).candidate_id == person.candidate.pk


def test_the_person_and_their_other_application_stay(person, second, django_capture_on_commit_callbacks):
    resume = Candidate.objects.get(pk=person.candidate.pk).resume.name
    assert resume
    second_emails = set(_pointing_at(EmailMessage, [second]).values_list("pk", "subject"))
    assert second_emails  # the acknowledgement

    with django_capture_on_commit_callbacks(execute=True):
        delete_application(application=person.application, by=person.owner, reason="")

    candidate = Candidate.objects.get(pk=person.candidate.pk)
    assert (candidate.first_name, candidate.email, candidate.erased_at, candidate.resume.name) == (
        FIRST,
        EMAIL,
        None,
        resume,
    )
    assert list(candidate.applications.all()) == [second]
    assert ApplicationStageHistory.objects.filter(application=second).count() == 1
    assert set(_pointing_at(EmailMessage, [second]).values_list("pk", "subject")) == second_emails
    assert TimelineEvent.objects.get(kind="application_deleted").text == (
        f"Application for Backend Engineer deleted by {person.owner}"
    )


def test_the_answers_file_goes_from_storage_once_it_commits(person, settings, django_capture_on_commit_callbacks):
    [stored] = _answer_files(person.application)
    assert (settings.MEDIA_ROOT / stored).exists()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delete_application(application=person.application, by=person.owner, reason="")

    assert (settings.MEDIA_ROOT / stored).exists()  # not yet: a rollback would still need it
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert not (settings.MEDIA_ROOT / stored).exists()
    assert (settings.MEDIA_ROOT / person.candidate.resume.name).exists()  # the person's resume is theirs


def test_deleting_twice_does_nothing_the_second_time(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = delete_application(application=person.application, by=person.owner, reason="")
        again = delete_application(application=person.application, by=person.owner, reason="")

    assert first is not None
    assert again is None
    assert TimelineEvent.objects.filter(kind="application_deleted").count() == 1
