"""The board filtered by answers (?answer=<question id>:<option>, repeatable) and knockouts (?knockout=1/0),
and the cards' key answers: read within the board's fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jobs.models import FormField
from jobs.services import add_question
from pipeline.applications.selectors import board_filters, build_board
from pipeline.models import AnswerChoice, Application, ApplicationFormAnswer
from tests.factories import ApplicationFactory, bulk_applications, make_job

from .test_board import MAX_BOARD_QUERIES

pytestmark = pytest.mark.django_db

Type = FormField.Type
HTMX = {"HX-Request": "true"}


@pytest.fixture
def client(client_for, recruiter):
    return client_for(recruiter)


@pytest.fixture
def questions(job):
    form = job.application_form
    return {
        "city": add_question(form=form, label="City", field_type=Type.SINGLE_CHOICE, options=["Berlin", "Remote"]),
        "stack": add_question(form=form, label="Stack", field_type=Type.MULTIPLE_CHOICE, options=["Django", "Go"]),
        "visa": add_question(form=form, label="Needs a visa", field_type=Type.YES_NO, knockout_answers=["yes"]),
        "years": add_question(form=form, label="Years", field_type=Type.NUMBER),
    }


def answered(application, field, value):
    """`application` answered `field` with `value` (as applying stores it), with its AnswerChoice rows."""
    ApplicationFormAnswer.objects.create(
        application=application, field=field, key=field.key, label=field.label, value=value
    )
    if field.field_type in (Type.SINGLE_CHOICE, Type.MULTIPLE_CHOICE, Type.YES_NO):
        values = (
            ["yes" if value else "no"]
            if field.field_type == Type.YES_NO
            else value
            if isinstance(value, list)
            else [value]
        )
        AnswerChoice.objects.bulk_create(AnswerChoice(application=application, field=field, value=v) for v in values)


@pytest.fixture
def people(job, stages, questions):
    """Ada (Berlin, Django, no visa), Grace (Remote, Django+Go, needs a visa: knocked out), Alan (no answers)."""
    ada = ApplicationFactory(job=job, current_stage=stages[0], candidate__first_name="Ada")
    grace = ApplicationFactory(job=job, current_stage=stages[1], candidate__first_name="Grace", knocked_out=True)
    alan = ApplicationFactory(job=job, current_stage=stages[0], candidate__first_name="Alan")
    answered(ada, questions["city"], "Berlin")
    answered(ada, questions["stack"], ["Django"])
    answered(ada, questions["visa"], False)
    answered(ada, questions["years"], 7.0)
    answered(grace, questions["city"], "Remote")
    answered(grace, questions["stack"], ["Django", "Go"])
    answered(grace, questions["visa"], True)
    return {"ada": ada, "grace": grace, "alan": alan}


def shown(response):
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(r'data-application="(\d+)"', response.text)}


def board(client, job, query="", **headers):
    return client.get(f"/jobs/{job.pk}/board/{query}", headers=headers)


def test_an_answer_filter_keeps_those_who_chose_it(client, job, people, questions):
    city = questions["city"].pk

    assert shown(board(client, job, f"?answer={city}:Berlin")) == {people["ada"].pk}
    assert shown(board(client, job, f"?answer={city}:Remote", **HTMX)) == {people["grace"].pk}


def test_two_options_of_one_question_are_either_and_two_questions_are_both(client, job, people, questions):
    city, stack = questions["city"].pk, questions["stack"].pk

    either = board(client, job, f"?answer={city}:Berlin&answer={city}:Remote")
    both = board(client, job, f"?answer={stack}:Django&answer={city}:Remote")

    assert shown(either) == {people["ada"].pk, people["grace"].pk}
    assert shown(both) == {people["grace"].pk}


def test_a_yes_no_answer_filters_by_yes_or_no(client, job, people, questions):
    visa = questions["visa"].pk

    assert shown(board(client, job, f"?answer={visa}:yes")) == {people["grace"].pk}
    assert shown(board(client, job, f"?answer={visa}:no")) == {people["ada"].pk}


def test_the_knockout_filter(client, job, people):
    assert shown(board(client, job, "?knockout=1")) == {people["grace"].pk}
    assert shown(board(client, job, "?knockout=0")) == {people["ada"].pk, people["alan"].pk}
    assert "data-knockout" in board(client, job).text


def test_another_jobs_question_or_nonsense_is_ignored_not_matched(client, job, people, organization):
    other = make_job(organization, title="Designer")
    foreign = add_question(form=other.application_form, label="City", field_type=Type.SINGLE_CHOICE, options=["A", "B"])
    everyone = {people["ada"].pk, people["grace"].pk, people["alan"].pk}

    for query in (f"?answer={foreign.pk}:A", "?answer=abc:Berlin", "?answer=:Berlin", "?answer=99999999999999999999:x",
                  "?answer=", "?answer=5", "?knockout=maybe"):  # fmt: skip
        assert shown(board(client, job, query)) == everyone, query


def test_a_nul_in_the_htmx_current_url_never_reaches_the_database(client, job, people, questions):
    """Filters also come from htmx's current-URL header, which no middleware checks."""
    city = questions["city"].pk
    current = f"http://testserver/jobs/{job.pk}/board/?answer={city}:Ber%00lin"
    application = people["ada"]

    # Putting a card on hold answers with the whole board, under the filters of the page it came from.
    response = client.post(f"/applications/{application.pk}/hold/", headers={**HTMX, "HX-Current-URL": current})

    assert shown(response) == {application.pk}
    assert board_filters({"answer": f"{city}:Ber\x00lin"})["answers"] == [(city, "Berlin")]


