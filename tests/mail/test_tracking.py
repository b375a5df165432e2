"""Open and click tracking: links rewritten by queue_email, the open pixel (/mail/o/<token>.gif) and the
click redirect (/mail/c/<token>/<n>/). Both endpoints are public: the recipient's mail client calls them."""

import re

import pytest
from django.conf import settings

from mail.models import EmailEvent, EmailMessage
from mail.services import queue_email
from mail.views import PIXEL

pytestmark = pytest.mark.django_db

HTML = (
    "<html><body>"
    '<p><a href="https://jobs.example.com/apply">Apply</a> or '
    '<a href="http://example.org/?a=1&amp;b=2">read more</a>.</p>'
    '<p><a href="https://jobs.example.com/apply">Apply again</a>, '
    '<a href="mailto:jobs@example.com">write</a> or <a href="/relative/">look</a>.</p>'
    '<p><A HREF="HTTPS://Upper.example.com/Path">shout</A></p>'
    "</body></html>"
)
ORIGINAL_LINKS = ["https://jobs.example.com/apply", "http://example.org/?a=1&b=2", "HTTPS://Upper.example.com/Path"]


@pytest.fixture
def message(organization):
    return queue_email(organization=organization, to=["ada@example.com"], subject="Hello", html=HTML)


def open_url(token):
    return f"/mail/o/{token}.gif"


def click_url(token, index):
    return f"/mail/c/{token}/{index}/"


def hrefs(markup):
    return re.findall(r'(?i)href="([^"]*)"', markup)


# --- Rewriting links -------------------------------------------------------------------------


def test_queue_email_lists_the_original_links_in_order_without_duplicates(message):
    assert message.links == ORIGINAL_LINKS
    message.refresh_from_db()
    assert message.links == ORIGINAL_LINKS


def test_queue_email_rewrites_every_http_link_to_the_click_redirect(message):
    base = f"{settings.SITE_URL}/mail/c/{message.tracking_token}/"

    assert hrefs(message.html_body) == [
        f"{base}0/",
        f"{base}1/",
        f"{base}0/",
        "mailto:jobs@example.com",
        "/relative/",
        f"{base}2/",
    ]
    assert "jobs.example.com" not in message.html_body
    assert "example.org" not in message.html_body


def test_queue_email_puts_the_open_pixel_before_the_end_of_the_body(message):
    pixel = f'<img src="{settings.SITE_URL}/mail/o/{message.tracking_token}.gif"'

    assert message.html_body.count(pixel) == 1
    assert message.html_body.index(pixel) < message.html_body.index("</body>")


def test_a_fragment_without_a_body_tag_gets_the_pixel_at_the_end(organization):
    message = queue_email(organization=organization, to=["a@example.com"], subject="s", html="<p>Hi</p>")

    assert message.html_body.startswith("<p>Hi</p><img src=")
    assert message.links == []


def test_a_text_only_email_has_no_pixel_and_no_links(organization):
    message = queue_email(organization=organization, to=["a@example.com"], subject="s", text="See https://x.example")

    assert message.html_body == ""
    assert message.links == []


def test_a_single_quoted_link_is_rewritten_too(organization):
    message = queue_email(
        organization=organization, to=["a@example.com"], subject="s", html="<a href='https://single.example/'>x</a>"
    )

    assert message.links == ["https://single.example/"]
    assert "single.example" not in message.html_body


# --- The open pixel --------------------------------------------------------------------------


def test_the_open_pixel_is_a_gif_that_records_the_first_open(client, message):
    response = client.get(open_url(message.tracking_token))

    message.refresh_from_db()
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response.content.startswith(b"GIF89a")
    assert "no-cache" in response["Cache-Control"]
    assert message.opened_at is not None
    assert list(message.events.filter(kind=EmailEvent.Kind.OPENED).values_list("created_at", flat=True)) == [
        message.opened_at
    ]


