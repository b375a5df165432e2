"""Queueing and sending email. `mail` knows nothing of applications: it sends rendered
templates to addresses, and can point back at any object through a generic relation."""

import contextlib
import smtplib
import socket
from datetime import timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.background import enqueue_on_commit

from . import rendering
from .models import EmailEvent, EmailMessage, EmailTemplate

# Waits before the second and third tries; after the third failure the message is failed.
RETRY_DELAYS = (timedelta(minutes=2), timedelta(minutes=10))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


class UnclearDelivery(Exception):
    """The server may have accepted the message: trying again could deliver it twice."""


# Failures where the server certainly did not accept the message.
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


def render_template(template, values):
    """(subject, html, text) of `template` for the flat `values`."""
    subject = rendering.render(template.subject, values, html_output=False).strip()
    html = rendering.render_html(template.html_body, values)
    text = (
        rendering.render(template.text_body, values, html_output=False)
        if template.text_body.strip()
        else rendering.text_from_html(html)
    )
    return " ".join(subject.split()), html, text


def _track(message, html):
    """(HTML, links): the links its template vouched for go through our click redirect, and an open
    pixel closes the HTML.

    Only a rendering.TrackedHTML knows which links those are; any other HTML keeps its links as they
    are, since a link found in rendered output may have come from a candidate's value.
    """
    links, parts, position = [], [], 0
    for start, end, url in getattr(html, "tracked", ()):
        if url not in links:
            links.append(url)
        click = reverse("mail:click", args=[message.tracking_token, links.index(url)])
        parts += [html[position:start], f"{settings.SITE_URL}{click}"]
        position = end
    parts.append(html[position:])
    html = "".join(parts)
    pixel = (
        f'<img src="{settings.SITE_URL}{reverse("mail:open", args=[message.tracking_token])}" '
        'width="1" height="1" alt="" style="display:none">'
    )
    html = html.replace("</body>", f"{pixel}</body>") if "</body>" in html else html + pixel
    return html, links


@transaction.atomic
def queue_email(*, organization, to, subject, html="", text="", template=None, values=None, related=None,
                reply_to="", sent_by=None):  # fmt: skip
    """Store one message (queued) and hand it to the worker once the transaction commits.

    Click tracking follows only the links of a rendered template (render_template's html); other
    `html` is sent with its links untouched.
    """
    to = [address.strip() for address in to if address and address.strip()]
    if not to:
        raise ValidationError("An email needs at least one recipient.")
    message = EmailMessage(
        organization=organization,
        to=to,
        from_email=settings.DEFAULT_FROM_EMAIL,
        reply_to=reply_to,
        subject=subject[:255],
        html_body=html,
        text_body=text or (rendering.text_from_html(html) if html else ""),
        template=template,
        context=values or {},
        sent_by=sent_by,
        message_id=make_msgid(domain=urlsplit(settings.SITE_URL).hostname or "localhost"),
    )
    if related is not None:
        message.content_type = ContentType.objects.get_for_model(related)
        message.object_id = related.pk
    if message.html_body:
        message.html_body, message.links = _track(message, html)
    message.save()
    EmailEvent.objects.create(message=message, kind=EmailEvent.Kind.QUEUED)
    enqueue_on_commit("mail.tasks.deliver", message.pk)
    return message


def send_template(*, organization, key, to, values, related=None, reply_to="", sent_by=None):
    """Queue the organisation's template `key` rendered with `values`; None when there is no such template."""
    template = EmailTemplate.objects.filter(organization=organization, key=key, is_active=True).first()
    if template is None:
        return None
    subject, html, text = render_template(template, values)
    return queue_email(
        organization=organization, to=to, subject=subject, html=html, text=text, template=template,
        values=values, related=related, reply_to=reply_to, sent_by=sent_by,
    )  # fmt: skip


def _send(message):
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text_body,
        from_email=message.from_email,
        to=message.to,
        cc=message.cc,
        bcc=message.bcc,
        reply_to=[message.reply_to] if message.reply_to else None,
        headers={"Message-ID": message.message_id},
        connection=get_connection(timeout=settings.EMAIL_TIMEOUT),
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    # Connecting sends nothing: any failure up to here is safe to retry.
    email.connection.open()
    try:
        email.send()
    except CLEAR_FAILURES:
        raise  # the server never took the message: trying again is safe
    except Exception as error:
        # A timeout or a dropped connection may come after the server accepted the message.
        raise UnclearDelivery(f"{error.__class__.__name__}: {error}") from error
    finally:
        with contextlib.suppress(Exception):  # a failing QUIT changes nothing
            email.connection.close()


