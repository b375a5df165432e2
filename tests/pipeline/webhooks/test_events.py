"""Each event reaches a subscribed endpoint from its real service path (through pipeline.reactions, on
commit, via the worker: sync in tests), carrying ids and a few facts, never the person's details."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pipeline.applications.services import (
    move_application,
    open_application,
    reject_application,
    set_status,
    submit_application,
)
from pipeline.applications.status_link import status_token
from pipeline.candidates.models import TimelineEvent
from pipeline.candidates.services import add_candidate
from pipeline.interviews.services import reschedule_interview, schedule_interview, submit_scorecard
from pipeline.privacy.services import erase_candidate
from pipeline.webhooks import tasks
from pipeline.webhooks.models import Event, WebhookDelivery
from pipeline.webhooks.services import create_endpoint, update_endpoint
from tests.factories import CandidateFactory, make_job, pdf_upload

pytestmark = pytest.mark.django_db
PERSON = {"first_name": "Jane", "last_name": "Doe", "email": "jane.doe@example.com"}


@pytest.fixture
def endpoint(receiver, make_endpoint):
    """An endpoint of the organisation's that hears of every event, at the local receiver."""
    endpoint = make_endpoint(url=receiver.url, events=Event.values)
    receiver.secret = endpoint.secret
    return endpoint


@pytest.fixture
def apply(job, django_capture_on_commit_callbacks):
    def apply(values=PERSON, to=job):
        with django_capture_on_commit_callbacks(execute=True):
            return submit_application(job=to, values=dict(values), files={"resume": pdf_upload(lines=("CV",))})

    return apply


def _sent(receiver):
    return [(payload["event"], payload["data"]) for payload in receiver.payloads()]


def test_applying_sends_candidate_created_then_application_created(endpoint, receiver, apply):
    application = apply()

    candidate = application.candidate
    stage = application.current_stage
    assert _sent(receiver) == [
        ("candidate.created", {"candidate_id": candidate.pk, "source": "", "created_at": _iso(candidate.created_at)}),
        (
            "application.created",
            {
                "application_id": application.pk,
                "candidate_id": candidate.pk,
                "job_id": application.job_id,
                "stage": {"id": stage.pk, "name": stage.name},
                "status": "active",
                "source": "",
                "applied_at": _iso(application.applied_at),
            },
        ),
    ]
    assert all(request["verified"] for request in receiver.requests)
    # Minimal: nothing that names the person travels.
    for request in receiver.requests:
        assert b"jane" not in request["body"].lower()
        assert b"doe" not in request["body"].lower()
    deliveries = WebhookDelivery.objects.order_by("pk")
    assert [(d.event, d.status, d.candidate_id) for d in deliveries] == [
        ("candidate.created", "succeeded", candidate.pk),
        ("application.created", "succeeded", candidate.pk),
    ]
    payload = deliveries[1].payload
    assert payload["event_id"] == str(deliveries[1].event_id)
    assert payload["organization_id"] == endpoint.organization_id
    assert payload["occurred_at"] == _iso(application.applied_at)


def _iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


def test_a_known_person_applying_again_is_no_new_candidate(endpoint, receiver, apply, organization):
    apply()
    receiver.requests.clear()

    apply(to=make_job(organization, title="Second job"))

    assert [event for event, _ in _sent(receiver)] == ["application.created"]


def test_a_recruiter_adding_a_candidate_sends_candidate_created(
    endpoint, receiver, organization, recruiter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        candidate = add_candidate(organization=organization, by=recruiter, values=dict(PERSON))

    assert _sent(receiver) == [
        ("candidate.created", {"candidate_id": candidate.pk, "source": "", "created_at": _iso(candidate.created_at)})
    ]


def test_moving_sends_stage_changed_from_and_to(endpoint, receiver, apply, owner, django_capture_on_commit_callbacks):
    application = apply()
    first = application.current_stage
    second = application.job.stages.filter(order__gt=first.order).order_by("order").first()
    receiver.requests.clear()

    with django_capture_on_commit_callbacks(execute=True):
        history = move_application(application=application, to_stage=second, by=owner)

    [(event, data)] = _sent(receiver)
    assert event == "application.stage_changed"
    assert data == {
        "application_id": application.pk,
        "candidate_id": application.candidate_id,
        "job_id": application.job_id,
        "from_stage": {"id": first.pk, "name": first.name},
        "to_stage": {"id": second.pk, "name": second.name},
        "moved_at": _iso(history.created_at),
    }


def test_rejecting_and_hiring_send_their_events(
    endpoint, receiver, apply, owner, organization, django_capture_on_commit_callbacks
):
    rejected = apply()
    hired = apply({**PERSON, "email": "sam@example.com"})
    receiver.requests.clear()

    with django_capture_on_commit_callbacks(execute=True):
        reject_application(application=rejected, reason="Not a fit", by=owner)
    with django_capture_on_commit_callbacks(execute=True):
        set_status(application=hired, status="hired", by=owner)

    sent = _sent(receiver)
    assert [(event, data["application_id"], data["status"]) for event, data in sent] == [
        ("application.rejected", rejected.pk, "rejected"),
        ("application.hired", hired.pk, "hired"),
    ]
    assert all("decided_at" in data for _, data in sent)
    assert b"Not a fit" not in receiver.requests[0]["body"]  # the reason stays in the ATS


def _withdrawn_data(application, event, by):
    stage = application.current_stage
    return {
        "application_id": application.pk,
        "candidate_id": application.candidate_id,
        "job_id": application.job_id,
        "stage": {"id": stage.pk, "name": stage.name},
        "status": "withdrawn",
        "decided_at": _iso(event.created_at),
        "by": by,
    }


def test_a_withdrawal_recorded_by_the_team_sends_application_withdrawn(
    endpoint, receiver, apply, owner, django_capture_on_commit_callbacks
):
    application = apply()
    receiver.requests.clear()

    with django_capture_on_commit_callbacks(execute=True):
        reject_application(application=application, reason="Took another offer", by=owner, withdrawn=True)

    event = TimelineEvent.objects.get(application=application, kind="withdrawn")
    assert _sent(receiver) == [("application.withdrawn", _withdrawn_data(application, event, "team"))]
    assert b"another offer" not in receiver.requests[0]["body"]  # the reason stays in the ATS
    [delivery] = WebhookDelivery.objects.filter(event="application.withdrawn")
    assert (delivery.status, delivery.application_id) == ("succeeded", application.pk)


def test_the_candidate_withdrawing_on_their_status_page_sends_application_withdrawn(
    endpoint, receiver, apply, client, django_capture_on_commit_callbacks
):
    application = apply()
    receiver.requests.clear()
    page = f"/careers/{application.job.organization.slug}/-/status/{status_token(application)}/"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page + "withdraw/")

    assert response.status_code == 302
    event = TimelineEvent.objects.get(application=application, kind="withdrawn")
    assert _sent(receiver) == [("application.withdrawn", _withdrawn_data(application, event, "candidate"))]
    assert WebhookDelivery.objects.filter(event="application.withdrawn").count() == 1
    # Not a rejection as well.
    assert not WebhookDelivery.objects.filter(event="application.rejected").exists()


