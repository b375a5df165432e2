"""Resume text extraction and parsing, on real PDF and DOCX files, and the parse_resume task."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pipeline.candidates.resume_parser import parse, read_resume
from pipeline.candidates.tasks import parse_resume
from pipeline.models import Candidate
from tests.factories import CandidateFactory, docx_bytes, make_job, pdf_bytes, pdf_content

RESUME_LINES = [
    "Jane Doe",
    "Senior Backend Engineer",
    "Email: jane.doe@example.com",
    "Phone: +44 20 7946 0958",
    "linkedin.com/in/janedoe",
    "8 years of experience with Python, Django and PostgreSQL.",
]


def test_read_resume_reads_a_real_pdf():
    text, status = read_resume(io.BytesIO(pdf_bytes(RESUME_LINES)))

    assert "jane.doe@example.com" in text
    assert "+44 20 7946 0958" in text
    assert status == "ok"


def test_read_resume_reads_a_real_docx_including_tables():
    import docx

    document = docx.Document(io.BytesIO(docx_bytes(RESUME_LINES)))
    document.add_table(rows=1, cols=1).rows[0].cells[0].text = "Certified Kubernetes Administrator"
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)

    text, status = read_resume(buffer)

    assert "jane.doe@example.com" in text
    assert "+44 20 7946 0958" in text
    assert "Certified Kubernetes Administrator" in text
    assert status == "ok"


@pytest.mark.parametrize("build", [pdf_bytes, docx_bytes], ids=["pdf", "docx"])
def test_parse_finds_email_phone_and_more_in_a_real_file(build):
    data = parse(read_resume(io.BytesIO(build(RESUME_LINES))).text)

    assert data["email"] == "jane.doe@example.com"
    assert data["phone"] == "+44 20 7946 0958"
    assert data["linkedin"] == "linkedin.com/in/janedoe"
    assert data["experience_years"] == 8
    assert {"Python", "Django", "PostgreSQL"} <= set(data["skills"])


def test_parse_of_text_without_facts_finds_nothing():
    data = parse("A short note with no contact details.")

    assert data["email"] is None
    assert data["phone"] is None
    assert data["linkedin"] is None
    assert data["skills"] == []
    assert data["experience_years"] is None


def test_read_resume_of_an_unknown_binary_is_empty():
    assert read_resume(io.BytesIO(b"\x00\x01\x02binary")) == ("", "ok")


# --- The task ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("build", "name", "content_type"),
    [
        (pdf_bytes, "cv.pdf", "application/pdf"),
        (docx_bytes, "cv.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
    ids=["pdf", "docx"],
)
def test_applying_with_a_resume_fills_the_candidate_from_it(
    client, organization, django_capture_on_commit_callbacks, build, name, content_type
):
    job = make_job(organization, title="Backend Developer")
    data = {
        "first_name": "Jane",
        "last_name": "Doe",
        "email": "jane.doe@example.com",
        "resume": SimpleUploadedFile(name, build(RESUME_LINES), content_type=content_type),
        "consent": "on",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/careers/{organization.slug}/{job.slug}/apply/", data)

    assert response.status_code == 302
    candidate = Candidate.objects.get()
    assert "jane.doe@example.com" in candidate.resume_text
    assert candidate.resume_status == "ok"
    assert candidate.parsed_cv_data["email"] == "jane.doe@example.com"
    assert candidate.parsed_cv_data["phone"] == "+44 20 7946 0958"
    assert candidate.phone == "+44 20 7946 0958"
    assert candidate.linkedin_url == "https://linkedin.com/in/janedoe"
    assert candidate.experience_years == 8
    assert "Django" in candidate.skills


@pytest.mark.django_db
def test_parsed_facts_do_not_overwrite_what_the_candidate_typed(organization):
    candidate = CandidateFactory(
        organization=organization,
        phone="+1 555 0100 200",
        linkedin_url="https://www.linkedin.com/in/typed",
        experience_years=3,
        skills=["Cobol"],
        resume=pdf_content(lines=RESUME_LINES),
    )

    parse_resume(candidate.pk)

    candidate.refresh_from_db()
    assert candidate.parsed_cv_data["phone"] == "+44 20 7946 0958"
    assert candidate.phone == "+1 555 0100 200"
    assert candidate.linkedin_url == "https://www.linkedin.com/in/typed"
    assert candidate.experience_years == 3
    assert candidate.skills == ["Cobol"]
    assert "jane.doe@example.com" in candidate.resume_text


@pytest.mark.django_db
def test_parse_resume_is_idempotent(organization):
    candidate = CandidateFactory(organization=organization, resume=pdf_content(lines=RESUME_LINES))

    parse_resume(candidate.pk)
    candidate.refresh_from_db()
    first = (candidate.resume_text, candidate.parsed_cv_data, candidate.phone, candidate.skills)
    parse_resume(candidate.pk)
    candidate.refresh_from_db()

    assert (candidate.resume_text, candidate.parsed_cv_data, candidate.phone, candidate.skills) == first


@pytest.mark.django_db
def test_a_too_long_linkedin_link_in_a_resume_is_not_stored(organization):
    long_link = "linkedin.com/in/" + "a" * 300
    candidate = CandidateFactory(organization=organization, linkedin_url="")
    candidate.resume.save("cv.pdf", pdf_content(lines=("Jo", long_link)))

    parse_resume(candidate.pk)

    candidate.refresh_from_db()
    assert candidate.linkedin_url == ""
    assert candidate.resume_text


@pytest.mark.django_db
def test_parse_resume_returns_quietly_for_a_missing_candidate_or_resume(organization):
    without_resume = CandidateFactory(organization=organization)

    parse_resume(without_resume.pk + 1000)
    parse_resume(without_resume.pk)

    without_resume.refresh_from_db()
    assert without_resume.resume_text == ""
    assert without_resume.parsed_cv_data == {}
