"""Stage actions' runs on the candidate's timeline, and POST /runs/<id>/retry/ and /runs/<id>/cancel/."""

from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.utils import timezone

from jobs.models import HiringTeamMember
from pipeline.applications import services
from pipeline.automation.models import ActionRun, StageAction
from pipeline.automation.selectors import timeline_items
from tests.factories import ApplicationFactory, make_job

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
Status = ActionRun.Status


def make_run(application, status, **fields):
    fields.setdefault("label", f"Email “Offer” to the candidate ({status})")
    return ActionRun.objects.create(application=application, kind=StageAction.Kind.EMAIL, status=status, **fields)


def rejection_run(application, status, **fields):
    """A rejection email's run (no action behind it), with its own words."""
    return make_run(
        application,
        status,
        trigger=ActionRun.Trigger.REJECTION,
        label="Rejection email to the candidate",
        email_subject="Sorry, {{ candidate.first_name }}",
        email_body="<p>Thank you.</p>",
        **fields,
    )


def page(client, application):
    response = client.get(f"/candidates/{application.candidate_id}/")
    assert response.status_code == 200
    return response.text


def item(html, run):
    """The timeline entry of `run` (from its label to the next entry)."""
    start = html.index(run.label)
    end = html.find('<li class="timeline-item', start)
    return html[start : end if end > 0 else None]


# --- The timeline ---------------------------------------------------------------------------------------


def test_the_timeline_shows_each_run_where_it_stands(recruiter_client, application):
    due = timezone.now() + timedelta(days=2)
    pending = make_run(application, Status.PENDING, due_at=due)
    waiting = make_run(application, Status.WAITING)
    done = make_run(application, Status.DONE, result="Emailed the candidate")
    skipped = make_run(application, Status.SKIPPED, result="Not run: moved on to Hired.")
    failed = make_run(application, Status.FAILED, error="The email template “Offer” is switched off.", attempts=3)
    cancelled = make_run(application, Status.CANCELLED, result="Brought back into the process.")

    html = page(recruiter_client, application)

    assert 'data-run-status="pending">Pending<' in item(html, pending)
    assert f"Due {timezone.localtime(due).strftime('%-d %b %Y, %H:%M')}" in item(html, pending)
    assert 'data-run-status="waiting">Waiting for confirmation<' in item(html, waiting)
    assert "Emailed the candidate" in item(html, done)
    assert "Not run: moved on to Hired." in item(html, skipped)
    assert "switched off. · after 3 attempts" in item(html, failed)
    assert "Brought back into the process." in item(html, cancelled)
    # What a person may do: retry a failed one, cancel a pending one, answer a waiting one.
    assert f'action="/runs/{failed.pk}/retry/"' in item(html, failed)
    assert f'action="/runs/{pending.pk}/cancel/"' in item(html, pending)
    assert "Review and send…" in item(html, waiting) and "Don't send" in item(html, waiting)
    for settled in (done, skipped, cancelled):
        assert "/retry/" not in item(html, settled) and "/cancel/" not in item(html, settled)


def test_run_labels_and_errors_are_escaped(recruiter_client, application):
    make_run(application, Status.FAILED, label="<b>Offer</b>", error='<div hx-get="/x" hx-trigger="load">')

    html = page(recruiter_client, application)

    assert "&lt;b&gt;Offer&lt;/b&gt;" in html and "<b>Offer</b>" not in html
    assert '<div hx-get="/x"' not in html


def test_the_timeline_reads_every_run_in_one_query(application, job, stages, django_assert_num_queries):
    other_job = make_job(job.organization)
    other = ApplicationFactory(job=other_job, candidate=application.candidate, current_stage=other_job.stages.first())
    for status in (Status.PENDING, Status.DONE, Status.FAILED):
        make_run(application, status)
        make_run(other, status)
    applications = [application, other]
    for each in applications:
        each.can_decide = True  # as the candidate page marks those the viewer decides on

    with django_assert_num_queries(1):
        items = timeline_items(application.candidate, applications=applications, viewer=None)

    assert len(items) == 6
    assert {i["kind"] for i in items} == {"action_run"}


def test_a_hiring_manager_sees_the_runs_of_their_jobs_only(client_for, hiring_manager, organization, job, application):
    other_job = make_job(organization)
    elsewhere = ApplicationFactory(
        job=other_job, candidate=application.candidate, current_stage=other_job.stages.first()
    )
    theirs = make_run(application, Status.FAILED, label="Offer of their job")
    hidden = make_run(elsewhere, Status.FAILED, label="Offer of the other job")
    HiringTeamMember.objects.create(job=job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)

    html = page(client_for(hiring_manager), application)

    assert f'action="/runs/{theirs.pk}/retry/"' in item(html, theirs)
    assert hidden.label not in html


