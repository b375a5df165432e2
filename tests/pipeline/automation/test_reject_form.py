"""Rejection done right: /applications/<id>/reject/ and /jobs/<id>/board/reject/ — a reason, the rejection
email (ticked when the form opens, its text editable) and when it goes; brought back first, it never goes."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail as outbox
from django.utils import timezone

from mail.models import EmailMessage, EmailTemplate
from pipeline.applications import services
from pipeline.applications.models import Application
from pipeline.automation import runner
from pipeline.automation.models import ActionRun
from tests.factories import ApplicationFactory, make_job

from .test_engine import later

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
Status = ActionRun.Status
TEXT = {
    "subject": "About {{ job.title }}, {{ candidate.first_name }}",
    "body": "<p>Sorry, {{ candidate.first_name }}.</p>",
}


@pytest.fixture
def client(recruiter_client):
    return recruiter_client


def url(application):
    return f"/applications/{application.pk}/reject/"


def reject(client, application, capture, **data):
    with capture(execute=True):
        return client.post(url(application), data)


def sweep(capture, minutes):
    with capture(execute=True):
        runner.sweep(now=later(minutes))


def fresh(application):
    return Application.objects.get(pk=application.pk)


def toast(client):
    """The messages the next page shows (the board, after a redirect)."""
    return client.get("/jobs/").text


# --- The form -------------------------------------------------------------------------------------


def test_the_form_starts_from_the_rejection_template_with_the_email_ticked(client, application):
    page = client.get(url(application), {"next": f"/candidates/{application.candidate_id}/"})

    assert page.status_code == 200
    assert "<html" in page.text and "Reject Ada Example" in page.text
    assert re.search(r'<input type="checkbox" name="send_email"[^>]*checked', page.text)
    assert 'value="Your application for {{ job.title }}"' in page.text  # the template's text, variables kept
    assert "Thank you for your interest in {{ job.title }}" in page.text
    assert "<option>Not enough experience</option>" in page.text
    assert re.search(r'<option value="now" selected>Now</option>', page.text)
    assert "In 2 days" in page.text and "In a week" in page.text and "Tomorrow" in page.text


def test_with_htmx_the_form_is_a_dialog(client, application):
    response = client.get(
        url(application),
        headers={**HTMX, "HX-Current-URL": f"http://testserver/jobs/{application.job_id}/board/?q=ada"},
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith("<dialog") and "<html" not in response.text
    assert 'data-hx-post="' in response.text
    assert f'name="next" value="/jobs/{application.job_id}/board/?q=ada"' in response.text


def test_without_a_rejection_template_the_email_starts_unticked(client, organization, application):
    EmailTemplate.objects.filter(organization=organization, key="rejection").update(is_active=False)

    page = client.get(url(application))

    assert page.status_code == 200
    assert not re.search(r'<input type="checkbox" name="send_email"[^>]*checked', page.text)
    assert "no active “rejection” template" in page.text


# --- Rejecting -------------------------------------------------------------------------------------


def test_a_delayed_email_says_when_it_goes_and_bringing_them_back_cancels_it(
    client, application, django_capture_on_commit_callbacks
):
    response = reject(
        client,
        application,
        django_capture_on_commit_callbacks,
        reason="Position filled",
        send_email="on",
        delay="2d",
        **TEXT,
    )

    assert response.status_code == 302
    assert fresh(application).status == Application.Status.REJECTED
    run = ActionRun.objects.get(application=application, trigger=ActionRun.Trigger.REJECTION)
    assert run.status == Status.PENDING
    assert abs(run.due_at - (timezone.now() + timedelta(days=2))) < timedelta(minutes=1)
    assert "The rejection email goes in 2 days, unless you bring them back." in toast(client)
    assert EmailMessage.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/applications/{application.pk}/unreject/")
    sweep(django_capture_on_commit_callbacks, minutes=3 * 24 * 60)

    run.refresh_from_db()
    assert run.status == Status.CANCELLED
    assert run.result == "Brought back into the process."
    assert EmailMessage.objects.count() == 0
    assert outbox.outbox == []


def test_a_delayed_email_goes_with_the_edited_words_when_its_time_comes(
    client, application, django_capture_on_commit_callbacks
):
    reject(
        client,
        application,
        django_capture_on_commit_callbacks,
        reason="Position filled",
        send_email="on",
        delay="custom",
        delay_amount="90",
        delay_unit="minutes",
        **TEXT,
    )
    assert "goes in 90 minutes, unless you bring them back" in toast(client)

    sweep(django_capture_on_commit_callbacks, minutes=60)
    assert EmailMessage.objects.count() == 0
    sweep(django_capture_on_commit_callbacks, minutes=91)

    message = EmailMessage.objects.get()
    assert (message.to, message.subject) == (["ada@example.com"], "About Backend Engineer, Ada")
    assert "Sorry, Ada." in message.html_body


def test_an_email_now_is_on_its_way(client, application, django_capture_on_commit_callbacks):
    response = reject(
        client,
        application,
        django_capture_on_commit_callbacks,
        reason="Position filled",
        send_email="on",
        delay="now",
        next=f"/candidates/{application.candidate_id}/",
        **TEXT,
    )

    assert response["Location"] == f"/candidates/{application.candidate_id}/#application-{application.pk}"
    assert "Ada Example was rejected. The rejection email is on its way." in toast(client)
    assert [m.subject for m in outbox.outbox] == ["About Backend Engineer, Ada"]


def test_unticked_no_email_goes(client, application, django_capture_on_commit_callbacks):
    reject(client, application, django_capture_on_commit_callbacks, reason="Position filled", delay="now", **TEXT)
    sweep(django_capture_on_commit_callbacks, minutes=3 * 24 * 60)

    assert fresh(application).status == Application.Status.REJECTED
    assert "Ada Example was rejected. No email was sent." in toast(client)
    assert not ActionRun.objects.filter(trigger=ActionRun.Trigger.REJECTION).exists()
    assert EmailMessage.objects.count() == 0


def test_a_bare_post_of_a_reason_rejects_without_an_email(client, application, django_capture_on_commit_callbacks):
    response = reject(client, application, django_capture_on_commit_callbacks, reason="Not a culture add")

    assert response.status_code == 302
    assert fresh(application).rejection_reason == "Not a culture add"
    assert EmailMessage.objects.count() == 0 and not ActionRun.objects.exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"reason": "", "send_email": "on", **TEXT}, "Choose a reason."),
        (
            {"reason": "Position filled", "send_email": "on", "subject": "", "body": "<p>x</p>"},
            "Subject: write something",
        ),
        ({"reason": "Position filled", "send_email": "on", "delay": "custom", **TEXT}, "Say how many minutes"),
        (
            {
                "reason": "Position filled",
                "send_email": "on",
                "delay": "custom",
                "delay_amount": "31",
                "delay_unit": "days",
                **TEXT,
            },
            "At most 30 days.",
        ),
        (
            {"reason": "Position filled", "send_email": "on", "subject": "Hi {{ who.knows }}", "body": "<p>x</p>"},
            "who.knows",
        ),
    ],
    ids=["no reason", "no subject", "no amount", "too late", "unknown variable"],
)
def test_a_refused_form_says_why_and_rejects_nothing(client, application, data, error):
    page = client.post(url(application), data)
    dialog = client.post(url(application), data, headers=HTMX)

    assert page.status_code == 400
    assert error in page.text
    assert dialog.status_code == 200 and dialog.text.lstrip().startswith("<dialog") and error in dialog.text
    assert fresh(application).status == Application.Status.ACTIVE
    assert not ActionRun.objects.exists()


def test_a_closed_application_is_not_rejected_again(client, application):
    services.reject_application(application=application, reason="Position filled")

    response = client.post(url(application), {"reason": "Not a culture add", "send_email": "on", **TEXT})

    assert response.status_code == 400
    assert "already closed" in response.text
    assert fresh(application).rejection_reason == "Position filled"
    assert not ActionRun.objects.exists()


def test_with_htmx_a_rejection_loads_the_page_it_came_from_again(
    client, application, django_capture_on_commit_callbacks
):
    board = f"/jobs/{application.job_id}/board/?q=ada"
    headers = {**HTMX, "HX-Current-URL": f"http://testserver{board}"}
    with django_capture_on_commit_callbacks(execute=True):
        same = client.post(url(application), {"reason": "Position filled"}, headers=headers)
        services.un_reject_application(application=application)
        elsewhere = client.post(
            url(application), {"reason": "Position filled", "next": "/candidates/"}, headers=headers
        )

    assert same.status_code == elsewhere.status_code == 200
    assert same["HX-Refresh"] == "true"  # the board it was on, again (a #fragment alone would load nothing)
    assert elsewhere["HX-Redirect"] == "/candidates/"


# --- A board's selection -------------------------------------------------------------------------------


def test_the_bulk_bars_reject_opens_the_form_for_the_selection(client, job, stages, application):
    other_job = make_job(job.organization)
    foreign = ApplicationFactory(job=other_job, current_stage=other_job.stages.first())

    response = client.post(
        f"/jobs/{job.pk}/board/bulk/", {"action": "reject", "selected": [application.pk, foreign.pk]}
    )

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == f"/jobs/{job.pk}/board/reject/"
    assert parse_qs(target.query)["selected"] == [str(application.pk)]  # the other job's is not this board's
    page = client.get(f"{target.path}?selected={application.pk}&selected={foreign.pk}")
    assert page.status_code == 200
    assert "1 selected: Ada Example." in page.text
    assert fresh(application).status == Application.Status.ACTIVE


def test_bulk_reject_sends_one_text_rendered_for_each_and_skips_the_closed(
    client, job, stages, application, other_organization, django_capture_on_commit_callbacks
):
    grace = ApplicationFactory(job=job, current_stage=stages[1], candidate__first_name="Grace")
    closed = ApplicationFactory(job=job, current_stage=stages[0], candidate__first_name="Alan")
    services.reject_application(application=closed, reason="Position filled")
    foreign_job = make_job(other_organization)
    foreign = ApplicationFactory(job=foreign_job, current_stage=foreign_job.stages.first())
    selected = [application.pk, grace.pk, closed.pk, foreign.pk]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/jobs/{job.pk}/board/reject/",
            {"selected": selected, "reason": "Position filled", "send_email": "on", "delay": "now", **TEXT},
        )

    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/board/"
    assert "Rejected 2. The rejection emails are on their way." in toast(client)
    assert sorted(m.subject for m in outbox.outbox) == ["About Backend Engineer, Ada", "About Backend Engineer, Grace"]
    assert fresh(foreign).status == Application.Status.ACTIVE


def test_bulk_reject_with_a_delay_and_one_brought_back(
    client, job, stages, application, django_capture_on_commit_callbacks
):
    grace = ApplicationFactory(job=job, current_stage=stages[1], candidate__first_name="Grace")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/jobs/{job.pk}/board/reject/",
            {
                "selected": [application.pk, grace.pk],
                "reason": "Position filled",
                "send_email": "on",
                "delay": "1d",
                **TEXT,
            },
        )
    assert "The rejection emails go in 1 day, unless you bring them back." in toast(client)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/applications/{grace.pk}/unreject/")
    sweep(django_capture_on_commit_callbacks, minutes=25 * 60)

    assert [m.to for m in outbox.outbox] == [["ada@example.com"]]


def test_bulk_reject_without_a_selection_goes_back_to_the_board(client, job):
    response = client.get(f"/jobs/{job.pk}/board/reject/")

    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/board/"


# --- Who may -------------------------------------------------------------------------------------------


def test_the_forms_refuse_other_methods(client, job, application):
    assert client.put(url(application)).status_code == 405
    assert client.delete(f"/jobs/{job.pk}/board/reject/").status_code == 405


def test_another_organisations_application_or_job_is_404(client, other_organization):
    foreign_job = make_job(other_organization)
    foreign = ApplicationFactory(job=foreign_job, current_stage=foreign_job.stages.first())

    assert client.get(url(foreign)).status_code == 404
    assert client.post(url(foreign), {"reason": "Position filled"}).status_code == 404
    assert client.get(f"/jobs/{foreign_job.pk}/board/reject/", {"selected": foreign.pk}).status_code == 404
    assert fresh(foreign).status == Application.Status.ACTIVE


def test_an_interviewer_cannot_find_it(client_for, interviewer, application):
    response = client_for(interviewer).post(url(application), {"reason": "Position filled"})

    assert response.status_code == 404
    assert fresh(application).status == Application.Status.ACTIVE


def test_the_bulk_form_with_htmx_is_a_dialog(client, job, application):
    response = client.get(f"/jobs/{job.pk}/board/reject/", {"selected": application.pk}, headers=HTMX)

    assert response.status_code == 200
    assert response.text.lstrip().startswith("<dialog") and "<html" not in response.text
    assert "Reject 1 candidate" in response.text
    assert f'<input type="hidden" name="selected" value="{application.pk}">' in response.text


def test_with_javascript_the_bulk_bars_reject_opens_as_a_dialog_on_the_board(client, job, application):
    response = client.post(f"/jobs/{job.pk}/board/bulk/", {"action": "reject", "selected": [application.pk], "js": "1"})

    assert response["Location"] == f"/jobs/{job.pk}/board/"
    page = client.get(f"/jobs/{job.pk}/board/")
    found = re.search(r'<div id="dialog-slot" data-hx-get="([^"]+)" data-hx-trigger="load"', page.text)
    assert found and found.group(1).startswith(f"/jobs/{job.pk}/board/reject/?selected={application.pk}&amp;next=")
    assert fresh(application).status == Application.Status.ACTIVE
