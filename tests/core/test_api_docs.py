"""The API's schema and its documentation pages are public: they describe the API, and hold no data.

(The URL matrix skips routes under api/, so their statuses are here; tests/e2e/test_api_docs.py opens
the pages in a browser under their CSP.)
"""

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/api/schema/swagger-ui/", "/api/schema/redoc/"]


def test_the_schema_is_public_openapi(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "ATS API"
    assert "/api/v1/jobs/" in schema["paths"]


def test_the_schema_answers_yaml_by_default(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert response.content.startswith(b"openapi: 3.")


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_the_documentation_pages_open_for_anyone(client, client_for, recruiter, path, who):
    response = (client_for(recruiter) if who == "member" else client).get(path)

    assert response.status_code == 200
    assert b"/api/schema/" in response.content
    assert b"/static/drf_spectacular_sidecar/" in response.content  # our own copy, never a CDN
    assert b"fonts.googleapis.com" not in response.content


def test_swagger_ui_runs_its_script_from_our_site(client):
    response = client.get("/api/schema/swagger-ui/?script=")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in response.content


@pytest.mark.parametrize("path", PAGES)
def test_only_the_documentation_pages_allow_inline_styles(client, path):
    docs = client.get(path)["Content-Security-Policy"]
    elsewhere = client.get("/accounts/login/")["Content-Security-Policy"]

    assert "style-src 'self' 'unsafe-inline'" in docs
    assert "script-src 'self'" in docs  # scripts stay our own files
    assert "unsafe-inline" not in elsewhere


def test_only_redoc_allows_a_blob_worker_and_redoclys_logo(client):
    redoc = client.get("/api/schema/redoc/")["Content-Security-Policy"]
    swagger = client.get("/api/schema/swagger-ui/")["Content-Security-Policy"]

    assert "worker-src 'self' blob:" in redoc
    assert "img-src 'self' data: https://cdn.redoc.ly" in redoc
    assert "blob:" not in swagger
    assert "cdn.redoc.ly" not in swagger