# --- Retry ---------------------------------------------------------------------------------------------


def test_retry_runs_a_failed_run_again(recruiter_client, application, django_capture_on_commit_callbacks):
    services.reject_application(application=application, reason="Position filled")
    run = rejection_run(application, Status.FAILED, error="SMTPServerDisconnected", attempts=3)
    candidate_page = f"/candidates/{application.candidate_id}/"

    with django_capture_on_commit_callbacks(execute=True):
        response = recruiter_client.post(f"/runs/{run.pk}/retry/", {"next": candidate_page})

    assert response.status_code == 302
    assert response["Location"] == f"{candidate_page}#application-{application.pk}"
    run.refresh_from_db()
    assert (run.status, run.error) == (Status.DONE, "")
    assert [m.subject for m in outbox.outbox] == ["Sorry, Ada"]


def test_retry_of_a_run_that_has_not_failed_says_so(recruiter_client, application):
    run = make_run(application, Status.DONE)

    response = recruiter_client.post(f"/runs/{run.pk}/retry/", follow=True)

    assert "Only a failed action can be retried." in response.text
    assert ActionRun.objects.get(pk=run.pk).status == Status.DONE


# --- Cancel --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.PENDING, Status.WAITING])
def test_cancel_stops_a_run_not_yet_done(recruiter_client, recruiter, application, status):
    run = make_run(application, status, due_at=timezone.now() + timedelta(days=2))

    response = recruiter_client.post(f"/runs/{run.pk}/cancel/")

    assert response.status_code == 302
    assert response["Location"] == f"/candidates/{application.candidate_id}/#application-{application.pk}"
    run.refresh_from_db()
    assert run.status == Status.CANCELLED
    assert run.result == f"Cancelled by {recruiter.name}."


def test_cancel_of_a_finished_run_says_so(recruiter_client, application):
    run = make_run(application, Status.FAILED)

    response = recruiter_client.post(f"/runs/{run.pk}/cancel/", follow=True)

    assert "Only an action that hasn" in response.text
    assert ActionRun.objects.get(pk=run.pk).status == Status.FAILED


def test_with_htmx_the_page_is_loaded_again(recruiter_client, application):
    runs = [make_run(application, Status.PENDING) for _ in range(2)]
    candidate_page = f"/candidates/{application.candidate_id}/"

    same = recruiter_client.post(
        f"/runs/{runs[0].pk}/cancel/", headers={**HTMX, "HX-Current-URL": f"http://testserver{candidate_page}"}
    )
    elsewhere = recruiter_client.post(f"/runs/{runs[1].pk}/cancel/", {"next": "/tasks/"}, headers=HTMX)

    assert same.status_code == elsewhere.status_code == 200
    assert same["HX-Refresh"] == "true"
    assert elsewhere["HX-Redirect"] == "/tasks/"


# --- Who may -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["retry", "cancel"])
def test_they_refuse_get(recruiter_client, application, action):
    run = make_run(application, Status.FAILED)

    assert recruiter_client.get(f"/runs/{run.pk}/{action}/").status_code == 405


@pytest.mark.parametrize("action", ["retry", "cancel"])
def test_another_organisations_run_is_404(recruiter_client, other_organization, action):
    foreign_job = make_job(other_organization)
    foreign = ApplicationFactory(job=foreign_job, current_stage=foreign_job.stages.first())
    run = make_run(foreign, Status.FAILED if action == "retry" else Status.PENDING)

    assert recruiter_client.post(f"/runs/{run.pk}/{action}/").status_code == 404
    assert ActionRun.objects.get(pk=run.pk).status == run.status


def test_a_hiring_manager_acts_on_their_jobs_runs_only(client_for, hiring_manager, job, application):
    run = make_run(application, Status.PENDING)
    client = client_for(hiring_manager)

    assert client.post(f"/runs/{run.pk}/cancel/").status_code == 404
    assert ActionRun.objects.get(pk=run.pk).status == Status.PENDING

    HiringTeamMember.objects.create(job=job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    assert client.post(f"/runs/{run.pk}/cancel/").status_code == 302
    assert ActionRun.objects.get(pk=run.pk).status == Status.CANCELLED


def test_an_interviewer_on_the_team_cannot_find_the_run(client_for, interviewer, job, application):
    HiringTeamMember.objects.create(job=job, user=interviewer, role=HiringTeamMember.Role.INTERVIEWER)
    run = make_run(application, Status.FAILED)

    assert client_for(interviewer).post(f"/runs/{run.pk}/retry/").status_code == 404
    assert ActionRun.objects.get(pk=run.pk).status == Status.FAILED
