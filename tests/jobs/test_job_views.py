"""Recruiter-side job pages: list, create, edit, status, duplicate, hiring team, and who may see what."""

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from jobs.models import FormField, HiringTeamMember, Job
from jobs.services import add_question
from pipeline.models import Application
from tests.factories import ApplicationFactory, MembershipFactory, make_job

pytestmark = pytest.mark.django_db


def job_form_data(**overrides):
    data = {
        "title": "Backend Engineer",
        "department": "Engineering",
        "city": "Berlin",
        "country": "DE",
        "remote_type": "hybrid",
        "employment_type": "full_time",
        "experience_level": "senior",
        "urgency": "high",
        "openings": "2",
        "deadline": "",
        "salary_min": "60000",
        "salary_max": "80000",
        "salary_currency": "eur",
        "description": "Build **APIs**.",
        "responsibilities": "- Design services\n- Review code\n",
        "qualifications": "",
        "benefits": "",
    }
    data.update(overrides)
    return data


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def listed_titles(response):
    return re.findall(r'<a class="fw-semibold text-decoration-none" href="/jobs/\d+/">([^<]*)</a>', response.text)


# --- List ---------------------------------------------------------------------------


def test_job_list_shows_jobs_with_application_counts(client_for, recruiter, organization):
    job = make_job(organization, title="Backend Engineer")
    ApplicationFactory(job=job)
    ApplicationFactory(job=job)
    ApplicationFactory(job=job, status=Application.Status.REJECTED)

    response = client_for(recruiter).get("/jobs/")

    assert response.status_code == 200
    assert listed_titles(response) == ["Backend Engineer"]
    assert "<strong>2</strong> active" in response.text
    assert "3 applications" in response.text
    assert 'href="/jobs/new/"' in response.text


def test_job_list_hides_archived_jobs_unless_asked_for(client_for, recruiter, organization):
    make_job(organization, title="Live", status="open")
    make_job(organization, title="Old", status="archived")
    client = client_for(recruiter)

    assert listed_titles(client.get("/jobs/")) == ["Live"]
    assert listed_titles(client.get("/jobs/?status=archived")) == ["Old"]


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("status=draft", {"Draft Designer"}),
        ("status=open", {"Backend Engineer", "Sales Lead"}),
        ("department=Engineering", {"Backend Engineer"}),
        ("q=sales", {"Sales Lead"}),
        ("q=berlin", {"Backend Engineer"}),  # city
        ("q=design", {"Draft Designer"}),  # department
        ("status=open&department=Sales", {"Sales Lead"}),
        ("status=bogus", {"Backend Engineer", "Sales Lead", "Draft Designer"}),
    ],
)
def test_job_list_filters_and_searches(client_for, recruiter, organization, query, titles):
    make_job(organization, title="Backend Engineer", department="Engineering", city="Berlin")
    make_job(organization, title="Sales Lead", department="Sales", city="Paris")
    make_job(organization, title="Draft Designer", department="Design", status="draft")

    response = client_for(recruiter).get(f"/jobs/?{query}")

    assert response.status_code == 200
    assert set(listed_titles(response)) == titles


def test_job_list_does_not_show_another_organisations_jobs(client_for, recruiter, organization, other_organization):
    make_job(organization, title="Ours")
    make_job(other_organization, title="Theirs")

    response = client_for(recruiter).get("/jobs/")

    assert listed_titles(response) == ["Ours"]


def _count_job_list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/jobs/")
    assert response.status_code == 200
    return len(queries), len(listed_titles(response))


def test_job_list_query_count_does_not_grow_with_the_number_of_jobs(client_for, recruiter, organization):
    client = client_for(recruiter)

    def add_jobs(n):
        for _ in range(n):
            job = make_job(organization, department="Engineering")
            ApplicationFactory(job=job)
            ApplicationFactory(job=job, status=Application.Status.REJECTED)

    add_jobs(3)
    few, listed = _count_job_list_queries(client)
    assert listed == 3
    add_jobs(12)
    many, listed = _count_job_list_queries(client)
    assert listed == 15

    assert many == few


# --- Who sees which jobs -------------------------------------------------------------


