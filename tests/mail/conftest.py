"""A real SMTP server (aiosmtpd) on a local port, and Django's SMTP backend pointed at it."""

import asyncio
import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller


def free_port():
    """A port nothing listens on right now (Controller does not accept port 0 in every version)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Handler:
    def __init__(self, server):
        self.server = server

    async def handle_DATA(self, smtp, session, envelope):
        self.server.received.append(envelope)
        if self.server.hang_after_data:
            # The message is stored but the reply never comes: the client's timeout decides.
            await asyncio.Event().wait()
        return "250 Message accepted for delivery"


class SMTPServer:
    """aiosmtpd in a thread. It can be stopped and started again on the same port (an outage)."""

    def __init__(self):
        self.host = "127.0.0.1"
        self.port = free_port()
        self.received = []  # aiosmtpd envelopes, in arrival order, kept across restarts
        self.hang_after_data = False
        self._controller = None

    @property
    def running(self):
        return self._controller is not None

    def start(self):
        # A Controller closes its event loop when stopped, so each start needs a new one.
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port, ready_timeout=10)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def messages(self):
        """The received messages, parsed (email.message.EmailMessage)."""
        return [email.message_from_bytes(env.original_content, policy=policy.default) for env in self.received]

    def with_message_id(self, message_id):
        return [message for message in self.messages() if message["Message-ID"] == message_id]


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_backend(settings, smtp_server):
    """Django sends through its real SMTP backend to `smtp_server`."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return smtp_server
