"""The live-update socket (ats.live) and what publishes to it (notifications.live).

Sockets run through the real stack (origin check, session, consumer) on the in-memory layer. The
consumer reads the database from a thread of its own, so these tests commit (transactional_db).
"""

import logging
import os
import re

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Membership
from ats.live import CLOSED_BY_SERVER, socket_application
from jobs.models import HiringTeamMember
from notifications import live
from pipeline.privacy.services import delete_application
from tests.factories import UserFactory, bulk_applications, make_job

HOST = "ats.example"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("threads_close_connections")]


@pytest.fixture(autouse=True)
def _layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.ALLOWED_HOSTS = [HOST, "testserver"]  # the test client's host


@pytest.fixture
def connect(client_for):
    """`await connect(user)`: a socket signed in as `user` (None: signed out), from one of our pages."""
    sockets = []

    async def open_socket(user=None, *, origin=f"https://{HOST}", client=None):
        headers = [(b"origin", origin.encode())]
        if user is not None or client is not None:
            client = client or await database_sync_to_async(client_for)(user)
            cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
            headers.append((b"cookie", f"{django_settings.SESSION_COOKIE_NAME}={cookie}".encode()))
        socket = WebsocketCommunicator(socket_application(), f"/{live.SOCKET_PATH}", headers=headers)
        socket.accepted, _ = await socket.connect()
        sockets.append(socket)
        return socket

    yield open_socket
    for socket in sockets:
        # The test's own loop is gone by now: each socket's task ends with it.
        socket.future.cancel()


async def subscribe(socket, job_id):
    await socket.send_json_to({"subscribe": job_id})
    return await socket.receive_json_from()


def in_transaction(publish, *args):
    """Publish as a service does, inside a transaction that then commits."""

    def run():
        with transaction.atomic():
            publish(*args)

    return database_sync_to_async(run)()


@pytest.mark.asyncio
async def test_a_member_hears_their_own_unread_changes_only(connect, recruiter, owner):
    mine, theirs = await connect(recruiter), await connect(owner)

    await in_transaction(live.unread_changed, [recruiter.pk])

    assert await mine.receive_json_from() == {"type": "unread"}
    assert await theirs.receive_nothing()


@pytest.mark.asyncio
async def test_every_tab_of_a_member_hears_it(connect, client_for, recruiter):
    client = await database_sync_to_async(client_for)(recruiter)
    tabs = [await connect(client=client), await connect(client=client)]

    await in_transaction(live.unread_changed, [recruiter.pk])

    for tab in tabs:
        assert await tab.receive_json_from() == {"type": "unread"}


@pytest.mark.asyncio
async def test_a_board_hears_its_jobs_changed_columns(connect, recruiter, job, stages):
    socket = await connect(recruiter)
    assert await subscribe(socket, job.pk) == {"type": "subscribed", "job": job.pk}

    await in_transaction(live.stages_changed, job.pk, [stages[2].pk, stages[0].pk, stages[2].pk])

    expected = {"type": "columns", "job": job.pk, "stages": sorted([stages[0].pk, stages[2].pk])}
    assert await socket.receive_json_from() == expected


@pytest.mark.asyncio
async def test_a_board_hears_nothing_of_another_job(connect, recruiter, organization, job, stages):
    other_job = await database_sync_to_async(make_job)(organization, title="Designer")
    socket = await connect(recruiter)
    await subscribe(socket, job.pk)

    await in_transaction(live.stages_changed, other_job.pk, [stages[0].pk])

    assert await socket.receive_nothing()


@pytest.mark.asyncio
async def test_a_new_subscription_replaces_the_last(connect, recruiter, organization, job, stages):
    other_job = await database_sync_to_async(make_job)(organization, title="Designer")
    socket = await connect(recruiter)
    await subscribe(socket, job.pk)
    await subscribe(socket, other_job.pk)

    await in_transaction(live.stages_changed, job.pk, [stages[0].pk])

    assert await socket.receive_nothing()


@pytest.mark.asyncio
async def test_a_board_drops_the_card_of_a_deleted_application(connect, recruiter, application):
    socket = await connect(recruiter)
    assert await subscribe(socket, application.job_id) == {"type": "subscribed", "job": application.job_id}

    await in_transaction(lambda: delete_application(application=application, by=recruiter, reason=""))

    expected = {"type": "columns", "job": application.job_id, "stages": [application.current_stage_id]}
    assert await socket.receive_json_from() == expected


@pytest.mark.asyncio
async def test_another_organisations_job_is_refused(connect, other_organization, job, stages):
    stranger = await database_sync_to_async(lambda: other_organization.memberships.get().user)()
    socket = await connect(stranger)
    assert socket.accepted

    assert await subscribe(socket, job.pk) == {"type": "refused", "job": job.pk}
    await in_transaction(live.stages_changed, job.pk, [stages[0].pk])
    assert await socket.receive_nothing()


