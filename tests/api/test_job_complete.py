"""POST /api/v1/jobs/complete/: one job with its form, team, workflow and sites, all or nothing."""

import copy

import pytest
from rest_framework.test import APIClient

from accounts.models import Membership, Organization
from jobs.models import HiringTeamMember, Job, JobSite
from pipeline.applications.services import advance_application
from pipeline.automation.models import StageAction
from tests.factories import ApplicationFactory, MembershipFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/jobs/complete/"


@pytest.fixture
def lead(organization):
    return MembershipFactory(
        organization=organization, role=Membership.Role.RECRUITER, user__email="lead@acme.test"
    ).user


@pytest.fixture
def engineer(organization):
    return MembershipFactory(
        organization=organization, role=Membership.Role.INTERVIEWER, user__email="eng@acme.test"
    ).user


def example():
    """docs/api.md's nested body, every part filled in."""
    return {
        "job": {
            "description": {
                "society": {"name": "Renamed Corp", "website": "https://evil.example", "industry": "Other"},
                "job description": {
                    "title": "Senior Backend Engineer",
                    "urgency": "High",
                    "remoteStatus": "Hybrid",
                    "country": "France",
                    "city": "Paris",
                    "department": "Engineering",
                    "typeOfContract": "Full-time",
                    "experienceLevel": "Senior",
                    "salary": {"min": 60000, "max": 80000, "currency": "eur"},
                    "postTextMarkdown": "## About\nWe build **things**.",
                    "responsibilities": ["Design APIs", "Review code"],
                    "qualifications": ["Python", "Django"],
                    "benefits": ["Remote days"],
                    "applicationDeadline": "2020-01-31T00:00:00Z",
                    "someFutureKey": "ignored",
                },
                "settings": {"status": "Open", "openings": 2, "showSalary": True},
                "tag": {"tags": ["backend", "python"]},
            },
            "JobForm": {
                "title": "Apply to Acme",
                "formFields": [
                    {"fieldId": "email", "fieldType": "email", "fieldName": "Work email", "isRequired": True},
                    {
                        "fieldId": "f1",
                        "fieldType": "select",
                        "fieldName": "Notice period",
                        "fieldDescription": "How soon can you start?",
                        "fieldPlaceholder": "",
                        "fieldOptions": ["Now", "1 month", "3 months"],
                        "isRequired": True,
                        "isMultiple": False,
                        "isActive": True,
                    },
                    {
                        "fieldId": "f2",
                        "fieldType": "select",
                        "fieldName": "Languages",
                        "fieldOptions": ["French", "English"],
                        "isMultiple": True,
                    },
                    {"fieldId": "f3", "fieldType": "textarea", "fieldName": "Why us?", "isActive": False},
                ],
            },
            "Team": {
                "teamName": "Backend hiring",
                "members": [
                    {"name": "Lea", "role": "Hiring Manager", "email": "LEAD@acme.test"},
                    {"name": "Eng", "role": "interviewer", "email": "eng@acme.test"},
                ],
            },
            "WorkFlow": {
                "template": {
                    "templateName": "Engineering",
                    "steps": [
                        {
                            "stepId": "s2",
                            "stepName": "Technical Interview",
                            "stepDescription": "Deep dive",
                            "order": 2,
                            "isActive": True,
                            "actions": [
                                {
                                    "actionName": "Tech interview",
                                    "actionType": "meeting",
                                    "actionDetails": {"duration": 90, "location": "Video", "roles": ["Interviewer"]},
                                }
                            ],
                            "tasks": [
                                {
                                    "taskName": "Prepare the exercise",
                                    "taskDescription": "Pick one",
                                    "assignee": "eng@acme.test",
                                    "dueDate": "2020-01-01",
                                    "priority": "high",
                                }
                            ],
                        },
                        {
                            "stepId": "s1",
                            "stepName": "Applied",
                            "order": 1,
                            "actions": [
                                {
                                    "actionName": "Acknowledge",
                                    "actionType": "sendEmail",
                                    "emailTemplate": "Application received",
                                    "actionDetails": {"toCandidate": True, "delayMinutes": 10},
                                },
                                {
                                    "actionName": "New applicant for {{ job.title }}",
                                    "actionType": "Notification",
                                    "actionDetails": {"roles": ["Hiring Manager"]},
                                },
                            ],
                        },
                        {"stepId": "s3", "stepName": "Offer", "order": 3, "actions": [
                            {"actionType": "email", "emailTemplate": "offer"},
                        ]},
                    ],
                }
            },
            "sites": [
                {"siteName": "LinkedIn", "siteUrl": "https://linkedin.com", "jobLink": "https://l.in/", "isLive": True},
                {"siteName": "Careers page", "siteUrl": "https://acme.example/careers"},
            ],
        }
    }  # fmt: skip


def test_no_credentials_is_a_401():
    response = APIClient().post(URL, example(), format="json")

    assert response.status_code == 401
    assert not Job.objects.exists()


