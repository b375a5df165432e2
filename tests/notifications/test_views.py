"""/notifications/: the inbox and its filters, marking read, opening, the bell's dropdown and count,
folded bursts, the preferences page; only ever the member's own rows in their current organisation."""

import html
from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.middleware import SESSION_KEY
from accounts.models import Membership
from notifications.models import Category, DigestSchedule, Email, Notification, NotificationPreference
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def make(user, organization, title, *, category=Category.MENTION, read=False, **fields):
    return Notification.objects.create(
        recipient=user,
        organization=organization,
        category=category,
        title=title,
        read_at=timezone.now() if read else None,
        **fields,
    )


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def colleague(member):
    return member(name="Colin Colleague")


# --- The inbox ----------------------------------------------------------------


def test_the_inbox_lists_only_my_notifications_in_my_current_organisation(
    recruiter_client, recruiter, organization, colleague
):
    make(recruiter, organization, "Mine here")
    make(colleague, organization, "A colleague's")
    elsewhere = OrganizationFactory(name="Elsewhere Ltd")
    MembershipFactory(user=recruiter, organization=elsewhere, role=Membership.Role.RECRUITER)
    make(recruiter, elsewhere, "Mine elsewhere")

    response = recruiter_client.get("/notifications/")

    assert response.status_code == 200
    page = text(response)
    assert "Mine here" in page
    assert "A colleague's" not in page
    assert "Mine elsewhere" not in page


def test_switching_organisation_shows_that_organisations_notifications(recruiter_client, recruiter, organization):
    make(recruiter, organization, "Mine here")
    elsewhere = OrganizationFactory(name="Elsewhere Ltd")
    MembershipFactory(user=recruiter, organization=elsewhere, role=Membership.Role.RECRUITER)
    make(recruiter, elsewhere, "Mine elsewhere")
    session = recruiter_client.session
    session[SESSION_KEY] = elsewhere.pk
    session.save()

    response = recruiter_client.get("/notifications/")

    assert response.status_code == 200
    assert "Mine elsewhere" in text(response)
    assert "Mine here" not in text(response)


def test_the_unread_filter_shows_only_unread(recruiter_client, recruiter, organization):
    make(recruiter, organization, "Still unread")
    make(recruiter, organization, "Already read", read=True)

    response = recruiter_client.get("/notifications/", {"unread": "1"})

    assert response.status_code == 200
    assert "Still unread" in text(response)
    assert "Already read" not in text(response)


def test_the_category_filter_shows_only_that_category(recruiter_client, recruiter, organization):
    make(recruiter, organization, "You were mentioned", category=Category.MENTION)
    make(recruiter, organization, "Someone was hired", category=Category.HIRE)

    response = recruiter_client.get("/notifications/", {"category": Category.HIRE})

    assert response.status_code == 200
    assert "Someone was hired" in text(response)
    assert "You were mentioned" not in text(response)


def test_an_unknown_category_shows_everything(recruiter_client, recruiter, organization):
    make(recruiter, organization, "You were mentioned", category=Category.MENTION)
    make(recruiter, organization, "Someone was hired", category=Category.HIRE)

    response = recruiter_client.get("/notifications/", {"category": "nonsense"})

    assert response.status_code == 200
    assert "Someone was hired" in text(response)
    assert "You were mentioned" in text(response)


def test_a_burst_folds_into_one_line(recruiter_client, recruiter, organization):
    for name in ("Ada", "Grace", "Linus"):
        make(
            recruiter,
            organization,
            f"{name} applied for Backend Engineer",
            category=Category.NEW_APPLICATION,
            subject="Backend Engineer",
            group_key="job:1",
        )

    response = recruiter_client.get("/notifications/")

    assert response.status_code == 200
    page = text(response)
    assert "3 new applications for Backend Engineer" in page
    assert page.count('class="notification-item') == 1
    assert "Grace applied for Backend Engineer" in page  # the items are still there, inside the fold


# --- Marking read ---------------------------------------------------------------


