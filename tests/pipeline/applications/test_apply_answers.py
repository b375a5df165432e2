"""What applying makes: an application in the job's first stage, its answers, and where it came from."""

import pytest

from jobs.models import FormField
from jobs.services import add_question
from pipeline.models import Application, ApplicationFormAnswer, ApplicationStageHistory, Candidate
from tests.factories import pdf_upload

from .applying import application_data, apply_url

pytestmark = pytest.mark.django_db


def test_application_starts_in_the_first_stage_with_one_history_entry(client, job):
    client.post(apply_url(job), application_data())

    application = Application.objects.get()
    assert application.current_stage.name == "Application Received"
    assert application.current_stage.job == job
    assert application.status == Application.Status.ACTIVE
    history = ApplicationStageHistory.objects.get()
    assert history.application == application
    assert history.from_stage is None
    assert history.to_stage == application.current_stage


def test_answers_keep_the_question_label_the_candidate_saw(client, client_for, recruiter, job):
    question = add_question(form=job.application_form, label="Notice period", field_type="short_text")
    client.post(apply_url(job), application_data(q_notice_period="Two months"))

    # A recruiter rewords the question in the form builder afterwards.
    prefix = f"f{question.pk}"
    renamed = client_for(recruiter).post(
        f"/jobs/{job.pk}/form/fields/{question.pk}/",
        {f"{prefix}-label": "How long is your notice period?", f"{prefix}-field_type": "short_text"},
    )
    assert renamed.status_code == 302
    question.refresh_from_db()
    assert question.label == "How long is your notice period?"

    answer = ApplicationFormAnswer.objects.get(key="notice_period")
    assert answer.label == "Notice period"
    assert answer.value == "Two months"
    assert answer.field == question
    page = client_for(recruiter).get(f"/jobs/{job.pk}/applications/")
    assert "<dt>Notice period</dt>" in page.text


def test_answers_of_each_type_are_stored_as_json_values(client, job):
    form = job.application_form
    add_question(form=form, label="Years", field_type=FormField.Type.NUMBER)
    add_question(form=form, label="Start date", field_type=FormField.Type.DATE)
    add_question(form=form, label="Relocate", field_type=FormField.Type.YES_NO)
    add_question(form=form, label="Stack", field_type=FormField.Type.MULTIPLE_CHOICE, options=["Django", "Go", "Rust"])
    add_question(form=form, label="Portfolio", field_type=FormField.Type.FILE)

    response = client.post(
        apply_url(job),
        application_data(
            q_years="4.5",
            q_start_date="2027-03-01",
            q_relocate="yes",
            q_stack=["Django", "Rust"],
            q_portfolio=pdf_upload("portfolio.pdf"),
        ),
    )

    assert response.status_code == 302
    answers = {a.key: a for a in ApplicationFormAnswer.objects.all()}
    assert answers["years"].value == 4.5
    assert answers["start_date"].value == "2027-03-01"
    assert answers["relocate"].value is True
    assert answers["stack"].value == ["Django", "Rust"]
    assert answers["portfolio"].file_name == "portfolio.pdf"
    assert answers["portfolio"].file.name.startswith("private/answers/")
    assert [a.key for a in ApplicationFormAnswer.objects.order_by("order")] == [
        "years",
        "start_date",
        "relocate",
        "stack",
        "portfolio",
    ]


# --- Where it came from ----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "source"),
    [("?source=linkedin", "linkedin"), ("?utm_source=newsletter", "newsletter"), ("", "careers site")],
)
def test_application_source_comes_from_the_query_string(client, job, query, source):
    response = client.post(apply_url(job, query), application_data())

    assert response.status_code == 302
    assert Application.objects.get().source == source
    assert Candidate.objects.get().source == source


def test_apply_page_carries_the_source_into_the_form(client, job):
    response = client.get(apply_url(job, "?utm_source=newsletter"))

    assert '<input type="hidden" name="source" value="newsletter">' in response.text


def test_application_source_falls_back_to_the_referring_site(client, job):
    client.post(apply_url(job), application_data(), HTTP_REFERER="https://news.example.org/jobs?page=2")

    assert Application.objects.get().source == "news.example.org"
