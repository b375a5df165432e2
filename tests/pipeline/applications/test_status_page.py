"""The candidate's status page (pipeline.interviews.status_page), public behind the signed link of their
emails: one application, its stage under the team's name for candidates, the next interview, and a
withdrawal that takes a confirmed POST through the recruiter's own service. A GET changes nothing."""

import re
import zoneinfo
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from jobs.models import HiringTeamMember, Stage
from mail.models import EmailMessage
from notifications.models import Category, Notification
from pipeline.applications.models import Application, ApplicationStageHistory, RejectionReason
from pipeline.applications.services import reject_application, set_status
from pipeline.applications.status_link import revoke_status_link, status_token, status_url
from pipeline.automation.models import ActionRun
from pipeline.candidates.models import TimelineEvent
from pipeline.interviews import status_page
from pipeline.interviews.models import Interview, PanelMember
from pipeline.privacy.models import ErasureRecord
from pipeline.privacy.services import erase_candidate
from tests.factories import ApplicationFactory, make_job

from .applying import application_data, apply_url

pytestmark = pytest.mark.django_db


def page_url(application, slug=None):
    return f"/careers/{slug or application.job.organization.slug}/-/status/{status_token(application)}/"


def withdraw_url(application):
    return page_url(application) + "withdraw/"


def state():
    """Everything a visit could change: rows of each kind, and each application's own fields."""
    return {
        "applications": list(Application.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        "history": ApplicationStageHistory.objects.count(),
        "events": TimelineEvent.objects.count(),
        "runs": list(ActionRun.objects.order_by("pk").values_list("pk", "status")),
        "emails": EmailMessage.objects.count(),
        "notifications": Notification.objects.count(),
        "interviews": list(Interview.objects.order_by("pk").values_list("pk", "status")),
    }


@pytest.fixture
def follower(job, recruiter):
    """The recruiter on the job's team: they hear of decisions on its applications."""
    HiringTeamMember.objects.create(job=job, user=recruiter, role=HiringTeamMember.Role.RECRUITER)
    return recruiter


@pytest.fixture
def pending_run(application):
    """A stage action's email to the candidate, due in two days."""
    return ActionRun.objects.create(
        application=application, kind="email", label="Email “Screening” to the candidate",
        due_at=timezone.now() + timedelta(days=2),
    )  # fmt: skip


# --- The page -------------------------------------------------------------------------------------


def test_the_link_opens_the_page_without_signing_in(client, application):
    response = client.get(page_url(application))

    assert response.status_code == 200
    assert '<h1 class="h3 fw-semibold text-break">Backend Engineer</h1>' in response.text
    assert "Your application to Acme Corp" in response.text
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    assert f'href="{withdraw_url(application)}"' in response.text


def test_the_page_is_private_to_whoever_holds_the_link(client, application):
    page, confirmation = client.get(page_url(application)), client.get(withdraw_url(application))

    assert (page.status_code, confirmation.status_code) == (200, 200)
    for response in (page, confirmation):
        assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
        assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert page["Referrer-Policy"] == "no-referrer"
    # Its form posts with the page's origin (under no-referrer it would be "null", which CSRF refuses).
    assert confirmation["Referrer-Policy"] == "same-origin"


def test_the_page_shows_only_that_application(client, application, organization, recruiter):
    other_job = make_job(organization, title="Head of Secret Projects")
    ApplicationFactory(job=other_job, candidate=application.candidate, current_stage=other_job.stages.first())
    application.internal_notes = "Strong on databases, weak on tests"
    application.rating = 2
    application.save()
    # An earlier decision on another job, with the team's reason for it.
    porter = ApplicationFactory(job=make_job(organization, title="Night Porter"), candidate=application.candidate)
    reject_application(application=porter, reason="Not enough experience", by=recruiter)

    response = client.get(page_url(application))

    assert response.status_code == 200
    assert "Backend Engineer" in response.text
    for hidden in ("Head of Secret Projects", "Night Porter", "Strong on databases", "Not enough experience"):
        assert hidden not in response.text
    assert "Application Received" not in response.text  # the internal stage name


def test_the_stage_shows_under_its_name_for_candidates(client, application, stages):
    Stage.objects.filter(pk=stages[0].pk).update(name="Resume triage", candidate_label="Being read by the team")

    response = client.get(page_url(application))

    assert response.status_code == 200
    assert '<p class="fs-5 fw-semibold mb-0" data-status-label>Being read by the team</p>' in response.text
    assert "Resume triage" not in response.text


def label_on(client, application):
    response = client.get(page_url(application))
    assert response.status_code == 200
    return re.search(r"data-status-label>([^<]*)<", response.text)[1]


def test_without_a_name_for_candidates_the_page_says_under_review(client, application):
    assert label_on(client, application) == "Under review"


def test_a_hold_reads_as_under_review(client, application, stages):
    Stage.objects.filter(pk=stages[0].pk).update(candidate_label="Being read")
    set_status(application=application, status=Application.Status.ON_HOLD)

    assert label_on(client, application) == "Being read"


@pytest.mark.parametrize(
    ("decide", "label"),
    [
        (lambda a: reject_application(application=a, reason="Position filled"), "Not moving forward"),
        (lambda a: reject_application(application=a, reason="Accepted another offer", withdrawn=True), "Withdrawn"),
        (lambda a: set_status(application=a, status=Application.Status.HIRED), "Hired"),
    ],
)
def test_a_decision_reads_by_its_status_whatever_the_stages_name(client, application, stages, decide, label):
    Stage.objects.filter(pk=stages[0].pk).update(candidate_label="Being read")
    decide(application)

    assert label_on(client, application) == label
    response = client.get(page_url(application))
    assert "Withdraw my application" not in response.text
    assert "Next step" not in response.text


def test_the_next_interview_shows_in_its_invitations_zone_without_the_panel(client, application, recruiter):
    starts = (timezone.now() + timedelta(days=3)).replace(minute=30, second=0, microsecond=0)
    interview = Interview.objects.create(
        organization=application.job.organization, application=application, title="Meet the team",
        starts_at=starts, duration_minutes=45, time_zone="Asia/Tokyo", location="12 Harbour Street, Floor 3",
        organizer=recruiter,
    )  # fmt: skip
    PanelMember.objects.create(interview=interview, user=recruiter)
    Interview.objects.create(  # a cancelled one, sooner: not a next step
        organization=application.job.organization, application=application, title="Cancelled call",
        starts_at=starts - timedelta(days=1), status=Interview.Status.CANCELLED,
    )  # fmt: skip
    Interview.objects.create(  # one already over
        organization=application.job.organization, application=application, title="First call",
        starts_at=timezone.now() - timedelta(days=2),
    )  # fmt: skip
    local = starts.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))

    response = client.get(page_url(application))

    assert response.status_code == 200
    assert "Meet the team" in response.text
    assert f'<time datetime="{local.isoformat()}">{local.day} {local:%b %Y, %H:%M}</time>' in response.text
    assert f"–{(local + timedelta(minutes=45)):%H:%M} JST" in response.text
    assert "12 Harbour Street, Floor 3" in response.text
    assert "Cancelled call" not in response.text
    assert "First call" not in response.text
    assert recruiter.email not in response.text
    assert recruiter.get_full_name() not in response.text


