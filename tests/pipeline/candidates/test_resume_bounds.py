"""Reading a resume is bounded: ZIP bombs, endless text and long PDFs cost little, and the page says so."""

import io
import random
import tracemalloc
import zipfile

import pytest
from django.core.files.base import ContentFile

from pipeline.candidates import resume_parser
from pipeline.candidates.resume_parser import MAX_TEXT_CHARS, BoundedReader, TooLarge, read_resume
from pipeline.candidates.tasks import parse_resume
from tests.factories import CandidateFactory

MB = 1024 * 1024
CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
TAIL = b"</w:body></w:document>"
WORDS = [
    "python", "django", "engineer", "team", "lead", "data", "cloud", "shipped", "built", "designed", "london",
    "remote", "senior",
]  # fmt: skip


def docx_streamed(chunks):
    """A DOCX whose word/document.xml is HEAD, `chunks` and TAIL, written without holding it whole."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(HEAD)
            for chunk in chunks:
                member.write(chunk)
            member.write(TAIL)
    return buffer.getvalue()


def paragraph(text):
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode()


@pytest.fixture(scope="module")
def text_bomb():
    """200 MB of repeated paragraphs that deflate to a couple of hundred KB."""
    one_mb = paragraph("All work and no play makes Jack a dull boy. ") * (MB // 64)
    return docx_streamed(one_mb for _ in range(200))


@pytest.fixture(scope="module")
def long_docx():
    """About 3 MB of varied text (it deflates like real prose): far more than we keep, but no bomb."""
    rng = random.Random(0)
    return docx_streamed(paragraph(" ".join(rng.choices(WORDS, k=12))) for _ in range(45_000))


@pytest.fixture
def unpacked(monkeypatch):
    """Counts the bytes every ZIP member read really decompressed."""
    counter = {"bytes": 0}
    original = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        data = original(self, n)
        counter["bytes"] += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    return counter


def read_measured(data):
    tracemalloc.start()
    try:
        result = read_resume(io.BytesIO(data))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak


# --- ZIP files ---------------------------------------------------------------------


def test_a_zip_text_bomb_is_refused_before_anything_is_unpacked(text_bomb, unpacked):
    assert len(text_bomb) < 1 * MB

    (text, status), peak = read_measured(text_bomb)

    assert status == "refused"
    assert text == ""
    assert unpacked["bytes"] == 0  # judged from the central directory alone
    assert peak < 50 * MB


def test_a_bomb_whose_directory_lies_is_stopped_by_the_bounded_reader(text_bomb, unpacked, monkeypatch):
    # As if the directory declared small sizes: the reader counts what really comes out.
    monkeypatch.setattr(resume_parser, "check_archive", lambda archive: None)
    monkeypatch.setattr(resume_parser, "MAX_TEXT_CHARS", 10**9)
    monkeypatch.setattr(resume_parser, "MAX_UNPACKED_BYTES", 4 * MB)  # the real 20 MB, only faster

    (text, status), peak = read_measured(text_bomb)

    assert status == "refused"
    assert text == ""
    assert unpacked["bytes"] <= resume_parser.MAX_UNPACKED_BYTES + resume_parser.CHUNK_BYTES
    assert peak < 50 * MB


def test_a_very_long_docx_is_cut_at_the_text_limit_and_reading_stops_there(long_docx, unpacked):
    (text, status), peak = read_measured(long_docx)

    assert status == "cut"
    assert len(text) == MAX_TEXT_CHARS
    assert text.split()[0] in WORDS
    assert "<w:" not in text
    assert unpacked["bytes"] < 1 * MB  # of about 3 MB: reading stopped with the text full
    assert peak < 50 * MB


def test_a_zip_of_too_many_members_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", HEAD + paragraph("Jane") + TAIL)
        for number in range(resume_parser.MAX_ARCHIVE_MEMBERS):
            archive.writestr(f"word/media/{number}.txt", b"")

    assert read_resume(io.BytesIO(buffer.getvalue())) == ("", "refused")


def test_a_docx_with_a_doctype_is_not_read():
    entities = b'<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    body = HEAD.replace(b"?>", b"?>" + entities, 1) + paragraph("&b;&b;&b;") + TAIL
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", body)

    assert read_resume(io.BytesIO(buffer.getvalue())) == ("", "failed")


def test_a_damaged_zip_fails_quietly():
    assert read_resume(io.BytesIO(b"PK\x03\x04" + b"\x00" * 200)) == ("", "failed")


def test_the_bounded_reader_stops_at_its_limit_whatever_the_stream_holds():
    reader = BoundedReader(io.BytesIO(b"x" * (3 * MB)), limit=1 * MB)

    with pytest.raises(TooLarge):
        while reader.read():
            pass

    assert reader.count == 1 * MB + 1


# --- Other kinds -------------------------------------------------------------------


def test_a_pdf_is_read_up_to_its_page_limit():
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for number in range(1, resume_parser.MAX_PDF_PAGES + 11):
        pdf.drawString(72, 800, f"Page {number} of the resume")
        pdf.showPage()
    pdf.save()

    text, status = read_resume(io.BytesIO(buffer.getvalue()))

    assert status == "cut"
    assert f"Page {resume_parser.MAX_PDF_PAGES} of the resume" in text
    assert f"Page {resume_parser.MAX_PDF_PAGES + 1} of the resume" not in text


def test_a_long_text_file_is_cut_at_the_text_limit():
    text, status = read_resume(io.BytesIO(b"Jane Doe, engineer. " * 20_000))

    assert status == "cut"
    assert len(text) == MAX_TEXT_CHARS


def test_a_file_over_the_upload_limit_is_refused():
    assert read_resume(io.BytesIO(b"a" * (resume_parser.MAX_UPLOAD_BYTES + 1))) == ("", "refused")


# --- The task and the candidate page ---------------------------------------------------


@pytest.mark.django_db
def test_a_refused_resume_is_kept_and_the_page_says_it_was_not_read(client_for, recruiter, organization, text_bomb):
    candidate = CandidateFactory(organization=organization, resume=ContentFile(text_bomb, name="cv.docx"))

    parse_resume(candidate.pk)

    candidate.refresh_from_db()
    assert candidate.resume_status == "refused"
    assert candidate.resume_text == ""
    assert candidate.resume.storage.exists(candidate.resume.name)
    response = client_for(recruiter).get(f"/candidates/{candidate.pk}/")
    assert response.status_code == 200
    assert "We couldn't read this resume (it's larger than we unpack). The file itself is kept." in response.text


@pytest.mark.django_db
def test_a_cut_resume_is_stored_within_the_limit_and_marked_on_the_page(client_for, recruiter, organization, long_docx):
    candidate = CandidateFactory(organization=organization, resume=ContentFile(long_docx, name="cv.docx"))

    parse_resume(candidate.pk)

    candidate.refresh_from_db()
    assert candidate.resume_status == "cut"
    assert len(candidate.resume_text) == MAX_TEXT_CHARS
    response = client_for(recruiter).get(f"/candidates/{candidate.pk}/")
    assert response.status_code == 200
    assert 'data-resume-status="cut"' in response.text
    assert len(response.content) < 2 * MAX_TEXT_CHARS + 200_000


@pytest.mark.django_db
def test_a_damaged_resume_shows_as_not_read(client_for, recruiter, organization):
    candidate = CandidateFactory(
        organization=organization, resume=ContentFile(b"PK\x03\x04" + b"\x00" * 200, name="cv.docx")
    )

    parse_resume(candidate.pk)

    candidate.refresh_from_db()
    assert candidate.resume_status == "failed"
    response = client_for(recruiter).get(f"/candidates/{candidate.pk}/")
    assert response.status_code == 200
    assert "We couldn't read this resume (the file looks damaged). The file itself is kept." in response.text
