"""No request to an address that is not on the public internet: refused before any connection
(checked at delivery, after DNS), unless WEBHOOKS_ALLOW_PRIVATE lets a local receiver in."""

import ipaddress
import socket

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pipeline.webhooks import delivery, services
from pipeline.webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db


def _queued(endpoint):
    item = WebhookDelivery(
        endpoint=endpoint, event="application.created", source="application:1", next_attempt_at=timezone.now()
    )
    item.payload = {"event": "application.created", "event_id": str(item.event_id), "data": {}}
    item.save()
    return item


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",  # the cloud metadata service
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",  # noqa: S104 (an address checked, not bound)
        "224.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "fec0::1",  # site-local (deprecated), which Python 3.11 calls global
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:169.254.169.254",
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
    ],
)
def test_non_public_addresses_are_not_public(address):
    assert delivery.is_public(ipaddress.ip_address(address)) is False


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "8.8.8.8"])
def test_public_addresses_are(address):
    assert delivery.is_public(ipaddress.ip_address(address)) is True


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://localhost/hook",
    ],
)
def test_a_delivery_to_a_private_address_is_refused_without_a_connection(url, make_endpoint, no_connections):
    endpoint = make_endpoint()
    endpoint.url = url  # as if it were saved before the rule, or by the admin site
    endpoint.save()
    item = _queued(endpoint)

    services.attempt(item.pk)

    assert no_connections == []
    item.refresh_from_db()
    assert item.attempts == 1
    assert item.last_status_code is None
    assert "not public" in item.error or "not on the public internet" in item.error


def test_a_listening_local_server_is_never_reached(make_endpoint):
    """The proof without patching: a real socket on 127.0.0.1 accepts no connection."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        endpoint = make_endpoint()
        endpoint.url = f"https://127.0.0.1:{server.getsockname()[1]}/hook"
        endpoint.save()

        services.attempt(_queued(endpoint).pk)

        with pytest.raises(BlockingIOError):
            server.accept()  # nobody knocked


def test_a_hostname_that_resolves_to_a_private_address_is_refused_after_dns(make_endpoint, no_connections, monkeypatch):
    looked_up = []

    def resolver(host, port, *args, **kwargs):
        looked_up.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]

    monkeypatch.setattr("socket.getaddrinfo", resolver)
    endpoint = make_endpoint(url="https://hooks.internal.example/ats")  # a name: it passes the form
    item = _queued(endpoint)

    services.attempt(item.pk)

    assert looked_up == ["hooks.internal.example"]
    assert no_connections == []
    item.refresh_from_db()
    assert item.error == "hooks.internal.example resolves to an address that is not public (10.0.0.7): not sent."


def test_one_private_address_among_public_ones_is_enough_to_refuse(monkeypatch, no_connections):
    answers = [("93.184.215.14", 443), ("127.0.0.1", 443)]
    monkeypatch.setattr(
        "socket.getaddrinfo",
        lambda *args, **kwargs: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", address) for address in answers],
    )

    with pytest.raises(delivery.Refused):
        delivery.post("https://mixed.example/", b"{}", {})
    assert no_connections == []


def test_the_connection_goes_to_the_address_that_was_checked(monkeypatch):
    """A DNS rebind can't swap it: the socket is opened to the checked IP, the Host stays the name."""
    monkeypatch.setattr(
        "socket.getaddrinfo",
        lambda *args, **kwargs: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 443))],
    )
    connected = []

    def create_connection(address, *args, **kwargs):
        connected.append(address)
        raise ConnectionRefusedError("test: stop here")

    monkeypatch.setattr("socket.create_connection", create_connection)

    with pytest.raises(ConnectionRefusedError):
        delivery.post("https://hooks.example.com/ats", b"{}", {})
    assert connected == [("93.184.215.14", 443)]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://hooks.example.com/ats", "Use an https:// address."),
        ("https://127.0.0.1/hook", "This address is not on the public internet."),
        ("https://10.0.0.1/hook", "This address is not on the public internet."),
        ("https://[::1]/hook", "This address is not on the public internet."),
        ("https://localhost:8000/hook", "This address is not on the public internet."),
        (
            "https://user:pw@hooks.example.com/",
            "Leave credentials out of the address: verify requests with the signing secret.",
        ),
        ("ftp://hooks.example.com/", "Use an https:// address."),
        ("https://hooks.example.com:99999/", "Enter a valid URL."),
        ("https://", "Enter a valid URL."),
    ],
)
def test_an_endpoint_must_be_https_and_public_with_the_setting_off(url, message, make_endpoint):
    with pytest.raises(ValidationError) as error:
        make_endpoint(url=url)

    assert error.value.message_dict == {"url": [message]}


def test_with_the_setting_on_a_local_http_receiver_is_allowed(settings, make_endpoint):
    settings.WEBHOOKS_ALLOW_PRIVATE = True

    endpoint = make_endpoint(url="http://127.0.0.1:8000/hook")

    assert endpoint.url == "http://127.0.0.1:8000/hook"


def test_http_is_refused_at_delivery_with_the_setting_off(settings, make_endpoint, no_connections):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    endpoint = make_endpoint(url="http://hooks.example.com/ats")
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    item = _queued(endpoint)

    services.attempt(item.pk)

    item.refresh_from_db()
    assert item.error == "Use an https:// address."
    assert no_connections == []
