"""The public apply flow: /careers/<org>/<job>/apply/, through the real view and database."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jobs.models import FormField
from jobs.services import add_question
from pipeline.models import Application, ApplicationFormAnswer, ApplicationStageHistory, Candidate
from tests.factories import docx_bytes, make_job, pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script>"
ESCAPED_XSS = "&lt;script&gt;alert(1)&lt;/script&gt;"
PHONE = "+44 20 7946 0958"


@pytest.fixture
def organization(organization):
    organization.privacy_policy_url = "https://acme.example/privacy"
    organization.save()
    return organization


@pytest.fixture
def job(organization):
    return make_job(organization, title="Backend Developer")


def apply_url(job, query=""):
    return f"/careers/{job.organization.slug}/{job.slug}/apply/{query}"


def thanks_url(job):
    return f"/careers/{job.organization.slug}/{job.slug}/apply/thanks/"


def application_data(**overrides):
    """A complete, valid submission of the standard form."""
    data = {
        "first_name": "Jane",
        "last_name": "Doe",
        "email": "jane.doe@example.com",
        "phone": "",
        "cover_letter": "",
        "linkedin_url": "",
        "resume": pdf_upload(),
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def kept_token(response):
    match = re.search(r'name="kept_resume" value="([^"]+)"', response.text)
    return match and match.group(1)


def assert_nothing_saved():
    assert Candidate.objects.count() == 0
    assert Application.objects.count() == 0
    assert ApplicationFormAnswer.objects.count() == 0
    assert ApplicationStageHistory.objects.count() == 0


# --- The page ----------------------------------------------------------------


def test_apply_page_shows_the_jobs_form_with_consent_and_a_hidden_honeypot(client, job):
    add_question(form=job.application_form, label="Notice period", field_type="short_text", required=True)

    response = client.get(apply_url(job))

    assert response.status_code == 200
    for name in ("first_name", "last_name", "email", "phone", "resume", "cover_letter", "linkedin_url"):
        assert f'name="{name}"' in response.text
    assert 'name="q_notice_period"' in response.text
    assert 'name="consent"' in response.text
    assert 'href="https://acme.example/privacy"' in response.text
    assert '<div class="honeypot" aria-hidden="true">' in response.text
    assert 'enctype="multipart/form-data"' in response.text


def test_apply_rejects_other_methods(client, job):
    response = client.put(apply_url(job))

    assert response.status_code == 405


def test_valid_application_redirects_to_the_thank_you_page(client, job):
    response = client.post(apply_url(job), application_data())

    assert response.status_code == 302
    assert response.url == thanks_url(job)
    candidate = Candidate.objects.get()
    assert (candidate.first_name, candidate.last_name, candidate.email) == ("Jane", "Doe", "jane.doe@example.com")
    assert candidate.organization == job.organization
    assert candidate.consent_given_at is not None
    assert Application.objects.get().job == job
    thanks = client.get(response.url)
    assert thanks.status_code == 200
    assert "Backend Developer" in thanks.text


# --- Validation ----------------------------------------------------------------


def test_missing_required_custom_answer_is_reported_on_the_field_and_in_the_summary_and_saves_nothing(client, job):
    add_question(form=job.application_form, label="Why us?", field_type="short_text", required=True)

    response = client.post(
        apply_url(job), application_data(first_name="Jane", cover_letter="I love backends.", q_why_us="")
    )

    assert response.status_code == 400
    # Next to the field...
    assert 'id="id_q_why_us_error"' in response.text
    assert '<p id="error_1_id_q_why_us"><strong>This field is required.</strong></p>' in response.text
    # ...and in the summary at the top, linking to it.
    summary = response.text.split('id="form-errors"', 1)[1].split("</ul>", 1)[0]
    assert '<a href="#id_q_why_us">Why us?</a>: This field is required.' in summary
    assert "Please correct 1 field:" in response.text
    # What they typed is still there.
    assert 'name="first_name" value="Jane"' in response.text
    assert 'name="email" value="jane.doe@example.com"' in response.text
    assert "I love backends.</textarea>" in response.text
    assert_nothing_saved()


def test_error_summary_links_a_choice_question_to_the_question(client, job):
    add_question(form=job.application_form, label="Team", field_type="single_choice", required=True, options=["A", "B"])

    response = client.post(apply_url(job), application_data())

    assert response.status_code == 400
    summary = response.text.split('id="form-errors"', 1)[1].split("</ul>", 1)[0]
    assert "Team</a>: This field is required." in summary
    assert '<a href="#">' not in summary


def test_missing_consent_is_refused(client, job):
    response = client.post(apply_url(job), application_data(consent=None))

    assert response.status_code == 400
    assert "Please agree so we can consider your application." in response.text
    assert_nothing_saved()


def test_text_file_named_pdf_is_refused_as_a_resume(client, job):
    fake = SimpleUploadedFile("resume.pdf", b"Just some plain text, not a PDF.", content_type="application/pdf")

    response = client.post(apply_url(job), application_data(resume=fake))

    assert response.status_code == 400
    assert 'id="id_resume_error"' in response.text
    assert "This resume isn&#x27;t a file type we accept" in response.text
    assert kept_token(response) is None
    assert_nothing_saved()


def test_resume_over_10_mb_is_refused(client, job):
    big = SimpleUploadedFile("resume.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024), content_type="application/pdf")

    response = client.post(apply_url(job), application_data(resume=big))

    assert response.status_code == 400
    assert 'id="id_resume_error"' in response.text
    assert "This resume is 11.0\xa0MB; the limit is 10.0\xa0MB." in response.text
    assert kept_token(response) is None
    assert_nothing_saved()


def test_invalid_phone_number_is_refused(client, job):
    response = client.post(apply_url(job), application_data(phone="call me maybe"))

    assert response.status_code == 400
    assert "Enter a phone number" in response.text
    assert_nothing_saved()


# --- A resume kept across a failed submission -----------------------------------


def test_valid_resume_from_a_failed_submission_is_kept_and_used_by_the_next_submission(client, job, settings):
    original = pdf_bytes(["Jane Doe", "jane.doe@example.com"])
    first = client.post(
        apply_url(job),
        application_data(consent=None, resume=SimpleUploadedFile("Jane CV.pdf", original, "application/pdf")),
    )

    assert first.status_code == 400
    token = kept_token(first)
    assert token
    assert "We kept your resume <strong>Jane CV.pdf</strong>" in first.text
    pending = settings.MEDIA_ROOT / "private" / "pending"
    assert len(list(pending.iterdir())) == 1

    data = application_data(kept_resume=token)
    del data["resume"]
    second = client.post(apply_url(job), data)

    assert second.status_code == 302
    candidate = Candidate.objects.get()
    assert candidate.resume_name == "Jane CV.pdf"
    assert candidate.resume.name.startswith("private/resumes/")
    with candidate.resume.open("rb") as stored:
        assert stored.read() == original
    assert list(pending.iterdir()) == []  # the pending copy is cleaned up


def test_kept_resume_survives_a_second_failed_submission(client, job):
    first = client.post(apply_url(job), application_data(consent=None))
    token = kept_token(first)
    data = application_data(kept_resume=token, consent=None)
    del data["resume"]

    second = client.post(apply_url(job), data)

    assert second.status_code == 400
    assert kept_token(second) == token
    assert 'id="id_resume_error"' not in second.text
    assert_nothing_saved()


def test_kept_resume_is_removed_when_the_application_is_a_duplicate(client, job, settings):
    client.post(apply_url(job), application_data())
    token = kept_token(client.post(apply_url(job), application_data(consent=None)))
    assert token
    data = application_data(kept_resume=token)
    del data["resume"]

    response = client.post(apply_url(job), data)

    assert response.status_code == 409
    assert list((settings.MEDIA_ROOT / "private" / "pending").iterdir()) == []


def test_forged_kept_resume_token_is_ignored(client, job):
    data = application_data(kept_resume="eyJwYXRoIjoiLi4vLi4vZXRjL3Bhc3N3ZCJ9:forged:signature")
    del data["resume"]

    response = client.post(apply_url(job), data)

    assert response.status_code == 400
    assert 'id="id_resume_error"' in response.text
    assert_nothing_saved()


# --- One person, one application per job ----------------------------------------


def test_same_email_twice_on_one_job_gives_one_application(client, job, django_capture_on_commit_callbacks):
    assert client.post(apply_url(job), application_data()).status_code == 302

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(apply_url(job), application_data(first_name="Janet"))

    assert response.status_code == 409
    assert "You have already applied for this job" in response.text
    assert Candidate.objects.count() == 1
    assert Application.objects.count() == 1
    assert ApplicationStageHistory.objects.count() == 1
    assert Candidate.objects.get().first_name == "Jane"
    assert callbacks == []  # no second acknowledgement, no second parse
    assert mail.outbox == []


def test_same_email_in_other_casing_is_the_same_person(client, job):
    assert client.post(apply_url(job), application_data(email="Jane.Doe@Example.COM")).status_code == 302

    response = client.post(apply_url(job), application_data(email="jane.doe@example.com"))

    assert response.status_code == 409
    assert Candidate.objects.count() == 1
    assert Application.objects.count() == 1


def test_one_person_on_two_jobs_is_one_candidate_with_two_applications(client, job, organization):
    other_job = make_job(organization, title="Frontend Developer")

    client.post(apply_url(job), application_data())
    client.post(apply_url(other_job), application_data(email="JANE.DOE@example.com"))

    candidate = Candidate.objects.get()
    assert set(candidate.applications.values_list("job__title", flat=True)) == {
        "Backend Developer",
        "Frontend Developer",
    }


def test_second_application_fills_empty_fields_but_keeps_what_a_recruiter_edited(client, job, organization):
    other_job = make_job(organization, title="Frontend Developer")
    client.post(apply_url(job), application_data(phone="", linkedin_url=""))
    # A recruiter corrects the name on the profile.
    Candidate.objects.update(first_name="Janet", last_name="Doe-Smith")

    response = client.post(
        apply_url(other_job),
        application_data(
            first_name="Jane",
            last_name="Doe",
            phone=PHONE,
            linkedin_url="https://www.linkedin.com/in/janedoe",
            cover_letter="Second letter",
        ),
    )

    assert response.status_code == 302
    candidate = Candidate.objects.get()
    assert (candidate.first_name, candidate.last_name) == ("Janet", "Doe-Smith")
    assert candidate.phone == PHONE
    assert candidate.linkedin_url == "https://www.linkedin.com/in/janedoe"
    assert candidate.cover_letter == "Second letter"
    assert Application.objects.get(job=other_job).cover_letter == "Second letter"


def test_second_resume_is_kept_with_the_application_not_over_the_profiles(client, job, organization):
    other_job = make_job(organization, title="Frontend Developer")
    client.post(apply_url(job), application_data(resume=pdf_upload("first.pdf")))

    client.post(apply_url(other_job), application_data(resume=pdf_upload("second.pdf")))

    candidate = Candidate.objects.get()
    assert candidate.resume_name == "first.pdf"
    answer = ApplicationFormAnswer.objects.get(application__job=other_job, key="resume")
    assert answer.file_name == "second.pdf"
    assert answer.file.name.startswith("private/answers/")


# --- Which jobs take applications --------------------------------------------------


def test_another_organisations_job_slug_is_404_on_apply(client, organization, other_organization):
    foreign = make_job(other_organization, title="Globex Only Role")

    url = f"/careers/{organization.slug}/{foreign.slug}/apply/"
    assert client.get(url).status_code == 404
    assert client.post(url, application_data()).status_code == 404
    assert_nothing_saved()


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_unpublished_job_apply_page_is_404(client, organization, status):
    job = make_job(organization, status=status)

    assert client.get(apply_url(job)).status_code == 404
    assert client.post(apply_url(job), application_data()).status_code == 404
    assert client.get(thanks_url(job)).status_code == 404
    assert_nothing_saved()


@pytest.mark.parametrize("status", ["closed", "on_hold"])
def test_job_not_taking_applications_redirects_apply_to_the_job_page(client, organization, status):
    job = make_job(organization, status=status)
    job_page = f"/careers/{organization.slug}/{job.slug}/"

    get = client.get(apply_url(job))
    post = client.post(apply_url(job), application_data())

    assert (get.status_code, get.url) == (302, job_page)
    assert (post.status_code, post.url) == (302, job_page)
    assert_nothing_saved()


@pytest.fixture
def today(monkeypatch):
    """A fixed 'today', so deadline tests can't flip at midnight."""
    day = date(2027, 1, 15)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    return day


