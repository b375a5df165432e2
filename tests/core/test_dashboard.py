import pytest
from allauth.mfa.models import Authenticator

from accounts.models import Membership
from jobs.models import Job
from pipeline.setup.services import create_job
from tests.factories import InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db

MANAGE_STEPS = ["Invite your team", "Make your careers page yours"]


def test_new_owner_sees_every_getting_started_step(client_for, owner, organization):
    response = client_for(owner).get("/")

    assert response.status_code == 200
    for title in [*MANAGE_STEPS, "Publish your first job", "Protect your account"]:
        assert title in response.text
    assert f"Get {organization.name} ready to hire" in response.text
    assert "4 steps left." in response.text
    assert 'href="/jobs/new/"' in response.text
    assert 'href="/organization/members/"' in response.text
    assert 'href="/organization/"' in response.text


@pytest.mark.parametrize(
    ("role", "part"),
    [
        (Membership.Role.RECRUITER, "Jobs you're on"),
        (Membership.Role.HIRING_MANAGER, "Jobs you're on"),
        (Membership.Role.INTERVIEWER, "My interviews"),
    ],
)
def test_only_admins_see_the_set_up_checklist(client_for, organization, role, part):
    member = MembershipFactory(organization=organization, role=role).user

    response = client_for(member).get("/")

    assert response.status_code == 200
    assert part in response.text
    for title in [*MANAGE_STEPS, "Publish your first job", "Protect your account"]:
        assert title not in response.text
    assert "steps left" not in response.text


def test_steps_are_marked_done(client_for, owner, organization):
    InvitationFactory(organization=organization)
    organization.careers_intro = "Join us."
    organization.privacy_policy_url = "https://example.com/privacy"
    organization.save()

    response = client_for(owner).get("/")

    assert "2 steps left." in response.text
    assert 'Invite your team<span class="visually-hidden"> (done)</span>' in response.text
    assert 'Make your careers page yours<span class="visually-hidden"> (done)</span>' in response.text


def test_the_checklist_goes_once_every_step_is_done(client_for, owner, organization):
    MembershipFactory(organization=organization)
    organization.careers_intro = "Join us."
    organization.privacy_policy_url = "https://example.com/privacy"
    organization.save()
    Authenticator.objects.create(user=owner, type=Authenticator.Type.TOTP, data={})
    job = create_job(organization=organization, created_by=owner, title="Welder")
    job.set_status(Job.Status.OPEN)

    response = client_for(owner).get("/")

    assert response.status_code == 200
    assert response.context["open_jobs"] == 1
    assert response.context["steps_left"] == 0
    assert "ready to hire" not in response.text
    assert "New applications you haven't opened" in response.text


def test_the_checklist_counts_only_active_members_and_pending_invitations(client_for, owner, organization):
    MembershipFactory(organization=organization)
    MembershipFactory(organization=organization, is_active=False)
    InvitationFactory(organization=organization)

    response = client_for(owner).get("/")

    assert response.context["member_count"] == 2
    assert response.context["pending_invitations"] == 1
    assert "2 active members · 1 pending invitation" in response.text


def test_dashboard_shows_the_role(client_for, organization):
    manager = MembershipFactory(organization=organization, role=Membership.Role.HIRING_MANAGER).user

    response = client_for(manager).get("/")

    assert f"{organization.name} · Hiring manager" in response.text


def test_unknown_url_renders_the_404_page_in_our_layout(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "We couldn't find that page" in response.text
    assert 'id="main"' in response.text
    assert "css/app.css" in response.text
    assert 'href="/accounts/login/"' in response.text


def test_404_page_shows_the_signed_in_members_organisation(client_for, owner, organization):
    response = client_for(owner).get("/no-such-page/")

    assert response.status_code == 404
    assert organization.name in response.text
    assert "Content-Security-Policy" in response.headers
