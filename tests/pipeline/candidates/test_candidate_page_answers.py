"""The candidate page shows each application's answers (as asked, formatted by type) and cover letter,
flags a knockout answer, and does so in a fixed number of queries however many there are."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobs.models import FormField, HiringTeamMember
from pipeline.applications.services import submit_application
from pipeline.interviews.models import Interview, PanelMember
from pipeline.models import Application, ApplicationFormAnswer
from tests.factories import ApplicationFactory, CandidateFactory, make_job, pdf_upload

pytestmark = pytest.mark.django_db

Type = FormField.Type


def add_field(job, key, label, field_type, **fields):
    form = job.application_form
    return FormField.objects.create(form=form, key=key, label=label, field_type=field_type, order=100, **fields)


@pytest.fixture
def questions(job):
    """One question of each kind the page formats differently."""
    return {
        "years": add_field(job, "years", "Years of Python", Type.NUMBER),
        "score": add_field(job, "score", "Typing speed (wpm)", Type.NUMBER),
        "start": add_field(job, "start", "Earliest start", Type.DATE),
        "visa": add_field(job, "visa", "Needs a visa?", Type.YES_NO, knockout_answers=["yes"]),
        "langs": add_field(
            job, "langs", "Languages", Type.MULTIPLE_CHOICE, options=["Python", "Go", "Rust"], knockout_answers=[]
        ),
        "sample": add_field(job, "sample", "Code sample", Type.FILE),
        "why": add_field(job, "why", "Why us?", Type.LONG_TEXT),
    }


def apply(job, email="ada@example.com", **answers):
    values = {"first_name": "Ada", "last_name": "Lovelace", "email": email, "cover_letter": "Dear team,\nI <3 engines."}
    defaults = {"years": "5", "score": "72.5", "start": "2026-04-01", "visa": "no", "langs": ["Python", "Rust"]}
    defaults["why"] = "Line one\n<b>line two</b>"
    sample = SimpleUploadedFile("engine.txt", b"print(1)\n", content_type="text/plain")
    files = {"resume": pdf_upload("ada.pdf"), "sample": sample}
    return submit_application(job=job, values=values, answers={**defaults, **answers}, files=files)


def page(client, application):
    return client.get(f"/candidates/{application.candidate_id}/")


def card(html, application):
    """The application's card, from its opening tag to the next card (or the end of the list)."""
    start = html.index(f'id="application-{application.pk}"')
    end = html.find('<article class="card app-card', start + 1)
    return html[start : end if end != -1 else len(html)]


def answer_row(html, label):
    row = rf'<div class="answer-row[^"]*"[^>]*>\s*<dt>{re.escape(label)}</dt>\s*<dd[^>]*>(.*?)</dd>'
    match = re.search(row, html, re.S)
    assert match, f"no answer row for {label!r}"
    return " ".join(match.group(1).split())


def test_each_answer_is_shown_formatted_by_its_type(recruiter_client, job, questions):
    application = apply(job)

    response = page(recruiter_client, application)

    assert response.status_code == 200
    html = card(response.text, application)
    assert answer_row(html, "Years of Python") == "5"  # stored as 5.0
    assert ApplicationFormAnswer.objects.get(key="years").value == 5.0
    assert answer_row(html, "Typing speed (wpm)") == "72.5"
    assert answer_row(html, "Earliest start") == '<time datetime="2026-04-01">1 Apr 2026</time>'
    assert answer_row(html, "Needs a visa?") == "No"
    assert answer_row(html, "Languages") == "Python, Rust"
    assert answer_row(html, "Why us?") == "Line one<br>&lt;b&gt;line two&lt;/b&gt;"
    sample = ApplicationFormAnswer.objects.get(application=application, key="sample")
    assert f'href="/answers/{sample.pk}/file/"' in answer_row(html, "Code sample")
    assert "engine.txt" in answer_row(html, "Code sample")


def test_the_label_is_the_one_the_candidate_saw(recruiter_client, job, questions):
    application = apply(job)
    questions["years"].label = "Years of professional Python"
    questions["years"].save()

    html = card(page(recruiter_client, application).text, application)

    assert answer_row(html, "Years of Python") == "5"
    assert "Years of professional Python" not in html


def test_the_cover_letter_is_shown_escaped_with_its_line_breaks(recruiter_client, job, questions):
    application = apply(job)

    html = card(page(recruiter_client, application).text, application)

    assert "Cover letter" in html
    assert "Dear team,<br>I &lt;3 engines." in html


def test_answers_are_candidate_text_that_htmx_never_reads(recruiter_client, job, questions):
    application = apply(job, why='<div data-hx-get="/logout/" data-hx-trigger="load">x</div>')

    html = card(page(recruiter_client, application).text, application)

    body = html[html.index('class="app-answers-body"') - 5 :]
    assert body.startswith('<div class="app-answers-body" data-hx-disable>')
    assert "&lt;div data-hx-get=&quot;/logout/&quot;" in html
    assert '<div data-hx-get="/logout/"' not in html


