"""The branded layout every HTML email an organisation sends wears (mail.branding, through services.queue_email)."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from mail import branding, rendering
from mail.models import EmailMessage, EmailTemplate
from mail.services import queue_email, render_template, send_template
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

STATUS = "https://ats.example.com/careers/acme/-/status/7:signed/"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def brand(db):
    organization = OrganizationFactory(
        name='Acme & <b data-hx-get="/x">Sons</b>',
        slug="acme-sons",
        brand_colour="#0a7d33",
        privacy_policy_url="https://acme.example.com/privacy?from=email&v=2",
        website="https://acme.example.com",
    )
    organization.logo.save("logo.png", SimpleUploadedFile("logo.png", PNG, content_type="image/png"))
    return organization


def queued(organization, *, html="<p>Hello Ada</p>", text="", values=None, **kwargs):
    return queue_email(
        organization=organization, to=["ada@example.com"], subject="Hi", html=html, text=text, values=values, **kwargs
    )


def test_the_html_carries_the_logo_colour_escaped_name_and_privacy_link(brand):
    message = queued(brand)
    body = message.html_body

    assert body.startswith("<!DOCTYPE html>")
    assert body.count("<p>Hello Ada</p>") == 1
    assert f'<img src="{settings.SITE_URL}/careers/acme-sons/-/logo/"' in body
    assert "border-top:6px solid #0a7d33" in body
    assert "Acme &amp; &lt;b data-hx-get=&quot;/x&quot;&gt;Sons&lt;/b&gt;" in body
    assert "<b data-hx-get" not in body
    assert 'href="https://acme.example.com/privacy?from=email&amp;v=2"' in body
    assert branding.TRACKING_NOTICE in body


def test_the_logo_url_serves_the_logo_publicly(client, brand):
    response = client.get(branding.logo_url(brand).removeprefix(settings.SITE_URL))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_the_status_button_appears_only_with_a_status_link(brand):
    with_link = queued(brand, values={"application.status_url": STATUS})
    without = queued(brand, values={"candidate.first_name": "Ada"})

    assert "View your application status</a>" in with_link.html_body
    assert STATUS in with_link.links
    # The button goes through the click redirect like any tracked link, and the redirect leads to the page.
    index = with_link.links.index(STATUS)
    assert f'href="{settings.SITE_URL}/mail/c/{with_link.tracking_token}/{index}/"' in with_link.html_body
    assert "View your application status" not in without.html_body
    assert without.links == []


def test_the_status_button_redirects_to_the_status_page(client, brand):
    message = queued(brand, values={"application.status_url": STATUS})

    response = client.get(f"/mail/c/{message.tracking_token}/{message.links.index(STATUS)}/")

    assert response.status_code == 302
    assert response["Location"] == STATUS


def test_the_button_takes_the_brand_colour_and_its_readable_text_colour(db):
    light = OrganizationFactory(brand_colour="#ffd60a")
    dark = OrganizationFactory(brand_colour="#12264f")

    light_body = queued(light, values={"application.status_url": STATUS}).html_body
    dark_body = queued(dark, values={"application.status_url": STATUS}).html_body

    assert 'bgcolor="#ffd60a"' in light_body
    assert "color:#000000;text-decoration:none" in light_body
    assert 'bgcolor="#12264f"' in dark_body
    assert "color:#ffffff;text-decoration:none" in dark_body


def test_the_text_body_gets_the_status_and_privacy_lines(brand):
    message = queued(brand, values={"application.status_url": STATUS})

    assert message.text_body.startswith("Hello Ada")
    assert f"View your application status: {STATUS}" in message.text_body.splitlines()
    assert f"{brand.name}'s privacy notice: https://acme.example.com/privacy?from=email&v=2" in (
        message.text_body.splitlines()
    )
    assert "/mail/c/" not in message.text_body


def test_the_text_body_does_not_repeat_a_link_it_already_has(brand):
    message = queued(brand, text=f"See {STATUS}", values={"application.status_url": STATUS})

    assert message.text_body.count(STATUS) == 1
    assert "privacy notice:" in message.text_body


def test_without_a_logo_or_privacy_url_the_name_stands_in_and_no_empty_link(db):
    organization = OrganizationFactory(name="Plain Co", privacy_policy_url="", website="")

    body = queued(organization).html_body

    assert body.count("<img ") == 1  # the open pixel, no logo
    assert "/mail/o/" in body
    assert "Plain Co</span>" in body
    assert "privacy notice</a>" not in body
    assert 'href=""' not in body


def test_a_template_that_is_a_whole_document_is_not_wrapped_again(brand):
    document = "<!DOCTYPE html><html><body><p>My own layout</p></body></html>"

    message = queued(brand, html=document)

    assert message.html_body.count("<html") == 1
    assert "My own layout" in message.html_body
    assert branding.TRACKING_NOTICE not in message.html_body


def test_wrapping_twice_changes_nothing(brand):
    once = branding.wrap_html(brand, "<p>Hi</p>", values={"application.status_url": STATUS})

    assert branding.wrap_html(brand, once, values={"application.status_url": STATUS}) == once


def test_links_in_the_body_are_still_tracked_once_wrapped(brand):
    template = EmailTemplate.objects.create(
        organization=brand, key="hello", name="Hello", subject="Hi",
        html_body='<p>See <a href="{{ links.careers }}">our jobs</a>.</p>',
    )  # fmt: skip
    values = {**rendering.sample_values(), "links.careers": "https://ats.example.com/careers/acme/"}

    message = send_template(organization=brand, key="hello", to=["ada@example.com"], values=values)

    assert message.links[0] == "https://ats.example.com/careers/acme/"
    assert f'href="{settings.SITE_URL}/mail/c/{message.tracking_token}/0/">our jobs</a>' in message.html_body
    assert 'href="https://ats.example.com/careers/acme/"' not in message.html_body
    assert template.pk == message.template_id


def test_the_privacy_and_website_links_are_never_tracked(brand):
    message = queued(brand, values={"application.status_url": STATUS})

    assert message.links == [STATUS]  # typed by a person: they stay as they are (see rendering.render_html)
    assert 'href="https://acme.example.com"' in message.html_body


def test_a_message_with_a_secret_is_wrapped_but_neither_tracked_nor_says_it_is(brand):
    message = queued(brand, sensitive=True)

    assert "<p>Hello Ada</p>" in message.html_body
    assert "/mail/o/" not in message.html_body
    assert branding.TRACKING_NOTICE not in message.html_body


def test_the_sites_own_emails_wear_no_organisations_layout(db):
    message = queued(None)

    assert message.html_body.startswith("<p>Hello Ada</p>")


def test_a_status_link_that_is_not_an_http_address_is_ignored(brand):
    message = queued(brand, values={"application.status_url": "javascript:alert(1)"})

    assert "View your application status" not in message.html_body
    assert "javascript:" not in message.html_body


def test_an_email_arrives_with_its_layout_over_smtp(brand, smtp_backend, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = queued(brand, values={"application.status_url": STATUS})

    received = smtp_backend.with_message_id(message.message_id)[0]
    html = received.get_body(("html",)).get_content()
    text = received.get_body(("plain",)).get_content()
    assert EmailMessage.objects.get(pk=message.pk).status == EmailMessage.Status.SENT
    assert "View your application status</a>" in html
    assert f"{settings.SITE_URL}/careers/acme-sons/-/logo/" in html
    assert f"View your application status: {STATUS}" in text


def test_render_template_output_is_unbranded_until_queued(brand):
    # The layout is added once, when the message is stored: previews of a body and API renders stay bare.
    template = EmailTemplate(organization=brand, key="k", name="K", subject="S", html_body="<p>Body</p>")

    _, html, _ = render_template(template, rendering.sample_values())

    assert html == "<p>Body</p>"
