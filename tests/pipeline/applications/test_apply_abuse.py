"""The public apply form under abuse: rate limits, the honeypot, and script typed into the form."""

import pytest
from django.core import mail

from jobs.services import add_question
from pipeline.models import Application, Candidate

from .applying import ESCAPED_XSS, PHONE, XSS, application_data, apply_url, assert_nothing_saved, thanks_url

pytestmark = pytest.mark.django_db


# --- Rate limits -----------------------------------------------------------------


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


def test_the_rate_limit_keys_on_the_address_our_proxy_appended(client, job, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.APPLY_RATE_LIMIT = (1, 600)
    url = apply_url(job)

    first = client.post(url, {"website": ""}, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    second = client.post(url, {"website": ""}, HTTP_X_FORWARDED_FOR="2.2.2.2, 203.0.113.9")

    assert first.status_code == 400
    assert second.status_code == 429


# --- Bots and script -------------------------------------------------------------


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
