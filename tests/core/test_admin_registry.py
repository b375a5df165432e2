"""Every model of our apps has a Django admin, and its list and add pages open for a superuser.

A model added without an admin fails here, by name: support staff can then see every row the site
stores (rejection reasons, notes and timeline events were once missing).
"""

from datetime import date, time, timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from accounts.api_keys import issue_key
from accounts.models import Membership
from accounts.ratelimit import hit
from jobs.models import FormField, HiringTeamMember, JobSite
from mail.services import Attachment, queue_email
from notifications.digest import send_digest
from notifications.failures import notify_failed_deliveries
from notifications.models import Category, Email
from notifications.services import notify, save_preferences
from pipeline.applications.emails import send_to_candidate
from pipeline.applications.models import AnswerChoice, ApplicationFormAnswer
from pipeline.applications.services import add_tags, set_following, submit_application
from pipeline.candidates.models import TimelineEvent
from pipeline.candidates.services import add_note
from pipeline.interviews.services import schedule_interview, submit_scorecard
from pipeline.privacy.services import erase_candidate, extend_retention
from pipeline.tasks.services import add_comment, create_task
from pipeline.webhooks.services import create_endpoint, queue_event
from tests.factories import InvitationFactory, MembershipFactory, UserFactory, make_job, pdf_upload

OUR_APPS = ("accounts", "jobs", "pipeline", "mail", "notifications")
MODELS = sorted(
    (model for label in OUR_APPS for model in apps.get_app_config(label).get_models()),
    key=lambda model: model._meta.label,
)
IDS = [model._meta.label for model in MODELS]


def test_every_model_of_our_apps_is_in_the_admin():
    missing = [model._meta.label for model in MODELS if model not in admin.site._registry]
    assert missing == []


@pytest.fixture
def superuser_client(client_for, db):
    return client_for(UserFactory(is_staff=True, is_superuser=True))


@pytest.fixture
def rows(organization):
    """At least one row of every model, made the way the site makes them, so each list shows real rows."""
    owner = MembershipFactory(organization=organization, role=Membership.Role.OWNER).user
    InvitationFactory(organization=organization)
    organization.privacy_policy_url = "https://acme.example/privacy"
    organization.save()
    job = make_job(organization, created_by=owner)
    HiringTeamMember.objects.create(job=job, user=owner, role=HiringTeamMember.Role.HIRING_MANAGER)
    JobSite.objects.create(job=job, name="LinkedIn", url="https://www.linkedin.com/jobs", is_live=True)
    values = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
    application = submit_application(job=job, values=values, files={"resume": pdf_upload()})
    ApplicationFormAnswer.objects.create(application=application, key="notice", label="Notice period", value="1 month")
    relocate = FormField.objects.create(
        form=job.application_form, key="relocate", label="Relocate?", field_type=FormField.Type.YES_NO, order=90
    )
    AnswerChoice.objects.create(application=application, field=relocate, value="yes")
    add_tags(applications=[application], tags=["Python"])
    add_note(candidate=application.candidate, author=owner, body="Strong")
    TimelineEvent.objects.create(candidate=application.candidate, application=application, kind="merged", text="x")
    send_to_candidate(application=application, key="acknowledgement", sender=owner)
    invite = Attachment("invite.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar; method=REQUEST")
    queue_email(organization=organization, to=["ada@example.com"], subject="Interview", text="Hi", attachments=[invite])
    hit("apply:203.0.113.9", limit=10, window=600)
    issue_key(membership=Membership.objects.get(user=owner), name="Nightly export", role="recruiter", read_only=True)
    extend_retention(candidate=application.candidate, until=date(2040, 1, 1), reason="Talent pool", by=owner)
    gone = submit_application(
        job=job,
        values={"first_name": "Bo", "last_name": "Erased", "email": "bo@example.com"},
        files={"resume": pdf_upload()},
    )
    erase_candidate(candidate=gone.candidate, by=owner, reason="request")
    set_following(application=application, user=owner, following=True)
    task = create_task(organization=organization, title="Call references", application=application, assignee=owner)
    add_comment(task=task, author=owner, body="Two of them answered")
    interview = schedule_interview(
        application=application, starts_at=timezone.now() - timedelta(hours=1), duration_minutes=30,
        interviewers=[owner], organizer=owner, title="Technical interview", location="Office",
    )  # fmt: skip
    submit_scorecard(interview=interview, author=owner, recommendation="yes", notes="Clear")
    colleague = MembershipFactory(organization=organization).user
    save_preferences(user=colleague, choices={Category.MENTION: (True, Email.DIGEST)}, send_at=time(7, 30))
    notify(
        category=Category.MENTION, recipients=[colleague], organization=organization, key="admin-test",
        title="Owner mentioned you", target=application,
    )  # fmt: skip
    send_digest(user=colleague, day=date(2030, 1, 1))
    notify_failed_deliveries()
    create_endpoint(organization=organization, url="https://hooks.example.com/ats", events=["application.created"])
    queue_event(event="application.created", object_id=application.pk)  # its delivery (sent on commit: never here)
    empty = [model._meta.label for model in MODELS if not model._default_manager.exists()]
    assert empty == []  # otherwise a changelist would render no row and hide a broken column


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_the_admin_list_of_every_model_opens(superuser_client, rows, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    response = superuser_client.get(url)

    assert response.status_code == 200
    assert 'id="changelist"' in response.text
    assert 'class="action-checkbox"' in response.text  # at least one row is listed


# Models the admin lists but does not add, and why.
ADD_REFUSED = {
    "accounts.ApiKey": "a key is shown once, to the admin who creates it on the API keys page",
    "pipeline.AnswerChoice": "written from the answers (applying, the API, the answer admin), never typed",
}


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_the_admin_add_page_of_every_model_opens(superuser_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")

    response = superuser_client.get(url)

    if model._meta.label in ADD_REFUSED:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert "<form" in response.text
