"""Open and click tracking: links rewritten by queue_email, the open pixel (/mail/o/<token>.gif) and the
click redirect (/mail/c/<token>/<n>/). Both endpoints are public: the recipient's mail client calls them.

Only links the template vouches for are tracked: written in its source, or made of system URLs (job.url,
links.careers); never a link that appears in the output because a candidate's or a person's value held it."""

import re

import pytest
from django.conf import settings

from mail import rendering
from mail.models import EmailEvent, EmailMessage, EmailTemplate
from mail.services import queue_email, render_template, send_template
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


def queue_template(organization, html_body, values=None):
    """Queue `html_body` as a template rendered with `values` (the sample values when None)."""
    template = EmailTemplate(organization=organization, subject="Hello", html_body=html_body)
    subject, html, text = render_template(template, rendering.sample_values() if values is None else values)
    return queue_email(organization=organization, to=["ada@example.com"], subject=subject, html=html, text=text)


@pytest.fixture
def message(organization):
    return queue_template(organization, HTML)


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


def test_a_fragment_without_a_body_tag_gets_the_pixel_at_the_end(db):
    # The site's own emails (no organisation) are not wrapped in an organisation's layout (mail.branding).
    message = queue_email(organization=None, to=["a@example.com"], subject="s", html="<p>Hi</p>")

    assert message.html_body.startswith("<p>Hi</p><img src=")
    assert message.links == []


def test_a_text_only_email_has_no_pixel_and_no_links(organization):
    message = queue_email(organization=organization, to=["a@example.com"], subject="s", text="See https://x.example")

    assert message.html_body == ""
    assert message.links == []


def test_a_single_quoted_link_is_rewritten_too(organization):
    message = queue_template(organization, "<a href='https://single.example/'>x</a>")

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
    other = queue_template(organization, '<a href="https://other.example/">x</a>')

    assert client.get(click_url(other.tracking_token, 0))["Location"] == "https://other.example/"
    assert client.get(click_url(other.tracking_token, 1)).status_code == 404
    message.refresh_from_db()
    assert message.clicked_at is None


def test_the_click_redirect_refuses_post(client, message):
    assert client.post(click_url(message.tracking_token, 0)).status_code == 405


# --- Only links the template vouches for are tracked -------------------------------------------

EVIL_NAME = "href=https://evil.example/x"


def test_a_literal_link_in_the_template_is_tracked_and_redirects(client, organization):
    message = queue_template(organization, '<p><a href="https://acme.example.com/jobs">Jobs</a></p>')

    response = client.get(click_url(message.tracking_token, 0))

    assert message.links == ["https://acme.example.com/jobs"]
    assert hrefs(message.html_body)[0] == f"{settings.SITE_URL}/mail/c/{message.tracking_token}/0/"
    assert response.status_code == 302
    assert response["Location"] == "https://acme.example.com/jobs"


def test_a_link_made_of_a_system_url_is_tracked(client, organization):
    values = {**rendering.sample_values(), "job.url": "https://careers.example.com/acme/engineer/"}
    message = queue_template(organization, '<a href="{{ job.url }}?ref=email">The job</a>', values)

    assert message.links == ["https://careers.example.com/acme/engineer/?ref=email"]
    assert client.get(click_url(message.tracking_token, 0))["Location"] == message.links[0]


def test_an_applicant_named_like_a_link_gets_no_tracked_link(client, organization):
    values = {**rendering.sample_values(), "candidate.first_name": EVIL_NAME}
    source = "<p>Hello <a {{ candidate.first_name }}>{{ candidate.first_name }}</a>, {{ candidate.first_name }}</p>"
    message = queue_template(organization, source, values)

    assert message.links == []
    assert "/mail/c/" not in message.html_body
    assert EVIL_NAME in message.html_body  # left as it was rendered: text, escaped
    assert client.get(click_url(message.tracking_token, 0)).status_code == 404
    assert not message.events.filter(kind=EmailEvent.Kind.CLICKED).exists()


