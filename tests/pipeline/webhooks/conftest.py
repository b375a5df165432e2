"""Webhooks' fixtures: endpoints, and a real receiver (an HTTP server in a thread) that verifies
what it gets the way the README tells receivers to."""

import hashlib
import hmac
import http.server
import json
import threading
import time

import pytest

from pipeline.webhooks.services import create_endpoint

TOLERANCE = 300  # seconds: the README's five minutes


def verify(secret, headers, body, *, now=None):
    """The README's recipe: a fresh timestamp, and one of the signatures matches (either, after a rotation)."""
    timestamp = headers.get("X-ATS-Timestamp", "")
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > TOLERANCE:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, given.strip()) for given in headers.get("X-ATS-Signature", "").split(","))


class Receiver:
    """Answers every POST with `status` (and `body`), after checking it with `secret`; records each one."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.body = b"ok"
        self.secret = None
        self.seen_event_ids = set()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = dict(self.headers.items())
                verified = receiver.secret is not None and verify(receiver.secret, headers, body)
                receiver.requests.append({"path": self.path, "headers": headers, "body": body, "verified": verified})
                status = receiver.status if verified or receiver.secret is None else 401
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(receiver.body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/ats"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def payloads(self):
        return [json.loads(request["body"]) for request in self.requests]


@pytest.fixture
def receiver(settings):
    """A local receiver, let in by WEBHOOKS_ALLOW_PRIVATE (tests and development only)."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def down_url(settings):
    """The address of a receiver that is down: a port nobody listens on."""
    import socket

    settings.WEBHOOKS_ALLOW_PRIVATE = True
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks"


@pytest.fixture
def make_endpoint(organization, owner):
    def make(url="https://hooks.example.com/ats", events=("application.created",), **kwargs):
        return create_endpoint(organization=organization, url=url, events=list(events), by=owner, **kwargs)

    return make


@pytest.fixture
def no_connections(monkeypatch):
    """Any attempt to open a connection fails the test: a refusal must happen before one."""
    attempts = []

    def refuse(address, *args, **kwargs):
        attempts.append(address)
        raise AssertionError(f"a connection was attempted to {address}")

    monkeypatch.setattr("socket.create_connection", refuse)
    return attempts