def _interview(application, owner, starts_at):
    return schedule_interview(
        application=application, starts_at=starts_at, duration_minutes=45, interviewers=[owner],
        organizer=owner, title="Technical interview",
    )  # fmt: skip


def test_scheduling_sends_interview_scheduled_once_and_feedback_scorecard_submitted_once(
    endpoint, receiver, apply, owner, recruiter, django_capture_on_commit_callbacks
):
    application = apply()
    receiver.requests.clear()
    starts_at = (timezone.now() - timedelta(hours=2)).replace(microsecond=0)

    with django_capture_on_commit_callbacks(execute=True):
        interview = _interview(application, owner, starts_at)
    with django_capture_on_commit_callbacks(execute=True):
        # A reschedule that adds to the panel tells the panel, not the webhook again.
        reschedule_interview(
            interview=interview, by=owner, starts_at=starts_at, duration_minutes=45,
            interviewers=[owner, recruiter], title="Technical interview",
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        scorecard = submit_scorecard(interview=interview, author=owner, recommendation="yes")
    with django_capture_on_commit_callbacks(execute=True):
        submit_scorecard(interview=interview, author=owner, recommendation="strong_yes")  # a change: not again

    assert _sent(receiver) == [
        (
            "interview.scheduled",
            {
                "interview_id": interview.pk,
                "application_id": application.pk,
                "candidate_id": application.candidate_id,
                "job_id": application.job_id,
                "starts_at": _iso(starts_at),
                "ends_at": _iso(starts_at + timedelta(minutes=45)),
                "duration_minutes": 45,
            },
        ),
        (
            "scorecard.submitted",
            {
                "interview_id": interview.pk,
                "application_id": application.pk,
                "candidate_id": application.candidate_id,
                "job_id": application.job_id,
                "scorecard_id": scorecard.pk,
                "author_id": owner.pk,
                "submitted_at": _iso(scorecard.submitted_at),
            },
        ),
    ]


def test_only_chosen_events_of_active_endpoints_of_the_organisation_are_sent(
    receiver, make_endpoint, apply, other_organization
):
    chosen = make_endpoint(url=receiver.url, events=["application.created"])
    update_endpoint(endpoint=make_endpoint(url=receiver.url, events=Event.values), is_active=False)
    create_endpoint(organization=other_organization, url=receiver.url, events=Event.values)

    apply()

    assert [event for event, _ in _sent(receiver)] == ["application.created"]
    assert list(WebhookDelivery.objects.values_list("endpoint_id", "event")) == [(chosen.pk, "application.created")]


def test_the_event_task_run_twice_makes_one_delivery(endpoint, receiver, apply):
    application = apply()

    tasks.send_event("application.created", application.pk)

    assert WebhookDelivery.objects.filter(event="application.created").count() == 1
    assert [event for event, _ in _sent(receiver)].count("application.created") == 1


def test_an_event_about_a_record_gone_or_an_erased_person_sends_nothing(endpoint, receiver, apply, owner):
    application = apply()
    receiver.requests.clear()
    erase_candidate(candidate=application.candidate, by=owner, reason="request")

    tasks.send_event("application.created", application.pk + 1000)
    tasks.send_event("candidate.created", application.candidate_id)

    assert receiver.requests == []


def test_erasing_the_person_deletes_the_deliveries_about_them(endpoint, receiver, apply, owner):
    erased = apply()
    kept = apply({**PERSON, "email": "sam@example.com"})
    assert WebhookDelivery.objects.count() == 4

    erase_candidate(candidate=erased.candidate, by=owner, reason="request")

    assert set(WebhookDelivery.objects.values_list("candidate_id", flat=True)) == {kept.candidate_id}
    assert WebhookDelivery.objects.count() == 2


def test_a_recruiter_opening_an_application_for_a_known_candidate_sends_application_created(
    endpoint, receiver, job, owner, organization, django_capture_on_commit_callbacks
):
    candidate = CandidateFactory(organization=organization)
    with django_capture_on_commit_callbacks(execute=True):
        application = open_application(job=job, candidate=candidate, applied=False, by=owner)

    assert [(event, data["application_id"]) for event, data in _sent(receiver)] == [
        ("application.created", application.pk)
    ]
