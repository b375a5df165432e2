"""Under /api/ even what no endpoint answers is JSON: unmatched paths, refused characters, oversized bodies.

schemathesis (.ci/schemathesis) checks every answer's content type against the schema; these answers
come from before (or instead of) any endpoint, so they are tested here.
"""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.mark.parametrize("path", ["/api/v1/jobs/0.5/", "/api/v1/nothing/here/", "/api/", "/api/v1/nothing/%0A/"])
def test_a_path_no_endpoint_matches_is_a_json_404(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_a_path_without_its_slash_is_still_redirected(client):
    response = client.get("/api/v1/jobs")

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/jobs/"


def test_pages_outside_the_api_keep_their_html_404(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_nul_in_a_query_is_a_json_400(client):
    response = client.get("/api/v1/jobs/?search=a%00b")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "null character" in response.json()["detail"]


def test_a_nul_outside_the_api_is_still_plain_text(client):
    response = client.get("/jobs/?q=a%00b")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_an_oversized_body_is_a_json_413(api_key_for, owner):
    response = api_key_for(owner.memberships.get()).generic(
        "POST", "/api/v1/jobs/", "x", content_type="application/json", CONTENT_LENGTH=str(MB + 1)
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": f"The request body is larger than the {MB} bytes allowed."}


def test_the_schema_documents_413_where_a_body_can_be_sent(client):
    paths = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]

    jobs = paths["/api/v1/jobs/"]
    assert "413" in jobs["post"]["responses"]
    assert "413" not in jobs["get"]["responses"]


def test_the_schema_documents_gunicorns_plain_414_on_every_operation(client):
    paths = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]

    answers = [operation["responses"].get("414") for path in paths.values() for operation in path.values()]
    assert len(answers) > 50
    assert all(answer and list(answer["content"]) == ["text/plain"] for answer in answers)
