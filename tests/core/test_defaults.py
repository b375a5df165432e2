"""What organisations and jobs start with, whichever way they are made.

An organisation gets its default stage template, rejection reasons and email templates when it is
created (onboarding, Django admin, seed_demo); a job gets its form and a copy of the default stages when it
is created (the job form, duplicating, Django admin). No page creates them on first view.
"""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.models import Membership, Organization
from jobs.models import Job, Stage, StageTemplate
from jobs.scorecards import DEFAULT_ATTRIBUTES
from jobs.stages import DEFAULT_STAGES
from mail.defaults import DEFAULT_TEMPLATES
from pipeline.applications.models import DEFAULT_REJECTION_REASONS, Application, RejectionReason
from tests.factories import ApplicationFactory, UserFactory, make_job

pytestmark = pytest.mark.django_db

STANDARD_FIELDS = ["first_name", "last_name", "email", "phone", "resume", "cover_letter", "linkedin_url"]


def assert_has_the_defaults(organization):
    template = StageTemplate.objects.get(organization=organization, is_default=True)
    assert list(template.stages.values_list("name", "order", "is_active", "stale_after_days")) == [
        (name, index, True, 7) for index, (name, _) in enumerate(DEFAULT_STAGES)
    ]
    assert template.stages.count() == 8
    reasons = RejectionReason.objects.filter(organization=organization).order_by("order")
    assert list(reasons.values_list("name", "kind")) == DEFAULT_REJECTION_REASONS
    assert reasons.count() == 9
    keys = organization.email_templates.values_list("key", flat=True)
    assert sorted(keys) == sorted(key for key, *_ in DEFAULT_TEMPLATES)
    assert len(keys) == 13


def stage_shape(job):
    return list(job.stages.values_list("name", "description", "order", "is_active", "stale_after_days"))


# --- A job made through the job form has its stages before anyone looks -----------------------------


def job_form_data(**overrides):
    return {
        "title": "Backend Engineer",
        "remote_type": "hybrid",
        "employment_type": "full_time",
        "urgency": "medium",
        "openings": "1",
        "salary_currency": "EUR",
        **overrides,
    }


def test_a_job_made_with_the_job_form_has_its_stages_before_any_page_opens(client_for, recruiter, organization):
    default = StageTemplate.objects.get(organization=organization, is_default=True)
    # Shape the template first, so the job can only have these stages by copying it.
    default.stages.filter(name="Phone Screen").update(name="Recruiter call", stale_after_days=3)

    response = client_for(recruiter).post("/jobs/new/", job_form_data())

    # The redirect is not followed: nothing but the POST has run.
    assert response.status_code == 302
    job = Job.objects.get(organization=organization)
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert stage_shape(job) == list(
        default.stages.values_list("name", "description", "order", "is_active", "stale_after_days")
    )
    assert job.stages.count() == 8
    assert [name for name, *_ in stage_shape(job)][:3] == [
        "Application Received",
        "Initial Screening",
        "Recruiter call",
    ]
    assert job.stages.get(name="Recruiter call").stale_after_days == 3
    assert list(job.application_form.fields.values_list("key", flat=True)) == STANDARD_FIELDS
    assert default.stages.count() == 8  # copied, not moved


# --- An organisation made each way finds its defaults ------------------------------------------------


