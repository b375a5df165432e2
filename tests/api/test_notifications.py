"""The notification API under /api/: notifications/ (mine, telling a member, marking read) and preferences/."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Membership
from mail.models import EmailMessage
from notifications.models import Category, DigestSchedule, Email, Notification, NotificationPreference
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def member(user):
    return Membership.objects.get(user=user)


def make_notification(user, organization, title, *, minutes_ago=0, read=False, category=Category.MENTION, **fields):
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return Notification.objects.create(
        recipient=user, organization=organization, category=category, title=title, created_at=at,
        read_at=at if read else None, **fields,
    )  # fmt: skip


@pytest.fixture
def inbox(recruiter, hiring_manager, organization, other_organization):
    """The recruiter's three notifications (one read), a colleague's, and the recruiter's in another organisation."""
    MembershipFactory(organization=other_organization, user=recruiter, role=Membership.Role.RECRUITER)
    return {
        "old": make_notification(recruiter, organization, "Old and read", minutes_ago=30, read=True),
        "middle": make_notification(recruiter, organization, "Middle", minutes_ago=20, body="About Ada"),
        "new": make_notification(recruiter, organization, "Newest", minutes_ago=10),
        "colleagues": make_notification(hiring_manager, organization, "Not yours"),
        "elsewhere": make_notification(recruiter, other_organization, "In Globex"),
    }


# --- notifications/ ------------------------------------------------------------------------------


