"""The acknowledgement email a candidate gets after applying."""

import pytest
from django.core import mail

from .applying import ESCAPED_XSS, XSS, application_data, apply_url

pytestmark = pytest.mark.django_db


def test_acknowledgement_email_is_sent_to_the_candidate_after_applying(client, job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(job), application_data(email="Jane.Doe@example.com"))

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jane.doe@example.com"]  # addresses are stored lower-cased
    assert "Backend Engineer" in message.subject
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
