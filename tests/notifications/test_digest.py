"""The daily digest: once per local day, at or after the member's own time, holding what is unread;
on the days clocks change in Europe/Paris, still exactly once."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from mail.models import EmailMessage
from notifications.models import Category, DigestSchedule, Notification
from notifications.services import mark_read, notify
from notifications.tasks import send_digests
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(member):
    user = member(name="Paula Paris")
    user.timezone = "Europe/Paris"
    user.save(update_fields=["timezone"])
    DigestSchedule.objects.create(user=user, send_at=time(8, 0))
    return user


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def tell(user, organization, title, key):
    """A new application: without a preference row it waits for the digest."""
    notify(
        category=Category.NEW_APPLICATION,
        recipients=[user],
        organization=organization,
        key=key,
        title=title,
        url="/pipeline/candidates/1/",
    )


def run_at(moment):
    with time_machine.travel(moment, tick=False):
        return send_digests()


def digests_to(user):
    return EmailMessage.objects.filter(to=[user.email], subject__startswith="Your daily digest")


# December: Paris is UTC+1, so 08:00 there is 07:00 UTC.


def test_two_waiting_notifications_go_in_one_email_at_eight_local(reader, organization):
    with time_machine.travel(utc(2026, 12, 3, 5, 0), tick=False):
        tell(reader, organization, "Ada applied for Backend Engineer", "a")
        tell(reader, organization, "Grace applied for Backend Engineer", "b")

    assert run_at(utc(2026, 12, 3, 6, 45)) == 0  # 07:45 in Paris
    assert not digests_to(reader).exists()

    assert run_at(utc(2026, 12, 3, 7, 0)) == 1  # 08:00 in Paris
    [message] = digests_to(reader)
    assert message.subject == "Your daily digest: 2 notifications at Acme Corp"
    assert "Ada applied for Backend Engineer" in message.text_body
    assert "Grace applied for Backend Engineer" in message.text_body
    assert "Grace applied for Backend Engineer" in message.html_body
    assert not Notification.objects.filter(recipient=reader, digest_pending=True).exists()
    assert DigestSchedule.objects.get(user=reader).last_sent_on == date(2026, 12, 3)


def test_a_run_after_eight_sends_what_waited(reader, organization):
    with time_machine.travel(utc(2026, 12, 3, 5, 0), tick=False):
        tell(reader, organization, "Ada applied for Backend Engineer", "a")

    assert run_at(utc(2026, 12, 3, 9, 37)) == 1

    assert digests_to(reader).count() == 1


def test_no_second_digest_the_same_local_day(reader, organization):
    with time_machine.travel(utc(2026, 12, 3, 5, 0), tick=False):
        tell(reader, organization, "Ada applied for Backend Engineer", "a")
    assert run_at(utc(2026, 12, 3, 7, 0)) == 1
    with time_machine.travel(utc(2026, 12, 3, 9, 0), tick=False):
        tell(reader, organization, "Linus applied for Backend Engineer", "later")

    assert run_at(utc(2026, 12, 3, 7, 15)) == 0  # 08:15 in Paris
    assert run_at(utc(2026, 12, 3, 22, 50)) == 0  # 23:50 in Paris

    assert digests_to(reader).count() == 1
    assert Notification.objects.get(recipient=reader, key="later").digest_pending is True


def test_the_next_day_new_notifications_go_in_a_new_email(reader, organization):
    with time_machine.travel(utc(2026, 12, 3, 5, 0), tick=False):
        tell(reader, organization, "Ada applied for Backend Engineer", "a")
    run_at(utc(2026, 12, 3, 7, 0))
    with time_machine.travel(utc(2026, 12, 3, 9, 0), tick=False):
        tell(reader, organization, "Linus applied for Backend Engineer", "later")

    assert run_at(utc(2026, 12, 3, 23, 15)) == 0  # 00:15 on the 4th in Paris: before eight
    assert run_at(utc(2026, 12, 4, 7, 0)) == 1

    first, second = digests_to(reader).order_by("pk")
    assert "Ada applied" in first.text_body and "Linus applied" not in first.text_body
    assert "Linus applied" in second.text_body and "Ada applied" not in second.text_body
    assert second.subject == "Your daily digest: 1 notification at Acme Corp"


def test_nothing_is_sent_when_nothing_waits(reader, organization):
    assert run_at(utc(2026, 12, 3, 7, 0)) == 0

    assert not digests_to(reader).exists()
    assert DigestSchedule.objects.get(user=reader).last_sent_on is None


def test_an_immediate_notification_is_not_in_the_digest(reader, organization):
    with time_machine.travel(utc(2026, 12, 3, 5, 0), tick=False):
        notify(
            category=Category.MENTION, recipients=[reader], organization=organization, key="m", title="You were named"
        )

    assert run_at(utc(2026, 12, 3, 7, 0)) == 0

    assert not digests_to(reader).exists()
    assert EmailMessage.objects.filter(to=[reader.email], subject="You were named").count() == 1


def test_read_notifications_are_left_out(reader, organization):
    with time_machine.travel(utc(2026, 12, 3, 5, 0), tick=False):
        tell(reader, organization, "Ada applied for Backend Engineer", "a")
        tell(reader, organization, "Grace applied for Backend Engineer", "b")
    mark_read(recipient=reader, notifications=Notification.objects.filter(key="a"))

    assert run_at(utc(2026, 12, 3, 7, 0)) == 1

    [message] = digests_to(reader)
    assert message.subject == "Your daily digest: 1 notification at Acme Corp"
    assert "Grace applied for Backend Engineer" in message.text_body
    assert "Ada applied for Backend Engineer" not in message.text_body


def test_no_digest_when_everything_waiting_was_read(reader, organization):
    with time_machine.travel(utc(2026, 12, 3, 5, 0), tick=False):
        tell(reader, organization, "Ada applied for Backend Engineer", "a")
    mark_read(recipient=reader, notifications=Notification.objects.filter(key="a"))

    assert run_at(utc(2026, 12, 3, 7, 0)) == 0

    assert not digests_to(reader).exists()
    assert Notification.objects.get(key="a").read_at is not None


def test_a_member_of_two_organisations_gets_one_digest_from_each(reader, organization):
    other = OrganizationFactory(name="Globex")
    MembershipFactory(user=reader, organization=other)
    with time_machine.travel(utc(2026, 12, 3, 5, 0), tick=False):
        tell(reader, organization, "Ada applied for Backend Engineer", "a")
        tell(reader, other, "Linus applied for Kernel Hacker", "b")

    assert run_at(utc(2026, 12, 3, 7, 0)) == 1

    subjects = sorted(digests_to(reader).values_list("subject", flat=True))
    assert subjects == ["Your daily digest: 1 notification at Acme Corp", "Your daily digest: 1 notification at Globex"]
    globex = digests_to(reader).get(organization=other)
    assert "Linus applied for Kernel Hacker" in globex.text_body and "Ada applied" not in globex.text_body


def test_without_a_schedule_the_digest_goes_at_eight_in_the_organisations_zone(member, organization):
    organization.timezone = "America/New_York"  # UTC-5 in December
    organization.save(update_fields=["timezone"])
    user = member(name="Nick York")
    with time_machine.travel(utc(2026, 12, 3, 5, 0), tick=False):
        tell(user, organization, "Ada applied for Backend Engineer", "a")

    assert run_at(utc(2026, 12, 3, 12, 45)) == 0  # 07:45 in New York
    assert run_at(utc(2026, 12, 3, 13, 0)) == 1  # 08:00 in New York

    assert digests_to(user).count() == 1
    assert DigestSchedule.objects.get(user=user).last_sent_on == date(2026, 12, 3)


# --- The days clocks change (the task runs every 15 minutes) ------------------------------------


def runs_over(start, end):
    """Each quarter-hour run from `start` to `end` (UTC) that sent a digest."""
    sent, moment = [], start
    while moment <= end:
        if run_at(moment):
            sent.append(moment)
        moment += timedelta(minutes=15)
    return sent


def test_a_digest_in_the_skipped_hour_goes_once_when_clocks_go_forward(reader, organization):
    # 2027-03-28 in Paris: 02:00 CET becomes 03:00 CEST (01:00 UTC); 02:30 never happens.
    DigestSchedule.objects.filter(user=reader).update(send_at=time(2, 30), last_sent_on=date(2027, 3, 27))
    with time_machine.travel(utc(2027, 3, 27, 23, 0), tick=False):
        tell(reader, organization, "Ada applied for Backend Engineer", "a")

    sent = runs_over(utc(2027, 3, 27, 23, 0), utc(2027, 3, 28, 21, 45))

    assert sent == [utc(2027, 3, 28, 1, 0)]  # 03:00 CEST, the first run after the skipped 02:30
    assert digests_to(reader).count() == 1


def test_a_digest_in_the_repeated_hour_goes_once_when_clocks_go_back(reader, organization):
    # 2027-10-31 in Paris: 03:00 CEST becomes 02:00 CET (01:00 UTC); 02:30 happens twice.
    DigestSchedule.objects.filter(user=reader).update(send_at=time(2, 30), last_sent_on=date(2027, 10, 30))
    with time_machine.travel(utc(2027, 10, 30, 22, 0), tick=False):
        tell(reader, organization, "Ada applied for Backend Engineer", "a")

    sent = runs_over(utc(2027, 10, 30, 22, 0), utc(2027, 10, 31, 1, 0))
    with time_machine.travel(utc(2027, 10, 31, 1, 10), tick=False):  # 02:10 CET, between the two 02:30s
        tell(reader, organization, "Grace applied for Backend Engineer", "b")
    sent += runs_over(utc(2027, 10, 31, 1, 15), utc(2027, 10, 31, 22, 45))

    assert sent == [utc(2027, 10, 31, 0, 30)]  # the first 02:30 (CEST); the second (01:30 UTC) sends nothing
    [message] = digests_to(reader)
    assert "Ada applied for Backend Engineer" in message.text_body
    assert Notification.objects.get(key="b").digest_pending is True  # waits for the 1st of November


def test_a_member_who_left_gets_no_digest_of_that_organisation(reader, organization):
    # notify() tells only active members; what waited for the digest must not reach someone who left since.
    with time_machine.travel(utc(2026, 12, 3, 5, 0), tick=False):
        tell(reader, organization, "Ada applied for Backend Engineer", "a")
    other = OrganizationFactory(name="Globex")
    MembershipFactory(user=reader, organization=other)  # still a member elsewhere, so still an active user
    reader.memberships.filter(organization=organization).update(is_active=False)

    run_at(utc(2026, 12, 3, 7, 0))

    assert Notification.objects.filter(recipient=reader, organization=organization).count() == 1
    assert not digests_to(reader).filter(organization=organization).exists()
