"""Writing to candidates from the board and the candidate page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jobs.models import HiringTeamMember
from mail.models import EmailEvent, EmailMessage, EmailTemplate
from tests.factories import ApplicationFactory, bulk_applications, make_job, pdf_upload

pytestmark = pytest.mark.django_db


def _template_text(organization, key):
    template = EmailTemplate.objects.get(organization=organization, key=key)
    return {"template": key, "subject": template.subject, "body": template.html_body}


def _send(client, job, applications):
    """What the page posts when the recruiter sends the rejection template's text unchanged."""
    text = _template_text(job.organization, "rejection")
    return client.post(f"/jobs/{job.pk}/email/", {"selected": [a.pk for a in applications], **text, "confirm": "1"})


def _queries_to_send(client, job, count):
    applications = list(bulk_applications(job, count))
    with CaptureQueriesContext(connection) as queries:
        response = _send(client, job, applications)
    assert response.status_code == 302
    return [q["sql"] for q in queries.captured_queries]


def test_sending_to_200_costs_the_same_queries_as_sending_to_2(client_for, recruiter, job, organization):
    client = client_for(recruiter)
    _queries_to_send(client, job, 1)  # warm-up: session, default templates, content type cache

    few = _queries_to_send(client, make_job(organization, title="Designer"), 2)
    many = _queries_to_send(client, make_job(organization, title="Tester"), 200)

    assert EmailMessage.objects.filter(template__key="rejection").count() == 203
    assert EmailEvent.objects.filter(kind="queued").count() == 203
    if connection.vendor == "postgresql":
        assert len(many) == len(few), "\n".join(q[:90] for q in many)
    else:
        # SQLite caps a statement at 999 parameters, so Django splits the two bulk INSERTs
        # into batches; every other query is the same whatever the count.
        def reads(sql):
            return [q for q in sql if not q.startswith("INSERT INTO")]

        assert len(reads(many)) == len(reads(few))


def test_each_recipient_gets_their_own_rendering(
    client_for, recruiter, job, mailoutbox, django_capture_on_commit_callbacks
):
    applications = bulk_applications(job, 3)

    with django_capture_on_commit_callbacks(execute=True):
        _send(client_for(recruiter), job, applications)

    assert len(mailoutbox) == 3
    for email, application in zip(sorted(mailoutbox, key=lambda m: m.to[0]),
                                  sorted(applications, key=lambda a: a.candidate.email), strict=True):  # fmt: skip
        assert email.to == [application.candidate.email]
        assert f"Hello {application.candidate.first_name}," in email.body
        assert email.reply_to == [recruiter.email]


def test_the_preview_shows_the_first_recipients_email(client_for, recruiter, job):
    first, second = bulk_applications(job, 2)

    response = client_for(recruiter).get(
        f"/jobs/{job.pk}/email/", {"selected": [first.pk, second.pk], "template": "rejection"}
    )

    assert response.status_code == 200
    assert f"Hello {first.candidate.first_name}," in response.context["preview"][1]
    assert not EmailMessage.objects.exists()


def test_applications_of_another_job_are_not_written_to(client_for, recruiter, job, organization):
    other = make_job(organization, title="Elsewhere")
    stranger = ApplicationFactory(job=other, current_stage=other.stages.first())
    mine = bulk_applications(job, 1)

    _send(client_for(recruiter), job, [*mine, stranger])

    assert list(EmailMessage.objects.values_list("to", flat=True)) == [[mine[0].candidate.email]]


def test_one_email_from_the_candidate_page_shows_in_the_timeline(
    client_for, recruiter, job, django_capture_on_commit_callbacks, mailoutbox
):
    application = ApplicationFactory(job=job, current_stage=job.stages.first())
    client = client_for(recruiter)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/applications/{application.pk}/email/",
            {**_template_text(job.organization, "screening_invitation"), "confirm": "1"},
        )

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    page = client.get(f"/candidates/{application.candidate_id}/").text
    assert "Email “Next step for Backend Engineer” (sent)" in page


def test_an_interviewer_cannot_send_email(client_for, interviewer, job):
    HiringTeamMember.objects.create(job=job, user=interviewer)
    application = ApplicationFactory(job=job, current_stage=job.stages.first())

    response = client_for(interviewer).post(f"/applications/{application.pk}/email/", {"template": "rejection"})

    assert response.status_code == 404  # even on the team, an interviewer sees no applications yet
    assert not EmailMessage.objects.exists()


def test_analytics_and_queue_pages_count_the_organisations_email(client_for, owner, job, other_organization):
    EmailMessage.objects.create(organization=job.organization, to=["a@x.test"], subject="s", status="sent")
    EmailMessage.objects.create(organization=job.organization, to=["b@x.test"], subject="s", status="failed")
    EmailMessage.objects.create(organization=other_organization, to=["c@x.test"], subject="s", status="failed")
    client = client_for(owner)

    analytics = client.get("/mail/analytics/").context
    queue = client.get("/mail/queue/").context

    assert (analytics["totals"]["sent"], analytics["totals"]["failed"]) == (1, 1)
    assert analytics["totals"]["failure_rate"] == 50
    assert (queue["status"]["failed"], queue["status"]["sent"]) == (1, 1)


def test_the_acknowledgement_replies_to_the_recruiter_who_made_the_job(
    client, organization, recruiter, mailoutbox, django_capture_on_commit_callbacks
):
    organization.privacy_policy_url = "https://example.com/privacy"
    organization.save()
    job = make_job(organization, title="Welder", created_by=recruiter)
    data = {"first_name": "Jo", "last_name": "Doe", "email": "jo@example.com", "consent": "on", "resume": pdf_upload()}

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/careers/{organization.slug}/{job.slug}/apply/", data)

    assert len(mailoutbox) == 1
    assert mailoutbox[0].reply_to == [recruiter.email]
    assert recruiter.get_full_name() in mailoutbox[0].body
