"""The conversation with the mail server, in steps, so a try can say how far it got.

An SMTP send is MAIL, RCPT, then DATA. Until DATA begins the server holds nothing:
any failure, even the worker dying, is safe to try again. Once the data is on its
way, only the server's final reply says whether it took the message; without that
reply, trying again could deliver twice. `Sender.send` calls `before_data()` at that
line, and the caller commits a marker there (services.deliver).
"""

import contextlib
import smtplib
import socket
from email import encoders
from email.mime.base import MIMEBase

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address


class UnclearDelivery(Exception):
    """The server may have accepted the message: trying again could deliver it twice."""


# What other backends raise when the message certainly did not leave.
CLEAR_FAILURES = (
    ConnectionRefusedError,
    socket.gaierror,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
)


def describe(error):
    """A reason a person can read, never empty (a timeout's own text is)."""
    text = str(error).strip()
    if isinstance(error, TimeoutError | socket.timeout):
        text = text or f"no answer within {settings.EMAIL_TIMEOUT} s"
    return f"{error.__class__.__name__}: {text}" if text else error.__class__.__name__


class _OutboxEmail(EmailMultiAlternatives):
    """EmailMultiAlternatives whose alternatives may be finished MIME parts.

    Django makes an alternative's part itself from (content, mimetype): it splits the mimetype at
    "/" and re-encodes the text, so its parameters (a calendar's method=REQUEST) survive only by
    accident and the bytes sent are not the stored ones. A part made by _part goes in as it is.
    """

    def _create_mime_attachment(self, content, mimetype):
        if isinstance(content, MIMEBase):
            return content
        return super()._create_mime_attachment(content, mimetype)


def _part(attachment):
    """The MIME part of a stored EmailAttachment: its Content-Type as stored, its bytes in base64.

    base64 sends exactly the stored bytes, an .ics file's CRLF line endings included. A text type
    without a charset is UTF-8 (services checks that it decodes), and says so.
    """
    if any(character in f"{attachment.mimetype}{attachment.filename}" for character in "\r\n"):
        raise ValueError(f"A line break in attachment #{attachment.pk}'s type or name.")  # services refuses these
    part = MIMEBase("application", "octet-stream")
    part.replace_header("Content-Type", attachment.mimetype)
    if part.get_content_maintype() == "text" and part.get_param("charset") is None:
        part.replace_header("Content-Type", f'{attachment.mimetype}; charset="utf-8"')
    part.set_payload(bytes(attachment.content))  # a BinaryField may read back as a memoryview
    encoders.encode_base64(part)
    if not attachment.as_alternative:
        filename = attachment.filename
        if not filename.isascii():
            filename = ("utf-8", "", filename)  # RFC 2231, as Django does
        part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def build(message, *, attachments=None):
    """The EmailMultiAlternatives for one outbox row.

    `attachments` are the row's EmailAttachment rows when the caller loaded them already (a batch
    loads all its messages' in one query); otherwise they are read here. One marked as_alternative
    joins the text and HTML in the multipart/alternative (a calendar's invitation); the others are
    attached files.
    """
    if attachments is None:
        attachments = list(message.attachments.all())
    email = _OutboxEmail(
        subject=message.subject,
        body=message.text_body,
        from_email=message.from_email,
        to=message.to,
        cc=message.cc,
        bcc=message.bcc,
        reply_to=[message.reply_to] if message.reply_to else None,
        headers={"Message-ID": message.message_id},
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    for attachment in attachments:
        part = _part(attachment)
        if attachment.as_alternative:
            email.attach_alternative(part, part.get_content_type())
        else:
            email.attach(part)
    return email


class Sender:
    """Sends messages one after another over one connection, opened on first use.

    Use as a context manager; the connection is closed at the end. A failed message
    closes it too (its state is unknown), and the next message opens a new one.
    """

    def __init__(self):
        self.backend = get_connection(timeout=settings.EMAIL_TIMEOUT)
        self.smtp = isinstance(self.backend, SMTPBackend)
        self.connections = 0  # opened so far (batches reuse one)
        self._open = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._open:
            with contextlib.suppress(Exception):  # a failing QUIT changes nothing
                self.backend.close()
            self._open = False

    def _open_once(self):
        if not self._open:
            self.backend.open()
            self._open = True
            self.connections += 1

    def send(self, message, *, before_data, attachments=None):
        """Send one outbox row; returns the recipients the server refused (others got it).

        `attachments`: see build. Raises UnclearDelivery when the failure came after the data was
        handed over; any other exception means the server does not have the message.
        """
        email = build(message, attachments=attachments)
        if not self.smtp:
            return self._send_other(email, before_data)
        try:
            return self._send_smtp(email, before_data)
        except Exception:
            self._open = False
            with contextlib.suppress(Exception):
                self.backend.close()
            raise

    def _send_other(self, email, before_data):
        # No DATA step to wait for: whatever the backend does counts as handing the message over.
        before_data()
        email.connection = self.backend
        try:
            self._open_once()
            email.send()
        except CLEAR_FAILURES:
            raise
        except Exception as error:
            raise UnclearDelivery(describe(error)) from error
        return {}

    def _send_smtp(self, email, before_data):
        encoding = email.encoding or settings.DEFAULT_CHARSET
        sender = sanitize_address(email.from_email, encoding)
        recipients = [sanitize_address(address, encoding) for address in email.recipients()]
        data = email.message().as_bytes(linesep="\r\n")
        self._open_once()
        connection = self.backend.connection
        connection.ehlo_or_helo_if_needed()

        options = [f"size={len(data)}"] if connection.does_esmtp and connection.has_extn("size") else []
        code, reply = connection.mail(sender, options)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        refused = {}
        for recipient in recipients:
            code, reply = connection.rcpt(recipient)
            if code not in (250, 251):
                refused[recipient] = (code, reply)
        if len(refused) == len(recipients):
            raise smtplib.SMTPRecipientsRefused(refused)

        before_data()
        try:
            code, reply = connection.data(data)
        except smtplib.SMTPDataError:
            raise  # DATA itself refused: the server holds nothing
        except Exception as error:
            raise UnclearDelivery(f"{describe(error)} (after the message's data was sent)") from error
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)  # the server answered, and said no
        return refused
