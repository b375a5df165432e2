"""Reading a member's notifications: their own rows, in one organisation, bursts folded together."""

from dataclasses import dataclass, field

from django.utils import timezone

from .models import GROUP_TITLES, Notification


def notifications_of(user, organization):
    """The one scope every notification view reads through: another member's row is a 404."""
    return Notification.objects.filter(recipient=user, organization=organization)


@dataclass
class Group:
    """Notifications of one category about one subject, on one day: shown as one line."""

    items: list = field(default_factory=list)

    @property
    def first(self):
        return self.items[0]

    @property
    def unread(self):
        return any(not item.is_read for item in self.items)

    @property
    def title(self):
        if len(self.items) == 1:
            return self.first.title
        phrase = GROUP_TITLES.get(self.first.category, "{count} notifications about {subject}")
        return phrase.format(count=len(self.items), subject=self.first.subject)

    @property
    def ids(self):
        return [item.pk for item in self.items]


def _fold_key(row):
    if not row.group_key:
        return None
    return (row.category, row.group_key, timezone.localdate(row.created_at))


def grouped(rows):
    """Fold the rows sharing a category, subject and local day into one group ("5 new applications for …"),
    placed where its newest row was; rows without a group key stand alone."""
    groups, by_key = [], {}
    for row in rows:
        key = _fold_key(row)
        if key is not None and key in by_key:
            by_key[key].items.append(row)
            continue
        group = Group(items=[row])
        groups.append(group)
        if key is not None:
            by_key[key] = group
    return groups