def test_job_past_its_deadline_redirects_apply_to_the_job_page(client, organization, today):
    job = make_job(organization, deadline=today - timedelta(days=1))

    response = client.post(apply_url(job), application_data())

    assert response.status_code == 302
    assert response.url == f"/careers/{organization.slug}/{job.slug}/"
    assert_nothing_saved()


def test_job_on_its_deadline_day_still_takes_applications(client, organization, today):
    job = make_job(organization, deadline=today)

    response = client.post(apply_url(job), application_data())

    assert response.status_code == 302
    assert response.url == thanks_url(job)
    assert Application.objects.filter(job=job).count() == 1


# --- Abuse -----------------------------------------------------------------------


@pytest.fixture
def apply_limit_of_two(settings):
    settings.APPLY_RATE_LIMIT = (2, 600)


def test_after_the_rate_limit_an_application_gets_429_and_saves_nothing(client, job, apply_limit_of_two):
    for n in range(2):
        response = client.post(apply_url(job), application_data(email=f"person{n}@example.com"))
        assert response.status_code == 302

    response = client.post(apply_url(job), application_data(email="third@example.com", first_name="Third"))

    assert response.status_code == 429
    assert "That's a lot of applications in a short time." in response.text
    assert 'name="first_name" value="Third"' in response.text
    assert not Candidate.objects.filter(email="third@example.com").exists()
    assert Candidate.objects.count() == 2
    assert Application.objects.count() == 2


