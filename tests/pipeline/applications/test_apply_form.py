"""The public apply page (/careers/<org>/<job>/apply/): its form, and what a refused submission shows."""

import pytest

from jobs.services import add_question
from pipeline.models import Application, Candidate

from .applying import application_data, apply_url, assert_nothing_saved, thanks_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization(organization):
    organization.privacy_policy_url = "https://acme.example/privacy"
    organization.save()
    return organization


# --- The page --------------------------------------------------------------------


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


def test_recruiter_help_text_is_escaped_on_the_public_form(client, job):
    add_question(
        form=job.application_form, label="Why?", field_type="short_text", help_text='<a href="https://evil.test">x</a>'
    )

    response = client.get(apply_url(job))

    assert response.status_code == 200
    assert 'name="q_why"' in response.text
    assert '<a href="https://evil.test">' not in response.text
    assert "&lt;a href=&quot;https://evil.test&quot;&gt;" in response.text


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
    assert "Backend Engineer" in thanks.text


# --- Validation ------------------------------------------------------------------


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


def test_invalid_phone_number_is_refused(client, job):
    response = client.post(apply_url(job), application_data(phone="call me maybe"))

    assert response.status_code == 400
    assert "Enter a phone number" in response.text
    assert_nothing_saved()
