"""/api/v1/candidates/: list with the candidate list's search, profile, add, edit, and DELETE as erasure."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Membership
from jobs.models import HiringTeamMember
from pipeline.candidates.models import Candidate
from pipeline.privacy.models import ErasureRecord
from tests.factories import ApplicationFactory, CandidateFactory, make_job

pytestmark = pytest.mark.django_db

LIST = "/api/v1/candidates/"


def detail(candidate):
    return f"/api/v1/candidates/{candidate.pk}/"


def member(user):
    return Membership.objects.get(user=user)


@pytest.fixture
def ada(organization):
    return CandidateFactory(
        organization=organization,
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.com",
        skills=["Python", "Analytical engines"],
        resume="private/resumes/ada.pdf",
        resume_name="ada.pdf",
    )


# --- Reading ---------------------------------------------------------------------


def test_it_lists_candidates_paginated_newest_first(api_for, recruiter, organization, ada):
    grace = CandidateFactory(organization=organization, first_name="Grace", email="grace@example.com")

    response = api_for(recruiter).get(LIST, {"page_size": 1})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["next"].endswith("page=2&page_size=1")
    assert body["previous"] is None
    assert [c["candidate_id"] for c in body["results"]] == [grace.pk]


def test_a_profile_answers_candidate_id_and_a_private_resume_path(api_for, recruiter, ada):
    response = api_for(recruiter).get(detail(ada))

    assert response.status_code == 200
    body = response.json()
    assert "id" not in body
    assert body["candidate_id"] == ada.pk
    assert body["full_name"] == "Ada Lovelace"
    assert body["skills"] == ["Python", "Analytical engines"]
    # The permission-checked download, never the storage's own URL.
    assert body["resume_file_path"] == f"/candidates/{ada.pk}/resume/"
    assert "private/" not in response.text


def test_without_a_resume_the_path_is_null(api_for, recruiter, organization):
    plain = CandidateFactory(organization=organization)

    assert api_for(recruiter).get(detail(plain)).json()["resume_file_path"] is None


def test_search_goes_through_the_candidate_lists_search(api_for, recruiter, organization, ada):
    CandidateFactory(organization=organization, first_name="Grace", skills=["COBOL"])

    response = api_for(recruiter).get(LIST, {"search": "analytical"})

    assert response.status_code == 200
    assert [c["candidate_id"] for c in response.json()["results"]] == [ada.pk]


def test_the_job_filter_ignores_a_job_the_member_cannot_see(api_for, hiring_manager, organization, job, stages):
    HiringTeamMember.objects.create(job=job, user=hiring_manager)
    other_job = make_job(organization, title="Secret")
    mine = ApplicationFactory(job=job, current_stage=stages[0]).candidate
    ApplicationFactory(job=other_job, current_stage=other_job.stages.first(), candidate=mine)
    ApplicationFactory(job=other_job, current_stage=other_job.stages.first())

    response = api_for(hiring_manager).get(LIST, {"job": other_job.pk})

    # Their own candidates only, as if there were no filter: the filter would tell who applied there.
    assert response.status_code == 200
    assert [c["candidate_id"] for c in response.json()["results"]] == [mine.pk]


def test_a_list_costs_the_same_queries_for_2_or_40_candidates(api_for, recruiter, organization):
    client = api_for(recruiter)
    CandidateFactory.create_batch(2, organization=organization)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST, {"page_size": 50})
        assert response.status_code == 200
        return len(queries), len(response.json()["results"])

    count()  # warm-up: the first call of a token writes what later calls only read
    few = count()
    CandidateFactory.create_batch(38, organization=organization)
    many = count()

    assert (few[1], many[1]) == (2, 40)
    assert few[0] == many[0]


def test_another_organisations_candidate_is_a_404(api_for, recruiter, other_organization):
    theirs = CandidateFactory(organization=other_organization)

    response = api_for(recruiter).get(detail(theirs))

    assert response.status_code == 404
    assert response.json()["detail"] in ("No Candidate matches the given query.", "Not found.")


def test_a_hiring_manager_sees_only_the_candidates_of_their_jobs(api_for, hiring_manager, job, stages, ada):
    HiringTeamMember.objects.create(job=job, user=hiring_manager)
    theirs = ApplicationFactory(job=job, current_stage=stages[0]).candidate
    client = api_for(hiring_manager)

    listed = client.get(LIST).json()["results"]

    assert [c["candidate_id"] for c in listed] == [theirs.pk]
    assert client.get(detail(ada)).status_code == 404
    assert client.get(detail(theirs)).status_code == 200


@pytest.mark.parametrize(
    ("path", "method"), [(LIST, "get"), (LIST, "post"), ("detail", "get"), ("detail", "patch"), ("detail", "delete")]
)
def test_without_credentials_it_is_a_401(ada, path, method):
    response = getattr(APIClient(), method)(detail(ada) if path == "detail" else path, {}, format="json")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert Candidate.objects.filter(pk=ada.pk, first_name="Ada").exists()


# --- Adding and editing ------------------------------------------------------------


def test_it_adds_a_candidate_through_the_service(api_for, recruiter, organization):
    body = {
        "first_name": "Grace",
        "last_name": "Hopper",
        "email": "  Grace@Navy.MIL ",
        "skills": ["COBOL", "Compilers"],
        "experience_years": 40,
        "linkedin_url": "https://www.linkedin.com/in/grace",
    }

    response = api_for(recruiter).post(LIST, body, format="json")

    assert response.status_code == 201, response.json()
    grace = Candidate.objects.get(organization=organization, email="grace@navy.mil")
    assert response.json()["candidate_id"] == grace.pk
    assert (grace.first_name, grace.skills, grace.experience_years) == ("Grace", ["COBOL", "Compilers"], 40)
    assert grace.events.get().text == "Added by hand"  # the service's timeline entry


def test_an_email_taken_in_any_casing_is_a_400_on_email(api_for, recruiter, ada):
    response = api_for(recruiter).post(LIST, {"first_name": "Other", "email": "ADA@example.com"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"email": ["Ada Lovelace already has this email address."]}
    assert Candidate.objects.filter(email="ada@example.com").count() == 1


def test_the_same_email_in_another_organisation_is_fine(api_for, recruiter, other_organization):
    CandidateFactory(organization=other_organization, email="same@example.com")

    response = api_for(recruiter).post(LIST, {"first_name": "Same", "email": "same@example.com"}, format="json")

    assert response.status_code == 201
    assert Candidate.objects.filter(email="same@example.com").count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "first_name"),
        ({"first_name": "X", "email": "not an address"}, "email"),
        ({"first_name": "X", "email": "x@example.com", "skills": "Python"}, "skills"),
        ({"first_name": "X", "email": "x@example.com", "experience_years": 10**30}, "experience_years"),
        ({"first_name": "X", "email": "x@example.com", "experience_years": "many"}, "experience_years"),
        ({"first_name": "X" * 101, "email": "x@example.com"}, "first_name"),
    ],
)
def test_invalid_input_is_a_400_keyed_by_field(api_for, recruiter, body, field):
    response = api_for(recruiter).post(LIST, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Candidate.objects.exists()


@pytest.mark.parametrize("body", [[], "x", 5])
def test_a_body_that_is_not_an_object_is_a_400(api_for, recruiter, body):
    response = api_for(recruiter).post(LIST, body, format="json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_patch_changes_the_profile(api_for, recruiter, ada):
    response = api_for(recruiter).patch(detail(ada), {"city": "London", "email": "Ada@Lovelace.org"}, format="json")

    assert response.status_code == 200
    ada.refresh_from_db()
    assert (ada.city, ada.email, ada.first_name) == ("London", "ada@lovelace.org", "Ada")
    assert response.json()["email"] == "ada@lovelace.org"


def test_put_replaces_the_profile(api_for, recruiter, ada):
    body = {"first_name": "Augusta", "last_name": "King", "email": "augusta@example.com", "skills": []}

    response = api_for(recruiter).put(detail(ada), body, format="json")

    assert response.status_code == 200
    ada.refresh_from_db()
    assert (ada.first_name, ada.last_name, ada.email, ada.skills) == ("Augusta", "King", "augusta@example.com", [])


def test_patch_to_another_candidates_email_is_a_400(api_for, recruiter, organization, ada):
    CandidateFactory(organization=organization, email="grace@example.com")

    response = api_for(recruiter).patch(detail(ada), {"email": "GRACE@example.com"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"email": ["Another candidate already has this email. Merge them instead."]}
    ada.refresh_from_db()
    assert ada.email == "ada@example.com"


def test_a_hiring_manager_may_read_but_not_change_a_candidate(api_for, hiring_manager, job, stages):
    HiringTeamMember.objects.create(job=job, user=hiring_manager)
    theirs = ApplicationFactory(job=job, current_stage=stages[0], candidate__first_name="Ada").candidate
    client = api_for(hiring_manager)

    patched = client.patch(detail(theirs), {"first_name": "Changed"}, format="json")
    created = client.post(LIST, {"first_name": "New", "email": "new@example.com"}, format="json")

    assert patched.status_code == 403
    assert patched.json() == {"detail": "Your role does not allow this."}
    assert created.status_code == 403
    theirs.refresh_from_db()
    assert theirs.first_name == "Ada"
    assert not Candidate.objects.filter(email="new@example.com").exists()


def test_a_hiring_manager_changing_someone_they_cannot_see_gets_a_404(api_for, hiring_manager, ada):
    response = api_for(hiring_manager).patch(detail(ada), {"first_name": "Changed"}, format="json")

    assert response.status_code == 404


def test_a_read_only_key_reads_but_cannot_write(api_key_for, owner, ada):
    client = api_key_for(member(owner), read_only=True)

    read = client.get(detail(ada))
    written = client.patch(detail(ada), {"first_name": "Changed"}, format="json")

    assert read.status_code == 200
    assert read.json()["first_name"] == "Ada"
    assert written.status_code == 403
    assert written.json() == {"detail": "This API key is read-only."}
    ada.refresh_from_db()
    assert ada.first_name == "Ada"


def test_a_read_write_key_adds_a_candidate(api_key_for, owner, organization):
    response = api_key_for(member(owner)).post(LIST, {"first_name": "Key", "email": "key@example.com"}, format="json")

    assert response.status_code == 201
    assert Candidate.objects.filter(organization=organization, email="key@example.com").exists()


def test_another_organisations_candidate_cannot_be_changed(api_for, recruiter, other_organization):
    theirs = CandidateFactory(organization=other_organization, first_name="Theirs")

    response = api_for(recruiter).patch(detail(theirs), {"first_name": "Mine"}, format="json")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.first_name == "Theirs"


# --- DELETE: the person's erasure ---------------------------------------------------


def test_delete_erases_the_person_and_keeps_their_applications_as_a_tombstone(
    api_for, owner, organization, job, stages, ada, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(job=job, candidate=ada, current_stage=stages[0], notes="Strong maths")
    client = api_for(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(detail(ada))

    assert response.status_code == 204
    assert response.content == b""
    ada.refresh_from_db()
    assert ada.erased_at is not None
    assert (ada.first_name, ada.email) == ("Erased", f"erased-{ada.pk}@erased.invalid")
    application.refresh_from_db()
    assert application.notes == ""
    record = ErasureRecord.objects.get(organization=organization)
    assert (record.candidate_number, record.erased_by, record.reason) == (ada.pk, owner, "manual")
    # Gone from the API, as from the candidate list.
    assert client.get(detail(ada)).status_code == 404
    assert client.delete(detail(ada)).status_code == 404


def test_a_recruiter_may_not_erase(api_for, recruiter, ada):
    response = api_for(recruiter).delete(detail(ada))

    assert response.status_code == 403
    ada.refresh_from_db()
    assert ada.erased_at is None and ada.first_name == "Ada"
    assert not ErasureRecord.objects.exists()


def test_another_organisations_candidate_cannot_be_erased(api_for, owner, other_organization):
    theirs = CandidateFactory(organization=other_organization)

    response = api_for(owner).delete(detail(theirs))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.erased_at is None


@pytest.mark.parametrize("candidate_id", ["-1", "abc", "0.5", str(10**30)])
def test_odd_ids_are_a_404(api_for, recruiter, candidate_id):
    response = api_for(recruiter).get(f"{LIST}{candidate_id}/")

    assert response.status_code == 404
    assert response.json()["detail"] in ("No Candidate matches the given query.", "Not found.")
