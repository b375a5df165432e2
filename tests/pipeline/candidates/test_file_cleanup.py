"""Every path that drops a file reference deletes the file: adding a duplicate, merging, Django admin deletes."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from pipeline.applications.models import ApplicationFormAnswer
from pipeline.candidates import services
from pipeline.candidates.models import Candidate, delete_file_on_commit
from tests.factories import ApplicationFactory, CandidateFactory, make_job, pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def with_resume(candidate, name="cv.pdf"):
    candidate.resume.save(name, ContentFile(pdf_bytes([candidate.full_name])), save=True)
    return candidate.resume.name


def with_answer_file(application, name="work.pdf"):
    answer = ApplicationFormAnswer(application=application, key="portfolio", label="Portfolio", file_name=name)
    answer.file.save(name, ContentFile(pdf_bytes(["Portfolio"])), save=True)
    return answer.file.name


# --- Adding a candidate by hand ---------------------------------------------------------------


def test_adding_a_duplicate_by_hand_stores_no_file(client_for, recruiter, organization, settings):
    CandidateFactory(organization=organization, email="grace@example.com")

    response = client_for(recruiter).post(
        "/candidates/new/",
        {"first_name": "Grace", "last_name": "Hopper", "email": "GRACE@example.com", "resume": pdf_upload("g.pdf")},
    )

    assert response.status_code == 400
    assert stored_files(settings) == []


def test_a_duplicate_added_at_the_same_instant_leaves_no_file(organization, recruiter, settings, monkeypatch):
    # The first check finds nobody; by the time the row is written, someone else has added them.
    CandidateFactory(organization=organization, email="grace@example.com")
    real_filter = Candidate.objects.filter
    calls = []

    def first_check_misses(*args, **kwargs):
        calls.append(kwargs)
        return Candidate.objects.none() if len(calls) == 1 else real_filter(*args, **kwargs)

    monkeypatch.setattr(Candidate.objects, "filter", first_check_misses)

    with pytest.raises(services.DuplicateCandidate):
        services.add_candidate(
            organization=organization, by=recruiter, values={"first_name": "Grace", "email": "grace@example.com"},
            resume=pdf_upload("g.pdf"),
        )  # fmt: skip

    assert stored_files(settings) == []


def test_a_failure_after_the_resume_is_stored_leaves_no_file(organization, recruiter, settings):
    job = make_job(organization)
    job.stages.update(is_active=False)  # nowhere to put the application: open_application refuses

    with pytest.raises(ValidationError):
        services.add_candidate(
            organization=organization, by=recruiter, values={"first_name": "Grace", "email": "grace@example.com"},
            resume=pdf_upload("g.pdf"), job=job,
        )  # fmt: skip

    assert stored_files(settings) == []
    assert not Candidate.objects.filter(email="grace@example.com").exists()


# --- Merging ----------------------------------------------------------------------------------


def test_a_merged_resume_with_nowhere_to_go_is_deleted(organization, settings, django_capture_on_commit_callbacks):
    keep, merge = CandidateFactory(organization=organization), CandidateFactory(organization=organization)
    kept, dropped = with_resume(keep, "keep.pdf"), with_resume(merge, "merge.pdf")

    with django_capture_on_commit_callbacks(execute=True):
        services.merge_candidates(keep=keep, merge=merge)

    assert stored_files(settings) == [kept]
    assert not default_storage.exists(dropped)


def test_a_merged_resume_kept_with_an_application_stays(organization, settings, django_capture_on_commit_callbacks):
    job = make_job(organization)
    keep, merge = CandidateFactory(organization=organization), CandidateFactory(organization=organization)
    ApplicationFactory(job=job, candidate=keep, current_stage=job.stages.first())
    twin = ApplicationFactory(job=job, candidate=merge, current_stage=job.stages.first())
    files = [with_resume(keep, "keep.pdf"), with_resume(merge, "merge.pdf"), with_answer_file(twin)]

    with django_capture_on_commit_callbacks(execute=True):
        services.merge_candidates(keep=keep, merge=merge)

    assert stored_files(settings) == sorted(files)  # every file has a row: keep's resume, two answers
    referenced = set(ApplicationFormAnswer.objects.values_list("file", flat=True)) | {keep.resume.name}
    assert referenced == set(files)


def test_a_resume_moved_to_the_kept_profile_stays(organization, settings, django_capture_on_commit_callbacks):
    keep, merge = CandidateFactory(organization=organization), CandidateFactory(organization=organization)
    moved = with_resume(merge)

    with django_capture_on_commit_callbacks(execute=True):
        services.merge_candidates(keep=keep, merge=merge)

    keep.refresh_from_db()
    assert keep.resume.name == moved
    assert stored_files(settings) == [moved]


def test_an_erased_candidate_cannot_be_merged(organization):
    keep, merge = CandidateFactory(organization=organization), CandidateFactory(organization=organization)
    Candidate.objects.filter(pk=merge.pk).update(erased_at="2030-01-01T00:00Z")

    with pytest.raises(ValidationError):
        services.merge_candidates(keep=keep, merge=merge)


# --- The helper -------------------------------------------------------------------------------


def test_the_helper_keeps_a_file_a_row_still_names(organization, settings, django_capture_on_commit_callbacks):
    name = with_resume(CandidateFactory(organization=organization))

    with django_capture_on_commit_callbacks(execute=True):
        delete_file_on_commit(name)
        delete_file_on_commit("private/resumes/never-existed.pdf")  # already gone: no error
        delete_file_on_commit("")

    assert stored_files(settings) == [name]


def test_the_helper_waits_for_the_commit(organization, settings, django_capture_on_commit_callbacks):
    candidate = CandidateFactory(organization=organization)
    name = with_resume(candidate)
    Candidate.objects.filter(pk=candidate.pk).update(resume="")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delete_file_on_commit(name)

    assert stored_files(settings) == [name]
    callbacks[0]()
    assert stored_files(settings) == []


# --- Django admin -----------------------------------------------------------------------------


@pytest.fixture
def filed(organization):
    """A candidate with a resume and an application with an uploaded answer: (candidate, application, files)."""
    job = make_job(organization)
    candidate = CandidateFactory(organization=organization)
    application = ApplicationFactory(job=job, candidate=candidate, current_stage=job.stages.first())
    return candidate, application, [with_resume(candidate), with_answer_file(application)]


def test_deleting_a_candidate_in_the_admin_deletes_their_files(
    superuser_client, filed, settings, django_capture_on_commit_callbacks
):
    candidate, _, files = filed
    assert stored_files(settings) == sorted(files)

    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(f"/admin/pipeline/candidate/{candidate.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Candidate.objects.filter(pk=candidate.pk).exists()
    assert stored_files(settings) == []


def test_the_admins_delete_selected_action_deletes_their_files(
    superuser_client, filed, settings, django_capture_on_commit_callbacks
):
    candidate, _, _ = filed

    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            "/admin/pipeline/candidate/",
            {"action": "delete_selected", "_selected_action": [candidate.pk], "post": "yes"},
        )

    assert response.status_code == 302
    assert stored_files(settings) == []


def test_deleting_an_application_in_the_admin_deletes_its_answer_files(
    superuser_client, filed, settings, django_capture_on_commit_callbacks
):
    _candidate, application, (resume, _answer) = filed

    with django_capture_on_commit_callbacks(execute=True):
        superuser_client.post(f"/admin/pipeline/application/{application.pk}/delete/", {"post": "yes"})

    assert stored_files(settings) == [resume]


def test_replacing_a_resume_in_the_admin_deletes_the_old_one(
    superuser_client, filed, settings, django_capture_on_commit_callbacks
):
    candidate, _, (old, answer) = filed
    page = superuser_client.get(f"/admin/pipeline/candidate/{candidate.pk}/change/")
    assert page.status_code == 200
    data = {
        "organization": candidate.organization_id,
        "first_name": candidate.first_name,
        "last_name": candidate.last_name,
        "email": candidate.email,
        "resume": pdf_upload("new.pdf"),
        "resume_name": "new.pdf",
        "parsed_cv_data": "{}",
        "skills": "[]",
        "education": "[]",
        "work_experience": "[]",
        "certifications": "[]",
        "languages": "[]",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(f"/admin/pipeline/candidate/{candidate.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    candidate.refresh_from_db()
    assert stored_files(settings) == sorted([candidate.resume.name, answer])
    assert old not in stored_files(settings)
