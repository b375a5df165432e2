"""Request bodies past their route's limit are answered 413 before anything is read or written."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.asgi import ASGIRequest
from django.core.handlers.base import BaseHandler
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from pipeline.models import Candidate
from tests.pipeline.applications.applying import application_data, apply_url, assert_nothing_saved

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


@pytest.fixture
def upload_dir(settings, tmp_path):
    """Uploads go to temporary files (none kept in memory) in a folder the test can look into."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    return folder


def files_in(folder):
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def asgi_post(path, body, *, content_length):
    """A request as the ASGI handler builds it: the body stream is all that arrived, unlimited by
    Content-Length, and the headers are whatever the client sent (`content_length` None: none)."""
    headers = [(b"host", b"testserver"), (b"content-type", MULTIPART_CONTENT.encode())]
    if content_length is not None:
        headers.append((b"content-length", str(content_length).encode()))
    scope = {"type": "http", "method": "POST", "path": path, "query_string": b"", "headers": headers}
    request = ASGIRequest(scope, io.BytesIO(body))
    request._dont_enforce_csrf_checks = True
    handler = BaseHandler()
    handler.load_middleware()
    response = handler.get_response(request)
    request.close()  # as the server does once the response is sent: closes the uploaded files
    return response


def test_a_300_mb_apply_is_refused_unread_with_413(client, job, settings, upload_dir):
    # A small real body that claims 300 MB: nothing may read it, so the lie is never noticed.
    response = client.post(apply_url(job), application_data(), CONTENT_LENGTH=str(300 * MB))

    assert response.status_code == 413
    assert "too large to send" in response.text
    assert "31.0\xa0MB" in response.text
    assert_nothing_saved()
    assert files_in(settings.MEDIA_ROOT) == []
    assert files_in(upload_dir) == []


def test_an_apply_within_its_limit_with_a_small_pdf_still_works(client, job):
    response = client.post(apply_url(job), application_data())

    assert response.status_code == 302
    assert Candidate.objects.get().resume_name == "resume.pdf"


def test_an_11_mb_resume_is_still_answered_by_the_form_not_by_the_limit(client, job):
    big = SimpleUploadedFile("resume.pdf", b"%PDF-1.4\n" + b"0" * (11 * MB), content_type="application/pdf")

    response = client.post(apply_url(job), application_data(resume=big))

    assert response.status_code == 400
    assert 'id="id_resume_error"' in response.text


def test_an_understated_content_length_is_caught_by_the_upload_handler(job, settings, upload_dir):
    settings.REQUEST_MAX_BYTES_BY_ROUTE = {**settings.REQUEST_MAX_BYTES_BY_ROUTE, "careers:apply": 1 * MB}
    big = SimpleUploadedFile("resume.pdf", b"%PDF-1.4\n" + b"0" * (3 * MB), content_type="application/pdf")
    body = encode_multipart(BOUNDARY, application_data(resume=big))

    response = asgi_post(apply_url(job), body, content_length=1000)

    assert response.status_code == 413
    assert_nothing_saved()
    assert files_in(settings.MEDIA_ROOT) == []
    assert files_in(upload_dir) == []


def test_a_body_without_content_length_is_never_parsed(job, settings, upload_dir):
    # Chunked transfer: Django reads such a body as empty, so nothing of it reaches a view or the disk.
    big = SimpleUploadedFile("resume.pdf", b"%PDF-1.4\n" + b"0" * (3 * MB), content_type="application/pdf")
    body = encode_multipart(BOUNDARY, application_data(resume=big))

    response = asgi_post(apply_url(job), body, content_length=None)

    assert response.status_code == 400  # the form, empty
    assert_nothing_saved()
    assert files_in(settings.MEDIA_ROOT) == []
    assert files_in(upload_dir) == []


def test_the_logo_upload_has_its_own_limit(client_for, owner):
    response = client_for(owner).post("/organization/", {"name": "Acme"}, CONTENT_LENGTH=str(4 * MB))

    assert response.status_code == 413
    assert "3.0\xa0MB" in response.text


@pytest.mark.parametrize(
    ("path", "limit"),
    [("/candidates/1/notes/", 2_621_440), ("/api/health/", MB), ("/candidates/new/", 11 * MB)],
)
def test_other_routes_take_their_limit_and_no_more(client_for, recruiter, path, limit):
    client = client_for(recruiter)

    refused = client.post(path, {"body": "x"}, CONTENT_LENGTH=str(limit + 1))
    allowed = client.post(path, {"body": "x"})

    assert refused.status_code == 413
    assert allowed.status_code != 413