def test_a_welcome_email_for_an_applicant_named_like_a_link_has_no_click_redirect_there(
    client, organization, application
):
    from pipeline.applications.emails import send_to_candidate

    application.candidate.first_name = EVIL_NAME
    application.candidate.save()
    EmailTemplate.objects.create(
        organization=organization, key="hello", name="Hello", subject="Hi {{ candidate.first_name }}",
        html_body='<p>Hi {{ candidate.first_name }}, see <a href="{{ links.careers }}">our jobs</a>.</p>',
    )  # fmt: skip

    message = send_to_candidate(application=application, key="hello")

    # The careers link, and the layout's status button (the candidate's own status page, issue 16).
    status = message.context["application.status_url"]
    assert message.links == [f"{settings.SITE_URL}/careers/{organization.slug}/", status]
    assert not any("evil.example" in link for link in message.links)
    for index in range(len(message.links) + 1):
        response = client.get(click_url(message.tracking_token, index))
        assert "evil.example" not in response.get("Location", "")


@pytest.mark.parametrize(
    "href",
    [
        "{{ organization.website }}",  # typed by a person in the organisation's settings
        "{{ job.url }}{{ candidate.first_name }}",  # partly a candidate's value
        "https://acme.example.com/?who={{ candidate.email }}",
        "{{ job.url|default:organization.website }}",  # a filter can bring in another value
        "{% if job.url %}{{ job.url }}{% endif %}",
    ],
)
def test_a_link_with_a_typed_value_in_it_is_not_tracked(organization, href):
    values = {
        **rendering.sample_values(),
        "organization.website": "https://evil.example/portfolio",
        "candidate.first_name": "evil",
        "candidate.email": "x@evil.example",
    }
    message = queue_template(organization, f'<p><a href="{href}">Portfolio</a></p>', values)

    assert message.links == []
    assert "/mail/c/" not in message.html_body
    assert len(hrefs(message.html_body)) == 1


def test_an_evil_portfolio_url_typed_into_a_value_is_left_as_it_is(organization):
    values = {**rendering.sample_values(), "interview.place": 'https://evil.example/x"><b>'}
    message = queue_template(organization, '<a href="{{ interview.place }}">Join</a>', values)

    assert message.links == []
    assert hrefs(message.html_body) == ["https://evil.example/x&quot;&gt;&lt;b&gt;"]


def test_a_system_url_that_is_not_http_is_not_tracked(organization):
    values = {**rendering.sample_values(), "links.careers": "javascript:alert(1)"}
    message = queue_template(organization, '<a href="{{ links.careers }}">Jobs</a>', values)

    assert message.links == []


def test_a_filter_that_rewrites_a_tracked_link_leaves_the_email_untracked_not_broken(organization):
    message = queue_template(organization, '{% filter upper %}<a href="https://acme.example.com/">x</a>{% endfilter %}')

    assert message.links == []
    assert hrefs(message.html_body) == ["HTTPS://ACME.EXAMPLE.COM/"]


def test_html_not_rendered_from_a_template_keeps_its_links(organization):
    message = queue_email(
        organization=organization, to=["a@example.com"], subject="s", html='<a href="https://x.example/">x</a>'
    )

    assert message.links == []
    assert hrefs(message.html_body)[0] == "https://x.example/"


def test_send_template_tracks_the_templates_own_links(organization):
    EmailTemplate.objects.create(
        organization=organization, key="k", name="K", subject="s", html_body='<a href="https://acme.example/">x</a>'
    )

    message = send_template(organization=organization, key="k", to=["a@example.com"], values={})

    assert message.links == ["https://acme.example/"]


# --- The click redirect refuses anything but the message's own http(s) links ---------------------


@pytest.mark.parametrize(
    "stored",
    ["javascript:alert(1)", "//evil.example/x", "/relative", "https:/\\evil.example", "data:text/html,x",
     "https://user@evil.example/", "ftp://evil.example/", " https://evil.example/", None, 42],
)  # fmt: skip
def test_a_stored_link_changed_to_a_non_http_target_never_redirects(client, message, stored):
    EmailMessage.objects.filter(pk=message.pk).update(links=[stored])

    response = client.get(click_url(message.tracking_token, 0))

    assert response.status_code == 404
    assert "Location" not in response
    assert not message.events.filter(kind=EmailEvent.Kind.CLICKED).exists()


def test_a_tampered_index_never_leaves_the_messages_own_links(client, organization, message):
    other = queue_template(organization, '<a href="https://other.example/">x</a><a href="https://third.example/">y</a>')

    for index in range(5):
        response = client.get(click_url(other.tracking_token, index))
        assert response.status_code in (302, 404)
        if response.status_code == 302:
            assert response["Location"] in other.links
    assert client.get(click_url(other.tracking_token, 2)).status_code == 404
    assert client.get(f"/mail/c/{other.tracking_token}/abc/").status_code == 404