def test_a_knockout_answer_flags_the_application_and_is_highlighted(recruiter_client, job, questions):
    application = apply(job, visa="yes")
    Application.objects.filter(pk=application.pk).update(knocked_out=True)  # applying sets it (helper A)

    html = card(page(recruiter_client, application).text, application)

    assert "data-knocked-out" in html and "Knockout answer" in html
    visa = re.search(r'<div class="answer-row is-knockout" data-knockout>\s*<dt>Needs a visa\?</dt>', html)
    assert visa, "the visa answer is marked as the knockout"
    assert html.count("data-knockout>") == 1  # the other answers are not


def test_an_application_without_a_knockout_has_no_flag(recruiter_client, job, questions):
    application = apply(job, visa="no")

    html = card(page(recruiter_client, application).text, application)

    assert "data-knocked-out" not in html
    assert "data-knockout" not in html
    assert answer_row(html, "Needs a visa?") == "No"


def test_a_choice_knockout_is_highlighted(recruiter_client, job, questions):
    questions["langs"].knockout_answers = ["Go"]
    questions["langs"].save()
    application = apply(job, langs=["Go"])

    html = card(page(recruiter_client, application).text, application)

    assert re.search(r'<div class="answer-row is-knockout" data-knockout>\s*<dt>Languages</dt>', html)


def test_an_application_without_answers_says_so(recruiter_client, application):
    response = page(recruiter_client, application)

    assert response.status_code == 200
    assert "No answers to the job's questions and no cover letter." in card(response.text, application)


def test_another_organisations_answer_file_is_404(client_for, other_organization, job, questions):
    application = apply(job)
    sample = ApplicationFormAnswer.objects.get(application=application, key="sample")
    foreign = client_for(other_organization.memberships.get().user)

    assert foreign.get(f"/answers/{sample.pk}/file/").status_code == 404
    assert page(foreign, application).status_code == 404


def test_an_interviewer_sees_the_answers_of_an_application_they_interview_for(client_for, interviewer, job, questions):
    application = apply(job)
    interview = Interview.objects.create(
        organization=job.organization, application=application, title="Tech chat", starts_at=timezone.now()
    )
    PanelMember.objects.create(interview=interview, user=interviewer)

    response = page(client_for(interviewer), application)

    assert response.status_code == 200
    html = card(response.text, application)
    assert answer_row(html, "Years of Python") == "5"
    # Seen as an interviewer: no decisions.
    assert "data-primary-action" not in html
    assert f"/applications/{application.pk}/star/" not in html


def test_a_hiring_manager_sees_answers_only_for_their_jobs(client_for, hiring_manager, organization, job, questions):
    HiringTeamMember.objects.create(job=job, user=hiring_manager)
    theirs = apply(job)
    secret = make_job(organization, title="Secret search")
    hidden = ApplicationFactory(job=secret, candidate=theirs.candidate, current_stage=secret.stages.first())
    ApplicationFormAnswer.objects.create(application=hidden, key="salary", label="Salary wish", value=99000)

    response = page(client_for(hiring_manager), theirs)

    assert response.status_code == 200
    assert answer_row(response.text, "Years of Python") == "5"
    assert "Salary wish" not in response.text and "Secret search" not in response.text


# --- Queries --------------------------------------------------------------------------------------


def _queries(client, candidate):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/candidates/{candidate.pk}/")
    count = len(ctx)  # read now: the next request empties the log
    assert response.status_code == 200
    return count


def _application_with_answers(job, candidate, answers, tags=()):
    application = ApplicationFactory(job=job, candidate=candidate, current_stage=job.stages.first(), tags=list(tags))
    fields = {field.key: field for field in job.application_form.fields.all()}
    ApplicationFormAnswer.objects.bulk_create(
        ApplicationFormAnswer(application=application, field=fields.get(key), key=key, label=key, value=value, order=i)
        for i, (key, value) in enumerate(answers.items())
    )
    return application


def test_the_page_makes_as_many_queries_for_many_applications_and_answers_as_for_one(
    recruiter_client, organization, job, questions
):
    candidate = CandidateFactory(organization=organization)
    _application_with_answers(job, candidate, {"years": 3.0})
    # Two to start with: from two on, the note form asks which application a note is about.
    _application_with_answers(make_job(organization, title="Analyst"), candidate, {})
    _queries(recruiter_client, candidate)  # warm: the first request fills caches (site, reasons)
    few = _queries(recruiter_client, candidate)

    answers = {"years": 4.0, "start": "2026-01-02", "visa": True, "langs": ["Go"], "why": "Because"}
    for title in ("Designer", "Data Engineer", "Support Lead"):
        other = make_job(organization, title=title)
        for key, field in questions.items():
            add_field(other, key, field.label, field.field_type)
        _application_with_answers(other, candidate, answers, tags=["remote", title])
    _application_with_answers(job, CandidateFactory(organization=organization), answers)  # someone else's
    many = _queries(recruiter_client, candidate)

    assert many == few
