"""Due and overdue reminders (jobs.send_reminders, every 15 minutes): once each, on the assignee's own day."""

from datetime import UTC, date, datetime

import pytest

from accounts.models import Membership
from notifications.models import Category, Notification
from pipeline.tasks import services
from pipeline.tasks.jobs import send_reminders
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

# Noon in London on Monday 7 December 2026: already Tuesday on Kiritimati (UTC+14), still Monday on Pago Pago (UTC-11).
NOON = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
MONDAY, TUESDAY, SUNDAY = date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 6)


def reminders():
    return list(
        Notification.objects.filter(category=Category.TASK_DUE).order_by("pk").values_list("recipient__email", "title")
    )


@pytest.fixture
def member(organization):
    def make(zone=""):
        user = MembershipFactory(organization=organization, role=Membership.Role.RECRUITER).user
        user.timezone = zone
        user.save()
        return user

    return make


def test_a_task_due_today_is_reminded_once(member, make_task):
    ada = member("Europe/London")
    task = make_task(title="Call Bob", assignee=ada, due_on=MONDAY)

    first, second = send_reminders(now=NOON), send_reminders(now=NOON.replace(hour=12, minute=15))

    assert (first, second) == (1, 0)
    assert reminders() == [(ada.email, "Due today: Call Bob")]
    told = Notification.objects.get()
    assert (told.url, told.target) == (f"/tasks/{task.pk}/", task)


def test_an_overdue_task_is_reminded_once_after_its_day(member, make_task):
    ada = member("Europe/London")
    make_task(title="Call Bob", assignee=ada, due_on=SUNDAY)

    assert send_reminders(now=NOON) == 1
    assert send_reminders(now=NOON) == 0
    assert reminders() == [(ada.email, "Overdue: Call Bob")]


def test_due_today_then_overdue_the_next_day(member, make_task):
    ada = member("Europe/London")
    make_task(title="Call Bob", assignee=ada, due_on=MONDAY)

    send_reminders(now=NOON)
    send_reminders(now=NOON.replace(day=8))
    send_reminders(now=NOON.replace(day=9))

    assert reminders() == [(ada.email, "Due today: Call Bob"), (ada.email, "Overdue: Call Bob")]


def test_the_assignees_zone_decides_the_day(member, make_task):
    east, west = member("Pacific/Kiritimati"), member("Pacific/Pago_Pago")
    make_task(title="East's Tuesday", assignee=east, due_on=TUESDAY)
    make_task(title="West's Tuesday", assignee=west, due_on=TUESDAY)
    make_task(title="West's Sunday", assignee=west, due_on=SUNDAY)

    send_reminders(now=NOON)

    assert sorted(reminders()) == sorted(
        [(east.email, "Due today: East's Tuesday"), (west.email, "Overdue: West's Sunday")]
    )


def test_without_a_zone_of_their_own_the_organisations_decides(member, make_task, organization):
    organization.timezone = "Pacific/Kiritimati"
    organization.save()
    ada = member("")
    make_task(title="Call Bob", assignee=ada, due_on=TUESDAY)

    assert send_reminders(now=NOON) == 1
    assert reminders() == [(ada.email, "Due today: Call Bob")]


def test_done_unassigned_and_later_tasks_are_not_reminded(member, make_task):
    ada = member("Europe/London")
    make_task(title="Done", assignee=ada, due_on=SUNDAY, status="done")
    make_task(title="Nobody's", due_on=SUNDAY)
    make_task(title="Later", assignee=ada, due_on=TUESDAY)
    make_task(title="Undated", assignee=ada)

    assert send_reminders(now=NOON) == 0
    assert reminders() == []


def test_reassigning_starts_the_reminders_again_for_the_new_assignee(
    member, make_task, django_capture_on_commit_callbacks
):
    ada, grace = member("Europe/London"), member("Europe/London")
    task = make_task(title="Call Bob", assignee=ada, due_on=MONDAY)
    send_reminders(now=NOON)

    with django_capture_on_commit_callbacks(execute=True):
        services.reassign_task(task=task, assignee=grace, by=ada)
    sent = send_reminders(now=NOON.replace(minute=15))

    assert sent == 1
    assert reminders() == [(ada.email, "Due today: Call Bob"), (grace.email, "Due today: Call Bob")]


def test_moving_the_due_day_reminds_again_for_the_new_day(member, make_task):
    ada = member("Europe/London")
    task = make_task(title="Call Bob", assignee=ada, due_on=SUNDAY)
    send_reminders(now=NOON)

    task.due_on = MONDAY
    task.save()
    send_reminders(now=NOON)

    assert reminders() == [(ada.email, "Overdue: Call Bob"), (ada.email, "Due today: Call Bob")]


def test_a_member_who_left_is_not_reminded(member, make_task):
    ada = member("Europe/London")
    make_task(title="Call Bob", assignee=ada, due_on=MONDAY)
    ada.memberships.update(is_active=False)

    send_reminders(now=NOON)

    assert reminders() == []
