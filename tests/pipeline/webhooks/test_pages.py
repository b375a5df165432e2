"""Settings → Webhooks: the organisation's admins list, add (the secret shown once), edit, rotate,
delete and redeliver; nobody else, and never another organisation's."""

import pytest
from django.urls import reverse

from pipeline.webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_for, owner):
    return client_for(owner)


def _failed_delivery(endpoint, excerpt=""):
    delivery = WebhookDelivery(endpoint=endpoint, event="application.created", source="application:1", attempts=6)
    delivery.status = WebhookDelivery.Status.FAILED
    delivery.payload = {"event": "application.created", "event_id": str(delivery.event_id), "data": {}}
    delivery.response_excerpt = excerpt
    delivery.last_status_code = 500
    delivery.save()
    return delivery


def test_the_list_shows_the_organisations_endpoints(admin_client, make_endpoint, other_organization):
    mine = make_endpoint(description="HRIS sync")
    theirs = WebhookEndpoint.objects.create(organization=other_organization, url="https://globex.example/", events=[])

    response = admin_client.get(reverse("pipeline:webhooks"))

    assert response.status_code == 200
    assert f'data-endpoint="{mine.pk}"' in response.text
    assert "HRIS sync" in response.text
    assert f'data-endpoint="{theirs.pk}"' not in response.text


def test_adding_an_endpoint_shows_its_secret_once(admin_client, organization):
    response = admin_client.post(
        reverse("pipeline:webhook_create"),
        {
            "url": "https://hooks.example.com/ats",
            "description": "HRIS",
            "events": ["application.hired", "candidate.created"],
        },
    )

    endpoint = WebhookEndpoint.objects.get(organization=organization)
    assert response.status_code == 302
    assert response.url == reverse("pipeline:webhook", args=[endpoint.pk])
    assert endpoint.events == ["application.hired", "candidate.created"]
    first = admin_client.get(response.url)
    assert first.status_code == 200
    assert "data-secret" in first.text and endpoint.secret in first.text
    assert "no-store" in first["Cache-Control"]
    again = admin_client.get(response.url)
    assert again.status_code == 200
    assert endpoint.secret not in again.text


def test_an_http_or_private_address_is_refused_on_its_field(admin_client, organization):
    response = admin_client.post(
        reverse("pipeline:webhook_create"), {"url": "https://10.0.0.1/hook", "events": ["candidate.created"]}
    )

    assert response.status_code == 400
    assert "This address is not on the public internet." in response.text
    assert not WebhookEndpoint.objects.exists()


def test_no_event_chosen_is_refused(admin_client):
    response = admin_client.post(reverse("pipeline:webhook_create"), {"url": "https://hooks.example.com/"})

    assert response.status_code == 400
    assert "Choose at least one event." in response.text
    assert not WebhookEndpoint.objects.exists()


def test_editing_deactivates_and_changes_events(admin_client, make_endpoint):
    endpoint = make_endpoint()

    response = admin_client.post(
        reverse("pipeline:webhook_edit", args=[endpoint.pk]),
        {"url": "https://hooks.example.com/v2", "events": ["scorecard.submitted"], "description": ""},
    )

    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events, endpoint.is_active) == (
        "https://hooks.example.com/v2",
        ["scorecard.submitted"],
        False,
    )


def test_rotating_asks_first_then_shows_the_new_secret_once(admin_client, make_endpoint):
    endpoint = make_endpoint()
    old = endpoint.secret
    url = reverse("pipeline:rotate_webhook_secret", args=[endpoint.pk])

    confirm = admin_client.get(url)
    endpoint.refresh_from_db()
    assert confirm.status_code == 200
    assert "Rotate the signing secret?" in confirm.text
    assert endpoint.secret == old  # asking changed nothing

    response = admin_client.post(url)
    endpoint.refresh_from_db()
    assert response.status_code == 302
    assert endpoint.secret != old and endpoint.previous_secret == old
    page = admin_client.get(response.url)
    assert endpoint.secret in page.text
    assert old not in page.text


