"""/api/v1/jobs/ and what belongs to a job's definition: forms, questions, sites, teams."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Membership
from jobs.models import FormField, HiringTeamMember, Job, JobSite
from notifications.models import Notification
from pipeline.applications.models import Application
from pipeline.applications.services import advance_application
from pipeline.automation.models import StageAction
from pipeline.setup.services import duplicate_job
from tests.factories import ApplicationFactory, MembershipFactory, make_job

pytestmark = pytest.mark.django_db
JOBS = "/api/v1/jobs/"


def member(user):
    return Membership.objects.get(user=user)


@pytest.fixture
def foreign_job(other_organization):
    return make_job(other_organization, title="Their job")


# --- jobs/ ---------------------------------------------------------------------------------------


def test_no_credentials_is_a_401():
    response = APIClient().get(JOBS)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_the_list_is_paginated_and_holds_only_our_jobs(api_for, recruiter, job, foreign_job):
    response = api_for(recruiter).get(JOBS)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    assert body["results"][0]["id"] == job.pk
    assert body["results"][0]["type_of_contract"] == "Full-time"


def test_the_list_filters_and_searches(api_for, recruiter, organization):
    make_job(organization, title="Nurse", city="Lyon", department="Care", urgency="high")
    make_job(organization, title="Driver", city="Paris", department="Logistics", status="draft")
    client = api_for(recruiter)

    by_city = client.get(JOBS, {"city": "lyon"}).json()
    by_status = client.get(JOBS, {"status": "draft"}).json()
    by_urgency = client.get(JOBS, {"urgency": "HIGH"}).json()
    searched = client.get(JOBS, {"search": "driv"}).json()

    assert [j["title"] for j in by_city["results"]] == ["Nurse"]
    assert [j["title"] for j in by_status["results"]] == ["Driver"]
    assert [j["title"] for j in by_urgency["results"]] == ["Nurse"]
    assert [j["title"] for j in searched["results"]] == ["Driver"]


def test_a_flat_body_with_the_originals_labels_round_trips(api_for, recruiter, organization):
    client = api_for(recruiter)
    body = {
        "title": "Data Engineer",
        "urgency": "HIGH",
        "country": "France",
        "city": "Paris",
        "department": "Data",
        "type_of_contract": "full-time",
        "salary_min": 50000,
        "salary_max": 70000,
        "responsibilities": ["Build pipelines"],
    }

    created = client.post(JOBS, body, format="json")

    assert created.status_code == 201, created.json()
    job = Job.objects.get(pk=created.json()["id"])
    assert (job.organization, job.urgency, job.employment_type) == (organization, "high", "full_time")
    assert job.created_by == recruiter
    assert job.status == "draft"
    again = client.get(f"{JOBS}{job.pk}/").json()
    assert (again["urgency"], again["type_of_contract"]) == ("High", "Full-time")
    assert again["responsibilities"] == ["Build pipelines"]


def test_our_own_values_are_accepted_too(api_for, recruiter):
    response = api_for(recruiter).post(
        JOBS, {"title": "Intern", "type_of_contract": "internship", "urgency": "low", "remote_type": "Remote"}
    )

    assert response.status_code == 201, response.json()
    assert (response.json()["type_of_contract"], response.json()["remote_type"]) == ("Internship", "remote")


def test_a_new_job_gets_the_default_workflow_and_its_applications_advance_at_once(api_for, recruiter):
    response = api_for(recruiter).post(JOBS, {"title": "Welder", "status": "open"})

    assert response.status_code == 201, response.json()
    job = Job.objects.get(pk=response.json()["id"])
    stages = list(job.stages.all())
    assert [s.name for s in stages][:2] == ["Application Received", "Initial Screening"]
    assert StageAction.objects.filter(stage__job=job).exists()
    assert job.application_form.fields.filter(key="email").exists()
    application = ApplicationFactory(job=job, current_stage=stages[0])
    advance_application(application=application, by=recruiter)
    application.refresh_from_db()
    assert application.current_stage == stages[1]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "title"),
        ({"title": "X", "urgency": "whenever"}, "urgency"),
        ({"title": "X", "type_of_contract": 7}, "type_of_contract"),
        ({"title": "X", "salary_min": 10**30}, "salary_min"),
        ({"title": "X", "salary_min": "lots"}, "salary_min"),
        ({"title": "X", "salary_min": 9, "salary_max": 5}, "salary_max"),
        ({"title": "X", "salary_currency": "euros"}, "salary_currency"),
        ({"title": "X", "deadline": "9999-12-31"}, "deadline"),
        ({"title": "X", "status": "closed"}, "status"),
        ({"title": "X", "responsibilities": "not a list"}, "responsibilities"),
    ],
)
def test_invalid_input_is_a_400_naming_the_field(api_for, recruiter, body, field):
    response = api_for(recruiter).post(JOBS, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Job.objects.exists()


@pytest.mark.parametrize("body", [[], "x", 3])
def test_a_body_that_is_not_an_object_is_a_400(api_for, recruiter, body):
    response = api_for(recruiter).post(JOBS, body, format="json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_patch_and_put_change_the_job(api_for, recruiter, job):
    client = api_for(recruiter)

    patched = client.patch(f"{JOBS}{job.pk}/", {"city": "Berlin", "status": "on_hold", "urgency": "critical"})
    put = client.put(f"{JOBS}{job.pk}/", {"title": "Platform Engineer", "type_of_contract": "Contract"})

    assert patched.status_code == 200, patched.json()
    assert patched.json()["urgency"] == "Critical"
    assert put.status_code == 200, put.json()
    job.refresh_from_db()
    assert (job.city, job.status, job.urgency) == ("Berlin", "on_hold", "critical")
    assert (job.title, job.employment_type) == ("Platform Engineer", "contract")


def test_a_status_the_lifecycle_forbids_is_a_400_and_changes_nothing(api_for, recruiter, organization):
    job = make_job(organization, status="draft", city="Rome")

    response = api_for(recruiter).patch(f"{JOBS}{job.pk}/", {"city": "Oslo", "status": "on_hold"})

    assert response.status_code == 400
    assert "status" in response.json()
    job.refresh_from_db()
    assert (job.city, job.status) == ("Rome", "draft")


def test_a_job_nobody_applied_to_is_deleted(api_for, recruiter, organization):
    job = make_job(organization, status="draft")

    response = api_for(recruiter).delete(f"{JOBS}{job.pk}/")

    assert response.status_code == 204
    assert not Job.objects.filter(pk=job.pk).exists()


def test_a_job_with_applications_is_not_deleted_but_archived_instead(api_for, recruiter, job, application):
    response = api_for(recruiter).delete(f"{JOBS}{job.pk}/")

    assert response.status_code == 409
    assert "archive" in response.json()["detail"]
    assert Application.objects.filter(pk=application.pk).exists()


def test_another_organisations_job_is_a_404(api_for, owner, foreign_job):
    client = api_for(owner)

    for response in (
        client.get(f"{JOBS}{foreign_job.pk}/"),
        client.patch(f"{JOBS}{foreign_job.pk}/", {"title": "Mine"}),
        client.delete(f"{JOBS}{foreign_job.pk}/"),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "No Job matches the given query."}
    foreign_job.refresh_from_db()
    assert foreign_job.title == "Their job"


def test_a_hiring_manager_sees_only_their_jobs_and_cannot_create_one(api_for, hiring_manager, organization, job):
    theirs = make_job(organization, title="Theirs")
    HiringTeamMember.objects.create(job=theirs, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    client = api_for(hiring_manager)

    listed = client.get(JOBS)
    created = client.post(JOBS, {"title": "Mine"})
    changed = client.patch(f"{JOBS}{theirs.pk}/", {"title": "Renamed"})

    assert [j["id"] for j in listed.json()["results"]] == [theirs.pk]
    assert client.get(f"{JOBS}{job.pk}/").status_code == 404
    assert created.status_code == 403
    assert created.json() == {"detail": "Your role does not allow this."}
    assert changed.status_code == 403
    assert Job.objects.filter(title="Mine").count() == 0


def test_a_read_only_key_reads_but_does_not_write(api_key_for, recruiter, job):
    client = api_key_for(member(recruiter), read_only=True)

    assert client.get(f"{JOBS}{job.pk}/").json()["title"] == "Backend Engineer"
    response = client.post(JOBS, {"title": "Nope"})
    assert response.status_code == 403
    assert response.json() == {"detail": "This API key is read-only."}
    assert not Job.objects.filter(title="Nope").exists()


def test_the_list_costs_the_same_queries_for_more_jobs(api_for, recruiter, organization):
    client = api_for(recruiter)
    make_job(organization)
    client.get(JOBS)  # warm the caches of the authentication
    with CaptureQueriesContext(connection) as few:
        client.get(JOBS)
    few_count = len(few)
    for _ in range(6):
        make_job(organization)
    with CaptureQueriesContext(connection) as many:
        response = client.get(JOBS)
    assert response.json()["count"] == 7
    assert len(many) == few_count


# --- form-fields/ and job-forms/ ---------------------------------------------------------------


def test_a_question_is_added_changed_and_deleted_through_the_form_builder(api_for, recruiter, job):
    client = api_for(recruiter)
    body = {"job": job.pk, "label": "Notice period", "field_type": "single_choice", "options": ["1 month", "3 months"]}

    created = client.post("/api/v1/form-fields/", body, format="json")

    assert created.status_code == 201, created.json()
    field = FormField.objects.get(pk=created.json()["id"])
    assert (field.form.job, field.key, field.options, field.is_standard) == (
        job,
        "notice_period",
        body["options"],
        False,
    )
    changed = client.patch(f"/api/v1/form-fields/{field.pk}/", {"label": "Notice", "required": True})
    assert changed.status_code == 200, changed.json()
    field.refresh_from_db()
    assert (field.label, field.required, field.key) == ("Notice", True, "notice_period")
    assert client.delete(f"/api/v1/form-fields/{field.pk}/").status_code == 204
    assert not FormField.objects.filter(pk=field.pk).exists()


def test_a_choice_question_needs_two_options(api_for, recruiter, job):
    body = {"job": job.pk, "label": "Pick", "field_type": "single_choice", "options": ["only"]}

    response = api_for(recruiter).post("/api/v1/form-fields/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"options": ["A choice question needs at least two options."]}


def test_standard_fields_are_not_deleted_and_email_stays_required(api_for, recruiter, job):
    client = api_for(recruiter)
    email = job.application_form.fields.get(key="email")

    deleted = client.delete(f"/api/v1/form-fields/{email.pk}/")
    unrequired = client.patch(f"/api/v1/form-fields/{email.pk}/", {"required": False})

    assert deleted.status_code == 400
    assert deleted.json() == {"non_field_errors": ["Standard fields can be hidden, not deleted."]}
    assert unrequired.status_code == 400
    assert "always required" in unrequired.json()["non_field_errors"][0]
    email.refresh_from_db()
    assert email.required is True


def test_form_fields_filter_by_job_and_hide_other_organisations(api_for, recruiter, job, foreign_job):
    other_job = make_job(job.organization)
    client = api_for(recruiter)

    listed = client.get("/api/v1/form-fields/", {"job": job.pk, "page_size": 100}).json()
    foreign = foreign_job.application_form.fields.first()

    assert listed["count"] == job.application_form.fields.count()
    assert {f["job"] for f in listed["results"]} == {job.pk}
    assert other_job.pk != job.pk
    assert client.get(f"/api/v1/form-fields/{foreign.pk}/").status_code == 404
    posted = client.post("/api/v1/form-fields/", {"job": foreign_job.pk, "label": "Sneaky"})
    assert posted.status_code == 400
    assert posted.json() == {"job": ["No such job in your organisation."]}


def test_a_hiring_manager_may_not_read_the_form_builder(api_for, hiring_manager, job):
    HiringTeamMember.objects.create(job=job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)

    response = api_for(hiring_manager).get("/api/v1/form-fields/")

    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow this."}


def test_a_jobs_form_is_read_and_retitled(api_for, recruiter, job):
    client = api_for(recruiter)
    form = job.application_form

    listed = client.get("/api/v1/job-forms/").json()
    retitled = client.patch(f"/api/v1/job-forms/{form.pk}/", {"title": "Join us"})

    assert listed["results"][0]["job"] == job.pk
    assert [f["key"] for f in listed["results"][0]["fields"]][:3] == ["first_name", "last_name", "email"]
    assert retitled.status_code == 200
    form.refresh_from_db()
    assert form.title == "Join us"
    assert client.delete(f"/api/v1/job-forms/{form.pk}/").status_code == 405


# --- job-sites/ ----------------------------------------------------------------------------------


def test_sites_round_trip(api_for, recruiter, job, foreign_job):
    client = api_for(recruiter)
    body = {
        "job": job.pk,
        "name": "LinkedIn",
        "url": "https://linkedin.com",
        "job_link": "https://l.in/1",
        "is_live": True,
    }

    created = client.post("/api/v1/job-sites/", body, format="json")

    assert created.status_code == 201, created.json()
    site = JobSite.objects.get(pk=created.json()["id"])
    assert (site.job, site.name, site.is_live) == (job, "LinkedIn", True)
    assert client.patch(f"/api/v1/job-sites/{site.pk}/", {"is_live": False}).json()["is_live"] is False
    assert client.get("/api/v1/job-sites/").json()["count"] == 1
    foreign = JobSite.objects.create(job=foreign_job, name="Theirs")
    assert client.get(f"/api/v1/job-sites/{foreign.pk}/").status_code == 404
    assert client.delete(f"/api/v1/job-sites/{site.pk}/").status_code == 204
    assert not JobSite.objects.filter(pk=site.pk).exists()


def test_a_duplicate_copies_the_sites_as_not_yet_posted(job, recruiter):
    JobSite.objects.create(job=job, name="Indeed", url="https://indeed.com", job_link="https://i/1", is_live=True)

    copy = duplicate_job(job=job, created_by=recruiter)

    site = copy.sites.get()
    assert (site.name, site.url, site.job_link, site.is_live) == ("Indeed", "https://indeed.com", "", False)


# --- teams/ and team-members/ --------------------------------------------------------------------


def test_members_join_by_email_and_are_told(api_for, recruiter, organization, job):
    colleague = MembershipFactory(organization=organization, role=Membership.Role.INTERVIEWER).user
    client = api_for(recruiter)

    created = client.post(
        "/api/v1/team-members/", {"job": job.pk, "email": colleague.email.upper(), "role": "Hiring Manager"}
    )

    assert created.status_code == 201, created.json()
    member_row = HiringTeamMember.objects.get(pk=created.json()["id"])
    assert (member_row.job, member_row.user, member_row.role) == (job, colleague, "hiring_manager")
    assert Notification.objects.filter(recipient=colleague).exists()
    team = client.get(f"/api/v1/teams/{job.pk}/").json()
    assert [m["email"] for m in team["members"]] == [colleague.email]
    changed = client.patch(f"/api/v1/team-members/{member_row.pk}/", {"role": "interviewer"})
    assert changed.status_code == 200
    member_row.refresh_from_db()
    assert member_row.role == "interviewer"
    assert client.delete(f"/api/v1/team-members/{member_row.pk}/").status_code == 204
    assert not HiringTeamMember.objects.filter(pk=member_row.pk).exists()


def test_someone_outside_the_organisation_cannot_join(api_for, recruiter, job, other_organization):
    outsider = Membership.objects.filter(organization=other_organization).first().user

    response = api_for(recruiter).post("/api/v1/team-members/", {"job": job.pk, "user": outsider.pk})

    assert response.status_code == 400
    assert response.json() == {"user": ["Choose an active member of your organisation."]}
    assert not HiringTeamMember.objects.filter(user=outsider).exists()


def test_a_hiring_manager_sees_their_team_but_cannot_change_it(api_for, hiring_manager, job, organization):
    row = HiringTeamMember.objects.create(job=job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    client = api_for(hiring_manager)

    teams = client.get("/api/v1/teams/").json()
    response = client.patch(f"/api/v1/team-members/{row.pk}/", {"role": "interviewer"})

    assert [t["id"] for t in teams["results"]] == [job.pk]
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.role == "hiring_manager"


def test_another_organisations_team_is_a_404(api_for, owner, foreign_job):
    assert api_for(owner).get(f"/api/v1/teams/{foreign_job.pk}/").status_code == 404


@pytest.mark.parametrize(
    "url", ["/api/v1/jobs/0.5/", "/api/v1/form-fields/x/", "/api/v1/teams/-1/", "/api/v1/workflow-steps/0.5/move/"]
)
def test_an_id_that_is_no_id_is_the_apis_json_404(api_for, owner, url):
    response = api_for(owner).post(url) if url.endswith("move/") else api_for(owner).get(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@pytest.mark.parametrize(
    "url",
    ["/api/v1/job-forms/", "/api/v1/form-fields/", "/api/v1/job-sites/", "/api/v1/teams/", "/api/v1/team-members/"],
)
def test_the_lists_cost_the_same_queries_for_more_jobs(api_for, recruiter, organization, url):
    def add_job():
        job = make_job(organization)
        JobSite.objects.create(job=job, name="Indeed")
        HiringTeamMember.objects.create(job=job, user=recruiter, role=HiringTeamMember.Role.RECRUITER)

    client = api_for(recruiter)
    add_job()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"page_size": 100})
    few_count = len(few)
    for _ in range(4):
        add_job()
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"page_size": 100})

    assert response.json()["count"] >= 5
    assert len(many) == few_count


def test_an_email_that_must_stay_required_leaves_the_wording_alone(api_for, recruiter, job):
    email = job.application_form.fields.get(key="email")

    response = api_for(recruiter).patch(f"/api/v1/form-fields/{email.pk}/", {"label": "E-mail", "required": False})

    assert response.status_code == 400
    email.refresh_from_db()
    assert (email.label, email.required) == ("Email", True)
