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


def build(message):
    """The EmailMultiAlternatives for one outbox row."""
    email = EmailMultiAlternatives(
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

    def send(self, message, *, before_data):
        """Send one outbox row; returns the recipients the server refused (others got it).

        Raises UnclearDelivery when the failure came after the data was handed over;
        any other exception means the server does not have the message.
        """
        email = build(message)
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
