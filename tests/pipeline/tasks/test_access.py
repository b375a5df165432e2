"""pipeline.tasks.access: who sees which task, who may make or hand one over, and to whom."""

import pytest

from accounts.models import Membership
from pipeline.tasks.access import assignee_choices, may_assign, tasks_visible_to
from tests.factories import ApplicationFactory, MembershipFactory, make_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks(make_task, organization, application, recruiter, manager_on_team, interviewer, other_organization):
    elsewhere = ApplicationFactory(job=make_job(organization, title="Designer"))
    stranger = other_organization.memberships.get().user
    return {
        "on the team's job": make_task(application=application, assignee=recruiter),
        "on another job": make_task(application=elsewhere, assignee=recruiter),
        "given to the manager": make_task(application=elsewhere, assignee=manager_on_team),
        "made by the manager": make_task(created_by=manager_on_team, assignee=recruiter),
        "given to the interviewer": make_task(application=elsewhere, assignee=interviewer),
        "about no one": make_task(assignee=recruiter),
        "another organisation's": make_task(organization=other_organization, assignee=stranger),
    }


def seen(user, tasks):
    visible = set(tasks_visible_to(user.memberships.get()).values_list("pk", flat=True))
    return sorted(name for name, task in tasks.items() if task.pk in visible)


@pytest.mark.parametrize("role", ["owner", "recruiter"])
def test_owners_admins_and_recruiters_see_every_task_of_their_organisation(role, request, tasks):
    everything = sorted(name for name in tasks if name != "another organisation's")

    assert seen(request.getfixturevalue(role), tasks) == everything


def test_a_hiring_manager_sees_their_own_and_those_on_applications_they_see(manager_on_team, tasks):
    assert seen(manager_on_team, tasks) == ["given to the manager", "made by the manager", "on the team's job"]


def test_an_interviewer_sees_only_what_is_given_to_them(interviewer, tasks):
    assert seen(interviewer, tasks) == ["given to the interviewer"]


def test_a_member_who_left_sees_nothing(recruiter, tasks):
    membership = recruiter.memberships.get()
    assert tasks_visible_to(membership).exists()  # saw them while a member
    membership.is_active = False
    membership.save()

    assert not tasks_visible_to(membership).exists()
    assert not tasks_visible_to(None).exists()


def test_who_may_make_a_task(recruiter, manager_on_team, interviewer, application, organization):
    hidden = ApplicationFactory(job=make_job(organization))
    recruiters, managers, interviewers = (u.memberships.get() for u in (recruiter, manager_on_team, interviewer))

    assert may_assign(recruiters, None) and may_assign(recruiters, hidden)
    assert may_assign(managers, application) and not may_assign(managers, hidden) and not may_assign(managers, None)
    assert not may_assign(interviewers, application) and not may_assign(interviewers, None)


def test_assignees_are_active_members_and_for_an_application_who_sees_it(
    organization, recruiter, manager_on_team, interviewer, application, other_organization
):
    gone = MembershipFactory(organization=organization, role=Membership.Role.RECRUITER, is_active=False).user
    stranger = other_organization.memberships.get().user

    anyone = set(assignee_choices(organization, None))
    about_ada = set(assignee_choices(organization, application))

    assert {recruiter, manager_on_team, interviewer} <= anyone
    assert gone not in anyone and stranger not in anyone
    assert recruiter in about_ada and manager_on_team in about_ada
    assert interviewer not in about_ada and gone not in about_ada
