"""Attachments stored with the outbox message (mail.services.Attachment, mail.models.EmailAttachment): sent
as stored over a real SMTP server (aiosmtpd), the same bytes on a retry, once per idempotency key, gone
with erasure and with a secret once sent, refused clearly when they can't be sent, listed on the page."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mail import services, tasks
from mail.erasure import erase_messages
from mail.models import EmailAttachment, EmailEvent, EmailMessage, EmailTemplate
from mail.services import Attachment
from pipeline.privacy.models import ErasureRecord
from pipeline.privacy.services import erase_candidate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# CRLF line endings, as RFC 5545 asks, and a non-ASCII name: both must arrive as stored.
ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ATS//Interviews//EN\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:interview-7@ats.test\r\nSEQUENCE:0\r\nSUMMARY:Interview with Zoë Ærø\r\n"
    "DTSTART:20300101T100000Z\r\nDTEND:20300101T110000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
).encode()
CALENDAR = "text/calendar; method=REQUEST"
NAME_RULE = "a file name can't hold a line break, another control character, / or \\."


def invitation(content=ICS):
    """What an interview invitation carries: the calendar beside the text and HTML, and the same as a file."""
    return [
        Attachment("invite.ics", content, CALENDAR, as_alternative=True),
        Attachment("invite.ics", content, 'application/ics; name="invite.ics"'),
    ]


def queue(organization, *, to="ada@example.com", attachments=(), **fields):
    fields = {"subject": "Your interview", "html": "<p>See you on Monday.</p>", **fields}
    return services.queue_email(organization=organization, to=[to], attachments=attachments, **fields)


def calendar_and_file(received):
    """(the multipart/alternative's parts, the attached files) of one received message."""
    assert received.get_content_type() == "multipart/mixed"
    body, *files = received.iter_parts()
    assert body.get_content_type() == "multipart/alternative"
    return list(body.iter_parts()), files


def raw(part, name):
    """A header as it came over the wire, unfolded (the parsed one re-quotes its parameters)."""
    return dict(part.raw_items())[name].replace("\r\n", "").replace("\n", "")


def make_due(message):
    EmailMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return tasks.deliver_due()

    return run


# --- Sent as stored -----------------------------------------------------------------------------


def test_an_invitation_arrives_with_its_calendar_part_and_its_ics_file(
    organization, smtp_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(organization, attachments=invitation())

    message.refresh_from_db()
    assert message.status == EmailMessage.Status.SENT
    [received] = smtp_backend.with_message_id(message.message_id)
    alternatives, files = calendar_and_file(received)
    assert [part.get_content_type() for part in alternatives] == ["text/plain", "text/html", "text/calendar"]
    calendar = alternatives[2]
    assert raw(calendar, "Content-Type") == 'text/calendar; method=REQUEST; charset="utf-8"'
    assert (calendar.get_param("method"), calendar.get_content_charset()) == ("REQUEST", "utf-8")
    assert calendar.get_content_disposition() is None  # a body part, not a file
    assert calendar.get_payload(decode=True) == ICS
    assert calendar.get_content() == ICS.decode()  # UTF-8 text, CRLF kept
    [ics] = files
    assert ics.get_content_disposition() == "attachment"
    assert ics.get_filename() == "invite.ics"
    assert raw(ics, "Content-Disposition") == 'attachment; filename="invite.ics"'
    assert (ics.get_content_type(), ics.get_param("name")) == ("application/ics", "invite.ics")
    stored = [bytes(content) for content in message.attachments.values_list("content", flat=True)]
    assert ics.get_payload(decode=True) == stored[1] == ICS
    assert "See you on Monday." in alternatives[1].get_content()


def test_a_text_attachment_keeps_its_parameters_and_says_utf_8(
    organization, smtp_backend, django_capture_on_commit_callbacks
):
    notes = "Raum 3 – Büro\nbring ID\n".encode()
    files = [
        Attachment("notes.txt", notes, "text/plain"),
        Attachment("invite.ics", ICS, 'text/calendar; method=REQUEST; name="invite.ics"'),
        Attachment("Zoë.pdf", b"%PDF-1.4 \x00\xff", "application/pdf"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(organization, html="", text="Hello", attachments=files)

    [received] = smtp_backend.with_message_id(message.message_id)
    body, *attached = received.iter_parts()
    assert body.get_content_type() == "text/plain"  # no HTML and no alternative: the text alone
    assert [raw(part, "Content-Type") for part in attached] == [
        'text/plain; charset="utf-8"',
        'text/calendar; method=REQUEST; name="invite.ics"; charset="utf-8"',
        "application/pdf",
    ]
    assert [part.get_filename() for part in attached] == ["notes.txt", "invite.ics", "Zoë.pdf"]
    assert [part.get_payload(decode=True) for part in attached] == [notes, ICS, b"%PDF-1.4 \x00\xff"]


def test_a_message_refused_once_sends_the_same_bytes_on_retry(
    sweep, organization, smtp_backend, django_capture_on_commit_callbacks
):
    smtp_backend.stop()
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(organization, attachments=invitation())
    message.refresh_from_db()
    assert (message.status, message.attempts) == (EmailMessage.Status.QUEUED, 1)
    assert "ConnectionRefusedError" in message.last_error

    smtp_backend.start()
    make_due(message)
    assert sweep() == 1  # through deliver_batch, which reads the batch's attachments itself

    message.refresh_from_db()
    assert (message.status, message.attempts) == (EmailMessage.Status.SENT, 2)
    [received] = smtp_backend.with_message_id(message.message_id)
    alternatives, files = calendar_and_file(received)
    assert alternatives[2].get_param("method") == "REQUEST"
    assert [alternatives[2].get_payload(decode=True), files[0].get_payload(decode=True)] == [ICS, ICS]
    assert message.attachments.count() == 2  # kept: the message was not a secret


def test_a_batch_reads_its_messages_attachments_in_one_query(organization, smtp_backend):
    messages = [
        queue(organization, to=f"person{n}@example.com", attachments=invitation() if n % 2 else ())
        for n in range(services.BATCH_SIZE)
    ]

    with CaptureQueriesContext(connection) as queries:
        assert services.deliver_batch([message.pk for message in messages]) == []

    reads = [query["sql"] for query in queries if 'FROM "mail_emailattachment"' in query["sql"]]
    assert len(reads) == 1
    assert EmailMessage.objects.filter(status=EmailMessage.Status.SENT).count() == services.BATCH_SIZE
    received = {
        envelope.rcpt_tos[0]: message
        for envelope, message in zip(smtp_backend.received, smtp_backend.messages(), strict=True)
    }
    assert received["person1@example.com"].get_content_type() == "multipart/mixed"
    assert received["person0@example.com"].get_content_type() == "multipart/alternative"


# --- Stored once ----------------------------------------------------------------------------------


def test_attachments_are_stored_in_order_with_the_message(organization):
    message = queue(organization, attachments=invitation())

    stored = list(message.attachments.values_list("filename", "mimetype", "as_alternative"))
    assert stored == [("invite.ics", CALENDAR, True), ("invite.ics", 'application/ics; name="invite.ics"', False)]
    assert [bytes(attachment.content) for attachment in message.attachments.all()] == [ICS, ICS]


def test_an_idempotency_key_repeat_stores_no_second_set(organization):
    first = queue(organization, attachments=invitation(), idempotency_key="interview:7:0")
    again = queue(
        organization, attachments=[Attachment("other.ics", b"changed", CALENDAR)], idempotency_key="interview:7:0"
    )

    assert again.pk == first.pk
    assert list(EmailAttachment.objects.values_list("message_id", "filename")) == [(first.pk, "invite.ics")] * 2


def test_send_template_stores_its_attachments_once_per_key(organization):
    EmailTemplate.objects.create(
        organization=organization, key="interview", name="Interview", subject="Interview", html_body="<p>Hi</p>"
    )

    sent = [
        services.send_template(
            organization=organization, key="interview", to=["ada@example.com"], values={},
            attachments=invitation(), idempotency_key="interview:7:0",
        )
        for _ in range(2)
    ]  # fmt: skip

    assert sent[0].pk == sent[1].pk
    assert sent[0].attachments.count() == 2
    assert EmailAttachment.objects.count() == 2


# --- Gone when the content goes -----------------------------------------------------------------------


def test_erasure_deletes_the_attachments_of_the_persons_messages_only(organization):
    theirs = queue(organization, attachments=invitation())
    colleagues = queue(organization, to="grace@example.com", attachments=invitation())

    assert erase_messages(organization=organization, addresses=["ada@example.com"]) == 1

    assert not theirs.attachments.exists()
    assert colleagues.attachments.count() == 2
    theirs.refresh_from_db()
    assert (theirs.subject, theirs.status) == ("(erased)", EmailMessage.Status.FAILED)


def test_erasing_a_candidate_deletes_the_attachments_of_their_emails(
    application, owner, django_capture_on_commit_callbacks
):
    message = queue(application.job.organization, related=application, attachments=invitation())

    with django_capture_on_commit_callbacks(execute=True):
        erase_candidate(candidate=application.candidate, by=owner, reason=ErasureRecord.Reason.REQUEST)

    assert not EmailAttachment.objects.filter(message=message).exists()
    assert message.events.filter(kind=EmailEvent.Kind.ERASED).count() == 1


def test_an_erased_message_cant_be_retried(organization):
    message = queue(organization, attachments=invitation())
    erase_messages(organization=organization, addresses=["ada@example.com"])

    with pytest.raises(ValidationError, match="This message was erased"):
        services.retry(message=message)

    message.refresh_from_db()
    assert message.status == EmailMessage.Status.FAILED


def test_an_erased_messages_page_offers_no_retry(recruiter_client, organization):
    message = queue(organization, attachments=invitation())
    erase_messages(organization=organization, addresses=["ada@example.com"])

    response = recruiter_client.get(f"/mail/outbox/{message.pk}/")

    assert response.status_code == 200
    assert "<h1>(erased)</h1>" in response.text
    assert "Erased before it was sent." in response.text
    assert "Retry</button>" not in response.text
    assert "Attachments</h2>" not in response.text


def test_a_secrets_attachments_go_once_it_is_sent(organization, smtp_backend, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(organization, attachments=invitation(), sensitive=True)

    message.refresh_from_db()
    assert message.status == EmailMessage.Status.SENT
    [received] = smtp_backend.with_message_id(message.message_id)
    assert calendar_and_file(received)[1][0].get_payload(decode=True) == ICS
    assert (message.html_body, message.text_body) == ("", "")
    assert not message.attachments.exists()


# --- Refused clearly ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attachment", "error"),
    [
        (Attachment("invite.ics", ICS.decode(), CALENDAR), "“invite.ics”: its content must be bytes, not str."),
        (Attachment("invite.ics", bytearray(ICS), CALENDAR), "its content must be bytes, not bytearray."),
        (Attachment("", ICS, CALENDAR), "An attachment needs a file name."),
        (Attachment("invite.ics\r\nBcc: eve@example.com", ICS, CALENDAR), "a file name can't hold a line break"),
        (Attachment("../invite.ics", ICS, CALENDAR), NAME_RULE),
        (Attachment("C:\\invite.ics", ICS, CALENDAR), "/ or \\."),
        (Attachment("x" * 256, ICS, CALENDAR), "a file name has at most 255 characters."),
        (Attachment("invite.ics", ICS, "calendar"), "'calendar' is not a Content-Type such as text/calendar; method="),
        (Attachment("invite.ics", ICS, "text/calendar;\r\n method=REQUEST"), "is not a Content-Type"),
        (Attachment("invite.ics", ICS, "text/calendar\r\nBcc: eve@example.com"), "is not a Content-Type"),
        (Attachment("invite.ics", ICS, f"text/calendar; x={'a' * 150}"), "is not a Content-Type"),
        (Attachment("notes.txt", "Büro".encode("latin-1"), "text/plain"), "sent as UTF-8, and this is not UTF-8."),
        (("invite.ics", ICS, CALENDAR), "An attachment must be a mail.services.Attachment, not tuple."),
    ],
    ids=["str", "bytearray", "no-name", "crlf-name", "slash", "backslash", "long-name", "no-subtype", "folded-type",
         "crlf-type", "long-type", "not-utf8", "tuple"],
)  # fmt: skip
def test_an_attachment_that_cant_be_sent_is_refused_saying_why(organization, attachment, error):
    with pytest.raises(ValidationError) as refused:
        queue(organization, attachments=[attachment])

    assert any(error in message for message in refused.value.messages), refused.value.messages
    assert not EmailMessage.objects.exists()
    assert not EmailAttachment.objects.exists()


def test_attachments_over_the_size_limit_are_refused(organization):
    half = services.MAX_ATTACHMENTS_SIZE // 2
    files = [
        Attachment("a.bin", b"x" * half, "application/octet-stream"),
        Attachment("b.bin", b"x" * (half + 1), "application/octet-stream"),
    ]

    with pytest.raises(ValidationError) as refused:
        queue(organization, attachments=files)

    assert refused.value.messages == ["Attachments: 5.0 MB in all, over the 5 MB a message may carry."]
    assert not EmailMessage.objects.exists()
    assert queue(organization, attachments=files[:1]).attachments.count() == 1  # under it: fine


def test_a_text_attachment_with_its_own_charset_is_taken_as_it_is(organization):
    latin = Attachment("notes.txt", "Büro".encode("latin-1"), "text/plain; charset=iso-8859-1")

    assert queue(organization, attachments=[latin]).attachments.get().mimetype == "text/plain; charset=iso-8859-1"


def test_send_template_refuses_bad_attachments_before_anything_is_stored(organization):
    EmailTemplate.objects.create(
        organization=organization, key="interview", name="Interview", subject="S", html_body="<p>Hi</p>"
    )

    with pytest.raises(ValidationError, match="its content must be bytes"):
        services.send_template(
            organization=organization, key="interview", to=["ada@example.com"], values={},
            attachments=[Attachment("invite.ics", "text", CALENDAR)],
        )  # fmt: skip

    assert not EmailMessage.objects.exists()


# --- Shown by name, type and size --------------------------------------------------------------------


def test_the_message_page_lists_the_attachments_by_name_type_and_size(recruiter_client, organization):
    message = queue(organization, attachments=invitation())

    response = recruiter_client.get(f"/mail/outbox/{message.pk}/")

    assert response.status_code == 200
    assert "Attachments</h2>" in response.text
    assert response.text.count("invite.ics") >= 2
    assert "text/calendar; method=REQUEST" in response.text
    assert "application/ics; name=&quot;invite.ics&quot;" in response.text
    assert f"{len(ICS)}\xa0bytes" in response.text
    assert "sent as a part of the message body" in response.text
    assert "BEGIN:VCALENDAR" not in response.text


def test_the_message_page_shows_no_attachments_section_without_any(recruiter_client, organization):
    message = queue(organization)

    response = recruiter_client.get(f"/mail/outbox/{message.pk}/")

    assert response.status_code == 200
    assert "Text version</h2>" in response.text
    assert "Attachments</h2>" not in response.text


def test_a_secrets_page_names_no_attachment(recruiter_client, organization):
    message = queue(
        organization, attachments=[Attachment("sign-in.txt", b"https://x.test/secret", "text/plain")], sensitive=True
    )

    response = recruiter_client.get(f"/mail/outbox/{message.pk}/")

    assert response.status_code == 200
    assert "only its subject and status are shown" in response.text
    assert "sign-in.txt" not in response.text


def test_the_admin_shows_attachments_by_name_type_and_size_never_their_bytes(client_for, organization):
    message = queue(organization, attachments=invitation())
    client = client_for(UserFactory(is_staff=True, is_superuser=True))

    page = client.get(f"/admin/mail/emailmessage/{message.pk}/change/")
    listing = client.get("/admin/mail/emailattachment/")
    one = client.get(f"/admin/mail/emailattachment/{message.attachments.first().pk}/change/")

    for response in (page, listing, one):
        assert response.status_code == 200
        assert "invite.ics" in response.text
        assert "text/calendar; method=REQUEST" in response.text
        assert f"{len(ICS)}\xa0bytes" in response.text
        assert "VCALENDAR" not in response.text
    assert 'name="attachments-0-filename"' not in page.text  # read-only: shown, not a field
