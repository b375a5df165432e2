"""Erasing what the outbox holds about a person, for the apps above that erase people.

mail knows nothing of candidates: the caller names the objects the messages point at (through the
generic relation) and the person's addresses. The rows stay, so the outbox's counts and dates do;
what they said and whom they went to does not.
"""

from email.utils import parseaddr

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from .models import EmailAttachment, EmailEvent, EmailMessage

ERASED_SUBJECT = "(erased)"
RECIPIENT_FIELDS = ("to", "cc", "bcc")


def _address(value):
    """The bare, lower-cased address of `value` ("Ada <Ada@Example.com>" -> "ada@example.com")."""
    return parseaddr(str(value))[1].strip().lower()


def _addresses(values):
    return {address for address in map(_address, values) if address}


def pointing_at(related):
    """A filter for rows whose generic relation (content_type, object_id) is one of `related`; None for none."""
    by_model = {}
    for obj in related:
        by_model.setdefault(type(obj), set()).add(obj.pk)
    if not by_model:
        return None
    content_types = ContentType.objects.get_for_models(*by_model)
    pointing = Q()
    for model, ids in by_model.items():
        pointing |= Q(content_type=content_types[model], object_id__in=ids)
    return pointing


def messages_about(*, organization, related=(), addresses=(), pks=()):
    """The organisation's messages that point at one of `related`, went to one of `addresses` (to, cc or
    bcc), or are one of `pks` (a digest that quoted the person, say)."""
    messages = EmailMessage.objects.filter(organization=organization)
    pks = set(messages.filter(pk__in=list(pks)).values_list("pk", flat=True)) if pks else set()
    pointing = pointing_at(related)
    if pointing is not None:
        pks |= set(messages.filter(pointing).values_list("pk", flat=True))
    wanted = _addresses(addresses)
    if wanted:
        # The JSON lists as text narrow it down in the database (a JSON "contains" SQLite lacks);
        # the exact address check is Python's, so "ada@x.test" never matches "bada@x.test".
        casts = {f"{field}_text": Cast(field, TextField()) for field in RECIPIENT_FIELDS}
        near = Q()
        for address in wanted:
            for name in casts:
                near |= Q(**{f"{name}__icontains": address})
        for pk, *lists in messages.annotate(**casts).filter(near).values_list("pk", *RECIPIENT_FIELDS):
            if any(_addresses(values or []) & wanted for values in lists):
                pks.add(pk)
    return EmailMessage.objects.filter(pk__in=pks)


@transaction.atomic
def erase_messages(*, organization, related=(), addresses=(), pks=()):
    """Blank what the organisation's messages about these objects or to these addresses say; returns how many.

    Each message keeps its row, status and dates: `addresses` leave its recipients, its subject
    becomes "(erased)", its bodies, attachments, template values, links and error go, its events
    lose their URL and detail, and an "erased" event is added. A message still queued is failed
    instead of sent.
    """
    wanted = _addresses(addresses)
    about = messages_about(organization=organization, related=related, addresses=addresses, pks=pks)
    messages = list(about.select_for_update())
    for message in messages:
        for field in RECIPIENT_FIELDS:
            setattr(message, field, [value for value in getattr(message, field) or [] if _address(value) not in wanted])
        message.subject = ERASED_SUBJECT
        message.html_body = message.text_body = ""
        message.context, message.links = {}, []
        message.last_error = ""
        if message.status == EmailMessage.Status.QUEUED:
            message.status = EmailMessage.Status.FAILED
            message.last_error = "Erased before it was sent."
            message.next_attempt_at = None
    EmailMessage.objects.bulk_update(
        messages,
        [*RECIPIENT_FIELDS, "subject", "html_body", "text_body", "context", "links", "last_error", "status",
         "next_attempt_at"],
    )  # fmt: skip
    EmailAttachment.objects.filter(message__in=messages).delete()
    EmailEvent.objects.filter(message__in=messages).update(url="", detail="")
    EmailEvent.objects.bulk_create(EmailEvent(message=message, kind=EmailEvent.Kind.ERASED) for message in messages)
    return len(messages)
