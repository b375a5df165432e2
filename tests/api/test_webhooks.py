"""/api/v1/webhooks/: the organisation's admins manage endpoints (the secret only in the create and
rotate answers), read each endpoint's deliveries and redeliver one (202)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Membership
from pipeline.webhooks.models import WebhookDelivery, WebhookEndpoint
from pipeline.webhooks.services import create_endpoint

pytestmark = pytest.mark.django_db
LIST = "/api/v1/webhooks/"
BODY = {"url": "https://hooks.example.com/ats", "events": ["application.created", "candidate.created"]}


def _detail(endpoint):
    return f"{LIST}{endpoint.pk}/"


@pytest.fixture
def endpoint(organization, owner):
    return create_endpoint(
        organization=organization, url="https://hooks.example.com/ats", events=["application.hired"], by=owner
    )


def _delivery(endpoint, status=WebhookDelivery.Status.FAILED, number=1):
    delivery = WebhookDelivery(endpoint=endpoint, event="application.hired", source=f"event:{number}", status=status)
    delivery.payload = {"event": "application.hired", "event_id": str(delivery.event_id), "data": {"application_id": 1}}
    delivery.save()
    return delivery


def test_no_credentials_is_a_401(endpoint):
    for url in (LIST, _detail(endpoint), f"{_detail(endpoint)}deliveries/"):
        response = APIClient().get(url)
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_create_answers_201_with_the_secret_once(api_for, owner, organization):
    response = api_for(owner).post(LIST, {**BODY, "description": "HRIS"}, format="json")

    assert response.status_code == 201
    endpoint = WebhookEndpoint.objects.get(organization=organization)
    assert response.json() == {
        "id": endpoint.pk,
        "url": "https://hooks.example.com/ats",
        "description": "HRIS",
        "events": ["application.created", "candidate.created"],
        "is_active": True,
        "rotated_at": None,
        "created_at": endpoint.created_at.isoformat().replace("+00:00", "Z"),
        "secret": endpoint.secret,
    }
    assert endpoint.created_by == owner
    assert "no-store" in response["Cache-Control"]
    read = api_for(owner).get(_detail(endpoint))
    assert read.status_code == 200
    assert "secret" not in read.json()
    assert read.json()["id"] == endpoint.pk


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({**BODY, "url": "http://hooks.example.com/"}, {"url": ["Use an https:// address."]}),
        ({**BODY, "url": "https://169.254.169.254/"}, {"url": ["This address is not on the public internet."]}),
        ({**BODY, "events": ["application.deleted"]}, {"events": ["Unknown event: application.deleted."]}),
        ({**BODY, "events": []}, {"events": ["Choose at least one event."]}),
        ({**BODY, "events": "application.created"}, {"events": ["Give a list of event names."]}),
        ({**BODY, "events": [["x"]]}, {"events": ["Give a list of event names."]}),
        ({"events": BODY["events"]}, {"url": ["This field is required."]}),
    ],
)
def test_invalid_bodies_are_400_keyed_by_field(api_for, owner, body, errors):
    response = api_for(owner).post(LIST, body, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("body", [[], "x", None, 5])
def test_a_body_that_is_no_object_is_a_400(api_for, owner, body):
    response = api_for(owner).post(LIST, body, format="json")

    assert response.status_code == 400
    assert not WebhookEndpoint.objects.exists()


def test_list_is_paginated_and_only_the_organisations(api_for, owner, endpoint, other_organization):
    create_endpoint(organization=other_organization, url="https://globex.example/", events=["candidate.created"])

    response = api_for(owner).get(LIST)

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (1, None, None)
    assert [row["id"] for row in body["results"]] == [endpoint.pk]
    assert "secret" not in body["results"][0]


def test_patch_put_and_delete(api_for, owner, endpoint):
    client = api_for(owner)

    patched = client.patch(_detail(endpoint), {"is_active": False, "description": "Paused"}, format="json")
    assert patched.status_code == 200
    assert (patched.json()["is_active"], patched.json()["description"]) == (False, "Paused")
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.description, endpoint.events) == (False, "Paused", ["application.hired"])

    put = client.put(
        _detail(endpoint), {"url": "https://hooks.example.com/v2", "events": ["scorecard.submitted"]}, format="json"
    )
    assert put.status_code == 200
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events, endpoint.is_active) == (
        "https://hooks.example.com/v2",
        ["scorecard.submitted"],
        True,
    )

    refused = client.patch(_detail(endpoint), {"url": "https://127.0.0.1/"}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"url": ["This address is not on the public internet."]}

    deleted = client.delete(_detail(endpoint))
    assert deleted.status_code == 204
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_rotate_secret_answers_the_new_secret(api_for, owner, endpoint):
    old = endpoint.secret

    response = api_for(owner).post(f"{_detail(endpoint)}rotate-secret/")

    assert response.status_code == 200
    endpoint.refresh_from_db()
    assert response.json()["secret"] == endpoint.secret != old
    assert endpoint.previous_secret == old
    assert response.json()["rotated_at"] is not None


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.json()


def test_deliveries_are_paginated_newest_first_without_a_query_per_row(api_for, owner, endpoint):
    client = api_for(owner)
    url = f"{_detail(endpoint)}deliveries/?page_size=10"
    deliveries = [_delivery(endpoint, number=n) for n in range(2)]
    _queries(client, url)  # the first call of the minute writes the rate limit's counter
    few, _ = _queries(client, url)
    deliveries += [_delivery(endpoint, number=n) for n in range(2, 12)]

    many, body = _queries(client, url)

    assert many == few
    assert body["count"] == 12
    assert body["next"].endswith("page=2&page_size=10")
    assert body["previous"] is None
    assert [row["id"] for row in body["results"]] == [d.pk for d in reversed(deliveries)][:10]
    first = body["results"][0]
    assert first["event_id"] == str(deliveries[-1].event_id)
    assert first["status"] == "failed"
    assert first["payload"] == deliveries[-1].payload


def test_redeliver_answers_202_and_queues_it(api_for, owner, endpoint, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr("django_q.tasks.async_task", lambda path, *args, **kwargs: queued.append((path, args)))
    delivery = _delivery(endpoint)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_for(owner).post(f"{_detail(endpoint)}deliveries/{delivery.pk}/redeliver/")

    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    assert response.json()["event_id"] == str(delivery.event_id)
    assert queued == [("pipeline.webhooks.tasks.deliver", (delivery.pk,))]


def test_redelivering_one_still_pending_is_a_400(api_for, owner, endpoint):
    delivery = _delivery(endpoint, status=WebhookDelivery.Status.PENDING)

    response = api_for(owner).post(f"{_detail(endpoint)}deliveries/{delivery.pk}/redeliver/")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This delivery is still being tried."]}


def test_another_organisations_ids_are_404(api_for, other_organization, endpoint, organization):
    foreign = api_for(other_organization.memberships.get().user)
    delivery = _delivery(endpoint)
    own_endpoint = create_endpoint(
        organization=other_organization, url="https://globex.example/", events=["candidate.created"]
    )

    assert foreign.get(_detail(endpoint)).status_code == 404
    assert foreign.patch(_detail(endpoint), {"is_active": False}, format="json").status_code == 404
    assert foreign.delete(_detail(endpoint)).status_code == 404
    assert foreign.post(f"{_detail(endpoint)}rotate-secret/").status_code == 404
    assert foreign.get(f"{_detail(endpoint)}deliveries/").status_code == 404
    # Their own endpoint with our delivery's id: still no such delivery.
    response = foreign.post(f"{_detail(own_endpoint)}deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No WebhookDelivery matches the given query."}
    endpoint.refresh_from_db()
    assert endpoint.is_active is True


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager", "interviewer"])
def test_roles_without_the_organisation_settings_are_403(request, api_for, role, endpoint):
    client = api_for(request.getfixturevalue(role))

    listing = client.get(LIST)
    creating = client.post(LIST, BODY, format="json")

    assert listing.status_code == 403
    assert listing.json() == {"detail": "Your role does not allow this."}
    assert creating.status_code == 403
    assert client.get(_detail(endpoint)).status_code == 403
    assert WebhookEndpoint.objects.count() == 1


def test_a_read_only_key_reads_but_cannot_write(api_key_for, owner, endpoint):
    client = api_key_for(Membership.objects.get(user=owner), read_only=True)

    read = client.get(LIST)
    write = client.post(LIST, BODY, format="json")
    rotate = client.post(f"{_detail(endpoint)}rotate-secret/")

    assert read.status_code == 200
    assert read.json()["count"] == 1
    assert write.status_code == 403
    assert write.json() == {"detail": "This API key is read-only."}
    assert rotate.status_code == 403
    assert WebhookEndpoint.objects.count() == 1


def test_the_routes_are_named(endpoint):
    assert reverse("api-v1:webhook-list") == LIST
    assert reverse("api-v1:webhook-deliveries", args=[endpoint.pk]) == f"{_detail(endpoint)}deliveries/"


@pytest.mark.parametrize("bad", ["abc", "-1", "0", "99999999999999999999999", "1.5"])
def test_ids_that_are_no_ids_are_a_json_404(api_for, owner, endpoint, bad):
    client = api_for(owner)

    for url in (f"{LIST}{bad}/", f"{LIST}{bad}/deliveries/", f"{_detail(endpoint)}deliveries/{bad}/redeliver/"):
        response = client.post(url) if url.endswith("redeliver/") else client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json"
