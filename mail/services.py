"""Queueing and sending email. `mail` knows nothing of applications: it sends rendered
templates to addresses, and can point back at any object through a generic relation."""

import re
from dataclasses import dataclass
from datetime import timedelta
from email.message import Message as PlainMessage
from email.utils import formataddr, make_msgid, parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.template import TemplateSyntaxError
from django.urls import reverse
from django.utils import timezone

from accounts.background import enqueue_on_commit

from . import branding, rendering
from .defaults import SYSTEM_KEYS
from .models import EmailAttachment, EmailEvent, EmailMessage, EmailTemplate
from .sending import Sender, UnclearDelivery, describe

# Waits before the second and third tries; after the third failure the message is failed.
RETRY_DELAYS = (timedelta(minutes=2), timedelta(minutes=10))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A try still "sending" after this has lost its worker: the cluster kills a task after its timeout.
STUCK_AFTER = timedelta(seconds=settings.Q_CLUSTER.get("timeout", 120) + 60)
# A message queued this long ago without being tried has lost its task: the sweeper sends it.
LOST_AFTER = timedelta(minutes=1)
# Batches: messages per task, and the time a task may spend before handing the rest to a new one
# (well inside the cluster's timeout, so no task is killed half way).
BATCH_SIZE = 20
BATCH_TIME_BUDGET = timedelta(seconds=settings.Q_CLUSTER.get("timeout", 120) / 2)