def test_a_second_open_keeps_the_first_time_and_writes_no_event(client, message):
    client.get(open_url(message.tracking_token))
    message.refresh_from_db()
    first = message.opened_at

    response = client.get(open_url(message.tracking_token))

    message.refresh_from_db()
    assert response.status_code == 200
    assert message.opened_at == first
    assert message.events.filter(kind=EmailEvent.Kind.OPENED).count() == 1


def test_an_unknown_token_still_gets_the_gif_and_records_nothing(client, message):
    events = EmailEvent.objects.count()

    response = client.get(open_url("no-such-token"))

    message.refresh_from_db()
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response.content == PIXEL
    assert EmailEvent.objects.count() == events
    assert not EmailMessage.objects.filter(opened_at__isnull=False).exists()


def test_the_open_pixel_refuses_post(client, message):
    response = client.post(open_url(message.tracking_token))

    message.refresh_from_db()
    assert response.status_code == 405
    assert message.opened_at is None


# --- The click redirect ----------------------------------------------------------------------


def test_a_click_redirects_to_that_link_and_records_it(client, message):
    response = client.get(click_url(message.tracking_token, 1))

    message.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "http://example.org/?a=1&b=2"
    assert message.clicked_at is not None
    event = message.events.get(kind=EmailEvent.Kind.CLICKED)
    assert event.url == "http://example.org/?a=1&b=2"
    assert event.created_at == message.clicked_at


def test_a_click_counts_as_an_open_when_the_pixel_was_blocked(client, message):
    client.get(click_url(message.tracking_token, 0))

    message.refresh_from_db()
    assert message.opened_at == message.clicked_at


def test_a_second_click_keeps_the_first_click_time_and_logs_both(client, message):
    client.get(click_url(message.tracking_token, 0))
    message.refresh_from_db()
    first = message.clicked_at

    client.get(click_url(message.tracking_token, 2))

    message.refresh_from_db()
    assert message.clicked_at == first
    urls = message.events.filter(kind=EmailEvent.Kind.CLICKED).order_by("pk").values_list("url", flat=True)
    assert list(urls) == ["https://jobs.example.com/apply", "HTTPS://Upper.example.com/Path"]


def test_a_click_link_beyond_the_messages_links_is_refused(client, message):
    response = client.get(click_url(message.tracking_token, len(ORIGINAL_LINKS)))

    message.refresh_from_db()
    assert response.status_code == 404
    assert message.clicked_at is None
    assert not message.events.filter(kind=EmailEvent.Kind.CLICKED).exists()


def test_a_negative_index_does_not_resolve(client, message):
    assert client.get(f"/mail/c/{message.tracking_token}/-1/").status_code == 404


def test_a_message_without_links_has_no_click_target(client, organization):
    message = queue_email(organization=organization, to=["a@example.com"], subject="s", text="plain")

    assert client.get(click_url(message.tracking_token, 0)).status_code == 404


def test_a_url_in_the_query_string_is_ignored(client, message):
    response = client.get(click_url(message.tracking_token, 0), {"url": "https://evil.example", "next": "//evil"})

    assert response.status_code == 302
    assert response["Location"] == "https://jobs.example.com/apply"
    assert message.events.get(kind=EmailEvent.Kind.CLICKED).url == "https://jobs.example.com/apply"


def test_a_click_with_an_unknown_token_is_404(client, message):
    response = client.get(click_url("no-such-token", 0))

    assert response.status_code == 404
    assert not EmailEvent.objects.filter(kind=EmailEvent.Kind.CLICKED).exists()


def test_one_messages_token_does_not_open_another_messages_links(client, organization, message):
    other = queue_email(
        organization=organization, to=["b@example.com"], subject="s", html='<a href="https://other.example/">x</a>'
    )

    assert client.get(click_url(other.tracking_token, 0))["Location"] == "https://other.example/"
    assert client.get(click_url(other.tracking_token, 1)).status_code == 404
    message.refresh_from_db()
    assert message.clicked_at is None


def test_the_click_redirect_refuses_post(client, message):
    assert client.post(click_url(message.tracking_token, 0)).status_code == 405