def test_rate_limit_is_per_client_address(client, job, apply_limit_of_two):
    for n in range(3):
        client.post(apply_url(job), application_data(email=f"person{n}@example.com"), REMOTE_ADDR="10.0.0.1")

    response = client.post(apply_url(job), application_data(email="other@example.com"), REMOTE_ADDR="10.0.0.2")

    assert response.status_code == 302
    assert Candidate.objects.filter(email="other@example.com").exists()


def test_filled_honeypot_redirects_to_thanks_and_creates_nothing(client, job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(job), application_data(website="https://spam.example"))

    assert response.status_code == 302
    assert response.url == thanks_url(job)
    assert_nothing_saved()
    assert mail.outbox == []


def test_candidate_supplied_text_is_escaped_on_the_applications_page(client, client_for, recruiter, job):
    add_question(form=job.application_form, label="Favourite tool", field_type="short_text")
    add_question(form=job.application_form, label="Tell us more", field_type="long_text")
    client.post(
        apply_url(job),
        application_data(
            first_name=XSS,
            last_name=XSS,
            phone=PHONE,
            cover_letter=XSS,
            q_favourite_tool=XSS,
            q_tell_us_more=f"line one\n{XSS}",
        ),
    )
    assert Candidate.objects.get().first_name == XSS  # stored as typed, escaped when shown

    response = client_for(recruiter).get(f"/jobs/{job.pk}/applications/")

    assert response.status_code == 200
    assert XSS not in response.text
    assert "<script>alert" not in response.text
    # Both names, the cover letter and two answers.
    assert response.text.count(ESCAPED_XSS) >= 5
    assert "Favourite tool" in response.text