def test_the_full_example_creates_everything(api_for, recruiter, organization, lead, engineer):
    response = api_for(recruiter).post(URL, example(), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    job = Job.objects.get(pk=body["id"])
    assert (job.organization, job.title, job.urgency, job.remote_type) == (
        organization,
        "Senior Backend Engineer",
        "high",
        "hybrid",
    )
    assert (job.employment_type, job.experience_level, job.city, job.department) == (
        "full_time",
        "senior",
        "Paris",
        "Engineering",
    )
    assert (job.salary_min, job.salary_max, job.salary_currency, job.show_salary) == (60000, 80000, "EUR", True)
    assert (job.status, job.openings, job.deadline.isoformat()) == ("open", 2, "2020-01-31")
    assert job.description.startswith("## About")
    assert (job.responsibilities, job.qualifications, job.benefits) == (
        ["Design APIs", "Review code"],
        ["Python", "Django"],
        ["Remote days"],
    )
    # The form: the standard email field reworded, three questions added.
    form = job.application_form
    assert form.title == "Apply to Acme"
    assert form.fields.get(key="email").label == "Work email"
    notice = form.fields.get(label="Notice period")
    assert (notice.field_type, notice.options, notice.required, notice.help_text) == (
        "single_choice",
        ["Now", "1 month", "3 months"],
        True,
        "How soon can you start?",
    )
    assert form.fields.get(label="Languages").field_type == "multiple_choice"
    why = form.fields.get(label="Why us?")
    assert (why.field_type, why.is_active) == ("long_text", False)
    # The team, by email.
    team = {m.user: m.role for m in HiringTeamMember.objects.filter(job=job)}
    assert team == {lead: "hiring_manager", engineer: "interviewer"}
    # The workflow, in `order`, with its actions and tasks.
    stages = list(job.stages.all())
    assert [s.name for s in stages] == ["Applied", "Technical Interview", "Offer"]
    applied = list(StageAction.objects.filter(stage=stages[0]))
    assert [(a.kind, a.email_template.key if a.email_template else None) for a in applied] == [
        ("email", "acknowledgement"),
        ("notification", None),
    ]
    assert (applied[0].to_candidate, applied[0].delay_minutes) == (True, 10)
    assert applied[1].roles == ["hiring_manager"]
    interview = list(StageAction.objects.filter(stage=stages[1]))
    assert [(a.kind, a.title) for a in interview] == [("meeting", "Tech interview"), ("task", "Prepare the exercise")]
    assert (interview[0].duration_minutes, interview[0].location, interview[0].roles) == (90, "Video", ["interviewer"])
    assert (interview[1].members, interview[1].priority, interview[1].body) == ([engineer.pk], "high", "Pick one")
    # The sites.
    sites = {s.name: (s.url, s.job_link, s.is_live) for s in JobSite.objects.filter(job=job)}
    assert sites == {
        "LinkedIn": ("https://linkedin.com", "https://l.in/", True),
        "Careers page": ("https://acme.example/careers", "", False),
    }
    # The answer holds all of it.
    assert body["job"]["type_of_contract"] == "Full-time"
    assert body["job"]["urgency"] == "High"
    assert body["form"]["title"] == "Apply to Acme"
    assert len(body["team"]) == 2
    assert [s["name"] for s in body["workflow"]["steps"]] == ["Applied", "Technical Interview", "Offer"]
    assert [a["action_type"] for a in body["workflow"]["steps"][0]["actions"]] == ["email", "notification"]
    assert {s["name"] for s in body["sites"]} == {"LinkedIn", "Careers page"}


def test_a_new_jobs_applications_advance_through_its_steps(api_for, recruiter, lead, engineer):
    response = api_for(recruiter).post(URL, example(), format="json")
    job = Job.objects.get(pk=response.json()["id"])
    stages = list(job.stages.all())
    application = ApplicationFactory(job=job, current_stage=stages[0])

    advance_application(application=application, by=recruiter)

    application.refresh_from_db()
    assert application.current_stage == stages[1]


def test_society_leaves_the_organisation_unchanged(api_for, recruiter, organization, lead, engineer):
    before = Organization.objects.values().get(pk=organization.pk)

    response = api_for(recruiter).post(URL, example(), format="json")

    assert response.status_code == 201
    assert Organization.objects.values().get(pk=organization.pk) == before


def test_an_unknown_team_email_is_a_400_naming_it_and_nothing_is_created(
    api_for, recruiter, lead, engineer, other_organization
):
    body = example()
    outsider = Membership.objects.filter(organization=other_organization).first().user
    body["job"]["Team"]["members"] += [{"email": "nobody@nowhere.test"}, {"email": outsider.email, "role": "Recruiter"}]

    response = api_for(recruiter).post(URL, body, format="json")

    assert response.status_code == 400
    message = response.json()["team.members"][0]
    assert "nobody@nowhere.test" in message
    assert outsider.email in message
    assert "lead@acme.test" not in message
    assert not Job.objects.exists()
    assert not JobSite.objects.exists()
    assert not StageAction.objects.filter(stage__job__isnull=False).exists()


def test_an_unknown_action_type_is_a_400_naming_it(api_for, recruiter, lead, engineer):
    body = example()
    body["job"]["WorkFlow"]["template"]["steps"][0]["actions"][0]["actionType"] = "carrierPigeon"

    response = api_for(recruiter).post(URL, body, format="json")

    assert response.status_code == 400
    assert "carrierPigeon" in str(response.json())
    assert not Job.objects.exists()


def test_an_unknown_email_template_is_a_400_naming_it(api_for, recruiter, lead, engineer):
    body = example()
    body["job"]["WorkFlow"]["template"]["steps"][2]["actions"][0]["emailTemplate"] = "Golden handshake"

    response = api_for(recruiter).post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "workflow.steps[2].actions[0].email_template": [
            "No email template of your organisation is called “Golden handshake”."
        ]
    }
    assert not Job.objects.exists()