def test_marking_another_members_notification_read_is_404_and_leaves_it_unread(
    recruiter_client, colleague, organization
):
    theirs = make(colleague, organization, "A colleague's")

    response = recruiter_client.post("/notifications/read/", {"id": theirs.pk})

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_my_notification_read(recruiter_client, recruiter, organization):
    mine = make(recruiter, organization, "Mine")
    other = make(recruiter, organization, "Another of mine")

    response = recruiter_client.post("/notifications/read/", {"id": mine.pk})

    assert response.status_code == 302
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at is not None
    assert other.read_at is None


def test_mark_all_read_marks_only_mine(recruiter_client, recruiter, organization, colleague):
    mine = [make(recruiter, organization, f"Mine {n}") for n in range(3)]
    theirs = make(colleague, organization, "A colleague's")

    response = recruiter_client.post("/notifications/read/", {"all": "1"})

    assert response.status_code == 302
    assert Notification.objects.filter(pk__in=[row.pk for row in mine], read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


# --- Opening --------------------------------------------------------------------


def test_opening_marks_read_and_goes_to_its_page(recruiter_client, recruiter, organization):
    mine = make(recruiter, organization, "Mine", url="/pipeline/candidates/7/")

    response = recruiter_client.post(f"/notifications/{mine.pk}/open/")

    assert response.status_code == 302
    assert response["Location"] == "/pipeline/candidates/7/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_opening_never_leaves_the_site(recruiter_client, recruiter, organization):
    mine = make(recruiter, organization, "Mine", url="https://evil.example/phish")

    response = recruiter_client.post(f"/notifications/{mine.pk}/open/")

    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_marking_read_goes_back_only_to_this_site(recruiter_client, recruiter, organization):
    mine = make(recruiter, organization, "Mine")

    inside = recruiter_client.post("/notifications/read/", {"id": mine.pk, "next": "/pipeline/"})
    outside = recruiter_client.post("/notifications/read/", {"all": "1", "next": "https://evil.example/"})

    assert inside["Location"] == "/pipeline/"
    assert outside.status_code == 302
    assert outside["Location"] == "/notifications/"


def test_opening_another_members_notification_is_404(recruiter_client, colleague, organization):
    theirs = make(colleague, organization, "A colleague's", url="/pipeline/candidates/7/")

    response = recruiter_client.post(f"/notifications/{theirs.pk}/open/")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_by_get_is_405(recruiter_client, recruiter, organization):
    mine = make(recruiter, organization, "Mine", url="/pipeline/candidates/7/")

    response = recruiter_client.get(f"/notifications/{mine.pk}/open/")

    assert response.status_code == 405
    mine.refresh_from_db()
    assert mine.read_at is None


# --- The bell -------------------------------------------------------------------


def test_the_dropdown_shows_the_newest_ten(recruiter_client, recruiter, organization):
    start = timezone.now()
    for n in range(1, 13):
        make(recruiter, organization, f"Item {n:02d}", created_at=start + timedelta(seconds=n))

    response = recruiter_client.get("/notifications/latest/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    page = text(response)
    assert page.count('class="notification-item') == 10
    assert "Item 12" in page and "Item 03" in page
    assert "Item 02" not in page and "Item 01" not in page


def test_the_count_renders_my_unread_number(recruiter_client, recruiter, organization, colleague):
    for n in range(3):
        make(recruiter, organization, f"Unread {n}")
    make(recruiter, organization, "Read", read=True)
    make(colleague, organization, "A colleague's")

    response = recruiter_client.get("/notifications/count/")

    assert response.status_code == 200
    assert "3 unread" in text(response)


def test_the_count_says_none_when_all_is_read(recruiter_client, recruiter, organization):
    make(recruiter, organization, "Read", read=True)

    response = recruiter_client.get("/notifications/count/")

    assert response.status_code == 200
    assert "none unread" in text(response)


def test_every_page_shows_the_bell_with_my_count(recruiter_client, recruiter, organization):
    make(recruiter, organization, "Unread")

    response = recruiter_client.get("/notifications/preferences/")

    assert response.status_code == 200
    assert 'id="bell-count"' in text(response)
    assert "1 unread" in text(response)


def queries_for(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/notifications/", "/notifications/latest/"])
def test_the_number_of_queries_does_not_grow_with_notifications(
    recruiter_client, recruiter, organization, member, path
):
    actors = [member(name=f"Actor {n}") for n in range(12)]

    def add(count):
        for n in range(count):
            make(recruiter, organization, f"Row {n}", actor=actors[n % len(actors)], category=Category.HIRE)

    add(2)
    few = queries_for(recruiter_client, path)
    add(40)
    many = queries_for(recruiter_client, path)

    assert many == few


# --- Preferences ----------------------------------------------------------------


def preference_form(categories, *, send_at="07:30", **overrides):
    """Every category in the app and emailed as default-ish, with `overrides` ({field: value or None})."""
    data = {"send_at": send_at}
    for category in categories:
        data[f"{category}-in_app"] = "on"
        data[f"{category}-email"] = Email.DIGEST
    for name, value in overrides.items():
        name = name.replace("__", "-")
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


RECRUITER_CATEGORIES = [c for c in Category.values if c != Category.MEMBER_JOINED]


def test_the_preferences_page_saves_choices_and_the_digest_time(recruiter_client, recruiter):
    data = preference_form(
        RECRUITER_CATEGORIES, mention__email=Email.IMMEDIATE, hire__in_app=None, hire__email=Email.OFF
    )

    response = recruiter_client.post("/notifications/preferences/", data)

    assert response.status_code == 302
    assert response["Location"] == "/notifications/preferences/"
    hire = NotificationPreference.objects.get(user=recruiter, category=Category.HIRE)
    assert (hire.in_app, hire.email) == (False, Email.OFF)
    mention = NotificationPreference.objects.get(user=recruiter, category=Category.MENTION)
    assert (mention.in_app, mention.email) == (True, Email.IMMEDIATE)
    assert DigestSchedule.objects.get(user=recruiter).send_at == time(7, 30)


def test_the_preferences_page_refuses_a_digest_without_in_app(recruiter_client, recruiter):
    data = preference_form(RECRUITER_CATEGORIES, send_at="06:45", mention__in_app=None, mention__email=Email.DIGEST)

    response = recruiter_client.post("/notifications/preferences/", data)

    assert response.status_code == 400
    page = text(response)
    assert "The digest gathers what is unread in the app" in page
    assert 'value="06:45"' in page  # what they entered is kept
    assert 'name="mention-email" id="id_mention-email" aria-describedby' in page
    assert not NotificationPreference.objects.filter(user=recruiter).exists()
    assert not DigestSchedule.objects.filter(user=recruiter).exists()


def test_a_recruiter_is_not_offered_who_joined(recruiter_client):
    response = recruiter_client.get("/notifications/preferences/")

    assert response.status_code == 200
    assert 'name="task_due-email"' in text(response)
    assert 'name="member_joined-email"' not in text(response)


# --- Access and safety ------------------------------------------------------------


@pytest.mark.parametrize("path", ["/notifications/", "/notifications/latest/", "/notifications/count/",
                                  "/notifications/preferences/"])  # fmt: skip
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert f"next={path}" in response["Location"].replace("%2F", "/")


def test_anonymous_posts_change_nothing(client, recruiter, organization):
    mine = make(recruiter, organization, "Mine")

    opened = client.post(f"/notifications/{mine.pk}/open/")
    marked = client.post("/notifications/read/", {"all": "1"})

    assert opened.status_code == marked.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is None


def test_a_get_of_every_page_writes_nothing(recruiter_client, recruiter, organization):
    mine = make(recruiter, organization, "Mine", url="/pipeline/candidates/7/")
    models = (Notification, NotificationPreference, DigestSchedule)
    before = [model.objects.count() for model in models]

    responses = [
        recruiter_client.get(path)
        for path in (
            "/notifications/",
            "/notifications/?unread=1",
            "/notifications/latest/",
            "/notifications/count/",
            "/notifications/preferences/",
        )
    ]

    assert [response.status_code for response in responses] == [200] * 5
    assert [model.objects.count() for model in models] == before
    mine.refresh_from_db()
    assert mine.read_at is None