def test_deleting_asks_first_then_removes_the_endpoint_and_its_log(admin_client, make_endpoint):
    endpoint = make_endpoint()
    _failed_delivery(endpoint)
    url = reverse("pipeline:delete_webhook", args=[endpoint.pk])

    confirm = admin_client.get(url)
    assert confirm.status_code == 200
    assert "1 delivery" in confirm.text
    assert WebhookEndpoint.objects.exists()

    response = admin_client.post(url)

    assert response.status_code == 302
    assert response.url == reverse("pipeline:webhooks")
    assert not WebhookEndpoint.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_the_log_escapes_the_receivers_answer_inside_hx_disable(admin_client, make_endpoint):
    endpoint = make_endpoint()
    delivery = _failed_delivery(endpoint, excerpt='<div hx-post="/x" hx-trigger="load">boom</div>')

    response = admin_client.get(reverse("pipeline:webhook", args=[endpoint.pk]))

    assert response.status_code == 200
    assert '<div hx-post="/x"' not in response.text
    assert "&lt;div hx-post=&quot;/x&quot; hx-trigger=&quot;load&quot;&gt;boom&lt;/div&gt;" in response.text
    assert '<div hx-disable><pre class="small text-break mb-0">&lt;div' in response.text
    assert reverse("pipeline:redeliver_webhook", args=[delivery.pk]) in response.text
    assert "Failed" in response.text


def test_redeliver_queues_the_delivery_again(
    admin_client, make_endpoint, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr("django_q.tasks.async_task", lambda path, *args, **kwargs: queued.append((path, args)))
    delivery = _failed_delivery(make_endpoint())

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("pipeline:redeliver_webhook", args=[delivery.pk]))

    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    assert queued == [("pipeline.webhooks.tasks.deliver", (delivery.pk,))]


def test_redeliver_refuses_get(admin_client, make_endpoint):
    delivery = _failed_delivery(make_endpoint())

    response = admin_client.get(reverse("pipeline:redeliver_webhook", args=[delivery.pk]))

    assert response.status_code == 405
    delivery.refresh_from_db()
    assert delivery.status == "failed"


def test_a_recruiter_is_refused_and_another_organisation_gets_404(
    client_for, recruiter, make_endpoint, other_organization
):
    endpoint = make_endpoint()
    delivery = _failed_delivery(endpoint)
    foreign_owner = other_organization.memberships.get().user

    assert client_for(recruiter).get(reverse("pipeline:webhooks")).status_code == 403
    assert client_for(recruiter).get(reverse("pipeline:webhook", args=[endpoint.pk])).status_code == 403
    foreign = client_for(foreign_owner)
    assert foreign.get(reverse("pipeline:webhook", args=[endpoint.pk])).status_code == 404
    assert foreign.post(reverse("pipeline:delete_webhook", args=[endpoint.pk])).status_code == 404
    assert foreign.post(reverse("pipeline:redeliver_webhook", args=[delivery.pk])).status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    delivery.refresh_from_db()
    assert delivery.status == "failed"


def test_the_account_menu_links_webhooks_for_admins_only(admin_client, client_for, recruiter):
    link = f'href="{reverse("pipeline:webhooks")}"'

    admins, recruiters = admin_client.get(reverse("dashboard")), client_for(recruiter).get(reverse("dashboard"))

    assert (admins.status_code, recruiters.status_code) == (200, 200)
    assert link in admins.text
    assert link not in recruiters.text


def test_webhooks_is_a_tab_of_the_organisations_settings(admin_client):
    for page in ("/organization/", "/organization/api-keys/", "/organization/webhooks/"):
        response = admin_client.get(page)

        assert response.status_code == 200
        assert '<a class="nav-link' in response.text and 'href="/organization/webhooks/">Webhooks</a>' in response.text
    assert 'aria-current="page" href="/organization/webhooks/"' in response.text
