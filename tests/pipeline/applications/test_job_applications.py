"""The recruiter's list of a job's applications: /jobs/<id>/applications/ — every status (with a filter),
each row's status, stage, decisions and answers, fifty to a page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobs.models import FormField, HiringTeamMember
from pipeline.applications import services
from pipeline.applications.services import first_stage
from pipeline.interviews.models import Interview, PanelMember
from pipeline.models import Application, ApplicationFormAnswer
from tests.factories import ApplicationFactory, bulk_applications, make_job

pytestmark = pytest.mark.django_db

Status = Application.Status


def url(job, **query):
    return f"/jobs/{job.pk}/applications/" + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def add_applications(job, n, **fields):
    stage = first_stage(job)
    made = []
    for _ in range(n):
        application = ApplicationFactory(job=job, current_stage=stage, source="linkedin", **fields)
        ApplicationFormAnswer.objects.create(application=application, key="notice", label="Notice", value="1 month")
        made.append(application)
    return made


def row(html, application):
    start = html.index(f'id="application-{application.pk}"')
    end = html.find('<article class="card app-card', start)
    return html[start : end if end != -1 else len(html)]


def shown(html):
    return [int(pk) for pk in re.findall(r'<article [^>]*data-application="(\d+)"', html)]


def test_it_lists_the_jobs_applications_with_their_stage_and_answers(client_for, recruiter, job, organization):
    add_applications(job, 2)
    add_applications(make_job(organization, title="Other"), 1)

    response = client_for(recruiter).get(url(job))

    assert response.status_code == 200
    assert response.text.count('<article class="card app-card') == 2
    assert "Application Received" in response.text
    assert "<dt>Notice</dt>" in response.text


def test_rejected_and_withdrawn_applications_are_listed_with_their_status_and_reason(recruiter_client, job):
    active, rejected, withdrawn, held = add_applications(job, 4)
    services.reject_application(application=rejected, reason="Not enough experience")
    services.reject_application(application=withdrawn, reason="Took another offer", withdrawn=True)
    services.set_status(application=held, status=Status.ON_HOLD)

    html = recruiter_client.get(url(job)).text

    assert sorted(shown(html)) == sorted(a.pk for a in (active, rejected, withdrawn, held))
    assert "data-status>Active</span>" in row(html, active)
    assert "data-status>Rejected</span>" in row(html, rejected)
    assert "Not enough experience" in row(html, rejected)
    assert "data-status>Withdrawn</span>" in row(html, withdrawn)
    assert "Took another offer" in row(html, withdrawn)
    assert "data-status>On hold</span>" in row(html, held)


def test_the_status_filter_narrows_the_list_and_counts_each_status(recruiter_client, job):
    _, rejected = add_applications(job, 2)
    services.reject_application(application=rejected, reason="Position filled")

    response = recruiter_client.get(url(job, status="rejected"))

    assert response.status_code == 200
    assert shown(response.text) == [rejected.pk]
    assert '<option value="rejected" selected>Rejected (1)</option>' in response.text
    assert '<option value="">All (2)</option>' in response.text
    assert '<option value="active">Active (1)</option>' in response.text


def test_an_unknown_status_shows_them_all(recruiter_client, job):
    applications = add_applications(job, 2)

    response = recruiter_client.get(url(job, status="bogus"))

    assert response.status_code == 200
    assert sorted(shown(response.text)) == sorted(a.pk for a in applications)
    assert '<option value="" selected>All (2)</option>' in response.text


def test_a_status_with_none_says_so(recruiter_client, job):
    add_applications(job, 1)

    response = recruiter_client.get(url(job, status="hired"))

    assert response.status_code == 200
    assert "None with this status" in response.text
    assert shown(response.text) == []


def test_each_row_has_its_decisions_coming_back_to_the_list_as_it_was(recruiter_client, job, stages):
    [application] = add_applications(job, 1)
    back = url(job, status="active")

    html = row(recruiter_client.get(back).text, application)

    assert f'action="/applications/{application.pk}/move/"' in html
    assert f'href="/applications/{application.pk}/reject/?next=/jobs/{job.pk}/applications/%3Fstatus%3Dactive"' in html
    assert ">Advance to Initial Screening</button>" in html
    assert f'<input type="hidden" name="next" value="/jobs/{job.pk}/applications/?status=active">' in html

    moved = recruiter_client.post(f"/applications/{application.pk}/move/", {"stage": stages[3].pk, "next": back})

    assert moved.status_code == 302
    assert moved["Location"] == f"{back}#application-{application.pk}"
    assert Application.objects.get(pk=application.pk).current_stage == stages[3]


def test_a_closed_row_offers_bring_back_instead(recruiter_client, job):
    [application] = add_applications(job, 1)
    services.reject_application(application=application, reason="Position filled")

    html = row(recruiter_client.get(url(job)).text, application)

    assert f'action="/applications/{application.pk}/unreject/"' in html
    assert f"/applications/{application.pk}/move/" not in html


def test_answers_are_formatted_and_a_knockout_is_flagged(recruiter_client, job):
    form = job.application_form
    years = FormField.objects.create(form=form, key="years", label="Years", field_type=FormField.Type.NUMBER)
    visa = FormField.objects.create(
        form=form, key="visa", label="Visa?", field_type=FormField.Type.YES_NO, knockout_answers=["yes"]
    )
    application = ApplicationFactory(job=job, current_stage=first_stage(job), knocked_out=True)
    ApplicationFormAnswer.objects.create(application=application, field=years, key="years", label="Years", value=7.0)
    ApplicationFormAnswer.objects.create(application=application, field=visa, key="visa", label="Visa?", value=True)

    html = row(recruiter_client.get(url(job)).text, application)

    assert re.search(r"<dt>Years</dt>\s*<dd[^>]*>\s*7\s*</dd>", html)
    assert "data-knocked-out" in html
    assert re.search(r'<div class="answer-row is-knockout" data-knockout>\s*<dt>Visa\?</dt>', html)


def test_pages_keep_the_filter(recruiter_client, job):
    bulk_applications(job, 52, status=Status.REJECTED)
    add_applications(job, 1)

    first = recruiter_client.get(url(job, status="rejected"))
    second = recruiter_client.get(url(job, status="rejected", page=2))

    assert len(shown(first.text)) == 50
    assert "Page 1 of 2" in first.text
    assert 'href="?status=rejected&amp;page=2"' in first.text
    assert len(shown(second.text)) == 2
    assert all(a.status == Status.REJECTED for a in Application.objects.filter(pk__in=shown(second.text)))


def test_it_says_when_there_are_no_applications_yet(client_for, recruiter, job):
    response = client_for(recruiter).get(url(job))

    assert response.status_code == 200
    assert "No applications yet" in response.text


def test_another_organisations_member_gets_404(client_for, other_organization, job):
    foreign_owner = other_organization.memberships.get().user

    assert client_for(foreign_owner).get(url(job)).status_code == 404


def test_it_refuses_post(recruiter_client, job):
    assert recruiter_client.post(url(job)).status_code == 405


def test_roles(client_for, hiring_manager, interviewer, organization, job):
    [application] = add_applications(job, 1)
    interview = Interview.objects.create(
        organization=organization, application=application, title="Chat", starts_at=timezone.now()
    )
    PanelMember.objects.create(interview=interview, user=interviewer)
    off_team = client_for(hiring_manager)

    assert off_team.get(url(job)).status_code == 404
    assert client_for(interviewer).get(url(job)).status_code == 404  # on a panel, not on the job
    HiringTeamMember.objects.create(job=job, user=interviewer)
    assert client_for(interviewer).get(url(job)).status_code == 403  # on the job, yet no decisions

    HiringTeamMember.objects.create(job=job, user=hiring_manager)
    on_team = client_for(hiring_manager).get(url(job))

    assert on_team.status_code == 200
    assert f'action="/applications/{application.pk}/move/"' in on_team.text


def test_query_count_does_not_grow_with_the_number_of_applications(client_for, recruiter, job):
    client = client_for(recruiter)
    years = FormField.objects.create(form=job.application_form, key="y", label="Y", field_type=FormField.Type.NUMBER)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(job)).status_code == 200
        return len(queries)

    add_applications(job, 2)
    count()  # warm: the first request fills caches
    few = count()
    for application in add_applications(job, 10, tags=["remote"]):
        ApplicationFormAnswer.objects.create(application=application, field=years, key="y", label="Y", value=3.0)
    services.reject_application(application=Application.objects.filter(job=job).last(), reason="Position filled")
    many = count()

    assert many == few