def deliver(message_id):
    """Send one queued message. Safe to call twice: a message already sent or being sent is left alone."""
    with transaction.atomic():
        message = EmailMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != EmailMessage.Status.QUEUED:
            return
        if message.next_attempt_at and message.next_attempt_at > timezone.now():
            return  # not yet: deliver_due picks it up when it is time
        # Marked before talking to the server: if this process dies mid-send, nobody resends
        # blindly; the message shows as "sending" until someone looks.
        message.status = EmailMessage.Status.SENDING
        message.attempts += 1
        message.save(update_fields=["status", "attempts"])
    try:
        _send(message)
    except Exception as error:  # any failure is recorded on the message, never lost
        _failed(message, error)
        return
    now = timezone.now()
    EmailMessage.objects.filter(pk=message.pk).update(
        status=EmailMessage.Status.SENT, sent_at=now, last_error="", next_attempt_at=None
    )
    EmailEvent.objects.create(message=message, kind=EmailEvent.Kind.SENT, created_at=now)


def _failed(message, error):
    unclear = isinstance(error, UnclearDelivery)
    detail = (
        f"Delivery unclear, not retried automatically (the server may have it): {error}"
        if unclear
        else f"{error.__class__.__name__}: {error}"
    )[:2000]
    if message.attempts < MAX_ATTEMPTS and not unclear:
        EmailMessage.objects.filter(pk=message.pk).update(
            status=EmailMessage.Status.QUEUED,
            last_error=detail,
            next_attempt_at=timezone.now() + RETRY_DELAYS[message.attempts - 1],
        )
        EmailEvent.objects.create(message=message, kind=EmailEvent.Kind.RETRYING, detail=detail)
    else:
        EmailMessage.objects.filter(pk=message.pk).update(
            status=EmailMessage.Status.FAILED, last_error=detail, next_attempt_at=None
        )
        EmailEvent.objects.create(message=message, kind=EmailEvent.Kind.FAILED, detail=detail)


@transaction.atomic
def retry(*, message):
    """A person's "retry" on a failed message: queue it again, now. Sent messages are never resent."""
    message = EmailMessage.objects.select_for_update().get(pk=message.pk)
    if message.status != EmailMessage.Status.FAILED:
        raise ValidationError("Only a failed message can be retried.")
    message.status = EmailMessage.Status.QUEUED
    message.attempts = 0
    message.next_attempt_at = None
    message.save(update_fields=["status", "attempts", "next_attempt_at"])
    EmailEvent.objects.create(message=message, kind=EmailEvent.Kind.QUEUED, detail="Retried by hand")
    enqueue_on_commit("mail.tasks.deliver", message.pk)
    return message


def record_open(message):
    now = timezone.now()
    if EmailMessage.objects.filter(pk=message.pk, opened_at=None).update(opened_at=now):
        EmailEvent.objects.create(message=message, kind=EmailEvent.Kind.OPENED, created_at=now)


def record_click(message, url):
    now = timezone.now()
    EmailMessage.objects.filter(pk=message.pk, clicked_at=None).update(clicked_at=now)
    EmailMessage.objects.filter(pk=message.pk, opened_at=None).update(opened_at=now)
    EmailEvent.objects.create(message=message, kind=EmailEvent.Kind.CLICKED, url=url[:2000], created_at=now)


@transaction.atomic
def queue_many(*, organization, template, recipients, reply_to="", sent_by=None):
    """One rendered message per recipient, written and handed to the worker in a fixed number of queries.

    `recipients` is a list of (address, values, related object). The worker gets a
    single task for the whole batch, so 200 recipients cost what 2 do.
    """
    content_types = {}
    messages = []
    for address, values, related in recipients:
        subject, html, text = render_template(template, values)
        message = EmailMessage(
            organization=organization, to=[address], from_email=settings.DEFAULT_FROM_EMAIL, reply_to=reply_to,
            subject=subject[:255], html_body=html, text_body=text, template=template, context=values,
            sent_by=sent_by, message_id=make_msgid(domain=urlsplit(settings.SITE_URL).hostname or "localhost"),
        )  # fmt: skip
        if related is not None:
            model = type(related)
            content_types.setdefault(model, ContentType.objects.get_for_model(model))
            message.content_type, message.object_id = content_types[model], related.pk
        message.html_body, message.links = _track(message, html)
        messages.append(message)
    EmailMessage.objects.bulk_create(messages)
    EmailEvent.objects.bulk_create(EmailEvent(message=m, kind=EmailEvent.Kind.QUEUED) for m in messages)
    enqueue_on_commit("mail.tasks.deliver_many", [m.pk for m in messages])
    return messages
