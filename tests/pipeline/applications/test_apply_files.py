"""Resumes on the apply form: which files are accepted, and a resume kept across a refused submission."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pipeline.models import ApplicationFormAnswer, Candidate
from tests.factories import docx_bytes, make_job, pdf_bytes, pdf_upload

from .applying import application_data, apply_url, assert_nothing_saved, kept_token

pytestmark = pytest.mark.django_db


# --- Which files make a resume ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("cv.pdf", pdf_bytes(["Jane Doe"]), True),
        ("CV.PDF", pdf_bytes(["Jane Doe"]), True),
        ("cv.docx", docx_bytes(["Jane Doe"]), True),
        ("cv.txt", "Jane Doe, plain text résumé".encode(), True),
        ("cv.pdf", docx_bytes(["Jane Doe"]), False),  # a DOCX wearing a PDF name
        ("cv.docx", pdf_bytes(["Jane Doe"]), False),
        ("cv.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, False),  # an image is no resume
        ("cv.exe", b"MZ\x90\x00\x03\x00\x00\x00", False),
        ("cv.pdf", b"", False),
    ],
)
def test_resume_is_judged_by_its_content_and_name(client, job, name, content, accepted):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")

    response = client.post(apply_url(job), application_data(resume=upload))

    assert response.status_code == (302 if accepted else 400)
    assert Candidate.objects.filter(resume_name=name).exists() is accepted
    if not accepted:
        assert 'id="id_resume_error"' in response.text
        assert_nothing_saved()


def test_text_file_named_pdf_is_refused_as_a_resume(client, job):
    fake = SimpleUploadedFile("resume.pdf", b"Just some plain text, not a PDF.", content_type="application/pdf")

    response = client.post(apply_url(job), application_data(resume=fake))

    assert response.status_code == 400
    assert 'id="id_resume_error"' in response.text
    assert "This resume isn&#x27;t a file type we accept" in response.text
    assert kept_token(response) is None
    assert_nothing_saved()


def test_resume_over_10_mb_is_refused(client, job):
    big = SimpleUploadedFile("resume.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024), content_type="application/pdf")

    response = client.post(apply_url(job), application_data(resume=big))

    assert response.status_code == 400
    assert 'id="id_resume_error"' in response.text
    assert "This resume is 11.0\xa0MB; the limit is 10.0\xa0MB." in response.text
    assert kept_token(response) is None
    assert_nothing_saved()


# --- A resume kept across a failed submission ------------------------------------


def test_valid_resume_from_a_failed_submission_is_kept_and_used_by_the_next_submission(client, job, settings):
    original = pdf_bytes(["Jane Doe", "jane.doe@example.com"])
    first = client.post(
        apply_url(job),
        application_data(consent=None, resume=SimpleUploadedFile("Jane CV.pdf", original, "application/pdf")),
    )

    assert first.status_code == 400
    token = kept_token(first)
    assert token
    assert "We kept your resume <strong>Jane CV.pdf</strong>" in first.text
    pending = settings.MEDIA_ROOT / "private" / "pending"
    assert len(list(pending.iterdir())) == 1

    data = application_data(kept_resume=token)
    del data["resume"]
    second = client.post(apply_url(job), data)

    assert second.status_code == 302
    candidate = Candidate.objects.get()
    assert candidate.resume_name == "Jane CV.pdf"
    assert candidate.resume.name.startswith("private/resumes/")
    with candidate.resume.open("rb") as stored:
        assert stored.read() == original
    assert list(pending.iterdir()) == []  # the pending copy is cleaned up


def test_kept_resume_survives_a_second_failed_submission(client, job):
    first = client.post(apply_url(job), application_data(consent=None))
    token = kept_token(first)
    data = application_data(kept_resume=token, consent=None)
    del data["resume"]

    second = client.post(apply_url(job), data)

    assert second.status_code == 400
    assert kept_token(second) == token
    assert 'id="id_resume_error"' not in second.text
    assert_nothing_saved()


def test_kept_resume_is_removed_when_the_application_is_a_duplicate(client, job, settings):
    client.post(apply_url(job), application_data())
    token = kept_token(client.post(apply_url(job), application_data(consent=None)))
    assert token
    data = application_data(kept_resume=token)
    del data["resume"]

    response = client.post(apply_url(job), data)

    assert response.status_code == 409
    assert list((settings.MEDIA_ROOT / "private" / "pending").iterdir()) == []


def test_forged_kept_resume_token_is_ignored(client, job):
    data = application_data(kept_resume="eyJwYXRoIjoiLi4vLi4vZXRjL3Bhc3N3ZCJ9:forged:signature")
    del data["resume"]

    response = client.post(apply_url(job), data)

    assert response.status_code == 400
    assert 'id="id_resume_error"' in response.text
    assert_nothing_saved()


# --- A second application's resume -----------------------------------------------


def test_second_resume_is_kept_with_the_application_not_over_the_profiles(client, job, organization):
    other_job = make_job(organization, title="Frontend Developer")
    client.post(apply_url(job), application_data(resume=pdf_upload("first.pdf")))

    client.post(apply_url(other_job), application_data(resume=pdf_upload("second.pdf")))

    candidate = Candidate.objects.get()
    assert candidate.resume_name == "first.pdf"
    answer = ApplicationFormAnswer.objects.get(application__job=other_job, key="resume")
    assert answer.file_name == "second.pdf"
    assert answer.file.name.startswith("private/answers/")
