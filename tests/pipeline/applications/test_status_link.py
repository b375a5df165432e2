"""The candidate's status link (pipeline.applications.status_link): signed per application, revoked by a new
salt, dead on erasure; carried by every email to the candidate (never the team's); copied or revoked from the
candidate page; and the stage names candidates read, edited on the Stages page and through the API."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import Membership
from jobs.models import HiringTeamMember, Stage, StageTemplate
from mail.models import EmailMessage
from pipeline.applications import emails
from pipeline.applications.models import Application
from pipeline.applications.status_link import (
    application_for_token,
    revoke_status_link,
    status_token,
    status_url,
)
from pipeline.candidates.models import TimelineEvent
from pipeline.interviews import services as interviews
from pipeline.privacy.models import ErasureRecord
from pipeline.privacy.services import erase_candidate
from tests.factories import ApplicationFactory, MembershipFactory, make_job

pytestmark = pytest.mark.django_db


def path_of(url):
    assert url.startswith(settings.SITE_URL + "/careers/")
    return url.removeprefix(settings.SITE_URL)


# --- The token ------------------------------------------------------------------------------------


def test_the_token_opens_its_own_application(application):
    token = status_token(application)

    found = application_for_token(token)

    assert found == application
    assert found.job.organization == application.job.organization  # fetched with it, for the page


def test_the_url_is_absolute_on_the_careers_site_of_its_organisation(application):
    url = status_url(application)

    slug = application.job.organization.slug
    assert url == f"{settings.SITE_URL}/careers/{slug}/-/status/{status_token(application)}/"


def test_each_application_has_its_own_token(application, job, stages):
    other = ApplicationFactory(job=make_job(job.organization), candidate=application.candidate)

    assert status_token(other) != status_token(application)
    assert application_for_token(status_token(other)) == other


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature
        lambda token: token + "x",
        lambda token: token.split(":")[0],  # no signature at all
        lambda token: "",
        lambda token: ":" + token.split(":")[1],
        lambda token: "99999999999999999999999:" + token.split(":")[1],  # past any id a database holds
        lambda token: "-1:" + token.split(":")[1],
        lambda token: "1\x00:" + token.split(":")[1],
        lambda token: "\u00b2:" + token.split(":")[1],  # a digit to isdigit(), not to int()
    ],
)
def test_a_tampered_token_opens_nothing(application, tamper):
    assert application_for_token(tamper(status_token(application))) is None


def test_another_applications_id_under_this_signature_opens_nothing(application, job):
    other = ApplicationFactory(job=job, current_stage=application.current_stage)
    signature = status_token(application).split(":")[1]

    assert application_for_token(f"{other.pk}:{signature}") is None


def test_a_token_of_a_deleted_application_opens_nothing(application):
    token = status_token(application)
    application.delete()

    assert application_for_token(token) is None


# --- Revoking and erasure -------------------------------------------------------------------------


def test_revoking_kills_the_links_sent_before_and_says_so_on_the_timeline(application, recruiter):
    before = status_token(application)

    event = revoke_status_link(application=application, by=recruiter)

    assert application_for_token(before) is None
    fresh = Application.objects.get(pk=application.pk)
    assert application_for_token(status_token(fresh)) == application  # the next email's link works
    assert (event.kind, event.actor, event.application) == ("status_link_revoked", recruiter, application)
    assert TimelineEvent.objects.filter(application=application, kind="status_link_revoked").count() == 1


def test_erasure_kills_every_link_of_the_person(application, job, owner):
    other = ApplicationFactory(job=make_job(job.organization), candidate=application.candidate)
    tokens = [status_token(application), status_token(other)]
    salts = {application.status_salt, other.status_salt}

    erase_candidate(candidate=application.candidate, by=owner, reason=ErasureRecord.Reason.REQUEST)

    assert [application_for_token(token) for token in tokens] == [None, None]
    kept = Application.objects.filter(candidate=application.candidate)
    assert kept.count() == 2  # the tombstone keeps its applications...
    assert salts.isdisjoint(kept.values_list("status_salt", flat=True))  # ...with new salts


def test_an_erased_persons_link_opens_nothing_even_with_the_old_salt(application):
    # Defence in depth: a row erasure might miss still refuses, as the person is gone.
    token = status_token(application)
    application.candidate.anonymise(at=timezone.now())
    application.candidate.save()

    assert application_for_token(token) is None


# --- Emails ---------------------------------------------------------------------------------------


def test_the_candidates_values_carry_the_link_and_the_teams_do_not(application):
    assert emails.values_for(application, to_candidate=True)["application.status_url"] == status_url(application)
    assert emails.values_for(application)["application.status_url"] == ""


def test_a_written_email_to_the_candidate_carries_a_working_link(application, recruiter, client):
    message = emails.send_written(
        application=application, subject="Hello", body="<p>Where you stand: {{ application.status_url }}</p>",
        sender=recruiter,
    )  # fmt: skip

    [url] = re.findall(r"https?://\S+/-/status/[^\s<\"]+", message.text_body)
    assert url == message.context["application.status_url"]
    page = client.get(path_of(url))
    assert page.status_code == 200
    assert "Backend Engineer" in page.text


def test_interview_invitations_carry_the_link_to_the_candidate_only(application, recruiter, interviewer):
    HiringTeamMember.objects.create(job=application.job, user=interviewer, role=HiringTeamMember.Role.INTERVIEWER)

    interview = interviews.schedule_interview(
        application=application, starts_at=timezone.now() + timedelta(days=2), duration_minutes=45,
        interviewers=[interviewer], organizer=recruiter, title="Technical interview",
    )  # fmt: skip

    messages = EmailMessage.objects.filter(object_id=application.pk, idempotency_key__startswith="interview:")
    by_address = {tuple(message.to): message for message in messages}
    assert by_address[(application.candidate.email,)].context["application.status_url"] == status_url(application)
    assert by_address[(interviewer.email,)].context["application.status_url"] == ""
    assert interview.pk


def test_the_variable_is_documented_for_template_authors():
    from mail import rendering

    assert "application.status_url" in rendering.VARIABLES
    assert "application.status_url" in rendering.SYSTEM_URLS  # built by the site: its clicks may be tracked


# --- The candidate page's panel, and revoking from it ---------------------------------------------


def revoke_url(application):
    return f"/applications/{application.pk}/status-link/revoke/"


def test_the_candidate_page_offers_the_link_to_copy_and_revoke(recruiter_client, application):
    response = recruiter_client.get(f"/candidates/{application.candidate_id}/")

    assert response.status_code == 200
    assert f'id="status-url-{application.pk}"' in response.text
    assert f'value="{status_url(application)}"' in response.text
    assert f'action="{revoke_url(application)}"' in response.text
    assert 'data-copy="status-url-' in response.text


def test_an_interviewer_on_the_panel_sees_no_status_link(client_for, organization, application, recruiter):
    panelist = MembershipFactory(organization=organization, role=Membership.Role.INTERVIEWER).user
    HiringTeamMember.objects.create(job=application.job, user=panelist, role=HiringTeamMember.Role.INTERVIEWER)
    interviews.schedule_interview(
        application=application, starts_at=timezone.now() + timedelta(days=2), duration_minutes=30,
        interviewers=[panelist], organizer=recruiter, title="Chat",
    )  # fmt: skip

    response = client_for(panelist).get(f"/candidates/{application.candidate_id}/")

    assert response.status_code == 200  # the panel opens the candidate to them...
    assert "status-url-" not in response.text  # ...not the candidate's own link
    assert status_token(application) not in response.text


def test_an_erased_persons_page_shows_no_link(client_for, owner, application):
    erase_candidate(candidate=application.candidate, by=owner, reason=ErasureRecord.Reason.REQUEST)

    response = client_for(owner).get(f"/candidates/{application.candidate_id}/")

    assert response.status_code == 200
    assert "status-url-" not in response.text


def test_revoking_from_the_candidate_page(recruiter_client, application):
    token = status_token(application)

    response = recruiter_client.post(revoke_url(application))

    assert response.status_code == 302
    assert response["Location"] == f"/candidates/{application.candidate_id}/#application-{application.pk}"
    assert application_for_token(token) is None
    page = recruiter_client.get(response["Location"])
    assert "no longer open" in page.text
    assert "Status link revoked" in page.text  # the timeline says so


def test_revoking_takes_a_post(recruiter_client, application):
    token = status_token(application)

    assert recruiter_client.get(revoke_url(application)).status_code == 405
    assert application_for_token(token) == application


def test_revoking_is_for_those_who_take_the_applications_decisions(client_for, organization, application):
    token = status_token(application)
    outsider = MembershipFactory(organization=organization, role=Membership.Role.HIRING_MANAGER).user
    interviewer = MembershipFactory(organization=organization, role=Membership.Role.INTERVIEWER).user

    assert client_for(outsider).post(revoke_url(application)).status_code == 404  # not on the job's team
    assert client_for(interviewer).post(revoke_url(application)).status_code == 404
    assert application_for_token(token) == application


def test_a_hiring_manager_on_the_team_may_revoke(client_for, organization, application):
    manager = MembershipFactory(organization=organization, role=Membership.Role.HIRING_MANAGER).user
    HiringTeamMember.objects.create(job=application.job, user=manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    token = status_token(application)

    assert client_for(manager).post(revoke_url(application)).status_code == 302
    assert application_for_token(token) is None


def test_another_organisations_application_is_404(client_for, other_organization, application):
    stranger = MembershipFactory(organization=other_organization, role=Membership.Role.OWNER).user
    token = status_token(application)

    assert client_for(stranger).post(revoke_url(application)).status_code == 404
    assert application_for_token(token) == application


def test_revoking_needs_to_be_signed_in(client, application):
    response = client.post(revoke_url(application))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- The stage's name for candidates --------------------------------------------------------------


def step_url(stage, action):
    return f"/workflows/steps/{stage.pk}/{action}/"


def test_the_stages_page_has_a_name_for_candidates_per_stage(recruiter_client, job, stages):
    Stage.objects.filter(pk=stages[1].pk).update(candidate_label="Being read")

    response = recruiter_client.get(f"/jobs/{job.pk}/workflow/")

    assert response.status_code == 200
    assert response.text.count('name="candidate_label"') == len(stages)
    label = re.search(rf'<label class="input-group-text" for="alias-{stages[1].pk}">(.*?)</label>', response.text)
    assert "Name shown to candidates" in label[1]
    assert f'id="alias-{stages[1].pk}" name="candidate_label" value="Being read"' in response.text


def test_saving_a_stage_saves_its_name_for_candidates(recruiter_client, stages):
    response = recruiter_client.post(
        step_url(stages[2], "rename"), {"name": "Phone Screen", "stale_after_days": "7", "candidate_label": " Talking "}
    )

    assert response.status_code == 302
    stages[2].refresh_from_db()
    assert stages[2].candidate_label == "Talking"


def test_a_form_without_the_field_keeps_the_name_for_candidates(recruiter_client, stages):
    Stage.objects.filter(pk=stages[2].pk).update(candidate_label="Talking")

    recruiter_client.post(step_url(stages[2], "rename"), {"name": "Phone call"})

    stages[2].refresh_from_db()
    assert (stages[2].name, stages[2].candidate_label) == ("Phone call", "Talking")


def test_a_name_for_candidates_too_long_is_refused(recruiter_client, stages):
    response = recruiter_client.post(
        step_url(stages[2], "rename"), {"name": "Phone call", "candidate_label": "x" * 101}, follow=True
    )

    assert response.status_code == 200
    assert "Keep the name shown to candidates to 100 characters or fewer (it has 101)." in response.text
    stages[2].refresh_from_db()
    assert (stages[2].name, stages[2].candidate_label) == ("Phone Screen", "")


def test_a_template_stages_name_for_candidates_is_copied_to_new_jobs(organization):
    default = StageTemplate.objects.get(organization=organization, is_default=True)
    default.stages.filter(name="Phone Screen").update(candidate_label="Talking with us")

    job = make_job(organization)

    assert job.stages.get(name="Phone Screen").candidate_label == "Talking with us"


def test_applying_a_template_to_a_job_copies_its_names_for_candidates(recruiter_client, organization, job):
    template = StageTemplate.objects.create(organization=organization, name="Short")
    Stage.objects.create(template=template, name="Read", candidate_label="Being read", order=0)
    Stage.objects.create(template=template, name="Meet", candidate_label="Interviewing", order=1)

    response = recruiter_client.post(f"/jobs/{job.pk}/workflow/apply/", {"template": template.pk})

    assert response.status_code == 302
    active = job.stages.filter(is_active=True)  # the old ones stay, switched off
    assert list(active.values_list("name", "candidate_label")) == [("Read", "Being read"), ("Meet", "Interviewing")]


def test_the_api_reads_and_writes_the_name_for_candidates(api_for, recruiter, job, stages):
    client = api_for(recruiter)
    url = f"/api/v1/workflow-steps/{stages[2].pk}/"

    changed = client.patch(url, {"candidate_label": "Talking"}, format="json")
    created = client.post(
        "/api/v1/workflow-steps/", {"job": job.pk, "name": "Homework", "candidate_label": "Take-home task"}
    )

    assert changed.status_code == 200, changed.json()
    assert changed.json()["candidate_label"] == "Talking"
    assert created.status_code == 201, created.json()
    assert Stage.objects.get(pk=created.json()["id"]).candidate_label == "Take-home task"
    stages[2].refresh_from_db()
    assert (stages[2].name, stages[2].candidate_label) == ("Phone Screen", "Talking")
    too_long = client.patch(url, {"candidate_label": "x" * 101}, format="json")
    assert too_long.status_code == 400
    assert "candidate_label" in too_long.json()