def test_hiring_manager_sees_only_the_jobs_whose_team_they_are_on(client_for, hiring_manager, organization):
    mine = make_job(organization, title="Mine")
    other = make_job(organization, title="Not mine")
    HiringTeamMember.objects.create(job=mine, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    client = client_for(hiring_manager)

    response = client.get("/jobs/")

    assert response.status_code == 200
    assert listed_titles(response) == ["Mine"]
    assert 'href="/jobs/new/"' not in response.text
    assert client.get(f"/jobs/{mine.pk}/").status_code == 200
    assert client.get(f"/jobs/{mine.pk}/applications/").status_code == 200
    assert client.get(f"/jobs/{other.pk}/").status_code == 404
    assert client.get(f"/jobs/{other.pk}/applications/").status_code == 404


def test_hiring_manager_on_the_team_may_not_change_the_job(client_for, hiring_manager, organization):
    job = make_job(organization, title="Mine", status="draft")
    HiringTeamMember.objects.create(job=job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    client = client_for(hiring_manager)

    assert client.get(f"/jobs/{job.pk}/edit/").status_code == 403
    assert client.post(f"/jobs/{job.pk}/status/", {"status": "open"}).status_code == 403
    assert client.post(f"/jobs/{job.pk}/duplicate/").status_code == 403
    job.refresh_from_db()
    assert job.status == Job.Status.DRAFT
    assert Job.objects.count() == 1


@pytest.mark.parametrize("role", [Membership.Role.INTERVIEWER, Membership.Role.HIRING_MANAGER])
def test_interviewers_and_hiring_managers_may_not_create_jobs(client_for, organization, role):
    member = MembershipFactory(organization=organization, role=role).user
    client = client_for(member)

    assert client.get("/jobs/new/").status_code == 403
    assert client.post("/jobs/new/", job_form_data()).status_code == 403
    assert not Job.objects.exists()


def test_anonymous_visitor_is_sent_to_log_in(client, organization):
    job = make_job(organization)

    for url in ("/jobs/", "/jobs/new/", f"/jobs/{job.pk}/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


# --- Create and edit -------------------------------------------------------------------


def test_recruiter_creates_a_draft_job_with_the_standard_form(client_for, recruiter, organization):
    client = client_for(recruiter)
    assert client.get("/jobs/new/").status_code == 200

    response = client.post("/jobs/new/", job_form_data())

    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == f"/jobs/{job.pk}/"
    assert (job.organization, job.created_by, job.status) == (organization, recruiter, Job.Status.DRAFT)
    assert (job.title, job.slug, job.salary_currency) == ("Backend Engineer", "backend-engineer", "EUR")
    assert job.responsibilities == ["Design services", "Review code"]
    assert job.published_at is None
    assert list(job.application_form.fields.values_list("key", flat=True)) == [
        "first_name",
        "last_name",
        "email",
        "phone",
        "resume",
        "cover_letter",
        "linkedin_url",
    ]
    assert "created as a draft" in messages_of(response)[0]


def test_slugs_of_jobs_with_the_same_title_are_unique(client_for, recruiter, organization):
    client = client_for(recruiter)

    client.post("/jobs/new/", job_form_data())
    client.post("/jobs/new/", job_form_data())

    assert sorted(Job.objects.values_list("slug", flat=True)) == ["backend-engineer", "backend-engineer-2"]


def test_maximum_salary_below_the_minimum_is_refused(client_for, recruiter):
    response = client_for(recruiter).post("/jobs/new/", job_form_data(salary_min="90000", salary_max="50000"))

    assert response.status_code == 400
    assert "The maximum salary must be at least the minimum." in response.text
    assert 'id="form-errors"' in response.text
    assert 'value="Backend Engineer"' in response.text
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("title", "", "This field is required."),
        ("salary_currency", "E1R", "Use a three-letter currency code"),
        ("remote_type", "moon", "Select a valid choice."),
    ],
)
def test_invalid_job_is_refused_with_an_error(client_for, recruiter, field, value, error):
    response = client_for(recruiter).post("/jobs/new/", job_form_data(**{field: value}))

    assert response.status_code == 400
    assert error in response.text
    assert not Job.objects.exists()


def test_recruiter_edits_a_job_and_its_slug_stays(client_for, recruiter, organization):
    job = make_job(organization, title="Backend Engineer")
    client = client_for(recruiter)
    assert 'value="Backend Engineer"' in client.get(f"/jobs/{job.pk}/edit/").text

    response = client.post(f"/jobs/{job.pk}/edit/", job_form_data(title="Senior Backend Engineer", openings="3"))

    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.title, job.openings, job.slug) == ("Senior Backend Engineer", 3, "backend-engineer")
    assert job.status == Job.Status.OPEN


def test_invalid_edit_changes_nothing(client_for, recruiter, organization):
    job = make_job(organization, title="Backend Engineer", salary_min=1, salary_max=2)

    response = client_for(recruiter).post(
        f"/jobs/{job.pk}/edit/", job_form_data(title="Changed", salary_min="90000", salary_max="50000")
    )

    assert response.status_code == 400
    job.refresh_from_db()
    assert (job.title, job.salary_min, job.salary_max) == ("Backend Engineer", 1, 2)