# --- What an application is made of ------------------------------------------------


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
    assert '<dt class="col-sm-4">Notice period</dt>' in page.text


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


def test_acknowledgement_email_is_sent_to_the_candidate_after_applying(client, job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(job), application_data(email="Jane.Doe@example.com"))

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jane.doe@example.com"]  # addresses are stored lower-cased
    assert "Backend Developer" in message.subject
    assert "Hello Jane," in message.body
    assert "Acme Corp" in message.body


def test_no_acknowledgement_is_sent_for_a_refused_application(client, job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(apply_url(job), application_data(consent=None))

    assert mail.outbox == []


def test_acknowledgement_email_escapes_the_name_in_its_html_part(client, job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(apply_url(job), application_data(first_name=XSS))

    html, mimetype = mail.outbox[0].alternatives[0]
    assert mimetype == "text/html"
    assert XSS not in html
    assert ESCAPED_XSS in html


# --- Which files make a resume ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("cv.pdf", pdf_bytes(["Jane Doe"]), True),
        ("CV.PDF", pdf_bytes(["Jane Doe"]), True),
        ("cv.docx", docx_bytes(["Jane Doe"]), True),
        ("cv.txt", "Jane Doe, plain text résumé".encode(), True),
        ("cv.pdf", docx_bytes(["Jane Doe"]), False),  # a DOCX wearing a PDF name
        ("cv.docx", pdf_bytes(["Jane Doe"]), False),
        ("cv.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, False),  # an image is no resume
        ("cv.exe", b"MZ\x90\x00\x03\x00\x00\x00", False),
        ("cv.pdf", b"", False),
    ],
)
def test_resume_is_judged_by_its_content_and_name(client, job, name, content, accepted):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")

    response = client.post(apply_url(job), application_data(resume=upload))

    assert response.status_code == (302 if accepted else 400)
    assert Candidate.objects.filter(resume_name=name).exists() is accepted
    if not accepted:
        assert 'id="id_resume_error"' in response.text
        assert_nothing_saved()