def test_an_action_the_editor_refuses_is_refused_here_with_its_place(api_for, recruiter, lead, engineer):
    body = example()
    body["job"]["WorkFlow"]["template"]["steps"][0]["actions"][0]["actionDetails"]["duration"] = 10_000

    response = api_for(recruiter).post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "workflow.steps[1].actions[0].duration_minutes": [
            "A meeting lasts between 5 minutes and 8 hours (480 minutes)."
        ]
    }
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda b: b["job"]["description"]["job description"].update(urgency="someday"), "urgency"),
        (lambda b: b["job"]["description"]["job description"].update(salary={"min": 9, "max": 1}), "salary.max"),
        (lambda b: b["job"]["description"]["job description"].pop("title"), "title"),
        (
            lambda b: b["job"]["description"]["job description"].update(applicationDeadline="2020-13-01T00:00Z"),
            "Deadline",
        ),
        (lambda b: b["job"]["JobForm"]["formFields"][1].update(fieldOptions=["Only one"]), "options"),
        (lambda b: b["job"]["JobForm"]["formFields"][1].update(fieldType="hologram"), "hologram"),
        (lambda b: b["job"]["sites"][0].update(siteUrl="not a url"), "sites[0].url"),
        (lambda b: b["job"].update(description="flat"), "description"),
    ],
)
def test_invalid_parts_are_400s_and_nothing_is_created(api_for, recruiter, lead, engineer, change, where):
    body = example()
    change(body)

    response = api_for(recruiter).post(URL, body, format="json")

    assert response.status_code == 400
    assert where in str(response.json())
    assert not Job.objects.exists()


def test_without_a_workflow_the_job_gets_the_default_one(api_for, recruiter):
    body = {"job": {"description": {"job description": {"title": "Barista", "typeOfContract": "part time"}}}}

    response = api_for(recruiter).post(URL, body, format="json")

    assert response.status_code == 201, response.json()
    job = Job.objects.get(pk=response.json()["id"])
    assert job.employment_type == "part_time"
    assert job.stages.first().name == "Application Received"
    assert StageAction.objects.filter(stage__job=job).exists()


@pytest.mark.parametrize("body", [{}, [], "x", {"job": []}, {"job": {"description": {}}}])
def test_empty_or_wrong_bodies_are_400s(api_for, recruiter, body):
    response = api_for(recruiter).post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()
    assert not Job.objects.exists()


def test_a_hiring_manager_cannot_create_one(api_for, hiring_manager):
    response = api_for(hiring_manager).post(URL, example(), format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow this."}
    assert not Job.objects.exists()


def test_a_read_only_key_cannot_create_one(api_key_for, recruiter):
    response = api_key_for(Membership.objects.get(user=recruiter), read_only=True).post(URL, example(), format="json")

    assert response.status_code == 403
    assert not Job.objects.exists()


def test_members_of_another_organisation_are_not_found_by_email(api_for, other_organization, lead):
    owner = Membership.objects.filter(organization=other_organization).first().user
    body = copy.deepcopy(example())
    body["job"]["Team"]["members"] = [{"email": "lead@acme.test", "role": "Recruiter"}]
    body["job"]["WorkFlow"]["template"]["steps"][0]["tasks"] = []

    response = api_for(owner).post(URL, body, format="json")

    assert response.status_code == 400
    assert "lead@acme.test" in response.json()["team.members"][0]
    assert not Job.objects.exists()


@pytest.mark.parametrize("member", [10**30, 0, -1])
def test_a_member_id_no_database_holds_is_a_400(api_for, recruiter, member):
    body = {
        "job": {
            "description": {"job description": {"title": "X"}},
            "WorkFlow": {"template": {"steps": [{"stepName": "S", "actions": [
                {"actionType": "notification", "actionName": "Hi", "actionDetails": {"members": [member]}},
            ]}]}},
        }
    }  # fmt: skip

    response = api_for(recruiter).post(URL, body, format="json")

    assert response.status_code == 400
    assert "members" in str(response.json())
    assert not Job.objects.exists()
