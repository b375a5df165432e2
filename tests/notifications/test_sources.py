"""Where notifications come from: applying, stage moves, decisions and mentions, each told only to
members who follow the application (or are named) and may see it."""

import pytest

from accounts.models import Membership
from accounts.services import accept_invitation
from ats.team import tell_admins_member_joined, tell_new_team_member
from jobs.models import HiringTeamMember
from jobs.services import set_team_member
from notifications.models import Category, Notification
from notifications.services import unread_count
from pipeline.applications.services import (
    move_application,
    reject_application,
    set_following,
    set_status,
    submit_application,
)
from pipeline.applications.tasks import notify_new_application
from pipeline.candidates.models import Note
from pipeline.candidates.services import add_note
from tests.factories import InvitationFactory, UserFactory, pdf_upload

pytestmark = pytest.mark.django_db

Role = Membership.Role
APPLICANT = {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"}


def told(user, category):
    return Notification.objects.filter(recipient=user, category=category)


@pytest.fixture
def team_recruiter(member, on_team, job):
    user = member(Role.RECRUITER, "Tara Teammate")
    on_team(job, user)
    return user


@pytest.fixture
def mover(member):
    return member(Role.RECRUITER, "Mona Mover")


# --- Applying -----------------------------------------------------------------


def test_applying_tells_the_hiring_team_and_raises_their_count(
    organization, job, team_recruiter, member, on_team, django_capture_on_commit_callbacks
):
    manager = member(Role.HIRING_MANAGER, "Hank Manager")
    on_team(job, manager, HiringTeamMember.Role.HIRING_MANAGER)
    assert unread_count(team_recruiter, organization) == 0

    with django_capture_on_commit_callbacks(execute=True):
        application = submit_application(job=job, values=APPLICANT, files={"resume": pdf_upload()})

    for user in (team_recruiter, manager):
        [row] = told(user, Category.NEW_APPLICATION)
        assert row.title == "Grace Hopper applied for Backend Engineer"
        assert row.object_id == application.pk
        assert unread_count(user, organization) == 1


def test_applying_does_not_tell_a_recruiter_who_is_not_on_the_team(
    organization, job, team_recruiter, member, django_capture_on_commit_callbacks
):
    outsider = member(Role.RECRUITER, "Otto Outsider")

    with django_capture_on_commit_callbacks(execute=True):
        submit_application(job=job, values=APPLICANT, files={"resume": pdf_upload()})

    assert told(team_recruiter, Category.NEW_APPLICATION).count() == 1
    assert not told(outsider, Category.NEW_APPLICATION).exists()
    assert unread_count(outsider, organization) == 0


# --- Stage moves ----------------------------------------------------------------


def test_a_stage_move_tells_the_team_but_not_the_mover(
    application, stages, team_recruiter, mover, on_team, job, django_capture_on_commit_callbacks
):
    on_team(job, mover)

    with django_capture_on_commit_callbacks(execute=True):
        move_application(application=application, to_stage=stages[1], by=mover)

    [row] = told(team_recruiter, Category.STAGE_CHANGE)
    assert row.title == f"Ada {application.candidate.last_name} moved to {stages[1].name} (Backend Engineer)"
    assert row.actor == mover
    assert not told(mover, Category.STAGE_CHANGE).exists()


def test_a_stage_move_tells_note_authors_and_followers(
    application, stages, mover, member, django_capture_on_commit_callbacks
):
    author = member(Role.RECRUITER, "Nora Noter")
    follower = member(Role.RECRUITER, "Fred Follower")
    bystander = member(Role.RECRUITER, "Bea Bystander")
    Note.objects.create(candidate=application.candidate, application=application, author=author, body="Strong")
    set_following(application=application, user=follower, following=True)

    with django_capture_on_commit_callbacks(execute=True):
        move_application(application=application, to_stage=stages[1], by=mover)

    assert told(author, Category.STAGE_CHANGE).count() == 1
    assert told(follower, Category.STAGE_CHANGE).count() == 1
    assert not told(bystander, Category.STAGE_CHANGE).exists()


def test_unfollowing_silences_a_team_member(
    application, stages, team_recruiter, member, on_team, job, mover, django_capture_on_commit_callbacks
):
    still_following = member(Role.RECRUITER, "Stella Stays")
    on_team(job, still_following)
    set_following(application=application, user=team_recruiter, following=False)

    with django_capture_on_commit_callbacks(execute=True):
        move_application(application=application, to_stage=stages[1], by=mover)

    assert told(still_following, Category.STAGE_CHANGE).count() == 1
    assert not told(team_recruiter, Category.STAGE_CHANGE).exists()


def test_a_hiring_manager_off_the_team_is_never_told_even_when_following(
    application, stages, team_recruiter, member, mover, django_capture_on_commit_callbacks
):
    manager = member(Role.HIRING_MANAGER, "Hal Offteam")
    set_following(application=application, user=manager, following=True)

    with django_capture_on_commit_callbacks(execute=True):
        move_application(application=application, to_stage=stages[1], by=mover)
        reject_application(application=application, reason="Not a fit", by=mover)

    assert told(team_recruiter, Category.STAGE_CHANGE).count() == 1
    assert told(team_recruiter, Category.REJECTION).count() == 1
    assert not Notification.objects.filter(recipient=manager).exists()


def test_a_hiring_manager_on_the_team_is_told_of_a_move(
    application, stages, member, on_team, job, mover, django_capture_on_commit_callbacks
):
    manager = member(Role.HIRING_MANAGER, "Hanna Onteam")
    on_team(job, manager, HiringTeamMember.Role.HIRING_MANAGER)

    with django_capture_on_commit_callbacks(execute=True):
        move_application(application=application, to_stage=stages[1], by=mover)

    assert told(manager, Category.STAGE_CHANGE).count() == 1


# --- Decisions ----------------------------------------------------------------


def test_a_rejection_tells_the_followers(
    application, team_recruiter, member, mover, django_capture_on_commit_callbacks
):
    follower = member(Role.RECRUITER, "Fred Follower")
    set_following(application=application, user=follower, following=True)

    with django_capture_on_commit_callbacks(execute=True):
        reject_application(application=application, reason="Not a fit", by=mover)

    for user in (team_recruiter, follower):
        [row] = told(user, Category.REJECTION)
        assert row.title == f"Ada {application.candidate.last_name} was rejected for Backend Engineer"
        assert row.body == "Rejected: Not a fit"
    assert not told(mover, Category.REJECTION).exists()


def test_a_withdrawal_tells_the_followers(application, team_recruiter, mover, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reject_application(application=application, reason="Took another offer", by=mover, withdrawn=True)

    [row] = told(team_recruiter, Category.REJECTION)
    assert row.title == f"Ada {application.candidate.last_name} withdrew from Backend Engineer"


def test_a_hire_tells_the_followers_and_fills_an_opening(
    application, job, team_recruiter, mover, django_capture_on_commit_callbacks
):
    assert job.openings == 1

    with django_capture_on_commit_callbacks(execute=True):
        set_status(application=application, status="hired", by=mover)

    [row] = told(team_recruiter, Category.HIRE)
    assert row.title == f"Ada {application.candidate.last_name} was hired for Backend Engineer"
    assert not told(mover, Category.HIRE).exists()
    application.refresh_from_db()
    assert application.status == "hired"


# --- Mentions -------------------------------------------------------------------


def test_a_mention_tells_a_recruiter_who_may_see_the_candidate(
    application, member, mover, django_capture_on_commit_callbacks
):
    named = member(Role.RECRUITER, "Rachel Named")

    with django_capture_on_commit_callbacks(execute=True):
        add_note(candidate=application.candidate, application=application, author=mover, body="@rachel have a look")

    [row] = told(named, Category.MENTION)
    assert row.title.startswith("Mona Mover mentioned you in a note on Ada")
    assert row.body == "@rachel have a look"


def test_a_mention_does_not_tell_members_who_may_not_see_the_candidate(
    application, job, on_team, member, mover, django_capture_on_commit_callbacks
):
    named = member(Role.RECRUITER, "Rachel Named")
    interviewer = member(Role.INTERVIEWER, "Ivan Interviewer")
    on_team(job, interviewer, HiringTeamMember.Role.INTERVIEWER)
    manager = member(Role.HIRING_MANAGER, "Hugo Offteam")

    with django_capture_on_commit_callbacks(execute=True):
        note = add_note(
            candidate=application.candidate, application=application, author=mover, body="@rachel @ivan @hugo thoughts?"
        )

    assert list(note.mentions.all()) == [named]
    assert told(named, Category.MENTION).count() == 1
    assert not told(interviewer, Category.MENTION).exists()
    assert not told(manager, Category.MENTION).exists()


def test_a_mention_tells_a_hiring_manager_on_the_team(
    application, job, on_team, member, mover, django_capture_on_commit_callbacks
):
    manager = member(Role.HIRING_MANAGER, "Hedda Onteam")
    on_team(job, manager, HiringTeamMember.Role.HIRING_MANAGER)

    with django_capture_on_commit_callbacks(execute=True):
        add_note(candidate=application.candidate, application=application, author=mover, body="@hedda your call")

    assert told(manager, Category.MENTION).count() == 1


def test_a_private_note_mentions_nobody(application, member, mover, django_capture_on_commit_callbacks):
    named = member(Role.RECRUITER, "Rachel Named")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        note = add_note(candidate=application.candidate, author=mover, body="@rachel to remember", visibility="private")

    assert note.pk is not None
    assert not note.mentions.exists()
    assert not told(named, Category.MENTION).exists()
    assert callbacks == []


def test_the_new_application_task_itself_tells_the_team(application, team_recruiter, member):
    # The task alone (what applying should queue): the team hears, a recruiter off the team does not.
    outsider = member(Role.RECRUITER, "Otto Outsider")

    notify_new_application(application.pk)

    [row] = told(team_recruiter, Category.NEW_APPLICATION)
    assert row.title == f"Ada {application.candidate.last_name} applied for Backend Engineer"
    assert not told(outsider, Category.NEW_APPLICATION).exists()


# --- People: the hiring team and the organisation ---------------------------------------


def test_being_added_to_a_hiring_team_tells_the_new_member(job, member, mover, django_capture_on_commit_callbacks):
    newcomer = member(Role.HIRING_MANAGER, "Nina Newcomer")

    with django_capture_on_commit_callbacks(execute=True):
        set_team_member(job=job, user=newcomer, role=HiringTeamMember.Role.HIRING_MANAGER, by=mover)

    assert job.team.filter(user=newcomer).exists()
    [row] = told(newcomer, Category.TEAM_ADDED)
    assert row.title == "Mona Mover added you to the hiring team of Backend Engineer"


def test_putting_oneself_on_a_team_tells_nobody(job, mover, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        set_team_member(job=job, user=mover, role=HiringTeamMember.Role.RECRUITER, by=mover)

    assert job.team.filter(user=mover).exists()
    assert not told(mover, Category.TEAM_ADDED).exists()


def test_an_accepted_invitation_tells_the_admins_who_joined(
    organization, owner, mover, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(organization=organization, email="joiner@example.com", invited_by=owner)
    joiner = UserFactory(email="joiner@example.com", name="Jo Joiner")

    with django_capture_on_commit_callbacks(execute=True):
        accept_invitation(invitation=invitation, user=joiner)

    [row] = told(owner, Category.MEMBER_JOINED)
    assert row.title == "Jo Joiner joined Acme Corp as recruiter"
    assert not told(mover, Category.MEMBER_JOINED).exists()  # a recruiter is not an admin


def test_the_team_notice_itself_tells_the_new_member(job, member, mover):
    # What set_team_member should trigger, called directly: the notice itself works.
    newcomer = member(Role.HIRING_MANAGER, "Nina Newcomer")
    team_member = HiringTeamMember.objects.create(job=job, user=newcomer, role=HiringTeamMember.Role.HIRING_MANAGER)

    tell_new_team_member(team_member, by=mover)

    [row] = told(newcomer, Category.TEAM_ADDED)
    assert row.title == "Mona Mover added you to the hiring team of Backend Engineer"


def test_the_joined_notice_itself_tells_the_admins(organization, owner, mover):
    # What accept_invitation should trigger, called directly.
    invitation = InvitationFactory(organization=organization, email="joiner@example.com", invited_by=owner)
    joiner = UserFactory(email="joiner@example.com", name="Jo Joiner")
    membership = Membership.objects.create(user=joiner, organization=organization, role=Role.RECRUITER)

    tell_admins_member_joined(membership, invitation)

    [row] = told(owner, Category.MEMBER_JOINED)
    assert row.title == "Jo Joiner joined Acme Corp as recruiter"
    assert not told(mover, Category.MEMBER_JOINED).exists()
