"""The original system's documented flow, as its scripts call it, against our one host and a real worker.

register -> login -> a candidate -> a job (flat body) -> an application with candidate_id -> advance/
-> jobs/complete/ (nested body) -> an email sent with a template (202, then delivered by the worker
to a real SMTP server) -> notifications listed and created.
"""

import pytest
from rest_framework.test import APIClient

from accounts.models import Membership
from ats.bench.processes import stop as stop_process_group
from pipeline.applications.models import Application, ApplicationStageHistory
from tests.mail.conftest import cluster_client, smtp_server, start_cluster  # noqa: F401 (fixtures)
from tests.pipeline.automation.test_qcluster import received_by, wait_for


@pytest.mark.django_db(transaction=True)
def test_the_original_flow_runs_unchanged(smtp_server, cluster_client, tmp_path, settings):  # noqa: F811
    # As in development: the address is confirmed later (mandatory confirmation is tested in test_accounts).
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    client = APIClient()

    registered = client.post(
        "/api/register/",
        {"email": "grace@example.com", "password": "compiler-1952-cobol", "first_name": "Grace", "last_name": "Hopper"},
        format="json",
    )
    assert registered.status_code == 201, registered.content
    login = client.post("/api/login/", {"email": "grace@example.com", "password": "compiler-1952-cobol"}, format="json")
    assert login.status_code == 200, login.content
    assert set(login.json()) >= {"access", "refresh", "user"}
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access']}")
    me = Membership.objects.get(user__email="grace@example.com")
    assert me.role == Membership.Role.OWNER

    candidate = client.post(
        "/api/v1/candidates/",
        {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "skills": ["Python"]},
        format="json",
    )
    assert candidate.status_code == 201, candidate.content
    candidate_id = candidate.json()["candidate_id"]

    job = client.post(
        "/api/v1/jobs/",
        {
            "title": "Backend Engineer",
            "urgency": "high",
            "country": "France",
            "city": "Paris",
            "department": "Engineering",
            "type_of_contract": "full-time",
        },
        format="json",
    )
    assert job.status_code == 201, job.content
    assert (job.json()["urgency"], job.json()["type_of_contract"]) == ("High", "Full-time")
    job_id = job.json()["id"]

    application = client.post("/api/v1/v2/applications/", {"job": job_id, "candidate_id": candidate_id}, format="json")
    assert application.status_code == 201, application.content
    application_id = application.json()["application_id"]
    first_stage = application.json()["current_stage_name"]

    advanced = client.post(f"/api/v1/v2/applications/{application_id}/advance/")
    assert advanced.status_code == 200, advanced.content
    assert set(advanced.json()) == {"message", "application"}
    second_stage = advanced.json()["application"]["current_stage_name"]
    assert second_stage != first_stage
    stored = Application.objects.select_related("current_stage").get(pk=application_id)
    assert stored.current_stage.name == second_stage
    assert ApplicationStageHistory.objects.filter(application=stored, to_stage=stored.current_stage).exists()

    complete = client.post(
        "/api/v1/jobs/complete/",
        {
            "job": {
                "description": {
                    "society": {"name": "Ignored"},
                    "job description": {"title": "Data Engineer", "urgency": "Medium", "typeOfContract": "Contract"},
                },
                "JobForm": {"title": "Apply", "formFields": [{"fieldName": "Years of SQL", "fieldType": "number"}]},
                "Team": {"teamName": "Data", "members": [
                    {"name": "Grace", "role": "recruiter", "email": "grace@example.com"},
                ]},
                "WorkFlow": {"template": {"templateName": "Short", "steps": [
                    {"stepName": "Applied", "order": 1, "actions": []},
                    {"stepName": "Offer", "order": 2, "actions": []},
                ]}},
                "sites": [
                    {"siteName": "Site", "siteUrl": "https://a.example", "jobLink": "https://a.example/1", "isLive": 1},
                ],
            }
        },
        format="json",
    )  # fmt: skip
    assert complete.status_code == 201, complete.content
    assert isinstance(complete.json()["id"], int)

    process = start_cluster(smtp_server, tmp_path / "qcluster.log", workers=1)
    try:
        sent = client.post(
            "/api/send/",
            {"to": ["hopper.fan@example.com"], "subject": "Hello", "body_text": "From the API."},
            format="json",
        )
        assert sent.status_code == 202, sent.content
        assert len(sent.json()["message_ids"]) == 1
        templated = client.post(
            "/api/send/",
            {"to": ["ada@example.com"], "template": "acknowledgement", "context": {"candidate": {"first_name": "Ada"}}},
            format="json",
        )
        assert templated.status_code == 202, templated.content
        wait_for(lambda: received_by(smtp_server, "hopper.fan@example.com"), "deliver the plain email")
        wait_for(lambda: received_by(smtp_server, "ada@example.com"), "deliver the templated email")
        assert received_by(smtp_server, "hopper.fan@example.com")[0]["Subject"] == "Hello"
    finally:
        stop_process_group(process)
        print((tmp_path / "qcluster.log").read_text(errors="replace"))  # shown when the test fails

    listed = client.get("/api/notifications/")
    assert listed.status_code == 200
    assert set(listed.json()) == {"count", "next", "previous", "results"}
    created = client.post(
        "/api/notifications/",
        {"title": "Review Ada", "message": "Her application moved on.", "type": "mention", "user_id": me.user_id},
        format="json",
    )
    assert created.status_code == 201, created.content
    mine = client.get("/api/notifications/?unread=true").json()
    assert "Review Ada" in [item["title"] for item in mine["results"]]