def test_without_an_interview_the_page_says_nothing_is_scheduled(client, application):
    response = client.get(page_url(application))

    assert response.status_code == 200
    assert "Nothing is scheduled yet" in response.text


def test_a_link_under_an_old_organisation_slug_goes_to_the_current_address(client, application):
    response = client.get(page_url(application, slug="old-name"))

    assert response.status_code == 302
    assert response["Location"] == page_url(application)
    assert response["Referrer-Policy"] == "no-referrer"


# --- Links that open nothing ----------------------------------------------------------------------


def assert_404(client, url):
    for response in (client.get(url), client.get(url + "withdraw/"), client.post(url + "withdraw/")):
        assert response.status_code == 404
        assert "Backend Engineer" not in response.text


def test_a_tampered_link_is_404(client, application):
    token = status_token(application)
    tampered = token[:-2] + ("xx" if not token.endswith("xx") else "yy")

    assert_404(client, f"/careers/{application.job.organization.slug}/-/status/{tampered}/")
    assert Application.objects.get(pk=application.pk).status == Application.Status.ACTIVE


def test_a_revoked_link_is_404(client, application, recruiter):
    url = page_url(application)
    revoke_status_link(application=application, by=recruiter)

    assert_404(client, url)
    assert client.get(page_url(Application.objects.get(pk=application.pk))).status_code == 200


def test_an_erased_persons_link_is_404(client, application, owner):
    url = page_url(application)
    erase_candidate(candidate=application.candidate, by=owner, reason=ErasureRecord.Reason.REQUEST)

    assert_404(client, url)


def test_a_deleted_applications_link_is_404(client, application):
    url = page_url(application)
    application.delete()

    assert_404(client, url)


def test_garbage_is_404(client, application):
    slug = application.job.organization.slug
    for token in ("nothing", "1:2:3", f"{application.pk}:", "a" * 300):
        assert client.get(f"/careers/{slug}/-/status/{token}/").status_code == 404


# --- A GET changes nothing ------------------------------------------------------------------------


def test_opening_the_page_and_the_confirmation_changes_nothing(
    client, application, pending_run, follower, django_capture_on_commit_callbacks
):
    before = state()

    with django_capture_on_commit_callbacks(execute=True):
        responses = [client.get(page_url(application)), client.get(withdraw_url(application))]
        responses += [client.head(page_url(application)), client.head(withdraw_url(application))]

    assert [response.status_code for response in responses] == [200, 200, 200, 200]
    assert "Withdraw your application?" in responses[1].text
    assert state() == before


