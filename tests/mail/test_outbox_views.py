"""The outbox: /mail/outbox/ (list with filters), /mail/outbox/<id>/ (one message and its history) and
/mail/outbox/<id>/retry/ (a person's retry of a failed message)."""

import html
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mail.models import EmailEvent, EmailMessage, EmailTemplate

pytestmark = pytest.mark.django_db

Status = EmailMessage.Status


def make_message(organization, subject, *, status=Status.SENT, template=None, days_ago=0, **fields):
    return EmailMessage.objects.create(
        organization=organization,
        to=["ada@example.com"],
        from_email="noreply@example.com",
        subject=subject,
        text_body=f"Body of {subject}",
        status=status,
        template=template,
        created_at=timezone.now() - timedelta(days=days_ago),
        **fields,
    )


def make_template(organization, key, name):
    defaults = {"name": name, "subject": "s", "html_body": "b"}
    return EmailTemplate.objects.update_or_create(organization=organization, key=key, defaults=defaults)[0]


def page_text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def offer(organization):
    return make_template(organization, "offer", "Offer letter")


@pytest.fixture
def messages(organization, offer):
    return {
        "sent": make_message(organization, "Sent today", template=offer),
        "failed": make_message(
            organization,
            "Failed last week",
            status=Status.FAILED,
            days_ago=7,
            last_error="SMTPRecipientsRefused: no such user",
        ),
        "queued": make_message(organization, "Queued long ago", status=Status.QUEUED, days_ago=40),
    }


@pytest.fixture
def theirs(other_organization):
    return make_message(other_organization, "Globex private", status=Status.FAILED)


def subjects_in(response):
    return {subject for subject in ("Sent today", "Failed last week", "Queued long ago") if subject in response.text}


# --- The list --------------------------------------------------------------------------------


def test_the_outbox_lists_only_the_organisations_messages(recruiter_client, messages, theirs):
    response = recruiter_client.get("/mail/outbox/")

    assert response.status_code == 200
    assert subjects_in(response) == {"Sent today", "Failed last week", "Queued long ago"}
    assert "Globex private" not in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "failed"}, {"Failed last week"}),
        ({"status": "queued"}, {"Queued long ago"}),
        ({"status": "sending"}, set()),
        ({"since": "DAYS_AGO_10"}, {"Sent today", "Failed last week"}),
        ({"since": "DAYS_AGO_10", "status": "sent"}, {"Sent today"}),
    ],
)
def test_the_outbox_filters_by_status_and_date(recruiter_client, messages, theirs, query, expected):
    if query.get("since") == "DAYS_AGO_10":
        query = {**query, "since": (timezone.localdate() - timedelta(days=10)).isoformat()}

    response = recruiter_client.get("/mail/outbox/", query)

    assert response.status_code == 200
    assert subjects_in(response) == expected
    assert "Globex private" not in response.text


def test_the_outbox_filters_by_template(recruiter_client, messages, offer):
    response = recruiter_client.get("/mail/outbox/", {"template": offer.pk})

    assert subjects_in(response) == {"Sent today"}
    assert f'<option value="{offer.pk}" selected>Offer letter</option>' in response.text


def test_another_organisations_template_as_a_filter_shows_nothing_of_theirs(
    recruiter_client, messages, other_organization
):
    their_template = make_template(other_organization, "theirs", "Their template")
    make_message(other_organization, "Globex templated", template=their_template)

    response = recruiter_client.get("/mail/outbox/", {"template": their_template.pk})

    assert response.status_code == 200
    assert subjects_in(response) == set()
    assert "Globex templated" not in response.text
    assert "Their template" not in response.text


def test_nonsense_filters_are_ignored(recruiter_client, messages):
    response = recruiter_client.get("/mail/outbox/", {"status": "bogus", "template": "x; drop", "since": "yesterday"})

    assert response.status_code == 200
    assert subjects_in(response) == {"Sent today", "Failed last week", "Queued long ago"}


def test_an_empty_filter_result_says_so(recruiter_client, messages):
    response = recruiter_client.get("/mail/outbox/", {"status": "sending"})

    assert "No email matches these filters." in response.text