def test_onboarding_gives_the_new_organisation_its_defaults(client_for):
    user = UserFactory()

    response = client_for(user).post("/onboarding/", {"name": "Analytical Engines", "timezone": "Pacific/Auckland"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    organization = Organization.objects.get(name="Analytical Engines")
    assert organization.timezone == "Pacific/Auckland"
    assert organization.memberships.get().user == user
    assert_has_the_defaults(organization)


@pytest.fixture
def superuser_client(client_for, db):
    return client_for(UserFactory(is_staff=True, is_superuser=True))


def organization_admin_form(**overrides):
    return {
        "name": "Babbage & Co",
        "slug": "babbage",
        "website": "",
        "description": "",
        "industry": "",
        "size": "",
        "brand_colour": "#1f6feb",
        "careers_intro": "",
        "privacy_policy_url": "",
        "data_retention_days": "365",
        "timezone": "Pacific/Auckland",
        # The memberships inline, empty.
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        **overrides,
    }


def test_django_admins_add_form_gives_the_new_organisation_its_defaults(superuser_client):
    assert superuser_client.get("/admin/accounts/organization/add/").status_code == 200

    response = superuser_client.post("/admin/accounts/organization/add/", organization_admin_form())

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    organization = Organization.objects.get(slug="babbage")
    assert (organization.name, organization.timezone) == ("Babbage & Co", "Pacific/Auckland")
    assert_has_the_defaults(organization)


def test_changing_an_organisation_in_django_admin_adds_nothing(superuser_client):
    superuser_client.post("/admin/accounts/organization/add/", organization_admin_form())
    organization = Organization.objects.get(slug="babbage")

    response = superuser_client.post(
        f"/admin/accounts/organization/{organization.pk}/change/", organization_admin_form(name="Babbage Ltd")
    )

    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.name == "Babbage Ltd"
    assert StageTemplate.objects.filter(organization=organization).count() == 1
    assert_has_the_defaults(organization)


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_seed_demo_gives_acme_its_defaults_and_a_second_run_adds_nothing():
    call_command("seed_demo", stdout=io.StringIO())

    acme = Organization.objects.get(slug="acme")
    assert_has_the_defaults(acme)
    assert acme.memberships.filter(role=Membership.Role.OWNER).exists()
    jobs = list(acme.jobs.all())
    assert jobs
    for job in jobs:
        assert job.stages.filter(is_active=True).exists(), job.title
    before = row_counts()

    call_command("seed_demo", stdout=io.StringIO())

    assert row_counts() == before
    assert_has_the_defaults(acme)


def test_seed_demo_fills_in_what_an_older_acme_lacks():
    Organization.objects.create(name="Acme", slug="acme")  # made before the defaults existed

    call_command("seed_demo", stdout=io.StringIO())

    assert_has_the_defaults(Organization.objects.get(slug="acme"))


# --- Duplicating a job copies its stages ----------------------------------------------------------


def test_duplicating_a_job_copies_its_stages_but_not_its_applications(client_for, recruiter, organization):
    job = make_job(organization, title="Backend Engineer")
    stages = list(job.stages.all())
    client = client_for(recruiter)
    client.post(
        f"/workflows/steps/{stages[2].pk}/rename/",
        {"name": "Recruiter call", "description": "Twenty minutes", "stale_after_days": "3"},
    )
    client.post(f"/workflows/steps/{stages[5].pk}/toggle/")  # Reference Check, switched off
    client.post(f"/jobs/{job.pk}/workflow/steps/", {"name": "Take-home task"})
    ApplicationFactory(job=job, current_stage=stages[0])
    ApplicationFactory(job=job, current_stage=stages[2])
    original = stage_shape(job)

    response = client.post(f"/jobs/{job.pk}/duplicate/")

    assert response.status_code == 302
    copy = Job.objects.exclude(pk=job.pk).get(organization=organization)
    assert response["Location"] == f"/jobs/{copy.pk}/"
    assert stage_shape(copy) == original
    assert ("Recruiter call", "Twenty minutes", 2, True, 3) in original
    assert copy.stages.get(name="Reference Check").is_active is False
    assert copy.stages.last().name == "Take-home task"
    assert not copy.stages.filter(pk__in=[s.pk for s in stages]).exists()  # new rows, not shared ones
    assert Application.objects.filter(job=copy).count() == 0
    assert stage_shape(job) == original  # the original is untouched
    assert Application.objects.filter(job=job).count() == 2


# --- A job made in Django admin ------------------------------------------------------------------


def job_admin_form(organization, **overrides):
    return {
        "organization": organization.pk,
        "title": "Analyst",
        "slug": "analyst",
        "department": "",
        "city": "",
        "country": "",
        "remote_type": "onsite",
        "employment_type": "full_time",
        "experience_level": "",
        "urgency": "medium",
        "salary_min": "",
        "salary_max": "",
        "salary_currency": "EUR",
        "salary_period": "year",
        "description": "",
        "responsibilities": "[]",
        "qualifications": "[]",
        "benefits": "[]",
        "status": "draft",
        "openings": "1",
        "deadline": "",
        "created_by": "",
        # The hiring team inline, empty.
        "team-TOTAL_FORMS": "0",
        "team-INITIAL_FORMS": "0",
        "team-MIN_NUM_FORMS": "0",
        "team-MAX_NUM_FORMS": "1000",
        # The scorecard attributes inline, empty (a new job then gets the defaults; a changed one keeps its own).
        "scorecard_attributes-TOTAL_FORMS": "0",
        "scorecard_attributes-INITIAL_FORMS": "0",
        "scorecard_attributes-MIN_NUM_FORMS": "0",
        "scorecard_attributes-MAX_NUM_FORMS": "1000",
        **overrides,
    }


def test_a_job_added_in_django_admin_gets_its_form_and_stages(superuser_client, organization):
    assert superuser_client.get("/admin/jobs/job/add/").status_code == 200

    response = superuser_client.post("/admin/jobs/job/add/", job_admin_form(organization))

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    job = Job.objects.get(organization=organization, slug="analyst")
    assert list(job.application_form.fields.values_list("key", flat=True)) == STANDARD_FIELDS
    default = StageTemplate.objects.get(organization=organization, is_default=True)
    assert [name for name, *_ in stage_shape(job)] == list(default.stages.values_list("name", flat=True))
    assert job.stages.count() == 8
    assert list(job.scorecard_attributes.values_list("name", flat=True)) == [n for n, _ in DEFAULT_ATTRIBUTES]


def test_changing_a_job_in_django_admin_adds_no_stages(superuser_client, organization):
    job = make_job(organization, title="Analyst")
    Stage.objects.filter(job=job, name="Hired").delete()

    response = superuser_client.post(
        f"/admin/jobs/job/{job.pk}/change/",
        job_admin_form(organization, slug=job.slug, title="Senior Analyst", status=job.status),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    job.refresh_from_db()
    assert job.title == "Senior Analyst"
    assert job.stages.count() == 7
    assert job.scorecard_attributes.count() == len(DEFAULT_ATTRIBUTES)
