"""Choice and yes/no answers as AnswerChoice rows: written on apply and through the API's add_application,
in step on merge, erasure and deletion."""

import pytest

from jobs.models import FormField
from jobs.services import add_question
from pipeline.applications import services
from pipeline.candidates.services import merge_candidates
from pipeline.models import AnswerChoice, Application, Candidate
from pipeline.privacy.services import delete_application, erase_candidate

from .applying import application_data, apply_url

pytestmark = pytest.mark.django_db

Type = FormField.Type


@pytest.fixture
def questions(job):
    form = job.application_form
    return {
        "city": add_question(form=form, label="City", field_type=Type.SINGLE_CHOICE, options=["Berlin", "Remote"]),
        "stack": add_question(
            form=form, label="Stack", field_type=Type.MULTIPLE_CHOICE, options=["Django", "Go", "Rust"]
        ),
        "visa": add_question(form=form, label="Needs a visa", field_type=Type.YES_NO),
        "years": add_question(form=form, label="Years", field_type=Type.NUMBER),
    }


def choices_of(application):
    return sorted(AnswerChoice.objects.filter(application=application).values_list("field__key", "value"))


def test_applying_writes_one_row_per_chosen_option(client, job, questions):
    response = client.post(
        apply_url(job),
        application_data(q_city="Berlin", q_stack=["Django", "Rust"], q_needs_a_visa="no", q_years="7"),
    )

    assert response.status_code == 302
    application = Application.objects.get()
    assert choices_of(application) == [
        ("city", "Berlin"),
        ("needs_a_visa", "no"),
        ("stack", "Django"),
        ("stack", "Rust"),
    ]


def test_a_yes_answer_is_stored_as_yes_and_unanswered_questions_write_nothing(client, job, questions):
    client.post(apply_url(job), application_data(q_needs_a_visa="yes"))

    assert choices_of(Application.objects.get()) == [("needs_a_visa", "yes")]


def test_the_api_path_writes_the_rows_too(job, questions, recruiter):
    application = services.add_application(
        job=job,
        by=recruiter,
        profile={"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"},
        answers={"city": "Remote", "stack": ["Go"], "needs_a_visa": True},
    )

    assert choices_of(application) == [("city", "Remote"), ("needs_a_visa", "yes"), ("stack", "Go")]


def test_deleting_an_application_takes_its_rows_with_it(client, job, questions, recruiter):
    client.post(apply_url(job), application_data(q_city="Berlin", q_needs_a_visa="no"))
    application = Application.objects.get()
    assert AnswerChoice.objects.count() == 2

    delete_application(application=application, by=recruiter, reason="Asked to")

    assert AnswerChoice.objects.count() == 0


def test_erasing_a_candidate_deletes_their_rows_and_keeps_the_application(client, job, questions, recruiter):
    client.post(apply_url(job), application_data(q_city="Berlin", q_needs_a_visa="no"))
    client.post(apply_url(job), application_data(email="someone@example.com", q_city="Remote"))
    jane = Candidate.objects.get(email="jane.doe@example.com")

    erase_candidate(candidate=jane, by=recruiter, reason="Asked to")

    assert Application.objects.filter(candidate=jane).count() == 1
    assert list(AnswerChoice.objects.values_list("value", flat=True)) == ["Remote"]


def test_merging_moves_the_rows_to_the_kept_application(client, job, questions, recruiter):
    client.post(apply_url(job), application_data(q_city="Berlin", q_stack=["Go"]))
    client.post(apply_url(job), application_data(email="jane@work.example", q_city="Remote", q_stack=["Go"]))
    keep = Candidate.objects.get(email="jane.doe@example.com")
    merge = Candidate.objects.get(email="jane@work.example")

    merge_candidates(keep=keep, merge=merge, by=recruiter)

    twin = Application.objects.get()
    assert choices_of(twin) == [("city", "Berlin"), ("city", "Remote"), ("stack", "Go")]


def test_an_answer_changed_or_deleted_in_the_django_admin_rewrites_the_rows(client, job, questions, superuser_client):
    client.post(apply_url(job), application_data(q_city="Berlin", q_needs_a_visa="no"))
    application = Application.objects.get()
    city = application.answers.get(key="city")

    changed = superuser_client.post(
        f"/admin/pipeline/applicationformanswer/{city.pk}/change/",
        {"application": application.pk, "field": city.field_id, "key": "city", "label": "City", "value": '"Remote"',
         "file_name": "", "order": 0},
    )  # fmt: skip
    assert changed.status_code == 302
    assert choices_of(application) == [("city", "Remote"), ("needs_a_visa", "no")]

    deleted = superuser_client.post(f"/admin/pipeline/applicationformanswer/{city.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert choices_of(application) == [("needs_a_visa", "no")]
