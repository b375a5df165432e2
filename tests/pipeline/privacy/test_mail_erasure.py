"""mail.erasure: what the outbox forgets about a person, and what it keeps (others' addresses, other organisations)."""

import pytest

from mail.erasure import erase_messages, messages_about
from mail.models import EmailEvent, EmailMessage
from tests.factories import ApplicationFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def message(organization, to, *, cc=(), related=None, status=EmailMessage.Status.SENT, **fields):
    created = EmailMessage.objects.create(
        organization=organization,
        to=list(to),
        cc=list(cc),
        from_email="jobs@example.com",
        subject=fields.pop("subject", "Hello Ada"),
        html_body="<p>Hello Ada</p>",
        text_body="Hello Ada",
        context={"candidate.full_name": "Ada Lovelace"},
        links=["https://example.com/next"],
        status=status,
        related=related,
        **fields,
    )
    EmailEvent.objects.create(message=created, kind=EmailEvent.Kind.CLICKED, url="https://example.com/next?ada")
    return created


def test_it_erases_messages_to_the_address_keeping_other_recipients(organization):
    shared = message(organization, ["Ada <ADA@example.com>", "grace@example.com"], cc=["ada@example.com"])

    assert erase_messages(organization=organization, addresses=["ada@example.com"]) == 1

    shared.refresh_from_db()
    assert (shared.to, shared.cc) == (["grace@example.com"], [])
    assert (shared.subject, shared.html_body, shared.text_body, shared.context, shared.links) == (
        "(erased)",
        "",
        "",
        {},
        [],
    )
    assert list(shared.events.values_list("kind", "url", "detail")) == [
        (EmailEvent.Kind.ERASED, "", ""),
        (EmailEvent.Kind.CLICKED, "", ""),
    ]


def test_it_erases_messages_pointing_at_the_objects_whatever_their_address(organization, job, stages):
    application = ApplicationFactory(job=job, current_stage=stages[0])
    about = message(organization, ["old-address@example.com"], related=application, subject="About Ada")
    colleague = message(organization, ["manager@example.com"], related=application, subject="Feedback on Ada")

    erase_messages(organization=organization, related=[application], addresses=[application.candidate.email])

    about.refresh_from_db()
    colleague.refresh_from_db()
    assert about.subject == colleague.subject == "(erased)"
    assert colleague.to == ["manager@example.com"]  # a colleague's address is not the person's


def test_it_leaves_other_addresses_and_other_organisations_alone(organization):
    lookalike = message(organization, ["bada@example.com"])
    elsewhere = message(OrganizationFactory(), ["ada@example.com"])

    assert erase_messages(organization=organization, addresses=["ada@example.com"]) == 0

    for untouched in (lookalike, elsewhere):
        untouched.refresh_from_db()
        assert untouched.subject == "Hello Ada"
        assert not untouched.events.filter(kind=EmailEvent.Kind.ERASED).exists()


def test_a_queued_message_is_failed_rather_than_sent(organization):
    queued = message(organization, ["ada@example.com"], status=EmailMessage.Status.QUEUED)

    erase_messages(organization=organization, addresses=["ada@example.com"])

    queued.refresh_from_db()
    assert (queued.status, queued.last_error, queued.next_attempt_at) == (
        EmailMessage.Status.FAILED,
        "Erased before it was sent.",
        None,
    )


def test_messages_about_finds_by_relation_or_address(organization, job, stages):
    application = ApplicationFactory(job=job, current_stage=stages[0])
    by_relation = message(organization, ["x@example.com"], related=application)
    by_address = message(organization, ["ada@example.com"])
    message(organization, ["someone@example.com"])

    found = messages_about(organization=organization, related=[application], addresses=["ada@example.com"])

    assert set(found) == {by_relation, by_address}
    assert list(messages_about(organization=organization)) == []