def test_markdown_preview_is_sanitised(client_for, recruiter):
    response = client_for(recruiter).post(
        "/jobs/preview-markdown/", {"description": "**bold** <script>alert(1)</script> [x](javascript:alert(1))"}
    )

    assert response.status_code == 200
    assert "<strong>bold</strong>" in response.text
    assert "<script>" not in response.text
    assert "javascript:" not in response.text


def test_job_detail_shows_the_job(client_for, recruiter, organization):
    job = make_job(organization, title="Backend Engineer", description="Build **APIs**.")
    ApplicationFactory(job=job)

    response = client_for(recruiter).get(f"/jobs/{job.pk}/")

    assert response.status_code == 200
    assert "<strong>APIs</strong>" in response.text
    assert f'href="/jobs/{job.pk}/applications/"' in response.text
    assert "(1)</a>" in response.text  # the application count on the button
    assert f'href="/careers/{organization.slug}/{job.slug}/"' in response.text


# --- Status -------------------------------------------------------------------------


def test_publishing_a_draft_opens_it_and_stamps_published_at(client_for, recruiter, organization):
    job = make_job(organization, status="draft")

    response = client_for(recruiter).post(f"/jobs/{job.pk}/status/", {"status": "open"})

    assert response.status_code == 302
    assert response.url == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == Job.Status.OPEN
    assert job.published_at is not None
    assert "is now open" in messages_of(response)[0]


def test_reopening_keeps_the_first_published_at(client_for, recruiter, organization):
    job = make_job(organization, status="closed")
    first_published = job.published_at

    client_for(recruiter).post(f"/jobs/{job.pk}/status/", {"status": "open"})

    job.refresh_from_db()
    assert job.status == Job.Status.OPEN
    assert job.published_at == first_published


@pytest.mark.parametrize(("start", "target"), [("draft", "closed"), ("open", "archived"), ("draft", "bogus")])
def test_invalid_status_transition_is_refused(client_for, recruiter, organization, start, target):
    job = make_job(organization, status=start)

    response = client_for(recruiter).post(f"/jobs/{job.pk}/status/", {"status": target})

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == start
    assert "can't change to that status" in messages_of(response)[0]


def test_status_change_rejects_get(client_for, recruiter, organization):
    job = make_job(organization, status="draft")

    assert client_for(recruiter).get(f"/jobs/{job.pk}/status/?status=open").status_code == 405
    job.refresh_from_db()
    assert job.status == Job.Status.DRAFT


# --- Duplicate ------------------------------------------------------------------------