def sender_address(organization):
    """From: the organisation by name at our address. CR/LF dropped, so a name can't add a header."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if organization is not None:
        name = organization.name
    name = " ".join(name.split())  # any CR, LF or run of spaces becomes one space
    return formataddr((name, address)) if name else address


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


def send_test(*, template, user):
    """Queue `template` to `user` alone, filled with their organisation's sample values, as a test:
    the outbox marks it and the analytics leave it out."""
    values = rendering.sample_values_for(template.organization, viewer=user)
    subject, html, text = render_template(template, values)
    return queue_email(
        organization=template.organization, to=[user.email], subject=f"[Test] {subject}", html=html, text=text,
        template=template, values=values, sent_by=user, is_test=True,
    )  # fmt: skip


def _checked_written(subject, body):
    """Refuse, field by field, a person's text that can't be an email whatever the values."""
    errors = {}
    for field, label, source in (("subject", "Subject", subject), ("body", "Body", body)):
        if not (source or "").strip():
            errors[field] = [f"{label}: write something."]
        elif problems := rendering.check(source, label=label, strict=True)[0]:
            errors[field] = problems
    if errors:
        raise ValidationError(errors)


def _render_checked(subject, body, values, *, recipient=""):
    """(subject, html, text) of checked text for `values`; ValidationError when these values break it."""
    for_whom = f" (for {recipient})" if recipient else ""
    try:
        subject = rendering.render(subject, values, html_output=False)
    except Exception as error:  # over the budget, or a filter that fails on this value: say so, never a 500
        raise ValidationError({"subject": [f"Subject{for_whom}: {_reason(error)}"]}) from error
    try:
        html = rendering.clean_html(rendering.render_html(body, values))
    except Exception as error:  # as above
        raise ValidationError({"body": [f"Body{for_whom}: {_reason(error)}"]}) from error
    # A plain-text render is a SafeString, which a page would print unescaped; join() makes a plain str.
    subject = " ".join(subject.split())
    if not subject:
        raise ValidationError({"subject": [f"Subject{for_whom}: it comes out empty."]})
    text = rendering.text_from_html(html)
    if not text and "<img" not in html:
        raise ValidationError({"body": [f"Body{for_whom}: nothing is left to send once unsafe markup is removed."]})
    return subject, html, text


def _reason(error):
    if isinstance(error, TemplateSyntaxError):
        return str(error)
    return f"it can't be filled in ({error.__class__.__name__}: {error})."


def render_written(*, subject, body, values):
    """(subject, html, text) of a person's own text (an email edited before sending) for the flat `values`.

    `subject` and `body` are template sources, as in a template: variables allowed, the body HTML.
    Unlike a saved template, an unknown variable is an error (nothing could fix it later). The
    render runs on the usual budget, and the HTML is cleaned by nh3 after rendering (the text
    around the variables is the person's own markup). Raises ValidationError, keyed "subject" and
    "body", when the text can't be sent.
    """
    _checked_written(subject, body)
    return _render_checked(subject, body, values)


MAX_CC = 5


def clean_addresses(addresses, *, limit=MAX_CC):
    """`addresses` stripped, without blanks or repeats (whatever their case): at most `limit`, each valid.

    Raises ValidationError naming each one that isn't an address (a header can't be smuggled in: an
    address with a line break is not valid), or saying there are too many.
    """
    found = {}
    for address in addresses:
        address = (address or "").strip()
        if address:
            found.setdefault(address.lower(), address)
    bad = []
    for address in found.values():
        try:
            validate_email(address)
        except ValidationError:
            bad.append(address)
    if bad:
        raise ValidationError(f"Not an email address: {', '.join(bad)}.")
    if len(found) > limit:
        raise ValidationError(f"At most {limit} addresses, please (there are {len(found)}).")
    return list(found.values())


# All of one message's attachments together: a calendar invitation is a few kilobytes, and a batch of
# BATCH_SIZE messages holds its messages' attachments in memory at once (deliver_batch).
MAX_ATTACHMENTS_SIZE = 5 * 1024 * 1024
# An RFC 2045 token (a type, subtype, parameter name or bare value).
_MIME_WORD = r"[A-Za-z0-9!#$%&'*+.^_`|~-]+"
# type/subtype, then any ;name=value parameters (a value a token or a quoted string): RFC 2045's Content-Type.
_MIMETYPE = re.compile(rf'{_MIME_WORD}/{_MIME_WORD}( *; *{_MIME_WORD}=({_MIME_WORD}|"[^"\\\x00-\x1f\x7f]*"))*')


@dataclass(frozen=True)
class Attachment:
    """A file to send with a message. `mimetype` is the whole Content-Type value, parameters included
    ("text/calendar; method=REQUEST"), sent as it is; `as_alternative` makes it a body part beside the
    text and HTML (a calendar's invitation) instead of a file to open."""

    filename: str
    content: bytes
    mimetype: str
    as_alternative: bool = False


def _checked_attachments(attachments):
    """`attachments` as a tuple of Attachment; ValidationError, naming the file, for one that can't be sent."""
    attachments = tuple(attachments)
    errors = []
    for attachment in attachments:
        if not isinstance(attachment, Attachment):
            errors.append(f"An attachment must be a mail.services.Attachment, not {type(attachment).__name__}.")
            continue
        name = attachment.filename
        label = f"Attachment “{name}”" if isinstance(name, str) else "An attachment"
        if not isinstance(name, str) or not name.strip():
            errors.append("An attachment needs a file name.")
        elif len(name) > 255:
            errors.append(f"{label}: a file name has at most 255 characters.")
        elif any(ord(character) < 32 or character in "/\\\x7f" for character in name):
            errors.append(f"{label}: a file name can't hold a line break, another control character, / or \\.")
        if not isinstance(attachment.content, bytes):
            errors.append(f"{label}: its content must be bytes, not {type(attachment.content).__name__}.")
        mimetype = attachment.mimetype
        if not isinstance(mimetype, str) or len(mimetype) > 150 or not _MIMETYPE.fullmatch(mimetype):
            errors.append(f"{label}: {mimetype!r} is not a Content-Type such as text/calendar; method=REQUEST.")
        elif isinstance(attachment.content, bytes) and not _sendable_text(mimetype, attachment.content):
            errors.append(f"{label}: text without a charset parameter is sent as UTF-8, and this is not UTF-8.")
    if errors:
        raise ValidationError(errors)
    total = sum(len(attachment.content) for attachment in attachments)
    if total > MAX_ATTACHMENTS_SIZE:
        raise ValidationError(
            f"Attachments: {total / 1024 / 1024:.1f} MB in all, over the {MAX_ATTACHMENTS_SIZE // 1024 // 1024} MB "
            "a message may carry."
        )
    return attachments


def _sendable_text(mimetype, content):
    """False for text without a charset parameter that is not UTF-8 (sending declares it UTF-8)."""
    header = PlainMessage()
    header["Content-Type"] = mimetype
    if header.get_content_maintype() != "text" or header.get_param("charset") is not None:
        return True
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _store_attachments(message, attachments):
    EmailAttachment.objects.bulk_create(
        EmailAttachment(
            message=message, filename=attachment.filename, mimetype=attachment.mimetype,
            content=attachment.content, as_alternative=attachment.as_alternative,
        )
        for attachment in attachments
    )  # fmt: skip


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


def _new_message(*, organization, to, subject, html, text, template, values, related, reply_to, sent_by,
                 sensitive, idempotency_key, content_types=None, cc=(), is_test=False):  # fmt: skip
    # The plain part is made from the message itself, before the layout adds its header and footer.
    text = text or (rendering.text_from_html(html) if html else "")
    if organization is not None and html:
        # Every HTML email an organisation sends wears its layout (logo, colour, privacy notice, status link).
        html, text = branding.brand(
            organization, html=html, text=text, values=values, tracked=not sensitive, subject=subject
        )
    message = EmailMessage(
        organization=organization,
        to=to,
        cc=list(cc),
        from_email=sender_address(organization),
        reply_to=reply_to,
        subject=subject[:255],
        html_body=html,
        text_body=text,
        template=template,
        # A secret's message keeps no values: they are the secret.
        context={} if sensitive else (values or {}),
        sent_by=sent_by,
        sensitive=sensitive,
        idempotency_key=idempotency_key,
        is_test=is_test,
        message_id=make_msgid(domain=urlsplit(settings.SITE_URL).hostname or "localhost"),
    )
    if related is not None:
        model = type(related)
        cache = content_types if content_types is not None else {}
        cache.setdefault(model, ContentType.objects.get_for_model(model))
        message.content_type, message.object_id = cache[model], related.pk
    if message.html_body and not sensitive:
        message.html_body, message.links = _track(message, html)
    return message


@transaction.atomic
def queue_email(*, organization, to, subject, html="", text="", template=None, values=None, related=None,
                reply_to="", sent_by=None, sensitive=False, idempotency_key=None, cc=(),
                attachments=(), is_test=False):  # fmt: skip
    """Store one message (queued) and hand it to the worker once the transaction commits.

    The row is the record: written in the caller's transaction, it is sent by the task or, should
    the task be lost, by the sweeper (deliver_due). With an `idempotency_key` ("ack:<id>") a second
    call returns the first call's message and queues nothing (its attachments are the first
    call's too). `sensitive` messages (carrying a secret link) are never tracked and lose their
    bodies and attachments once sent. Click tracking follows only the links of a rendered template
    (render_template's html); other `html` keeps its links. `organization` is None for the site's
    own account emails. `cc`: see clean_addresses. `attachments` (Attachment) are stored with the
    message, so every try sends the same bytes; ValidationError, naming the file, for one that
    can't be sent, or when together they pass MAX_ATTACHMENTS_SIZE. `is_test` marks a template's test
    send: the outbox says so and the analytics leave it out.
    """
    to = [address.strip() for address in to if address and address.strip()]
    if not to:
        raise ValidationError("An email needs at least one recipient.")
    cc = clean_addresses(cc)
    attachments = _checked_attachments(attachments)
    if idempotency_key:
        existing = EmailMessage.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    message = _new_message(
        organization=organization, to=to, subject=subject, html=html, text=text, template=template,
        values=values, related=related, reply_to=reply_to, sent_by=sent_by, sensitive=sensitive,
        idempotency_key=idempotency_key or None, cc=cc, is_test=is_test,
    )  # fmt: skip
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        if not idempotency_key:
            raise
        return EmailMessage.objects.get(idempotency_key=idempotency_key)  # queued at the same instant
    _store_attachments(message, attachments)
    EmailEvent.objects.create(message=message, kind=EmailEvent.Kind.QUEUED)
    enqueue_on_commit("mail.tasks.deliver", message.pk)
    return message


def send_template(*, organization, key, to, values, related=None, reply_to="", sent_by=None, idempotency_key=None,
                  attachments=()):  # fmt: skip
    """Queue the organisation's template `key` rendered with `values`; None when there is no such template.

    `attachments` and `idempotency_key`: see queue_email. A template these values can't fill leaves
    a failed message without them.
    """
    attachments = _checked_attachments(attachments)
    if idempotency_key:
        existing = EmailMessage.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing  # not even rendered again
    template = EmailTemplate.objects.filter(organization=organization, key=key, is_active=True).first()
    if template is None:
        return None
    try:
        subject, html, text = render_template(template, values)
    except TemplateSyntaxError as error:  # e.g. over the render budget with these values
        return _unfillable(template, error, to=to, related=related, sent_by=sent_by, idempotency_key=idempotency_key)
    return queue_email(
        organization=organization, to=to, subject=subject, html=html, text=text, template=template,
        values=values, related=related, reply_to=reply_to, sent_by=sent_by, idempotency_key=idempotency_key,
        attachments=attachments,
    )  # fmt: skip


@transaction.atomic
def _unfillable(template, error, *, to, related, sent_by, idempotency_key):
    """A template that fails with these values still leaves a row: failed, saying why, so the
    outbox shows it and the work that queued it (an application) is not undone by it."""
    message = _new_message(
        organization=template.organization, to=[address for address in to if address], subject=template.name,
        html="", text="", template=template, values={}, related=related, reply_to="", sent_by=sent_by,
        sensitive=False, idempotency_key=idempotency_key,
    )  # fmt: skip
    message.status = EmailMessage.Status.FAILED
    message.last_error = f"The template “{template.name}” could not be filled in: {error}"[:2000]
    message.save()
    EmailEvent.objects.create(message=message, kind=EmailEvent.Kind.FAILED, detail=message.last_error)
    return message


# --- Delivery ---------------------------------------------------------------------------------
# A message goes queued -> sending -> sent, or back to queued (a retry), or to failed. Each step is
# committed before the next talks to the server, so whatever the worker's fate, the row says how far
# it got: "sending" without data_started_at means the server never had it (safe to send again);
# with it, the server may have it (unclear: a person decides, with Retry).


def _claim(message_id):
    """Lock a queued, due message and mark it sending; None when it is not this try's to send."""
    with transaction.atomic():
        message = EmailMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != EmailMessage.Status.QUEUED:
            return None  # sent, being sent, failed, or gone
        if message.next_attempt_at and message.next_attempt_at > timezone.now():
            return None  # not yet: deliver_due picks it up when it is time
        message.status = EmailMessage.Status.SENDING
        message.attempts += 1
        message.sending_started_at = timezone.now()
        message.data_started_at = None
        message.save(update_fields=["status", "attempts", "sending_started_at", "data_started_at"])
    return message


def _mark_data(message):
    """Committed before DATA: from here on, a try cut short may have delivered."""
    message.data_started_at = timezone.now()
    with transaction.atomic():
        EmailMessage.objects.filter(pk=message.pk).update(data_started_at=message.data_started_at)


def deliver(message_id, *, sender=None, attachments=None):
    """Send one queued message. Safe to call twice: a message already sent or being sent is left alone.

    `sender` is an open mail/sending.Sender when a batch shares one connection. `attachments` are
    the message's EmailAttachment rows when the caller loaded them (deliver_batch, one query for
    the batch); without them, one query reads this message's.
    """
    message = _claim(message_id)
    if message is None:
        return False
    if sender is None:
        with Sender() as own:
            return _deliver(message, own, attachments)
    return _deliver(message, sender, attachments)


def _deliver(message, sender, attachments):
    try:
        refused = sender.send(message, attachments=attachments, before_data=lambda: _mark_data(message))
    except Exception as error:  # any failure is recorded on the message, never lost
        _failed(message, error)
        return False
    now = timezone.now()
    sent = {"status": EmailMessage.Status.SENT, "sent_at": now, "last_error": "", "next_attempt_at": None}
    if message.sensitive:
        sent.update(html_body="", text_body="", context={})  # the secret leaves with the message
    detail = "; ".join(f"{address} refused ({code})" for address, (code, _) in refused.items())
    with transaction.atomic():
        EmailMessage.objects.filter(pk=message.pk).update(**sent)
        if message.sensitive:
            EmailAttachment.objects.filter(message=message).delete()  # its files may carry the secret too
        EmailEvent.objects.create(message=message, kind=EmailEvent.Kind.SENT, detail=detail, created_at=now)
    return True


def _failed(message, error):
    unclear = isinstance(error, UnclearDelivery)
    reason = str(error) if unclear else describe(error)
    if unclear:
        _fail(message, f"Delivery unclear, not retried automatically (the server may have it): {reason}")
    elif message.attempts < MAX_ATTEMPTS:
        _requeue(message, reason, delay=RETRY_DELAYS[message.attempts - 1])
    else:
        _fail(message, reason)


def _requeue(message, reason, *, delay=None):
    with transaction.atomic():
        EmailMessage.objects.filter(pk=message.pk).update(
            status=EmailMessage.Status.QUEUED,
            last_error=reason[:2000],
            next_attempt_at=timezone.now() + delay if delay is not None else None,
            sending_started_at=None,
            data_started_at=None,
        )
        EmailEvent.objects.create(message=message, kind=EmailEvent.Kind.RETRYING, detail=reason[:2000])


def _fail(message, reason):
    with transaction.atomic():
        EmailMessage.objects.filter(pk=message.pk).update(
            status=EmailMessage.Status.FAILED, last_error=reason[:2000], next_attempt_at=None
        )
        EmailEvent.objects.create(message=message, kind=EmailEvent.Kind.FAILED, detail=reason[:2000])


def deliver_batch(message_ids):
    """Send `message_ids` over one connection; returns the ids left for another task (time ran out)."""
    deadline = timezone.now() + BATCH_TIME_BUDGET
    # The batch's attachments in one query, not one per message. Read before the claims, they still
    # hold when a message is claimed: written with their message, they are only deleted by what also
    # takes it out of the queue (erasure fails a queued message; a secret's go once it is sent).
    attachments = {}
    for attachment in EmailAttachment.objects.filter(message_id__in=list(message_ids)):
        attachments.setdefault(attachment.message_id, []).append(attachment)
    with Sender() as sender:
        for index, message_id in enumerate(message_ids):
            if timezone.now() > deadline:
                return list(message_ids[index:])
            deliver(message_id, sender=sender, attachments=attachments.get(message_id, []))
    return []


def recover_stuck(*, now=None):
    """Tries whose worker died: resent when the server never had the data, else failed as unclear."""
    now = now or timezone.now()
    stuck = EmailMessage.objects.filter(status=EmailMessage.Status.SENDING, sending_started_at__lt=now - STUCK_AFTER)
    recovered = 0
    for message_id in stuck.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            message = EmailMessage.objects.select_for_update().filter(pk=message_id).first()
            if message is None or message.status != EmailMessage.Status.SENDING:
                continue
            started = timezone.localtime(message.sending_started_at).strftime("%Y-%m-%d %H:%M:%S %Z")
            if message.data_started_at is not None:
                _fail(message, f"Delivery unclear, not retried automatically: the worker stopped while the server "
                      f"was receiving the message (try {message.attempts}, begun {started}), so it may have "
                      "arrived. Check with the recipient before retrying.")  # fmt: skip
            elif message.attempts < MAX_ATTEMPTS:
                # Due at once (a zero delay), so this same sweep sends it again.
                _requeue(message, f"The worker stopped before the server had the message (try {message.attempts}, "
                         f"begun {started}); sending again.", delay=timedelta(0))  # fmt: skip
            else:
                _fail(message, f"The worker stopped during each of {message.attempts} tries, before the server "
                      "had the message.")  # fmt: skip
        recovered += 1
    return recovered


def due_messages(*, now=None):
    """Queued messages the sweeper sends: retries whose time has come, and first tries whose task was lost."""
    now = now or timezone.now()
    return EmailMessage.objects.filter(status=EmailMessage.Status.QUEUED).filter(
        models.Q(next_attempt_at__lte=now) | models.Q(next_attempt_at=None, created_at__lte=now - LOST_AFTER)
    )


def enqueue_batches(message_ids):
    """One task per BATCH_SIZE messages, so no task nears the cluster's timeout."""
    for start in range(0, len(message_ids), BATCH_SIZE):
        enqueue_on_commit("mail.tasks.deliver_many", list(message_ids[start : start + BATCH_SIZE]))


@transaction.atomic
def retry(*, message):
    """A person's "retry" on a failed message: queue it again, now. Sent messages are never resent."""
    message = EmailMessage.objects.select_for_update().get(pk=message.pk)
    if message.status != EmailMessage.Status.FAILED:
        raise ValidationError("Only a failed message can be retried.")
    if message.events.filter(kind=EmailEvent.Kind.ERASED).exists():
        raise ValidationError("This message was erased: there is nothing left to send.")
    if message.template_id and not (message.text_body or message.html_body):  # see _unfillable
        raise ValidationError("This message has no content to send: fix its template, then send it again.")
    message.status = EmailMessage.Status.QUEUED
    message.attempts = 0
    message.next_attempt_at = message.sending_started_at = message.data_started_at = None
    message.save(update_fields=["status", "attempts", "next_attempt_at", "sending_started_at", "data_started_at"])
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

    `recipients` is a list of (address, values, related object). The worker gets one task per
    BATCH_SIZE messages, each sending over one connection.
    """
    rendered = [
        (address, values, related, *render_template(template, values)) for address, values, related in recipients
    ]
    return _queue_rendered(
        organization=organization, template=template, rendered=rendered, reply_to=reply_to, sent_by=sent_by
    )


@transaction.atomic
def queue_written(*, organization, subject, body, recipients, template=None, reply_to="", sent_by=None):
    """queue_many for a person's own text (see render_written): checked once, rendered per recipient.

    All or nothing: when the text can't be rendered for one recipient, ValidationError (saying for
    whom) and nothing is queued. `template` is the one the text started from, if any, for the log.
    """
    _checked_written(subject, body)
    rendered = [
        (address, values, related, *_render_checked(subject, body, values, recipient=address))
        for address, values, related in recipients
    ]
    return _queue_rendered(
        organization=organization, template=template, rendered=rendered, reply_to=reply_to, sent_by=sent_by
    )


def _queue_rendered(*, organization, template, rendered, reply_to, sent_by):
    """Write (address, values, related, subject, html, text) rows as queued messages, in a fixed number of queries."""
    content_types = {}
    messages = [
        _new_message(
            organization=organization, to=[address], subject=subject, html=html, text=text, template=template,
            values=values, related=related, reply_to=reply_to, sent_by=sent_by, sensitive=False,
            idempotency_key=None, content_types=content_types,
        )
        for address, values, related, subject, html, text in rendered
    ]  # fmt: skip
    EmailMessage.objects.bulk_create(messages)
    EmailEvent.objects.bulk_create(EmailEvent(message=m, kind=EmailEvent.Kind.QUEUED) for m in messages)
    enqueue_batches([m.pk for m in messages])
    return messages


# --- Sending to addresses (the JSON API's send/) ------------------------------------------------
# An integration names its recipients itself: one message each (nobody sees the others' addresses,
# and each is tracked and retried on its own), queued as the pages queue theirs.

MAX_RECIPIENTS = 50
MAX_CONTEXT_VALUES = 100
MAX_CONTEXT_VALUE_LENGTH = 10_000


def recipients(addresses):
    """`addresses` cleaned (see clean_addresses): at least one, at most MAX_RECIPIENTS; ValidationError keyed "to"."""
    try:
        found = clean_addresses(addresses, limit=MAX_RECIPIENTS)
    except ValidationError as error:
        raise ValidationError({"to": error.messages}) from error
    if not found:
        raise ValidationError({"to": ["Give at least one recipient."]})
    return found


def find_template(*, organization, name_or_key):
    """The organisation's active template with this key, else the one with this name (any case).

    ValidationError keyed "template" when there is none, or when several share the name (the key is unique).
    """
    active = EmailTemplate.objects.filter(organization=organization, is_active=True)
    template = active.filter(key=name_or_key).first()
    if template is not None:
        return template
    named = list(active.filter(name__iexact=name_or_key)[:2])
    if len(named) > 1:
        raise ValidationError({"template": [f"Several templates are named “{name_or_key}”: name it by its key."]})
    if not named:
        raise ValidationError({"template": [f"No active template has the key or name “{name_or_key}”."]})
    return named[0]


def context_values(context):
    """A caller's context as the flat values templates read ("candidate.first_name": "Ada").

    Both spellings are accepted: flat names, or one level of objects ({"candidate": {"first_name": "Ada"}}).
    Values are text, numbers, booleans or null; ValidationError keyed "context" for anything else.
    """
    if not isinstance(context, dict):
        raise ValidationError({"context": ['Give an object of values, e.g. {"candidate": {"first_name": "Ada"}}.']})
    flat, errors = {}, []
    for name, value in context.items():
        items = (
            [(f"{name}.{leaf}", inner) for leaf, inner in value.items()] if isinstance(value, dict) else [(name, value)]
        )
        for full_name, inner in items:
            if inner is not None and not isinstance(inner, (str, int, float, bool)):
                errors.append(f"“{full_name}” must be text, a number, true/false or null.")
            elif len(str(inner)) > MAX_CONTEXT_VALUE_LENGTH:
                errors.append(f"“{full_name}” is longer than {MAX_CONTEXT_VALUE_LENGTH:,} characters.")
            else:
                flat[full_name] = "" if inner is None else str(inner)
    if len(flat) > MAX_CONTEXT_VALUES:
        errors.append(f"At most {MAX_CONTEXT_VALUES} values, please (there are {len(flat)}).")
    if errors:
        raise ValidationError({"context": errors})
    return flat


@transaction.atomic
def queue_template_to(*, organization, to, template, context, sent_by=None):
    """Queue `template` filled with `context` (see context_values) to each of the addresses `to`.

    The organisation's and the sender's own values (organization.name, sender.email...) are ours, not
    the caller's. A template these values can't fill is refused (ValidationError keyed "context")
    and nothing is queued. Returns the messages.
    """
    addresses = recipients(to)
    values = {**context_values(context), **rendering.base_values(organization, sender=sent_by)}
    try:
        subject, html, text = render_template(template, values)
    except Exception as error:  # over the budget, or a filter that fails on this value: say so, never a 500
        raise ValidationError(
            {"context": [f"The template can't be filled in with these values: {_reason(error)}"]}
        ) from error
    return _queue_to(organization, addresses, template=template, values=values, rendered=(subject, html, text),
                     sent_by=sent_by)  # fmt: skip


@transaction.atomic
def queue_written_to(*, organization, to, subject, body_html="", body_text="", sent_by=None):
    """Queue a caller's own email to each of the addresses `to`, checked as render_written checks a person's.

    Subject and bodies are template sources over mail's own variables (the organisation, the sender);
    the HTML is cleaned by nh3. Without `body_text` the plain part is made from the HTML; without
    `body_html` the message is plain text. ValidationError keyed to, subject, body_html or body_text.
    """
    addresses = recipients(to)
    values = rendering.base_values(organization, sender=sent_by)
    if not (body_html or "").strip() and not (body_text or "").strip():
        raise ValidationError({"body_html": ["Write an HTML body, a text body, or both."]})
    if (body_html or "").strip():
        try:
            subject, html, text = render_written(subject=subject, body=body_html, values=values)
        except ValidationError as error:
            raise ValidationError(
                {"body_html" if field == "body" else field: messages for field, messages in error.message_dict.items()}
            ) from error
    else:
        html, text = "", ""
        subject = " ".join(_render_text(subject, values, field="subject", label="Subject").split())
        if not subject:
            raise ValidationError({"subject": ["Subject: write something."]})
    if (body_text or "").strip():
        text = _render_text(body_text, values, field="body_text", label="Text body")
    return _queue_to(organization, addresses, template=None, values=values, rendered=(subject, html, text),
                     sent_by=sent_by)  # fmt: skip


def _render_text(source, values, *, field, label):
    """A person's plain-text template source rendered: unknown variables are errors (see render_written)."""
    if problems := rendering.check(source or "", label=label, strict=True)[0]:
        raise ValidationError({field: problems})
    try:
        return str(rendering.render(source, values, html_output=False)).strip()
    except Exception as error:  # as in _render_checked
        raise ValidationError({field: [f"{label}: {_reason(error)}"]}) from error


def _queue_to(organization, addresses, *, template, values, rendered, sent_by):
    rows = [(address, values, None, *rendered) for address in addresses]
    reply_to = sent_by.email if sent_by else ""
    return _queue_rendered(organization=organization, template=template, rendered=rows, reply_to=reply_to,
                           sent_by=sent_by)  # fmt: skip


def delete_template(*, template):
    """Delete a template the system does not send by its key; its messages stay in the log, without it.

    The default templates (mail.defaults) are what applications, interviews and rejections send:
    those are switched off (is_active), never deleted (ValidationError keyed "key").
    """
    if template.key in SYSTEM_KEYS:
        raise ValidationError({"key": ["The system sends this template by its key: switch it off instead."]})
    template.delete()
