"""Signatures: HMAC-SHA256 of "{timestamp}.{raw body}"; both secrets for 24 hours after a rotation."""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from pipeline.webhooks.delivery import body_of, sign, signature_header
from pipeline.webhooks.services import rotate_secret

pytestmark = pytest.mark.django_db
ROTATED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_the_signature_is_the_hmac_of_the_timestamp_a_dot_and_the_raw_body():
    body = b'{"event":"application.created"}'

    signature = sign("whsec_abc", "1772442000", body)

    expected = hmac.new(b"whsec_abc", b'1772442000.{"event":"application.created"}', hashlib.sha256).hexdigest()
    assert signature == f"sha256={expected}"


def test_the_body_is_compact_sorted_ascii_json_so_the_signed_bytes_are_the_sent_bytes():
    assert body_of({"b": 1, "a": "é"}) == b'{"a":"\\u00e9","b":1}'


def test_after_a_rotation_both_secrets_sign_for_24_hours_then_only_the_new(make_endpoint):
    endpoint = make_endpoint()
    old = endpoint.secret
    rotate_secret(endpoint=endpoint, now=ROTATED)
    new = endpoint.secret
    assert new != old
    assert new.startswith("whsec_") and len(new) > 40

    within = endpoint.signing_secrets(ROTATED + timedelta(hours=23, minutes=59))
    after = endpoint.signing_secrets(ROTATED + timedelta(hours=24))

    assert within == [new, old]
    assert after == [new]
    header = signature_header(within, "1", b"{}")
    assert header == f"{sign(new, '1', b'{}')},{sign(old, '1', b'{}')}"
    assert signature_header(after, "1", b"{}") == sign(new, "1", b"{}")


def test_a_second_rotation_drops_the_oldest_secret(make_endpoint):
    endpoint = make_endpoint()
    first = endpoint.secret
    rotate_secret(endpoint=endpoint, now=ROTATED)
    second = endpoint.secret
    rotate_secret(endpoint=endpoint, now=ROTATED + timedelta(hours=1))

    assert endpoint.signing_secrets(ROTATED + timedelta(hours=2)) == [endpoint.secret, second]
    assert first not in endpoint.signing_secrets(ROTATED + timedelta(hours=2))