def test_other_methods_are_refused(client, application):
    before = state()

    assert client.post(page_url(application)).status_code == 405
    assert client.put(withdraw_url(application)).status_code == 405
    assert client.delete(withdraw_url(application)).status_code == 405
    assert state() == before


# --- Withdrawing ----------------------------------------------------------------------------------


def test_withdrawing_records_it_cancels_what_was_pending_and_tells_the_team(
    client, application, pending_run, follower, django_capture_on_commit_callbacks
):
    interview = Interview.objects.create(
        organization=application.job.organization, application=application, title="Meet the team",
        starts_at=timezone.now() + timedelta(days=3),
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(withdraw_url(application))

    assert response.status_code == 302
    assert response["Location"] == page_url(application)
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    event = TimelineEvent.objects.get(application=application, kind="withdrawn")
    assert (event.text, event.actor) == ("Withdrew: On their status page", None)
    pending_run.refresh_from_db()
    assert pending_run.status == ActionRun.Status.CANCELLED
    interview.refresh_from_db()
    assert interview.status == Interview.Status.CANCELLED
    [told] = Notification.objects.filter(recipient=follower, category=Category.REJECTION)
    assert told.title == f"Ada {application.candidate.last_name} withdrew from Backend Engineer"
    page = client.get(response["Location"])
    assert "You have withdrawn this application" in page.text
    assert "Withdraw my application" not in page.text


def test_the_candidate_may_say_why_from_the_organisations_reasons(client, application, organization):
    reasons = list(
        RejectionReason.objects.filter(organization=organization, kind="withdrew").values_list("name", flat=True)
    )
    confirmation = client.get(withdraw_url(application))
    assert all(f"<option>{reason}</option>" in confirmation.text for reason in reasons)
    assert "Not enough experience" not in confirmation.text  # the team's own reasons stay theirs

    client.post(withdraw_url(application), {"reason": "Accepted another offer"})

    event = TimelineEvent.objects.get(application=application, kind="withdrawn")
    assert event.text == "Withdrew: Accepted another offer (on their status page)"


def test_a_reason_not_on_the_list_is_not_recorded(client, application):
    client.post(withdraw_url(application), {"reason": "<b>Your recruiter is rude</b>"})

    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert application.rejection_reason == "On their status page"


def test_withdrawing_twice_is_a_polite_no_op(client, application, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(withdraw_url(application))
    before = state()

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(withdraw_url(application))

    assert again.status_code == 302
    assert again["Location"] == page_url(application)
    assert state() == before
    assert TimelineEvent.objects.filter(application=application, kind="withdrawn").count() == 1


@pytest.mark.parametrize(
    "decide",
    [
        lambda a: reject_application(application=a, reason="Position filled"),
        lambda a: set_status(application=a, status=Application.Status.HIRED),
    ],
)
def test_a_decided_application_is_not_withdrawn(client, application, decide):
    decide(application)
    before = state()

    confirmation = client.get(withdraw_url(application))
    posted = client.post(withdraw_url(application))

    assert (confirmation.status_code, posted.status_code) == (302, 302)
    assert posted["Location"] == page_url(application)
    assert state() == before


def test_withdrawing_needs_the_csrf_token(application):
    browser = Client(enforce_csrf_checks=True)

    refused = browser.post(withdraw_url(application))

    assert refused.status_code == 403
    assert Application.objects.get(pk=application.pk).status == Application.Status.ACTIVE
    confirmation = browser.get(withdraw_url(application))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', confirmation.text)[1]
    accepted = browser.post(withdraw_url(application), {"csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    assert Application.objects.get(pk=application.pk).status == Application.Status.WITHDRAWN


def test_withdrawals_are_rate_limited_per_address(client, application, job, monkeypatch):
    monkeypatch.setattr(status_page, "WITHDRAW_RATE_LIMIT", (1, 3600))
    other = ApplicationFactory(job=job, current_stage=application.current_stage)
    client.post(withdraw_url(application))

    refused = client.post(withdraw_url(other))

    assert refused.status_code == 429
    assert "Too many attempts" in refused.text
    assert Application.objects.get(pk=other.pk).status == Application.Status.ACTIVE


# --- The acknowledgement carries the link ---------------------------------------------------------


def test_the_acknowledgement_carries_a_working_link(client, job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post(apply_url(job), application_data(email="jane.doe@example.com"))
    assert applied.status_code == 302

    [message] = mail.outbox
    application = Application.objects.get(candidate__email="jane.doe@example.com")
    link = status_url(application)
    assert link in message.body  # the plain-text part
    html, _ = message.alternatives[0]
    assert "View your application status" in html  # the branded layout's button (mail/branding.py)
    page = client.get(link.removeprefix(settings.SITE_URL))
    assert page.status_code == 200
    assert "Backend Engineer" in page.text
    assert "jane.doe@example.com" not in page.text  # the page is about the job, not the person