def test_duplicate_makes_a_draft_copy_with_the_form_and_team(client_for, recruiter, hiring_manager, organization):
    job = make_job(organization, title="Backend Engineer", department="Engineering", salary_min=50000)
    add_question(form=job.application_form, label="Stack", field_type="single_choice", options=["Go", "Rust"])
    job.application_form.fields.filter(key="phone").update(is_active=False)
    HiringTeamMember.objects.create(job=job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    ApplicationFactory(job=job)

    response = client_for(recruiter).post(f"/jobs/{job.pk}/duplicate/")

    copy = Job.objects.exclude(pk=job.pk).get()
    assert response.status_code == 302
    assert response.url == f"/jobs/{copy.pk}/"
    assert (copy.title, copy.slug, copy.status, copy.published_at) == (
        "Backend Engineer (copy)",
        "backend-engineer-copy",
        Job.Status.DRAFT,
        None,
    )
    assert (copy.department, copy.salary_min, copy.created_by) == ("Engineering", 50000, recruiter)

    def shape(j):
        return list(
            j.application_form.fields.values_list("key", "label", "field_type", "options", "required", "is_active")
        )

    assert shape(copy) == shape(job)
    assert FormField.objects.filter(form=job.application_form).count() == 8  # the original is untouched
    assert list(copy.team.values_list("user", "role")) == [(hiring_manager.pk, "hiring_manager")]
    assert copy.applications.count() == 0


# --- Hiring team -----------------------------------------------------------------------


def test_recruiter_adds_and_removes_a_hiring_team_member(client_for, recruiter, hiring_manager, organization):
    job = make_job(organization)
    membership = organization.memberships.get(user=hiring_manager)
    client = client_for(recruiter)

    response = client.post(f"/jobs/{job.pk}/team/", {"membership": membership.pk, "role": "interviewer"})

    assert response.status_code == 302
    member = job.team.get()
    assert (member.user, member.role) == (hiring_manager, "interviewer")

    # Adding again changes the role rather than duplicating.
    client.post(f"/jobs/{job.pk}/team/", {"membership": membership.pk, "role": "hiring_manager"})
    assert list(job.team.values_list("user", "role")) == [(hiring_manager.pk, "hiring_manager")]

    response = client.post(f"/jobs/{job.pk}/team/{member.pk}/remove/")

    assert response.status_code == 302
    assert not job.team.exists()


@pytest.mark.parametrize("bad", ["foreign", "inactive", "bad_role"])
def test_hiring_team_accepts_only_active_members_of_the_organisation_with_a_role(
    client_for, recruiter, organization, other_organization, bad
):
    job = make_job(organization)
    if bad == "foreign":
        membership, role = other_organization.memberships.get(), "interviewer"
    elif bad == "inactive":
        membership, role = MembershipFactory(organization=organization, is_active=False), "interviewer"
    else:
        membership, role = MembershipFactory(organization=organization), "chief"

    response = client_for(recruiter).post(f"/jobs/{job.pk}/team/", {"membership": membership.pk, "role": role})

    assert response.status_code == 302
    assert not job.team.exists()
    assert messages_of(response) == ["Choose a member of your organisation and a role."]


def test_removing_another_jobs_team_member_does_nothing(client_for, recruiter, hiring_manager, organization):
    job = make_job(organization)
    other_job = make_job(organization)
    member = HiringTeamMember.objects.create(job=other_job, user=hiring_manager)

    client_for(recruiter).post(f"/jobs/{job.pk}/team/{member.pk}/remove/")

    assert HiringTeamMember.objects.filter(pk=member.pk).exists()


# --- Another organisation's job ----------------------------------------------------------


@pytest.fixture
def foreign_job(other_organization):
    job = make_job(other_organization, title="Globex Role", status="draft")
    user = other_organization.memberships.get().user
    HiringTeamMember.objects.create(job=job, user=user, role=HiringTeamMember.Role.HIRING_MANAGER)
    return job


FOREIGN_GETS = [
    "/jobs/{pk}/",
    "/jobs/{pk}/edit/",
    "/jobs/{pk}/form/",
    "/jobs/{pk}/form/fields/{field}/",
    "/jobs/{pk}/applications/",
]
FOREIGN_POSTS = [
    ("/jobs/{pk}/edit/", job_form_data(title="Hijacked")),
    ("/jobs/{pk}/status/", {"status": "open"}),
    ("/jobs/{pk}/duplicate/", {}),
    ("/jobs/{pk}/team/", {"membership": "{membership}", "role": "interviewer"}),
    ("/jobs/{pk}/team/{member}/remove/", {}),
    ("/jobs/{pk}/form/", {}),
    ("/jobs/{pk}/form/fields/", {"new-label": "Injected", "new-field_type": "short_text"}),
    ("/jobs/{pk}/form/fields/order/", {"field": ["{field}"]}),
    ("/jobs/{pk}/form/fields/{field}/", {"f{field}-label": "Hijacked"}),
    ("/jobs/{pk}/form/fields/{field}/delete/", {}),
    ("/jobs/{pk}/form/fields/{field}/toggle/", {"flag": "required"}),
    ("/jobs/{pk}/form/fields/{field}/move/", {"direction": "up"}),
]


def _fill(template, ids):
    return template.format(**ids)


def _foreign_ids(job, recruiter):
    return {
        "pk": job.pk,
        "field": job.application_form.fields.get(key="phone").pk,
        "member": job.team.get().pk,
        "membership": recruiter.memberships.get().pk,
    }


def _foreign_state(job):
    job.refresh_from_db()
    return (
        job.title,
        job.status,
        Job.objects.count(),
        list(job.application_form.fields.values_list("key", "label", "required", "is_active", "order")),
        list(job.team.values_list("user", "role")),
    )


@pytest.mark.parametrize("url", FOREIGN_GETS)
def test_another_organisations_job_is_404_on_every_page(client_for, recruiter, foreign_job, url):
    response = client_for(recruiter).get(_fill(url, _foreign_ids(foreign_job, recruiter)))

    assert response.status_code == 404


@pytest.mark.parametrize(("url", "data"), FOREIGN_POSTS, ids=[url for url, _ in FOREIGN_POSTS])
def test_another_organisations_job_is_404_on_every_action_and_nothing_changes(
    client_for, recruiter, foreign_job, url, data
):
    ids = _foreign_ids(foreign_job, recruiter)
    before = _foreign_state(foreign_job)
    data = {
        _fill(key, ids): [_fill(v, ids) for v in value] if isinstance(value, list) else _fill(value, ids)
        for key, value in data.items()
    }

    response = client_for(recruiter).post(_fill(url, ids), data)

    assert response.status_code == 404
    assert _foreign_state(foreign_job) == before
