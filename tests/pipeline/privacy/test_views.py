"""The privacy pages: erase and export a candidate, review who is due, extend a date. Owners and admins only."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from jobs.models import HiringTeamMember
from mail.models import EmailMessage
from pipeline.applications.models import Application
from pipeline.candidates.models import Candidate
from pipeline.privacy.models import ErasureRecord, RetentionExtension
from tests.core.test_no_writes_on_get import ALLOWED_WRITES, get
from tests.factories import ApplicationFactory, CandidateFactory, OrganizationFactory, make_job

from .conftest import EMAIL, FULL_NAME

pytestmark = pytest.mark.django_db


def erase_url(candidate):
    return f"/candidates/{candidate.pk}/erase/"


def export_url(candidate):
    return f"/candidates/{candidate.pk}/export/"


def extend_url(candidate):
    return f"/candidates/{candidate.pk}/retention/"


REVIEW_URL = "/candidates/retention/"


@pytest.fixture
def today(organization):
    return organization.local_date(timezone.now())


@pytest.fixture
def applicant(job, stages):
    """Someone with an application to the job (so a hiring manager on its team can see them)."""
    application = ApplicationFactory(job=job, current_stage=stages[0], cover_letter="Hello")
    return application.candidate


# --- The buttons ------------------------------------------------------------------------------


def test_an_admin_sees_erase_and_export_on_the_candidate_page(client_for, admin_user, applicant):
    response = client_for(admin_user).get(f"/candidates/{applicant.pk}/")

    assert response.status_code == 200
    assert f'href="{erase_url(applicant)}"' in response.text
    assert f'href="{export_url(applicant)}"' in response.text


def test_a_recruiter_sees_neither(client_for, recruiter, applicant):
    response = client_for(recruiter).get(f"/candidates/{applicant.pk}/")

    assert response.status_code == 200
    assert erase_url(applicant) not in response.text
    assert export_url(applicant) not in response.text


def test_the_candidate_list_links_the_review_for_admins_only(client_for, owner, recruiter):
    assert f'href="{REVIEW_URL}"' in client_for(owner).get("/candidates/").text
    listing = client_for(recruiter).get("/candidates/")
    assert listing.status_code == 200
    assert REVIEW_URL not in listing.text


# --- Erasing ----------------------------------------------------------------------------------


def test_the_confirmation_says_what_goes_and_that_it_cannot_be_undone(client_for, owner, applicant):
    response = client_for(owner).get(erase_url(applicant))

    assert response.status_code == 200
    assert "This cannot be undone" in response.text
    assert "What is removed" in response.text and "What stays" in response.text
    assert 'method="post"' in response.text and "csrfmiddlewaretoken" in response.text
    assert "still open" in response.text  # their active application will show as erased on the board
    assert Candidate.objects.get(pk=applicant.pk).erased_at is None  # a GET erases nothing


def test_posting_the_confirmation_erases_and_goes_to_the_list(
    client_for, admin_user, person, settings, django_capture_on_commit_callbacks
):
    resume = person.candidate.resume.name
    client = client_for(admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(erase_url(person.candidate), {"reason": "request"})

    assert response.status_code == 302
    assert response["Location"] == "/candidates/"
    candidate = Candidate.objects.get(pk=person.candidate.pk)
    assert candidate.erased_at is not None
    assert not (settings.MEDIA_ROOT / resume).exists()
    record = ErasureRecord.objects.get()
    assert (record.erased_by, record.reason) == (admin_user, ErasureRecord.Reason.REQUEST)
    listing = client.get("/candidates/")
    assert "personal data was erased" in listing.text
    assert FULL_NAME not in listing.text and "Erased candidate" not in listing.text  # tombstones are not listed


def test_a_post_without_the_confirmation_erases_nothing(client_for, owner, applicant):
    response = client_for(owner).post(erase_url(applicant), {})

    assert response.status_code == 400
    assert "This cannot be undone" in response.text
    assert Candidate.objects.get(pk=applicant.pk).erased_at is None


def test_erasing_needs_the_csrf_token(owner, applicant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)

    response = client.post(erase_url(applicant), {"reason": "request"})

    assert response.status_code == 403
    assert Candidate.objects.get(pk=applicant.pk).erased_at is None


def test_an_erased_candidate_has_no_erase_button_and_says_so(client_for, owner, applicant):
    client = client_for(owner)
    client.post(erase_url(applicant), {"reason": "manual"})

    page = client.get(f"/candidates/{applicant.pk}/")
    again = client.get(erase_url(applicant))

    assert page.status_code == 200
    assert "data-erased" in page.text
    assert erase_url(applicant) not in page.text and f"/candidates/{applicant.pk}/edit/" not in page.text
    assert again.status_code == 302 and again["Location"] == f"/candidates/{applicant.pk}/"
    assert ErasureRecord.objects.count() == 1


def test_an_erased_candidate_takes_no_new_notes_or_edits(client_for, owner, applicant):
    client = client_for(owner)
    client.post(erase_url(applicant), {"reason": "manual"})

    client.post(f"/candidates/{applicant.pk}/notes/", {"body": "New facts", "visibility": "team"})
    edit = client.get(f"/candidates/{applicant.pk}/edit/")

    assert not applicant.notes.exists()
    assert edit.status_code == 302


# --- Who may ----------------------------------------------------------------------------------


@pytest.fixture
def team(job, hiring_manager, interviewer):
    HiringTeamMember.objects.create(job=job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    HiringTeamMember.objects.create(job=job, user=interviewer, role=HiringTeamMember.Role.INTERVIEWER)
    return {"hiring_manager": hiring_manager, "interviewer": interviewer}


@pytest.mark.parametrize(
    ("role", "status"), [("recruiter", 403), ("hiring_manager", 403), ("interviewer", 404), ("other_owner", 404)]
)
def test_only_owners_and_admins_may_erase_export_or_extend(
    client_for, request, team, applicant, other_organization, role, status
):
    user = other_organization.memberships.get().user if role == "other_owner" else request.getfixturevalue(role)
    client = client_for(user)

    for url in (erase_url(applicant), export_url(applicant), extend_url(applicant)):
        assert client.get(url).status_code == status, url
    assert client.post(erase_url(applicant), {"reason": "request"}).status_code == status
    assert client.post(extend_url(applicant), {"retain_until": "2099-01-01", "reason": "x"}).status_code == status
    assert Candidate.objects.get(pk=applicant.pk).erased_at is None
    assert not RetentionExtension.objects.exists()


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager", "interviewer"])
def test_only_owners_and_admins_see_the_review(client_for, request, role):
    assert client_for(request.getfixturevalue(role)).get(REVIEW_URL).status_code == 403


def test_signed_out_visitors_are_sent_to_log_in(client, applicant):
    for url in (erase_url(applicant), export_url(applicant), extend_url(applicant), REVIEW_URL):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


# --- Exporting --------------------------------------------------------------------------------


def export(client, candidate):
    response = client.get(export_url(candidate))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f'filename="candidate-{candidate.pk}.zip"' in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_export_holds_their_data_and_files(client_for, owner, person):
    EmailMessage.objects.filter(pk=person.queued.pk).update(sensitive=True, text_body="Your secret link")

    archive = export(client_for(owner), person.candidate)

    document = json.loads(archive.read("candidate.json"))
    assert document["candidate"]["email"] == EMAIL
    assert document["candidate"]["phone"] == person.candidate.phone
    assert FULL_NAME in document["candidate"]["resume_text"]
    [application] = document["applications"]
    assert application["job"] == "Backend Engineer"
    assert application["stage"] == person.application.job.stages.order_by("order")[1].name
    assert [entry["note"] for entry in application["stage_history"]] == ["Applied", f"{FULL_NAME} was great"]
    answers = {answer["question"]: answer for answer in application["answers"]}
    assert answers["Who referred you?"]["value"] == f"A friend of {FULL_NAME}"
    assert [note["text"] for note in document["notes"]] == [f"@riley call {FULL_NAME} on {person.candidate.phone}"]
    subjects = {email["subject"]: email for email in document["emails"]}
    assert f"For {FULL_NAME}" in subjects
    assert subjects[f"For {FULL_NAME}"]["status"] == "Sent"
    assert subjects[f"Hello {FULL_NAME}"]["text"] is None  # a sensitive message is listed, not quoted
    assert "Your secret link" not in archive.read("candidate.json").decode()
    resume_path = document["candidate"]["resume_file"]
    portfolio_path = answers["Portfolio"]["file"]
    assert set(archive.namelist()) == {"candidate.json", resume_path, portfolio_path}
    assert archive.read(resume_path) == person.candidate.resume.open("rb").read()
    assert document["missing_files"] == []


def test_the_export_writes_nothing(client_for, owner, person):
    response, writes = get(client_for(owner), export_url(person.candidate))

    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert [table for table, _ in writes if table not in ALLOWED_WRITES["every page"]] == []


def test_the_export_says_which_files_were_missing(client_for, owner, person, settings):
    (settings.MEDIA_ROOT / person.candidate.resume.name).unlink()

    archive = export(client_for(owner), person.candidate)

    document = json.loads(archive.read("candidate.json"))
    assert document["missing_files"] == [document["candidate"]["resume_file"]]
    assert document["candidate"]["resume_file"] not in archive.namelist()


def test_the_export_is_get_only(client_for, owner, applicant):
    assert client_for(owner).post(export_url(applicant)).status_code == 405


# --- The review -------------------------------------------------------------------------------


def test_the_review_lists_who_is_due_within_two_weeks_and_who_is_held(client_for, owner, organization, today):
    soon = CandidateFactory(organization=organization, first_name="Soon", retain_until=today + timedelta(days=3))
    held = CandidateFactory(organization=organization, first_name="Held", retain_until=today - timedelta(days=2))
    job = make_job(organization, title="Data Engineer")
    ApplicationFactory(job=job, candidate=held, current_stage=job.stages.first(), status=Application.Status.ON_HOLD)
    CandidateFactory(organization=organization, first_name="Later", retain_until=today + timedelta(days=15))
    CandidateFactory(organization=organization, first_name="Undated")
    CandidateFactory(organization=OrganizationFactory(), first_name="Elsewhere", retain_until=today)

    response = client_for(owner).get(REVIEW_URL)

    assert response.status_code == 200
    text = response.text
    assert "Soon" in text and "Held" in text
    assert "Later" not in text and "Undated" not in text and "Elsewhere" not in text
    assert text.index("Held") < text.index("Soon")  # soonest (here: overdue) first
    assert "Kept while an application is open" in text and "Data Engineer (on hold)" in text
    assert f'href="{extend_url(soon)}"' in text and f'href="/candidates/{soon.pk}/"' in text


def test_the_review_says_when_nobody_is_due(client_for, owner):
    response = client_for(owner).get(REVIEW_URL)

    assert response.status_code == 200
    assert "Nobody is due in the next 14 days" in response.text
    assert "No candidate has been erased yet" in response.text


def test_the_review_is_paginated(client_for, owner, organization, today):
    for _ in range(26):
        CandidateFactory(organization=organization, retain_until=today + timedelta(days=1))
    client = client_for(owner)

    first, second = client.get(REVIEW_URL), client.get(REVIEW_URL, {"page": "2"})

    assert first.text.count("data-candidate=") == 25
    assert second.text.count("data-candidate=") == 1
    assert "Page 1 of 2" in first.text


def test_the_review_lists_recent_erasures_without_names(client_for, owner, applicant):
    client = client_for(owner)
    client.post(erase_url(applicant), {"reason": "request"})

    response = client.get(REVIEW_URL)

    assert f"Candidate #{applicant.pk}" in response.text
    assert applicant.email not in response.text


# --- Extending --------------------------------------------------------------------------------


def test_extending_records_the_date_the_reason_and_who(client_for, admin_user, organization, today):
    person = CandidateFactory(organization=organization, retain_until=today + timedelta(days=5))
    until = today + timedelta(days=60)
    client = client_for(admin_user)

    assert client.get(extend_url(person)).status_code == 200
    response = client.post(extend_url(person), {"retain_until": until.isoformat(), "reason": "Talent pool, consented"})

    assert response.status_code == 302
    assert response["Location"] == REVIEW_URL
    person.refresh_from_db()
    assert person.retain_until == until
    extension = RetentionExtension.objects.get()
    assert (extension.candidate, extension.previous_date, extension.new_date) == (
        person,
        today + timedelta(days=5),
        until,
    )
    assert (extension.reason, extension.extended_by) == ("Talent pool, consented", admin_user)
    page = client.get(extend_url(person))
    assert "Talent pool, consented" in page.text  # the history of extensions


@pytest.mark.parametrize(
    ("days", "reason", "message"),
    [
        (60, "", "This field is required"),
        (2, "Talent pool", "Choose a day after their current date"),
        (-1, "Talent pool", "Choose a day after today"),
        (4000, "Talent pool", "within ten years"),
    ],
    ids=["no reason", "earlier than now", "in the past", "too far"],
)
def test_a_wrong_extension_is_refused_with_a_message(client_for, owner, organization, today, days, reason, message):
    person = CandidateFactory(organization=organization, retain_until=today + timedelta(days=5))

    response = client_for(owner).post(
        extend_url(person), {"retain_until": (today + timedelta(days=days)).isoformat(), "reason": reason}
    )

    assert response.status_code == 400
    assert message in response.text
    assert not RetentionExtension.objects.exists()
    person.refresh_from_db()
    assert person.retain_until == today + timedelta(days=5)


def test_another_organisations_candidate_is_404_for_an_owner(client_for, owner, other_organization):
    stranger = CandidateFactory(organization=other_organization)
    client = client_for(owner)

    for url in (erase_url(stranger), export_url(stranger), extend_url(stranger)):
        assert client.get(url).status_code == 404, url