@pytest.mark.asyncio
async def test_a_hiring_manager_hears_only_the_jobs_whose_team_they_are_on(connect, hiring_manager, job, stages):
    socket = await connect(hiring_manager)
    assert await subscribe(socket, job.pk) == {"type": "refused", "job": job.pk}

    await database_sync_to_async(HiringTeamMember.objects.create)(job=job, user=hiring_manager, role="hiring_manager")
    assert await subscribe(socket, job.pk) == {"type": "subscribed", "job": job.pk}
    await in_transaction(live.stages_changed, job.pk, [stages[0].pk])
    assert (await socket.receive_json_from())["type"] == "columns"


@pytest.mark.asyncio
@pytest.mark.parametrize("job_id", ["", "abc", None, -1, 2**70, {"id": 1}])
async def test_a_malformed_subscription_is_refused(connect, recruiter, job_id):
    socket = await connect(recruiter)

    assert (await subscribe(socket, job_id))["type"] == "refused"


@pytest.mark.asyncio
async def test_a_signed_out_socket_is_refused(connect, db):
    socket = await connect(None)

    assert not socket.accepted


@pytest.mark.asyncio
async def test_a_user_without_an_organisation_is_refused(connect, db):
    socket = await connect(await database_sync_to_async(UserFactory)())

    assert not socket.accepted


@pytest.mark.asyncio
@pytest.mark.parametrize("origin", ["https://evil.example", "null", f"https://{HOST}.evil.example"])
async def test_a_foreign_origin_is_refused(connect, recruiter, origin):
    socket = await connect(recruiter, origin=origin)

    assert not socket.accepted


@pytest.mark.asyncio
async def test_no_socket_without_a_channel_layer(connect, recruiter, settings):
    del settings.CHANNEL_LAYERS

    socket = await connect(recruiter)

    assert not socket.accepted


@pytest.mark.asyncio
async def test_signing_out_closes_the_socket(connect, client_for, recruiter):
    client = await database_sync_to_async(client_for)(recruiter)
    socket = await connect(client=client)
    assert socket.accepted

    response = await database_sync_to_async(client.post)(reverse("account_logout"))

    assert response.status_code == 302
    assert await socket.receive_output() == {"type": "websocket.close", "code": CLOSED_BY_SERVER}
    assert not (await connect(client=client)).accepted  # its session is gone


@pytest.mark.asyncio
async def test_deactivation_closes_the_members_sockets(connect, organization, recruiter, owner):
    socket, owners = await connect(recruiter), await connect(owner)
    membership = await database_sync_to_async(Membership.objects.get)(user=recruiter, organization=organization)

    await database_sync_to_async(accounts_services.set_member_active)(membership=membership, active=False)

    assert await socket.receive_output() == {"type": "websocket.close", "code": CLOSED_BY_SERVER}
    assert await owners.receive_nothing()
    assert not (await connect(recruiter)).accepted  # no active membership left


@pytest.mark.asyncio
async def test_a_rolled_back_change_publishes_nothing(connect, recruiter):
    socket = await connect(recruiter)

    def roll_back():
        with transaction.atomic():
            live.unread_changed([recruiter.pk])
            transaction.set_rollback(True)

    await database_sync_to_async(roll_back)()

    assert await socket.receive_nothing()


def test_publishing_without_a_layer_does_nothing(settings, django_capture_on_commit_callbacks):
    del settings.CHANNEL_LAYERS

    with django_capture_on_commit_callbacks() as callbacks:
        live.stages_changed(1, [2])
        live.unread_changed([1])
    live.close_user_sockets(1)

    assert not live.enabled()
    assert callbacks == []


def test_a_layer_that_is_down_is_logged_not_raised(settings, caplog, django_capture_on_commit_callbacks):
    unreachable = {"hosts": ["redis://127.0.0.1:1/0"]}
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": unreachable}}

    with caplog.at_level(logging.WARNING, logger="notifications.live"):
        with django_capture_on_commit_callbacks(execute=True):
            live.unread_changed([1])
        live.close_user_sockets(1)

    assert [record.levelname for record in caplog.records] == ["WARNING", "WARNING"]


def test_pages_name_the_socket_only_when_live_updates_are_on(settings, client_for, recruiter):
    client = client_for(recruiter)
    on = client.get(reverse("dashboard"))
    del settings.CHANNEL_LAYERS
    off = client.get(reverse("dashboard"))

    assert on.status_code == off.status_code == 200
    assert f'data-live="/{live.SOCKET_PATH}"' in on.content.decode()
    assert "data-live" not in off.content.decode()


