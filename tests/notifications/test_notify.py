"""notify(): each member's channels as they chose, never the actor, only active members, once per key."""

import pytest

from accounts.models import Membership
from mail.models import EmailMessage
from notifications.models import Category, Email, Notification, NotificationPreference
from notifications.services import choices_of, notify
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def tell(organization, recipients, *, category=Category.MENTION, key="event:1", actor=None, title="Something happened"):
    return notify(
        category=category,
        recipients=recipients,
        organization=organization,
        key=key,
        title=title,
        actor=actor,
        url="/somewhere/",
    )


def emails_to(user):
    return EmailMessage.objects.filter(to=[user.email])


def prefer(user, category, *, in_app=True, email=Email.IMMEDIATE):
    NotificationPreference.objects.create(user=user, category=category, in_app=in_app, email=email)


def test_email_off_sends_no_email_but_the_row_is_made(organization, recruiter):
    prefer(recruiter, Category.MENTION, in_app=True, email=Email.OFF)

    tell(organization, [recruiter])

    assert Notification.objects.filter(recipient=recruiter, title="Something happened").count() == 1
    assert not emails_to(recruiter).exists()


def test_in_app_off_makes_no_row_but_the_email_still_goes(organization, recruiter):
    prefer(recruiter, Category.MENTION, in_app=False, email=Email.IMMEDIATE)

    tell(organization, [recruiter])

    assert not Notification.objects.filter(recipient=recruiter).exists()
    [message] = emails_to(recruiter)
    assert message.subject == "Something happened"
    assert message.status == EmailMessage.Status.QUEUED


def test_both_channels_off_tells_nothing_while_another_member_still_hears(organization, recruiter, member):
    prefer(recruiter, Category.MENTION, in_app=False, email=Email.OFF)
    colleague = member(name="Colin Colleague")

    tell(organization, [recruiter, colleague])

    assert not Notification.objects.filter(recipient=recruiter).exists()
    assert not emails_to(recruiter).exists()
    assert Notification.objects.filter(recipient=colleague).count() == 1
    assert emails_to(colleague).count() == 1


def test_the_actor_is_never_told_of_their_own_act(organization, recruiter, member):
    colleague = member(name="Colin Colleague")

    rows = tell(organization, [recruiter, colleague], actor=recruiter)

    assert [row.recipient for row in rows] == [colleague]
    assert not Notification.objects.filter(recipient=recruiter).exists()
    assert not emails_to(recruiter).exists()
    assert emails_to(colleague).count() == 1


def test_an_inactive_member_gets_nothing(organization, member):
    gone = member(name="Gone Member", is_active=False)
    present = member(name="Present Member")

    tell(organization, [gone, present])

    assert not Notification.objects.filter(recipient=gone).exists()
    assert not emails_to(gone).exists()
    assert Notification.objects.filter(recipient=present).count() == 1


def test_a_deactivated_user_gets_nothing(organization, member):
    deactivated = member(name="Dee Activated")
    deactivated.is_active = False
    deactivated.save()
    present = member(name="Present Member")

    tell(organization, [deactivated, present])

    assert not Notification.objects.filter(recipient=deactivated).exists()
    assert not emails_to(deactivated).exists()
    assert Notification.objects.filter(recipient=present).count() == 1


def test_a_member_of_another_organisation_gets_nothing(organization, recruiter):
    stranger = MembershipFactory(organization=OrganizationFactory(), role=Membership.Role.OWNER).user

    tell(organization, [stranger, recruiter])

    assert not Notification.objects.filter(recipient=stranger).exists()
    assert not emails_to(stranger).exists()
    assert Notification.objects.get(recipient=recruiter).organization == organization


def test_notifying_twice_with_one_key_makes_one_row_and_one_email(organization, recruiter):
    tell(organization, [recruiter], key="mention:42")
    second = tell(organization, [recruiter], key="mention:42")

    assert second == []
    assert Notification.objects.filter(recipient=recruiter, key="mention:42").count() == 1
    assert emails_to(recruiter).count() == 1


def test_another_key_is_another_notification(organization, recruiter):
    tell(organization, [recruiter], key="mention:1")
    tell(organization, [recruiter], key="mention:2")

    assert Notification.objects.filter(recipient=recruiter).count() == 2
    assert emails_to(recruiter).count() == 2


def test_without_a_preference_a_mention_is_in_the_app_and_emailed_at_once(organization, recruiter):
    [row] = tell(organization, [recruiter], category=Category.MENTION)

    assert row.digest_pending is False
    assert Notification.objects.filter(recipient=recruiter, category=Category.MENTION).count() == 1
    [message] = emails_to(recruiter)
    assert message.subject == "Something happened"


def test_without_a_preference_a_new_application_waits_for_the_digest(organization, recruiter):
    tell(organization, [recruiter], category=Category.NEW_APPLICATION)

    # bulk_create(ignore_conflicts=True) leaves the returned rows without a pk: read the stored one.
    assert Notification.objects.get(recipient=recruiter).digest_pending is True
    assert not emails_to(recruiter).exists()


def test_choices_of_follow_the_defaults_until_a_row_says_otherwise(recruiter):
    prefer(recruiter, Category.HIRE, in_app=False, email=Email.OFF)

    choices = choices_of(recruiter)

    assert choices[Category.MENTION] == (True, Email.IMMEDIATE)
    assert choices[Category.STAGE_CHANGE] == (True, Email.DIGEST)
    assert choices[Category.HIRE] == (False, Email.OFF)
    assert set(choices) == set(Category.values)
