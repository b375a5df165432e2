"""The email API under /api/: templates/, send/, emails/, analytics/ and queue/status/."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Membership
from mail.models import EmailEvent, EmailMessage, EmailTemplate

pytestmark = pytest.mark.django_db

Status = EmailMessage.Status


def member(user):
    return Membership.objects.get(user=user)


def make_template(organization, key, name="A template", subject="Hello {{ candidate.first_name }}", **fields):
    return EmailTemplate.objects.create(
        organization=organization, key=key, name=name, subject=subject, html_body="<p>Hi</p>", **fields
    )


def make_message(organization, subject, *, status=Status.SENT, template=None, to=("ada@example.com",), **fields):
    return EmailMessage.objects.create(
        organization=organization, to=list(to), from_email="noreply@example.com", subject=subject,
        text_body=f"Body of {subject}", html_body=f"<p>Body of {subject}</p>", status=status, template=template,
        **fields,
    )  # fmt: skip


# --- templates/ ----------------------------------------------------------------------------------


def test_templates_need_credentials(organization):
    response = APIClient().get("/api/templates/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_templates_list_the_organisations_own_paginated(api_for, recruiter, organization, other_organization):
    make_template(other_organization, "globex-only", name="Globex only")
    ours = EmailTemplate.objects.filter(organization=organization).count()

    response = api_for(recruiter).get("/api/templates/", {"page_size": 5})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == ours
    assert len(body["results"]) == 5
    assert body["previous"] is None and "page=2" in body["next"]
    assert "Globex only" not in {row["name"] for row in body["results"]}
    names = [row["name"] for row in body["results"]]
    assert names == sorted(names)


def test_a_template_reads_with_the_apis_names(api_for, recruiter, organization):
    template = make_template(organization, "nudge", name="Nudge", text_body="Hi", category="offer")

    response = api_for(recruiter).get(f"/api/templates/{template.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("id", "key", "name", "subject", "body_html", "body_text", "template_type")} == {
        "id": template.pk, "key": "nudge", "name": "Nudge", "subject": "Hello {{ candidate.first_name }}",
        "body_html": "<p>Hi</p>", "body_text": "Hi", "template_type": "offer",
    }  # fmt: skip
    assert body["is_active"] is True and body["is_system"] is False


def test_the_default_templates_say_they_are_the_systems(api_for, recruiter, organization):
    acknowledgement = EmailTemplate.objects.get(organization=organization, key="acknowledgement")

    response = api_for(recruiter).get(f"/api/templates/{acknowledgement.pk}/")

    assert response.status_code == 200
    assert response.json()["is_system"] is True


def test_the_template_list_costs_the_same_for_more_rows(api_for, recruiter, organization):
    client = api_for(recruiter)
    client.get("/api/templates/")  # warm up: the first call resolves content types and the like
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/templates/", {"page_size": 100}).status_code == 200
    for n in range(20):
        make_template(organization, f"extra-{n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/templates/", {"page_size": 100})

    assert response.status_code == 200
    assert len(response.json()["results"]) > 20
    assert len(many) == len(few)


def test_an_admin_creates_a_template_its_key_made_from_the_name(api_for, owner, organization):
    body = {
        "name": "Second interview", "subject": "Again, {{ candidate.first_name }}",
        "body_html": "<p>See you</p>", "template_type": "meeting_reminder",
    }  # fmt: skip

    response = api_for(owner).post("/api/templates/", body, format="json")

    assert response.status_code == 201
    template = EmailTemplate.objects.get(organization=organization, key="second-interview")
    assert response.json()["id"] == template.pk
    assert (template.name, template.category, template.html_body, template.text_body) == (
        "Second interview", "meeting_reminder", "<p>See you</p>", "",
    )  # fmt: skip


def test_a_template_the_editor_would_refuse_is_a_400_naming_the_field(api_for, owner, organization):
    before = EmailTemplate.objects.count()
    body = {"name": "Broken", "subject": "Hi", "body_html": "<p>{% if %}</p>", "body_text": "{% load x %}"}

    response = api_for(owner).post("/api/templates/", body, format="json")

    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"body_html", "body_text"}
    assert errors["body_html"][0].startswith("HTML body")
    assert "the tag “load” isn't allowed" in errors["body_text"][0]
    assert EmailTemplate.objects.count() == before


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "Dup", "key": "acknowledgement", "subject": "s", "body_html": "b"}, "key"),
        ({"name": "Odd", "subject": "s", "body_html": "b", "template_type": "memo"}, "template_type"),
        ({"name": "No body", "subject": "s"}, "body_html"),
        ({"name": "x" * 151, "subject": "s", "body_html": "b"}, "name"),
        ({"name": "Bad key", "key": "not a slug!", "subject": "s", "body_html": "b"}, "key"),
    ],
)
def test_invalid_templates_are_400s_keyed_by_field(api_for, owner, body, field):
    before = EmailTemplate.objects.count()

    response = api_for(owner).post("/api/templates/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert EmailTemplate.objects.count() == before


@pytest.mark.parametrize("body", [[], "x", 3, None])
def test_a_body_that_is_not_an_object_is_a_400(api_for, owner, body):
    response = api_for(owner).post("/api/templates/", body, format="json")

    assert response.status_code == 400
    assert response.json()


def test_an_admin_updates_a_template_partly(api_for, owner, organization):
    template = make_template(organization, "nudge", text_body="Plain")

    response = api_for(owner).patch(
        f"/api/templates/{template.pk}/", {"subject": "New {{ job.title }}", "is_active": False}, format="json"
    )

    assert response.status_code == 200
    template.refresh_from_db()
    assert (template.subject, template.is_active, template.text_body, template.key) == (
        "New {{ job.title }}", False, "Plain", "nudge",
    )  # fmt: skip
    assert response.json()["subject"] == "New {{ job.title }}"


def test_an_update_the_editor_would_refuse_changes_nothing(api_for, owner, organization):
    template = make_template(organization, "nudge")

    response = api_for(owner).patch(f"/api/templates/{template.pk}/", {"subject": "{{ x|safe }}"}, format="json")

    assert response.status_code == 400
    assert "the filter “safe” isn't allowed" in response.json()["subject"][0]
    template.refresh_from_db()
    assert template.subject == "Hello {{ candidate.first_name }}"


def test_a_template_is_deleted_its_messages_kept(api_for, owner, organization):
    template = make_template(organization, "nudge")
    message = make_message(organization, "Sent with it", template=template)

    response = api_for(owner).delete(f"/api/templates/{template.pk}/")

    assert response.status_code == 204
    assert not EmailTemplate.objects.filter(pk=template.pk).exists()
    message.refresh_from_db()
    assert message.template is None


def test_a_system_template_is_switched_off_not_deleted(api_for, owner, organization):
    acknowledgement = EmailTemplate.objects.get(organization=organization, key="acknowledgement")

    response = api_for(owner).delete(f"/api/templates/{acknowledgement.pk}/")

    assert response.status_code == 400
    assert response.json() == {"key": ["The system sends this template by its key: switch it off instead."]}
    assert EmailTemplate.objects.filter(pk=acknowledgement.pk).exists()


def test_a_recruiter_reads_templates_but_may_not_change_them(api_for, recruiter, organization):
    template = make_template(organization, "nudge")
    client = api_for(recruiter)

    assert client.get(f"/api/templates/{template.pk}/").status_code == 200
    created = client.post("/api/templates/", {"name": "N", "subject": "s", "body_html": "b"}, format="json")
    changed = client.patch(f"/api/templates/{template.pk}/", {"subject": "Changed"}, format="json")
    deleted = client.delete(f"/api/templates/{template.pk}/")

    assert [created.status_code, changed.status_code, deleted.status_code] == [403, 403, 403]
    assert changed.json() == {"detail": "Your role does not allow this."}
    template.refresh_from_db()
    assert template.subject == "Hello {{ candidate.first_name }}"
    assert not EmailTemplate.objects.filter(name="N").exists()


@pytest.mark.parametrize("role", ["interviewer", "hiring_manager"])
def test_members_who_send_no_email_may_not_read_templates(api_for, request, role):
    response = api_for(request.getfixturevalue(role)).get("/api/templates/")

    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow this."}


def test_another_organisations_template_is_a_404(api_for, owner, other_organization):
    theirs = make_template(other_organization, "theirs")
    client = api_for(owner)

    assert client.get(f"/api/templates/{theirs.pk}/").status_code == 404
    assert client.patch(f"/api/templates/{theirs.pk}/", {"subject": "Mine"}, format="json").status_code == 404
    assert client.delete(f"/api/templates/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.subject == "Hello {{ candidate.first_name }}"


@pytest.mark.parametrize("pk", ["abc", "-1", "99999999999999999999999", "9223372036854775807"])
def test_ids_that_are_no_template_are_404s(api_for, owner, pk):
    response = api_for(owner).get(f"/api/templates/{pk}/")

    assert response.status_code == 404


def test_a_read_only_key_reads_templates_but_does_not_write(api_key_for, owner, organization):
    client = api_key_for(member(owner), read_only=True)

    assert client.get("/api/templates/").status_code == 200
    response = client.post("/api/templates/", {"name": "N", "subject": "s", "body_html": "b"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "This API key is read-only."}
    assert not EmailTemplate.objects.filter(name="N").exists()


def test_templates_filter_by_type(api_for, recruiter, organization):
    response = api_for(recruiter).get("/api/templates/", {"template_type": "offer", "page_size": 100})

    assert response.status_code == 200
    expected = EmailTemplate.objects.filter(organization=organization, category="offer").count()
    assert response.json()["count"] == expected >= 1
    assert {row["template_type"] for row in response.json()["results"]} == {"offer"}


# --- send/ ---------------------------------------------------------------------------------------


def test_a_template_is_sent_to_each_address_then_delivered(
    api_for, recruiter, organization, django_capture_on_commit_callbacks
):
    make_template(organization, "nudge", subject="Hello {{ candidate.first_name }} from {{ organization.name }}")
    body = {"to": ["ada@example.com", "bob@example.com"], "template": "nudge",
            "context": {"candidate": {"first_name": "Ada"}}}  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(recruiter).post("/api/send/", body, format="json")

    assert response.status_code == 202
    ids = response.json()["message_ids"]
    messages = EmailMessage.objects.filter(pk__in=ids).order_by("pk")
    assert [m.to for m in messages] == [["ada@example.com"], ["bob@example.com"]]
    assert {m.status for m in messages} == {Status.SENT}
    assert all(m.template.key == "nudge" and m.sent_by == recruiter for m in messages)
    assert sorted(sent.to[0] for sent in mail.outbox) == ["ada@example.com", "bob@example.com"]
    assert {sent.subject for sent in mail.outbox} == {"Hello Ada from Acme Corp"}


def test_a_template_is_found_by_its_name_too(api_for, recruiter, organization, django_capture_on_commit_callbacks):
    make_template(organization, "nudge", name="Gentle Nudge")

    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(recruiter).post(
            "/api/send/", {"to": ["ada@example.com"], "template": "gentle nudge"}, format="json"
        )

    assert response.status_code == 202
    assert EmailMessage.objects.get(pk=response.json()["message_ids"][0]).template.key == "nudge"


def test_your_own_text_is_sent_cleaned(api_for, recruiter, organization, django_capture_on_commit_callbacks):
    body = {
        "to": ["ada@example.com"], "subject": "News from {{ organization.name }}",
        "body_html": '<p>Hi<script>alert(1)</script> <a href="https://example.com" onclick="x()">here</a></p>',
        "body_text": "Hi, see https://example.com",
    }  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(recruiter).post("/api/send/", body, format="json")

    assert response.status_code == 202
    message = EmailMessage.objects.get(pk=response.json()["message_ids"][0])
    assert message.status == Status.SENT and message.template is None
    assert message.subject == "News from Acme Corp"
    assert "<script>" not in message.html_body and "onclick" not in message.html_body
    assert "here</a>" in message.html_body
    assert message.text_body == "Hi, see https://example.com"
    assert [(sent.subject, sent.body) for sent in mail.outbox] == [("News from Acme Corp", message.text_body)]


def test_plain_text_alone_is_sent_as_text(api_for, recruiter, django_capture_on_commit_callbacks):
    body = {"to": ["ada@example.com"], "subject": "Plain", "body_text": "Just text"}

    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(recruiter).post("/api/send/", body, format="json")

    assert response.status_code == 202
    message = EmailMessage.objects.get(pk=response.json()["message_ids"][0])
    assert (message.html_body, message.text_body, message.status) == ("", "Just text", Status.SENT)
    assert [sent.body for sent in mail.outbox] == ["Just text"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"to": ["not-an-address"], "template": "acknowledgement"}, "to"),
        ({"to": ["ada@example.com", "x@y"], "subject": "s", "body_text": "t"}, "to"),
        ({"to": ["ada@example.com\nBcc: eve@example.com"], "subject": "s", "body_text": "t"}, "to"),
        ({"to": [], "template": "acknowledgement"}, "to"),
        ({"to": "ada@example.com", "template": "acknowledgement"}, "to"),
        ({"to": [f"p{n}@example.com" for n in range(51)], "template": "acknowledgement"}, "to"),
        ({"to": ["ada@example.com"], "template": "no-such-template"}, "template"),
        ({"to": ["ada@example.com"], "template": "acknowledgement", "subject": "s"}, "subject"),
        ({"to": ["ada@example.com"]}, "template"),
        ({"to": ["ada@example.com"], "subject": "s"}, "body_html"),
        ({"to": ["ada@example.com"], "subject": "{{ nobody.knows }}", "body_text": "t"}, "subject"),
        ({"to": ["ada@example.com"], "subject": "s", "body_html": "<p>{% if %}</p>"}, "body_html"),
        ({"to": ["ada@example.com"], "template": "acknowledgement", "context": {"candidate": {"x": [1]}}}, "context"),
        ({"to": ["ada@example.com"], "template": "acknowledgement", "context": "x"}, "context"),
        ({"to": ["ada@example.com"], "subject": "s", "body_text": "t", "context": {}}, "context"),
    ],
)
def test_a_send_that_cannot_go_is_a_400_and_queues_nothing(
    api_for, recruiter, body, field, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(recruiter).post("/api/send/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert EmailMessage.objects.count() == 0
    assert mail.outbox == []


def test_an_inactive_template_is_not_sent(api_for, recruiter, organization):
    make_template(organization, "nudge", is_active=False)

    response = api_for(recruiter).post("/api/send/", {"to": ["ada@example.com"], "template": "nudge"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"template": ["No active template has the key or name “nudge”."]}


def test_another_organisations_template_cannot_be_sent(api_for, recruiter, other_organization):
    make_template(other_organization, "globex-secret")

    response = api_for(recruiter).post(
        "/api/send/", {"to": ["ada@example.com"], "template": "globex-secret"}, format="json"
    )

    assert response.status_code == 400
    assert EmailMessage.objects.count() == 0


@pytest.mark.parametrize("role", ["interviewer", "hiring_manager"])
def test_members_who_send_no_email_may_not_send(api_for, request, role):
    response = api_for(request.getfixturevalue(role)).post(
        "/api/send/", {"to": ["ada@example.com"], "template": "acknowledgement"}, format="json"
    )

    assert response.status_code == 403
    assert EmailMessage.objects.count() == 0


def test_a_read_only_key_may_not_send(api_key_for, recruiter):
    client = api_key_for(member(recruiter), read_only=True)

    response = client.post("/api/send/", {"to": ["ada@example.com"], "template": "acknowledgement"}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "This API key is read-only."}
    assert EmailMessage.objects.count() == 0


def test_send_needs_credentials(organization):
    response = APIClient().post("/api/send/", {"to": ["ada@example.com"], "template": "x"}, format="json")

    assert response.status_code == 401
    assert EmailMessage.objects.count() == 0


# --- emails/ -------------------------------------------------------------------------------------


@pytest.fixture
def log(organization, other_organization):
    offer = EmailTemplate.objects.get(organization=organization, key="offer")
    return {
        "sent": make_message(organization, "Offer for Ada", template=offer),
        "failed": make_message(
            organization, "Bounced", status=Status.FAILED, to=["bob@example.com"], last_error="550 no such user"
        ),
        "theirs": make_message(other_organization, "Globex private"),
    }


def test_the_log_lists_the_organisations_messages_newest_first(api_for, recruiter, log):
    response = api_for(recruiter).get("/api/emails/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert [row["subject"] for row in body["results"]] == ["Bounced", "Offer for Ada"]
    assert body["results"][0]["status"] == "failed"
    assert body["results"][0]["last_error"] == "550 no such user"
    assert body["results"][1]["template_name"] == "Offer"
    assert "body_html" not in body["results"][0]


@pytest.mark.parametrize(
    "query, subjects",
    [
        ({"status": "failed"}, ["Bounced"]),
        ({"status": "sent"}, ["Offer for Ada"]),
        ({"to": "BOB@example"}, ["Bounced"]),
        ({"to": "nobody"}, []),
        ({"search": "offer"}, ["Offer for Ada"]),
    ],
)
def test_the_log_filters(api_for, recruiter, log, query, subjects):
    response = api_for(recruiter).get("/api/emails/", query)

    assert response.status_code == 200
    assert [row["subject"] for row in response.json()["results"]] == subjects


def test_the_log_filters_by_template(api_for, recruiter, log):
    response = api_for(recruiter).get("/api/emails/", {"template": log["sent"].template_id})

    assert response.status_code == 200
    assert [row["subject"] for row in response.json()["results"]] == ["Offer for Ada"]


@pytest.mark.parametrize("query", [{"status": "lost"}, {"template": "x"}, {"template": "1.5"},
                                   {"template": "-3"}, {"template": "9" * 30}])  # fmt: skip
def test_nonsense_log_filters_are_400s(api_for, recruiter, log, query):
    response = api_for(recruiter).get("/api/emails/", query)

    assert response.status_code == 400
    assert set(response.json()) == set(query)


def test_one_message_shows_its_bodies_and_history(api_for, recruiter, log):
    message = log["failed"]
    EmailEvent.objects.create(message=message, kind=EmailEvent.Kind.FAILED, detail="550 no such user")

    response = api_for(recruiter).get(f"/api/emails/{message.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert (body["body_text"], body["body_html"]) == ("Body of Bounced", "<p>Body of Bounced</p>")
    assert [(e["kind"], e["detail"]) for e in body["events"]] == [("failed", "550 no such user")]


def test_a_sensitive_message_shows_its_subject_and_status_never_its_bodies(api_for, recruiter, organization):
    secret = "https://ats.example.com/invite/SECRET-TOKEN/"
    message = make_message(
        organization, "You're invited", status=Status.QUEUED, sensitive=True, context={"link": secret},
        links=[secret],
    )  # fmt: skip
    message.text_body = message.html_body = f"Join: {secret}"
    message.opened_at = message.clicked_at = message.created_at
    message.save()
    client = api_for(recruiter)

    detail = client.get(f"/api/emails/{message.pk}/")
    listed = client.get("/api/emails/")

    assert detail.status_code == 200 and listed.status_code == 200
    assert detail.json()["subject"] == "You're invited"
    assert detail.json()["status"] == "queued"
    assert detail.json()["body_text"] is None and detail.json()["body_html"] is None
    assert detail.json()["opened_at"] is None and listed.json()["results"][0]["clicked_at"] is None
    assert "SECRET-TOKEN" not in detail.content.decode()
    assert "SECRET-TOKEN" not in listed.content.decode()


def test_another_organisations_message_is_a_404(api_for, owner, log):
    response = api_for(owner).get(f"/api/emails/{log['theirs'].pk}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No EmailMessage matches the given query."}


def test_the_log_is_read_only(api_for, owner, log):
    client = api_for(owner)

    assert client.post("/api/emails/", {"subject": "x"}, format="json").status_code == 405
    assert client.delete(f"/api/emails/{log['sent'].pk}/").status_code == 405
    assert EmailMessage.objects.filter(pk=log["sent"].pk).exists()


def test_the_log_is_for_members_who_send_email(api_for, interviewer, log):
    response = api_for(interviewer).get("/api/emails/")

    assert response.status_code == 403
    assert APIClient().get("/api/emails/").status_code == 401


def test_the_log_costs_the_same_for_more_rows(api_for, recruiter, organization, log):
    client = api_for(recruiter)
    client.get("/api/emails/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/emails/", {"page_size": 100}).status_code == 200
    offer = EmailTemplate.objects.get(organization=organization, key="offer")
    for n in range(15):
        make_message(organization, f"More {n}", template=offer if n % 2 else None)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/emails/", {"page_size": 100})

    assert response.json()["count"] == 17
    assert len(many) == len(few)


# --- analytics/ and queue/status/ -----------------------------------------------------------------


def test_analytics_count_the_rows(api_for, recruiter, organization, other_organization):
    offer = EmailTemplate.objects.get(organization=organization, key="offer")
    now = timezone.now()
    make_message(organization, "a", template=offer, opened_at=now, clicked_at=now)
    make_message(organization, "b", template=offer, opened_at=now)
    make_message(organization, "c", template=offer)
    make_message(organization, "d", status=Status.FAILED)
    make_message(organization, "e", status=Status.QUEUED, created_at=now - timedelta(days=3))
    make_message(other_organization, "theirs", opened_at=now)

    response = api_for(recruiter).get("/api/analytics/")

    assert response.status_code == 200
    body = response.json()
    assert body["totals"] == {
        "total": 5, "sent": 3, "failed": 1, "opened": 2, "clicked": 1,
        "open_rate": 67, "click_rate": 33, "failure_rate": 25,
    }  # fmt: skip
    per_template = {row["template"]: (row["total"], row["sent"], row["opened"]) for row in body["per_template"]}
    assert per_template == {"Offer": (3, 3, 2), None: (2, 0, 0)}
    assert len(body["per_day"]) == 30
    today = organization.local_date(now).isoformat()
    three_days_ago = organization.local_date(now - timedelta(days=3)).isoformat()
    days = {row["day"]: row["total"] for row in body["per_day"]}
    assert days[today] == 4 and days[three_days_ago] == 1
    assert sum(days.values()) == 5


def test_the_queue_status_counts_the_outbox(api_for, recruiter, organization, other_organization):
    for status, n in ((Status.QUEUED, 2), (Status.SENDING, 1), (Status.FAILED, 3)):
        for i in range(n):
            make_message(organization, f"{status} {i}", status=status)
    make_message(other_organization, "theirs", status=Status.QUEUED)

    response = api_for(recruiter).get("/api/queue/status/")

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("queued", "sending", "failed", "sent")} == {
        "queued": 2,
        "sending": 1,
        "failed": 3,
        "sent": 0,
    }
    # No task has finished on this database: the worker is not known to be alive.
    assert body["worker_ok"] is False and body["worker_last_seen"] is None
    assert body["tasks_waiting"] == 0


def test_the_queue_status_says_when_the_worker_last_finished_a_task_and_what_waits(api_for, recruiter):
    from django_q.brokers import get_broker
    from django_q.models import Success

    now = timezone.now()
    Success.objects.create(id="a" * 32, name="deliver_due", func="mail.tasks.deliver_due", started=now, stopped=now)
    get_broker().enqueue("a signed task")

    response = api_for(recruiter).get("/api/queue/status/")

    assert response.status_code == 200
    body = response.json()
    assert body["worker_ok"] is True
    assert datetime.fromisoformat(body["worker_last_seen"]) == now
    assert body["tasks_waiting"] == 1


@pytest.mark.parametrize("url", ["/api/analytics/", "/api/queue/status/"])
def test_analytics_and_queue_are_for_members_who_send_email(api_for, interviewer, url):
    assert api_for(interviewer).get(url).status_code == 403
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
