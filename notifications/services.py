"""Telling members: notify() and what reading does. The apps above decide whom to tell about what."""

from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.permissions import can
from mail import services as mail

from . import live
from .models import DEFAULT_EMAIL, Category, DigestSchedule, Email, Notification, NotificationPreference


def preferences_for(user_ids, category):
    """{user id: (in_app, email)} for `category`, each member's row or the default."""
    chosen = dict.fromkeys(user_ids, (True, DEFAULT_EMAIL[category]))
    rows = NotificationPreference.objects.filter(user_id__in=list(user_ids), category=category)
    for user_id, in_app, email in rows.values_list("user_id", "in_app", "email"):
        chosen[user_id] = (in_app, email)
    return chosen


def choices_of(user):
    """{category: (in_app, email)} for every category: `user`'s rows, else the defaults."""
    chosen = {category: (True, DEFAULT_EMAIL[category]) for category in Category.values}
    for category, in_app, email in user.notification_preferences.values_list("category", "in_app", "email"):
        chosen[category] = (in_app, email)
    return chosen


@transaction.atomic
def notify(*, category, recipients, organization, key, title, actor=None, body="", url="", target=None,
           subject="", group_key=""):  # fmt: skip
    """Tell each of `recipients` (users) about one thing, as each chose for `category`; returns the new rows.

    The person who acted (`actor`) is never told of their own act, nor is anyone who is no longer an
    active member of `organization`. In-app off: no row. Email "immediately": one message through the
    outbox; "digest": the row waits for the daily digest. `key` names the event ("mention:<note id>"):
    each member is told of it once, however often a task runs (a unique row, an idempotent email).
    """
    wanted = {user.pk for user in recipients if user is not None}
    wanted.discard(getattr(actor, "pk", None))
    members = Membership.objects.filter(
        organization=organization, user_id__in=wanted, is_active=True, user__is_active=True
    ).select_related("user")
    users = {membership.user_id: membership.user for membership in members}
    if not users:
        return []
    told = set(Notification.objects.filter(recipient_id__in=users, key=key).values_list("recipient_id", flat=True))
    choices = preferences_for(users, category)
    rows, emails = [], []
    for user_id, user in users.items():
        in_app, email = choices[user_id]
        if in_app and user_id not in told:
            rows.append(
                Notification(
                    recipient=user, organization=organization, category=category, actor=actor, title=title[:255],
                    body=body, url=url, target=target, subject=subject[:255], group_key=group_key, key=key,
                    digest_pending=email == Email.DIGEST,
                )
            )  # fmt: skip
        if email == Email.IMMEDIATE:
            emails.append(user)
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    for user in emails:
        _email(user, organization=organization, key=key, title=title, body=body, url=url, target=target)
    live.unread_changed([row.recipient_id for row in rows])
    return rows


def notify_member(*, organization, sender, user_id, category, title, body=""):
    """A message from `sender` to one member of `organization` (the JSON API's POST), told as they chose.

    Each call is its own event (a fresh key). The sender is its actor, unless they write to themselves
    (notify never tells an actor of their own act). ValidationError keyed "user_id" when that is no
    active member here, "category" when they can't receive it. Returns the in-app row, or None when
    the member turned in-app notifications of this category off.
    """
    membership = (
        Membership.objects.filter(organization=organization, user_id=user_id, is_active=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ValidationError({"user_id": ["No active member of your organisation has this id."]})
    if category not in categories_for(membership):
        raise ValidationError({"category": ["Only those who manage members are told of this category."]})
    key = f"message:{uuid4().hex}"
    notify(
        category=category, recipients=[membership.user], organization=organization, key=key, title=title, body=body,
        actor=sender if sender.pk != membership.user_id else None,
    )  # fmt: skip
    # notify's rows carry no ids (written ignoring conflicts): the one row is read back by its key.
    return Notification.objects.filter(recipient=membership.user, key=key).select_related("actor").first()


def _email(user, *, organization, key, title, body, url, target):
    """One notification's email. No sender: a notification email that fails tells nobody (no loop)."""
    context = {
        "user": user,
        "title": title,
        "body": body,
        "link": settings.SITE_URL + url if url else "",
        "preferences_link": settings.SITE_URL + reverse("notifications:preferences"),
        "organization": organization,
    }
    mail.queue_email(
        organization=organization,
        to=[user.email],
        subject=title[:255],
        text=render_to_string("notifications/email/notification.txt", context),
        html=render_to_string("notifications/email/notification.html", context),
        # The email points at what it is about, so erasing that person erases it (mail.erasure).
        related=target,
        idempotency_key=f"notification:{key}:{user.pk}"[:150],
    )


# --- Reading ----------------------------------------------------------------


def unread_count(user, organization):
    """The bell's number: one count on the unread index."""
    return Notification.objects.filter(recipient=user, organization=organization, read_at__isnull=True).count()


def mark_read(*, recipient, notifications):
    """Mark `notifications` (a queryset of `recipient`'s own) read; returns how many changed."""
    changed = notifications.filter(recipient=recipient, read_at__isnull=True).update(read_at=timezone.now())
    if changed:
        live.unread_changed([recipient.pk])
    return changed


def categories_for(membership):
    """The categories a member can receive: only those who manage members hear who joined."""
    hidden = set() if can(membership, "manage_members") else {Category.MEMBER_JOINED}
    return [category for category in Category.values if category not in hidden]


DIGEST_NEEDS_IN_APP = (
    "The digest gathers what is unread in the app: switch “in the app” on, or choose another email option."
)


def digest_conflicts(choices):
    """The categories of `choices` ({category: (in_app, email)}) whose digest could hold nothing: in-app off."""
    return [category for category, (in_app, email) in choices.items() if email == Email.DIGEST and not in_app]


@transaction.atomic
def save_preferences(*, user, choices, send_at):
    """Store `user`'s choices ({category: (in_app, email)}) and their digest's local time.

    ValidationError keyed "choices" for a digest without in-app notifications (see digest_conflicts).
    """
    if conflicts := digest_conflicts(choices):
        raise ValidationError({"choices": [f"{Category(c).label}: {DIGEST_NEEDS_IN_APP}" for c in conflicts]})
    for category, (in_app, email) in choices.items():
        NotificationPreference.objects.update_or_create(
            user=user, category=category, defaults={"in_app": in_app, "email": email}
        )
    DigestSchedule.objects.update_or_create(user=user, defaults={"send_at": send_at})


def schedule_of(user):
    """`user`'s digest schedule, or the default one (unsaved) until they choose."""
    return DigestSchedule.objects.filter(user=user).first() or DigestSchedule(user=user)


def change_preferences(*, membership, changes, send_at=None):
    """Change some of a member's choices and keep the rest (the JSON API's PATCH); then save_preferences.

    `changes` is {category: {"in_app": bool, "email": Email}}, either key left out to keep it; `send_at`
    None keeps the digest's time. ValidationError keyed "choices" for a category the member does
    not receive (categories_for), or a digest without in-app notifications.
    """
    receives = categories_for(membership)
    choices = {c: choice for c, choice in choices_of(membership.user).items() if c in receives}
    refused = [category for category in changes if category not in receives]
    if refused:
        raise ValidationError({"choices": [f"You don't receive “{category}” notifications." for category in refused]})
    for category, change in changes.items():
        in_app, email = choices[category]
        choices[category] = (change.get("in_app", in_app), change.get("email", email))
    if send_at is None:
        send_at = schedule_of(membership.user).send_at
    save_preferences(user=membership.user, choices=choices, send_at=send_at)