def test_the_outbox_query_count_does_not_grow_with_rows(recruiter_client, organization, offer):
    make_message(organization, "One", template=offer)
    with CaptureQueriesContext(connection) as few:
        assert recruiter_client.get("/mail/outbox/").status_code == 200
    for n in range(10):
        make_message(organization, f"More {n}", template=make_template(organization, f"k{n}", f"Template {n}"))

    with CaptureQueriesContext(connection) as many:
        assert recruiter_client.get("/mail/outbox/").status_code == 200

    assert len(many) == len(few)


def test_an_interviewer_gets_403_on_the_outbox(client_for, interviewer, messages):
    client = client_for(interviewer)

    assert client.get("/mail/outbox/").status_code == 403
    assert client.get(f"/mail/outbox/{messages['sent'].pk}/").status_code == 403
    assert client.post(f"/mail/outbox/{messages['failed'].pk}/retry/").status_code == 403
    messages["failed"].refresh_from_db()
    assert messages["failed"].status == Status.FAILED


def test_a_hiring_manager_gets_403_on_the_outbox(client_for, hiring_manager):
    assert client_for(hiring_manager).get("/mail/outbox/").status_code == 403


def test_signed_out_visitors_are_sent_to_login():
    response = Client().get("/mail/outbox/")

    assert response.status_code == 302
    assert "/login/" in response["Location"]


# --- One message -----------------------------------------------------------------------------


def test_the_detail_shows_the_message_its_error_and_history(recruiter_client, messages):
    failed = messages["failed"]
    EmailEvent.objects.create(message=failed, kind=EmailEvent.Kind.FAILED, detail="gave up")

    response = recruiter_client.get(f"/mail/outbox/{failed.pk}/")

    text = page_text(response)
    assert response.status_code == 200
    assert "Failed last week" in text
    assert "SMTPRecipientsRefused: no such user" in text
    assert "gave up" in text
    assert f'action="/mail/outbox/{failed.pk}/retry/"' in response.text


def test_a_sent_message_offers_no_retry(recruiter_client, messages):
    response = recruiter_client.get(f"/mail/outbox/{messages['sent'].pk}/")

    assert response.status_code == 200
    assert "<h1>Sent today</h1>" in response.text
    assert "/retry/" not in response.text


def test_the_detail_escapes_what_the_message_holds(recruiter_client, organization):
    message = make_message(organization, "<script>alert(1)</script>")

    response = recruiter_client.get(f"/mail/outbox/{message.pk}/")

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_another_organisations_message_is_404(recruiter_client, theirs):
    assert recruiter_client.get(f"/mail/outbox/{theirs.pk}/").status_code == 404


# --- Retry -----------------------------------------------------------------------------------


def test_retrying_a_failed_message_queues_and_sends_it(recruiter_client, messages, django_capture_on_commit_callbacks):
    failed = messages["failed"]
    failed.attempts = 3
    failed.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = recruiter_client.post(f"/mail/outbox/{failed.pk}/retry/")

    failed.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/mail/outbox/{failed.pk}/"
    assert failed.status == Status.SENT
    assert failed.attempts == 1
    assert [m.subject for m in mail.outbox] == ["Failed last week"]
    assert failed.events.filter(kind=EmailEvent.Kind.QUEUED, detail="Retried by hand").count() == 1
    assert "The message is queued again." in page_text(recruiter_client.get(response["Location"]))


@pytest.mark.parametrize("status", [Status.SENT, Status.QUEUED, Status.SENDING])
def test_retrying_a_message_that_has_not_failed_is_refused_with_a_message(
    recruiter_client, organization, status, django_capture_on_commit_callbacks
):
    message = make_message(organization, "Not failed", status=status, attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        response = recruiter_client.post(f"/mail/outbox/{message.pk}/retry/", follow=True)

    message.refresh_from_db()
    assert response.status_code == 200
    assert "Only a failed message can be retried." in page_text(response)
    assert message.status == status
    assert message.attempts == 1
    assert not message.events.exists()
    assert mail.outbox == []


def test_retrying_another_organisations_message_is_404(recruiter_client, theirs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = recruiter_client.post(f"/mail/outbox/{theirs.pk}/retry/")

    theirs.refresh_from_db()
    assert response.status_code == 404
    assert theirs.status == Status.FAILED
    assert mail.outbox == []


def test_retry_refuses_get(recruiter_client, messages):
    response = recruiter_client.get(f"/mail/outbox/{messages['failed'].pk}/retry/")

    messages["failed"].refresh_from_db()
    assert response.status_code == 405
    assert messages["failed"].status == Status.FAILED