def test_the_filter_options_are_the_jobs_choice_questions_with_the_chosen_one_marked(job, people, questions, recruiter):
    membership = recruiter.memberships.get()
    filters = board_filters({"answer": f"{questions['city'].pk}:Remote"})

    options = build_board(job, filters, viewer=membership)["answer_filters"]

    assert [(entry.field.pk, entry.field.label) for entry in options] == [
        (questions["city"].pk, "City"),
        (questions["stack"].pk, "Stack"),
        (questions["visa"].pk, "Needs a visa"),
    ]
    assert [(o.value, o.label, o.selected) for o in options[0].options] == [
        ("Berlin", "Berlin", False),
        ("Remote", "Remote", True),
    ]
    assert [(o.value, o.label) for o in options[2].options] == [("yes", "Yes"), ("no", "No")]


def test_cards_show_the_key_questions_answers_in_form_order(client, job, people, questions, recruiter):
    for name in ("years", "visa", "stack"):
        FormField.objects.filter(pk=questions[name].pk).update(is_key_question=True)
    membership = recruiter.memberships.get()

    cards = {card.pk: card for column in build_board(job, board_filters({}), viewer=membership)["columns"]
             for card in column["cards"]}  # fmt: skip

    assert cards[people["ada"].pk].key_answers == [("Stack", "Django"), ("Needs a visa", "No"), ("Years", "7")]
    assert cards[people["grace"].pk].key_answers == [("Stack", "Django, Go"), ("Needs a visa", "Yes")]
    assert cards[people["grace"].pk].knocked_out is True
    assert cards[people["alan"].pk].key_answers == []
    page = board(client, job)
    assert "Django, Go" in page.text


def test_filters_and_key_questions_add_no_query(client, job, stages, questions):
    """The key questions' answers come in the cards' query, the questions with the stages: the same count
    with or without them, filtered or not, for 30 applications or 600."""
    client.get(f"/jobs/{job.pk}/board/")  # warm-up: the session row exists
    bulk_applications(job, 30, stages=stages)
    plain = board_queries(client, job, "")

    for name in ("city", "visa", "years"):
        FormField.objects.filter(pk=questions[name].pk).update(is_key_question=True)
    for application in Application.objects.all():
        answered(application, questions["city"], "Berlin")
        answered(application, questions["visa"], True)
        answered(application, questions["years"], 3.0)
    filtered = f"?answer={questions['city'].pk}:Berlin&answer={questions['visa'].pk}:yes&knockout=0"
    few = board_queries(client, job, filtered)

    bulk_applications(job, 570, stages=stages)
    many = board_queries(client, job, filtered)
    many_fragment = board_queries(client, job, filtered, **HTMX)
    pinned = board_queries(client, job, "")

    assert plain == few == many == pinned <= MAX_BOARD_QUERIES
    assert many_fragment <= MAX_BOARD_QUERIES
    assert "Berlin" in board(client, job).text


def board_queries(client, job, query, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = board(client, job, query, **headers)
    count = len(queries)
    assert response.status_code == 200
    return count


# --- The candidate list, narrowed to a job --------------------------------------------------------


def listed(response):
    assert response.status_code == 200
    return set(re.findall(r'<a class="fw-semibold" href="/candidates/(\d+)/">', response.text))


def candidates(client, query, **headers):
    return client.get(f"/candidates/{query}", headers=headers)


def test_the_candidate_list_filters_a_jobs_applications_by_answer_and_knockout(client, job, people, questions):
    city, visa = questions["city"].pk, questions["visa"].pk
    ada, grace = str(people["ada"].candidate_id), str(people["grace"].candidate_id)

    assert listed(candidates(client, f"?job={job.pk}&answer={city}:Berlin")) == {ada}
    assert listed(candidates(client, f"?job={job.pk}&answer={visa}:yes", **HTMX)) == {grace}
    assert listed(candidates(client, f"?job={job.pk}&knockout=1")) == {grace}
    assert ada in listed(candidates(client, f"?job={job.pk}&knockout=0"))
    assert grace not in listed(candidates(client, f"?job={job.pk}&knockout=0"))


def test_the_candidate_list_offers_the_jobs_questions_once_narrowed_to_it(client, job, people, questions):
    city = questions["city"].pk

    everyone = candidates(client, "")
    narrowed = candidates(client, f"?job={job.pk}&answer={city}:Remote")
    fragment = candidates(client, f"?job={job.pk}", **HTMX)

    assert everyone.status_code == 200 and 'name="answer"' not in everyone.text
    assert f'<option value="{city}:Remote" selected>Remote</option>' in narrowed.text
    assert 'id="c-knockout" name="knockout" form="candidate-filters"' in narrowed.text
    assert fragment.text.lstrip().startswith('<div id="results">')
    assert f'<option value="{city}:Berlin">Berlin</option>' in fragment.text


def test_the_candidate_list_ignores_answers_without_a_job_or_of_another_job(
    client, job, people, questions, organization
):
    other = make_job(organization, title="Designer")
    foreign = add_question(form=other.application_form, label="City", field_type=Type.SINGLE_CHOICE, options=["A", "B"])
    city = questions["city"].pk
    everyone = listed(candidates(client, ""))
    in_job = listed(candidates(client, f"?job={job.pk}"))

    assert listed(candidates(client, f"?answer={city}:Berlin")) == everyone
    assert listed(candidates(client, f"?job={job.pk}&answer={foreign.pk}:A")) == in_job
    assert candidates(client, f"?job={job.pk}&answer={city}:Ber%00lin").status_code == 400  # ats.input refuses a NUL
