"""Sending one signed request to a receiver, and nowhere else.

The address is checked where it matters, at delivery: the host is resolved here, every address it
resolves to must be public (no loopback, private, link-local, cloud metadata, reserved or multicast
range, in IPv4 or IPv6, nor an IPv6 form that wraps one), and the connection goes to the address
that was checked, so a DNS answer that changes in between (a rebind) can't send it elsewhere. TLS
still verifies the certificate against the hostname. Redirects are not followed; timeouts are short
(each read, and the whole exchange) and only the first kilobyte of the answer is read.
settings.WEBHOOKS_ALLOW_PRIVATE lets a local receiver in, and plain http:// with it (tests and
development only).
"""

import contextlib
import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

CONNECT_TIMEOUT = 5  # seconds
READ_TIMEOUT = 10  # for each read: a receiver that drips its answer is cut off by TOTAL_TIMEOUT
TOTAL_TIMEOUT = 30
EXCERPT_BYTES = 1024
USER_AGENT = "ATS-Webhooks/1.0"
# Networks that hold another address inside an IPv6 one: that inner address is checked too.
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Refused(Exception):
    """The request was not sent: the address is not one we send to."""


@dataclass
class Answer:
    status: int
    excerpt: str


def body_of(payload):
    """The request's raw body: the bytes that are signed are the bytes that are sent."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def sign(secret, timestamp, body):
    """`sha256=` and the hex HMAC-SHA256 of "{timestamp}.{raw body}" with `secret`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signature_header(secrets, timestamp, body):
    """One signature per secret, the current one first: `sha256=<new>,sha256=<old>` after a rotation."""
    return ",".join(sign(secret, timestamp, body) for secret in secrets)


def private_allowed():
    return settings.WEBHOOKS_ALLOW_PRIVATE


def url_problem(url):
    """Why `url` can't be an endpoint's address (a sentence), or None. Whether its host's addresses
    are public is asked again at every delivery: DNS answers change."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port out of range raises here)
    except ValueError:
        return "Enter a valid URL."
    schemes = ("https", "http") if private_allowed() else ("https",)
    if parts.scheme not in schemes:
        return "Use an https:// address."
    if not parts.hostname:
        return "Enter a valid URL."
    if parts.username is not None or parts.password is not None:
        return "Leave credentials out of the address: verify requests with the signing secret."
    literal = _literal_address(parts.hostname)
    if not private_allowed() and (parts.hostname == "localhost" or (literal and not is_public(literal))):
        return "This address is not on the public internet."
    return None


def _literal_address(host):
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_public(address):
    """True for an address on the public internet (an ipaddress address)."""
    inner = [address]
    if address.version == 6:
        inner += [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
        if address in NAT64:
            inner.append(ipaddress.ip_address(int(address) & 0xFFFFFFFF))
    return all(_plainly_public(one) for one in inner if one is not None)


def _plainly_public(address):
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local  # 169.254.169.254, the cloud metadata address, among them
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
        or getattr(address, "is_site_local", False)  # fec0::/10, deprecated, and "global" to Python 3.11
    )


def resolve(host, port):
    """The address to connect to for `host`: every address it resolves to must be allowed (else
    Refused), and the first is used."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise Refused(f"Could not resolve {host}: {error}") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise Refused(f"Could not resolve {host}.")
    if not private_allowed():
        refused = [str(address) for address in addresses if not is_public(address)]
        if refused:
            raise Refused(f"{host} resolves to an address that is not public ({refused[0]}): not sent.")
    return str(addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked; the Host header still names the host."""

    def __init__(self, host, port, *, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), CONNECT_TIMEOUT)
        self.sock.settimeout(self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the address that was checked; TLS (SNI, certificate) is checked against the host."""

    def __init__(self, host, port, *, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), CONNECT_TIMEOUT)
        sock.settimeout(self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url, body, headers):
    """POST `body` to `url` with `headers`; returns an Answer. Raises Refused before any connection
    when the address isn't allowed, OSError (and http.client's errors) when the exchange fails."""
    problem = url_problem(url)
    if problem:
        raise Refused(problem)
    parts = urlsplit(url)
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    address = resolve(parts.hostname, port)
    if https:
        connection = _PinnedHTTPSConnection(
            parts.hostname, port, address=address, timeout=READ_TIMEOUT, context=ssl.create_default_context()
        )
    else:
        connection = _PinnedHTTPConnection(parts.hostname, port, address=address, timeout=READ_TIMEOUT)
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    cut = threading.Event()
    deadline = threading.Timer(TOTAL_TIMEOUT, _cut, args=[connection, cut])
    deadline.start()
    try:
        connection.request("POST", path, body=body, headers={"User-Agent": USER_AGENT, **headers})
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_BYTES)
    finally:
        deadline.cancel()
        connection.close()
    if cut.is_set():  # what was read may look whole: it isn't
        raise TimeoutError(f"No full answer within {TOTAL_TIMEOUT} s.")
    # NUL: PostgreSQL refuses it in text.
    return Answer(status=response.status, excerpt=excerpt.decode("utf-8", "replace").replace("\x00", ""))


def _cut(connection, cut):
    """The attempt's time is up: whatever read is waiting ends at once."""
    cut.set()
    if connection.sock is not None:
        with contextlib.suppress(OSError):  # already closed
            connection.sock.shutdown(socket.SHUT_RDWR)