def test_signed_out_pages_do_not_name_the_socket(client, db):
    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    assert "data-live" not in response.content.decode()


@pytest.mark.asyncio
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
async def test_events_cross_processes_through_redis(connect, settings, recruiter):
    prefix = "ats-live-test" + os.environ.get("PYTEST_XDIST_WORKER", "")
    config = {"hosts": [os.environ["REDIS_URL"]], "prefix": prefix}
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": config}}
    socket = await connect(recruiter)

    await in_transaction(live.unread_changed, [recruiter.pk])

    assert await socket.receive_json_from(timeout=5) == {"type": "unread"}


# --- What a board re-fetches when it hears of changed columns: GET ?columns= (htmx) ---------------

HTMX = {"HX-Request": "true"}


def columns_url(job, columns, **filters):
    query = "&".join([f"columns={columns}", *(f"{key}={value}" for key, value in filters.items())])
    return f"{reverse('pipeline:board', args=[job.pk])}?{query}"


def sent_columns(html):
    """{stage id: (cards in it, its count)} for each column sent, each swapped in by id."""
    sections = re.findall(
        r'<section class="board-column" id="column-(\d+)"[^>]*data-hx-swap-oob="true">(.*?)</section>', html, re.S
    )
    counts = dict(re.findall(r'id="count-(\d+)" data-count[^>]*>(\d+)<', html))
    return {int(pk): (body.count("data-application="), int(counts[pk])) for pk, body in sections}


@pytest.mark.django_db
def test_the_board_sends_only_the_columns_asked_for(client_for, recruiter, job, stages, other_organization):
    bulk_applications(job, 30, stages=stages[:2])
    foreign = make_job(other_organization).stages.first()

    response = client_for(recruiter).get(
        columns_url(job, f"{stages[1].pk},{stages[2].pk}:5,{foreign.pk},x"), headers=HTMX
    )

    assert response.status_code == 200
    assert sent_columns(response.text) == {stages[1].pk: (15, 15), stages[2].pk: (0, 0)}
    assert "board-filters" not in response.text  # the columns only, not the page


@pytest.mark.django_db
def test_the_columns_follow_the_boards_filters(client_for, recruiter, job, stages, application):
    bulk_applications(job, 10, stages=stages[:1])

    response = client_for(recruiter).get(columns_url(job, stages[0].pk, q="Ada"), headers=HTMX)

    assert response.status_code == 200
    assert sent_columns(response.text) == {stages[0].pk: (1, 1)}
    assert "?q=Ada&amp;more=" in response.text  # its "show more" keeps the filter, not ?columns=


@pytest.mark.django_db
def test_a_column_keeps_as_many_cards_as_it_showed(client_for, recruiter, job, stages):
    bulk_applications(job, 60, stages=stages[:1])
    client = client_for(recruiter)

    expanded = client.get(columns_url(job, f"{stages[0].pk}:40"), headers=HTMX)
    first_batch = client.get(columns_url(job, f"{stages[0].pk}:3"), headers=HTMX)

    assert sent_columns(expanded.text) == {stages[0].pk: (40, 60)}
    assert sent_columns(first_batch.text) == {stages[0].pk: (25, 60)}


@pytest.mark.django_db
def test_without_htmx_the_board_is_the_whole_page(client_for, recruiter, job, stages):
    response = client_for(recruiter).get(columns_url(job, stages[0].pk))

    assert response.status_code == 200
    assert "board-filters" in response.text


@pytest.mark.django_db
def test_another_organisations_columns_are_404(client_for, other_organization, job, stages):
    stranger = other_organization.memberships.get().user

    response = client_for(stranger).get(columns_url(job, stages[0].pk), headers=HTMX)

    assert response.status_code == 404


@pytest.mark.django_db
def test_a_hiring_manager_off_the_team_gets_404(client_for, hiring_manager, job, stages):
    response = client_for(hiring_manager).get(columns_url(job, stages[0].pk), headers=HTMX)

    assert response.status_code == 404


@pytest.mark.django_db
def test_the_columns_query_count_is_the_same_for_30_and_3000_applications(client_for, recruiter, job, stages):
    client = client_for(recruiter)
    every = ",".join(str(stage.pk) for stage in stages)
    client.get(columns_url(job, every), headers=HTMX)  # warm-up: the session row exists

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(columns_url(job, every), headers=HTMX)
        assert response.status_code == 200
        return len(queries)

    bulk_applications(job, 30, stages=stages)
    few = count()
    bulk_applications(job, 2970, stages=stages)

    # Session, user, membership, the job (the ability check and the view), stages, cards, tags, counts,
    # and the cards' feedback tallies (step 11: one grouped query).
    assert count() == few <= 9