def test_notifications_need_credentials(organization):
    response = APIClient().get("/api/notifications/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_i_read_my_own_newest_first(api_for, recruiter, inbox):
    response = api_for(recruiter).get("/api/notifications/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert [row["title"] for row in body["results"]] == ["Newest", "Middle", "Old and read"]
    middle = body["results"][1]
    assert {k: middle[k] for k in ("id", "type", "message", "read", "read_at", "user_id")} == {
        "id": inbox["middle"].pk, "type": "mention", "message": "About Ada", "read": False, "read_at": None,
        "user_id": recruiter.pk,
    }  # fmt: skip
    assert body["results"][2]["read"] is True


def test_pages_hold_page_size_notifications(api_for, recruiter, inbox):
    response = api_for(recruiter).get("/api/notifications/", {"page_size": 2})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and len(body["results"]) == 2
    assert "page=2" in body["next"] and body["previous"] is None


@pytest.mark.parametrize("unread, titles", [("true", ["Newest", "Middle"]), ("false", ["Old and read"])])
def test_unread_filters(api_for, recruiter, inbox, unread, titles):
    response = api_for(recruiter).get("/api/notifications/", {"unread": unread})

    assert response.status_code == 200
    assert [row["title"] for row in response.json()["results"]] == titles


def test_search_finds_titles_and_messages(api_for, recruiter, inbox):
    response = api_for(recruiter).get("/api/notifications/", {"search": "ada"})

    assert response.status_code == 200
    assert [row["title"] for row in response.json()["results"]] == ["Middle"]


@pytest.mark.parametrize("query", [{"unread": "maybe"}, {"type": "gossip"}])
def test_nonsense_filters_are_400s(api_for, recruiter, inbox, query):
    response = api_for(recruiter).get("/api/notifications/", query)

    assert response.status_code == 400
    assert set(response.json()) == set(query)


def test_the_list_costs_the_same_for_more_rows(api_for, recruiter, hiring_manager, organization, inbox):
    client = api_for(recruiter)
    client.get("/api/notifications/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/notifications/", {"page_size": 100}).status_code == 200
    for n in range(20):
        make_notification(recruiter, organization, f"More {n}", actor=hiring_manager if n % 2 else None)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/notifications/", {"page_size": 100})

    assert response.json()["count"] == 23
    assert len(many) == len(few)


def test_one_of_mine_reads(api_for, recruiter, inbox):
    response = api_for(recruiter).get(f"/api/notifications/{inbox['new'].pk}/")

    assert response.status_code == 200
    assert response.json()["title"] == "Newest"


@pytest.mark.parametrize("whose", ["colleagues", "elsewhere"])
def test_anothers_notification_or_another_organisations_is_a_404(api_for, recruiter, inbox, whose):
    client = api_for(recruiter)
    row = inbox[whose]

    assert client.get(f"/api/notifications/{row.pk}/").status_code == 404
    response = client.patch(f"/api/notifications/{row.pk}/", {"read": True}, format="json")
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_marking_one_read_sets_read_at(api_for, recruiter, inbox):
    response = api_for(recruiter).patch(f"/api/notifications/{inbox['new'].pk}/", {"read": True}, format="json")

    assert response.status_code == 200
    inbox["new"].refresh_from_db()
    assert inbox["new"].read_at is not None
    assert response.json()["read"] is True
    assert response.json()["read_at"] is not None
    inbox["middle"].refresh_from_db()
    assert inbox["middle"].read_at is None


def test_a_notification_is_not_marked_unread(api_for, recruiter, inbox):
    response = api_for(recruiter).patch(f"/api/notifications/{inbox['old'].pk}/", {"read": False}, format="json")

    assert response.status_code == 400
    assert response.json() == {"read": ["A notification can be marked read, not unread."]}
    inbox["old"].refresh_from_db()
    assert inbox["old"].read_at is not None


def test_mark_all_read_marks_only_mine_here(api_for, recruiter, inbox):
    response = api_for(recruiter).post("/api/notifications/mark-all-read/")

    assert response.status_code == 200
    assert response.json() == {"marked": 2}
    assert not Notification.objects.filter(recipient=recruiter, organization=inbox["new"].organization,
                                           read_at=None).exists()  # fmt: skip
    for untouched in ("colleagues", "elsewhere"):
        inbox[untouched].refresh_from_db()
        assert inbox[untouched].read_at is None


def test_an_api_key_neither_reads_nor_marks_a_persons_inbox(api_key_for, recruiter, organization, inbox):
    """A key acts for the organisation: its creator's inbox names candidates its role may not see."""
    client = api_key_for(Membership.objects.get(user=recruiter, organization=organization), read_only=False)

    listed = client.get("/api/notifications/")
    patched = client.patch(f"/api/notifications/{inbox['new'].pk}/", {"read": True}, format="json")
    marked = client.post("/api/notifications/mark-all-read/")

    assert [listed.status_code, patched.status_code, marked.status_code] == [403, 403, 403]
    assert "not for a person" in listed.json()["detail"]
    assert Notification.objects.filter(recipient=recruiter, read_at=None).count() == 3


def test_put_and_delete_are_not_offered(api_for, recruiter, inbox):
    client = api_for(recruiter)

    assert client.put(f"/api/notifications/{inbox['new'].pk}/", {"read": True}, format="json").status_code == 405
    assert client.delete(f"/api/notifications/{inbox['new'].pk}/").status_code == 405
    assert Notification.objects.filter(pk=inbox["new"].pk).exists()


# --- POST notifications/: telling a member ------------------------------------------------------------


def post(client, **body):
    return client.post("/api/notifications/", body, format="json")


def test_a_recruiter_tells_a_colleague(api_for, recruiter, hiring_manager, organization):
    response = post(api_for(recruiter), title="Look at Ada", message="She fits", type="mention",
                    user_id=hiring_manager.pk)  # fmt: skip

    assert response.status_code == 201
    row = Notification.objects.get(recipient=hiring_manager)
    assert (row.organization, row.category, row.title, row.body, row.actor) == (
        organization, "mention", "Look at Ada", "She fits", recruiter,
    )  # fmt: skip
    assert response.json()["id"] == row.pk
    assert response.json()["actor_name"] == recruiter.get_full_name()
    # Mentions are emailed at once unless the member chose otherwise: through the outbox.
    assert EmailMessage.objects.filter(to=[hiring_manager.email], subject="Look at Ada").count() == 1


def test_the_members_preferences_apply(api_for, recruiter, hiring_manager):
    NotificationPreference.objects.create(user=hiring_manager, category="mention", in_app=False, email=Email.OFF)

    response = post(api_for(recruiter), title="Psst", type="mention", user_id=hiring_manager.pk)

    assert response.status_code == 202
    assert "turned in-app notifications of this type off" in response.json()["detail"]
    assert not Notification.objects.filter(recipient=hiring_manager).exists()
    assert not EmailMessage.objects.exists()


def test_i_can_tell_myself(api_for, recruiter):
    response = post(api_for(recruiter), title="Remember", type="stage_action", user_id=recruiter.pk)

    assert response.status_code == 201
    row = Notification.objects.get(recipient=recruiter)
    assert row.actor is None and response.json()["actor_id"] is None


def test_a_member_of_another_organisation_is_a_400(api_for, recruiter, other_organization):
    outsider = Membership.objects.get(organization=other_organization).user

    response = post(api_for(recruiter), title="Hi", type="mention", user_id=outsider.pk)

    assert response.status_code == 400
    assert response.json() == {"user_id": ["No active member of your organisation has this id."]}
    assert not Notification.objects.exists()


def test_a_former_member_is_a_400(api_for, recruiter, hiring_manager):
    Membership.objects.filter(user=hiring_manager).update(is_active=False)

    response = post(api_for(recruiter), title="Hi", type="mention", user_id=hiring_manager.pk)

    assert response.status_code == 400
    assert "user_id" in response.json()
    assert not Notification.objects.exists()


def test_who_joined_is_told_only_to_those_who_manage_members(api_for, owner, recruiter):
    response = post(api_for(owner), title="Someone joined", type="member_joined", user_id=recruiter.pk)

    assert response.status_code == 400
    assert response.json() == {"type": ["Only those who manage members are told of this category."]}
    assert post(api_for(recruiter), title="Joined", type="member_joined", user_id=owner.pk).status_code == 201


@pytest.mark.parametrize(
    "body, field",
    [
        ({"title": "Hi", "type": "gossip", "user_id": 1}, "type"),
        ({"title": "Hi", "type": "mention"}, "user_id"),
        ({"title": "Hi", "type": "mention", "user_id": "ada"}, "user_id"),
        ({"title": "Hi", "type": "mention", "user_id": 10**30}, "user_id"),
        ({"title": "Hi", "type": "mention", "user_id": -4}, "user_id"),
        ({"title": "", "type": "mention", "user_id": 1}, "title"),
        ({"title": "x" * 256, "type": "mention", "user_id": 1}, "title"),
    ],
)
def test_invalid_posts_are_400s(api_for, recruiter, body, field):
    response = api_for(recruiter).post("/api/notifications/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Notification.objects.exists()


@pytest.mark.parametrize("body", [[], "x", None])
def test_a_body_that_is_not_an_object_is_a_400(api_for, recruiter, body):
    response = api_for(recruiter).post("/api/notifications/", body, format="json")

    assert response.status_code == 400
    assert response.json()


@pytest.mark.parametrize("role", ["interviewer", "hiring_manager"])
def test_only_recruiting_roles_tell_others(api_for, request, recruiter, role):
    response = post(api_for(request.getfixturevalue(role)), title="Hi", type="mention", user_id=recruiter.pk)

    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not allow this."}
    assert not Notification.objects.exists()


def test_a_read_only_key_tells_nobody(api_key_for, recruiter, hiring_manager):
    client = api_key_for(member(recruiter), read_only=True)

    response = post(client, title="Hi", type="mention", user_id=hiring_manager.pk)

    assert response.status_code == 403
    assert not Notification.objects.exists()


# --- preferences/ ---------------------------------------------------------------------------------


def test_preferences_need_credentials(organization):
    assert APIClient().get("/api/preferences/").status_code == 401
    assert APIClient().patch("/api/preferences/", {}, format="json").status_code == 401


def test_preferences_show_every_category_i_receive_with_the_defaults(api_for, recruiter, owner):
    response = api_for(recruiter).get("/api/preferences/")

    assert response.status_code == 200
    body = response.json()
    assert body["send_at"] == "08:00"
    choices = {row["category"]: (row["in_app"], row["email"]) for row in body["choices"]}
    assert "member_joined" not in choices
    assert choices["mention"] == (True, "immediate")
    assert choices["new_application"] == (True, "digest")
    assert len(choices) == len(Category.values) - 1
    owners = api_for(owner).get("/api/preferences/").json()
    assert "member_joined" in {row["category"] for row in owners["choices"]}


def test_preferences_round_trip(api_for, recruiter):
    client = api_for(recruiter)
    change = {"send_at": "17:30", "choices": [{"category": "mention", "email": "digest"},
                                             {"category": "hire", "in_app": False, "email": "off"}]}  # fmt: skip

    response = client.patch("/api/preferences/", change, format="json")

    assert response.status_code == 200
    assert DigestSchedule.objects.get(user=recruiter).send_at == time(17, 30)
    stored = {p.category: (p.in_app, p.email) for p in NotificationPreference.objects.filter(user=recruiter)}
    assert stored["mention"] == (True, "digest")
    assert stored["hire"] == (False, "off")
    assert stored["task_assigned"] == (True, "immediate")  # unchanged: the default, now written down
    assert client.get("/api/preferences/").json() == response.json()
    assert response.json()["send_at"] == "17:30"


def test_a_digest_without_in_app_rows_is_refused(api_for, recruiter):
    change = {"choices": [{"category": "hire", "in_app": False}]}  # hire's email stays the digest

    response = api_for(recruiter).patch("/api/preferences/", change, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["choices"]
    assert "The digest gathers what is unread in the app" in response.json()["choices"][0]
    assert not NotificationPreference.objects.filter(user=recruiter).exists()


@pytest.mark.parametrize(
    "change",
    [
        {"choices": [{"category": "member_joined", "in_app": False}]},
        {"choices": [{"category": "gossip"}]},
        {"choices": [{"category": "hire", "email": "weekly"}]},
        {"send_at": "25:00"},
        {"choices": "all"},
    ],
)
def test_invalid_preference_changes_are_400s(api_for, recruiter, change):
    response = api_for(recruiter).patch("/api/preferences/", change, format="json")

    assert response.status_code == 400
    assert set(response.json()) <= {"choices", "send_at"} and response.json()
    assert not NotificationPreference.objects.filter(user=recruiter).exists()


def test_an_api_key_has_no_preferences(api_key_for, recruiter):
    client = api_key_for(member(recruiter), read_only=False)

    assert client.get("/api/preferences/").status_code == 403
    response = client.patch("/api/preferences/", {"send_at": "09:00"}, format="json")
    assert response.status_code == 403
    assert not DigestSchedule.objects.filter(user=recruiter).exists()
