"""Knockout answers: an application that gives one is flagged (the timeline says which); with the form's
"reject automatically" it is rejected through the rejection flow, its email two days later, never if
brought back first."""

import pytest
from django.core import mail as outbox

from jobs.models import FormField
from jobs.services import add_question
from mail.models import EmailTemplate
from pipeline.applications import services
from pipeline.applications.answer_choices import KNOCKOUT_REASON
from pipeline.automation import runner
from pipeline.automation.models import ActionRun
from pipeline.candidates.models import TimelineEvent
from pipeline.models import Application
from tests.pipeline.automation.test_engine import later

from .applying import application_data, apply_url

pytestmark = pytest.mark.django_db

Type = FormField.Type


@pytest.fixture
def visa(job):
    return add_question(
        form=job.application_form, label="Do you need a visa?", field_type=Type.YES_NO, knockout_answers=["yes"]
    )


@pytest.fixture
def city(job):
    return add_question(
        form=job.application_form,
        label="Where would you work?",
        field_type=Type.SINGLE_CHOICE,
        options=["Berlin", "Remote", "Mars"],
        knockout_answers=["Mars"],
    )


def auto_reject(job):
    form = job.application_form
    form.knockout_auto_reject = True
    form.save()


def apply(client, job, capture, **answers):
    with capture(execute=True):
        response = client.post(apply_url(job), application_data(**answers))
    assert response.status_code == 302
    return Application.objects.get()


def test_a_knockout_answer_flags_the_application_and_says_which(client, job, visa, django_capture_on_commit_callbacks):
    application = apply(client, job, django_capture_on_commit_callbacks, q_do_you_need_a_visa="yes")

    assert application.knocked_out is True
    assert application.status == Application.Status.ACTIVE  # flagged only: the form doesn't reject
    event = TimelineEvent.objects.get(application=application, kind="knocked_out")
    assert event.text == "Knocked out by the answer “Yes” to “Do you need a visa?”."
    assert event.actor is None


def test_other_answers_leave_it_alone(client, job, visa, city, django_capture_on_commit_callbacks):
    application = apply(
        client, job, django_capture_on_commit_callbacks, q_do_you_need_a_visa="no", q_where_would_you_work="Berlin"
    )

    assert application.knocked_out is False
    assert not TimelineEvent.objects.filter(kind="knocked_out").exists()


def test_a_choice_knockout_names_the_option(client, job, city, django_capture_on_commit_callbacks):
    application = apply(client, job, django_capture_on_commit_callbacks, q_where_would_you_work="Mars")

    assert application.knocked_out is True
    assert TimelineEvent.objects.get(kind="knocked_out").text == (
        "Knocked out by the answer “Mars” to “Where would you work?”."
    )


def test_auto_reject_rejects_and_holds_the_email_for_two_days(client, job, visa, django_capture_on_commit_callbacks):
    auto_reject(job)
    application = apply(client, job, django_capture_on_commit_callbacks, q_do_you_need_a_visa="yes")

    assert application.status == Application.Status.REJECTED
    assert application.rejection_reason == KNOCKOUT_REASON
    assert application.knocked_out is True
    assert "rejected automatically" in TimelineEvent.objects.get(kind="knocked_out").text
    run = ActionRun.objects.get(application=application, trigger=ActionRun.Trigger.REJECTION)
    assert run.status == ActionRun.Status.PENDING
    assert 47 * 3600 < (run.due_at - application.applied_at).total_seconds() <= 48 * 3600 + 60
    template = EmailTemplate.objects.get(organization=job.organization, key="rejection")
    assert run.email_subject == template.subject
    assert outbox.outbox == []  # not at once: no acknowledgement, no rejection yet

    with django_capture_on_commit_callbacks(execute=True):
        runner.sweep(now=later(24 * 60))
    assert outbox.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        runner.sweep(now=later(49 * 60))
    assert [message.to for message in outbox.outbox] == [["jane.doe@example.com"]]


def test_bringing_it_back_cancels_the_waiting_email(client, job, visa, django_capture_on_commit_callbacks):
    auto_reject(job)
    application = apply(client, job, django_capture_on_commit_callbacks, q_do_you_need_a_visa="yes")

    with django_capture_on_commit_callbacks(execute=True):
        services.un_reject_application(application=application)
        runner.sweep(now=later(49 * 60))

    assert Application.objects.get().status == Application.Status.ACTIVE
    assert ActionRun.objects.get(trigger=ActionRun.Trigger.REJECTION).status == ActionRun.Status.CANCELLED
    assert outbox.outbox == []


def test_without_a_rejection_template_it_rejects_without_an_email(
    client, job, visa, django_capture_on_commit_callbacks
):
    auto_reject(job)
    EmailTemplate.objects.filter(organization=job.organization, key="rejection").update(is_active=False)

    application = apply(client, job, django_capture_on_commit_callbacks, q_do_you_need_a_visa="yes")

    assert application.status == Application.Status.REJECTED
    assert not ActionRun.objects.filter(trigger=ActionRun.Trigger.REJECTION).exists()
    assert "no active rejection email template" in TimelineEvent.objects.get(kind="knocked_out").text


def test_the_api_path_knocks_out_and_rejects_without_an_email(job, visa, recruiter, django_capture_on_commit_callbacks):
    auto_reject(job)
    with django_capture_on_commit_callbacks(execute=True):
        application = services.add_application(
            job=job,
            by=recruiter,
            profile={"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"},
            answers={"do_you_need_a_visa": True},
        )

    application.refresh_from_db()
    assert application.knocked_out is True
    assert application.status == Application.Status.REJECTED
    # Someone a member entered gets no candidate emails: no rejection email waits for them.
    assert not ActionRun.objects.filter(trigger=ActionRun.Trigger.REJECTION).exists()
    assert TimelineEvent.objects.get(kind="knocked_out").text.endswith("rejected automatically.")


def test_a_refused_submission_knocks_nothing_out(client, job, visa):
    response = client.post(apply_url(job), application_data(email="not an address", q_do_you_need_a_visa="yes"))

    assert response.status_code == 400
    assert "Enter a valid email address." in response.text
    assert not Application.objects.exists()
    assert not TimelineEvent.objects.filter(kind="knocked_out").exists()
