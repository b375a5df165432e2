"""Every operation of the API's schema, walked: none answers without credentials, none reaches another organisation.

The schema is the list of operations (a new endpoint is in it without anyone adding a row here), so
an endpoint that forgot its permission or its organisation scope fails here by name. Per-group
behaviour (roles, round trips, shapes) is tested beside each group (tests/api/test_*.py).
"""

import re

import pytest
from django.db import transaction
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.api.authentication import tokens_for
from accounts.api_keys import issue_key
from accounts.models import Membership
from jobs.models import JobSite
from pipeline.automation.models import StageAction
from pipeline.interviews.models import Scorecard
from pipeline.tasks.models import TaskComment
from pipeline.webhooks.models import WebhookDelivery
from pipeline.webhooks.services import create_endpoint
from tests.core.test_url_matrix import build_organisation

pytestmark = pytest.mark.django_db

# Open to anyone: signing up, signing in, refreshing a token, asking for a reset, the schema and its pages.
PUBLIC = {
    ("POST", "/api/register/"),
    ("POST", "/api/login/"),
    ("POST", "/api/token/refresh/"),
    ("POST", "/api/password-reset/"),
    ("GET", "/api/schema/"),
}
_PARAMETER = re.compile(r"\{(\w+)\}")


def operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def world_object(path, parameter, world):
    """Our organisation's object for the path's parameter: named by the segment before it."""
    before = path[: path.index("{" + parameter + "}")].rstrip("/").rsplit("/", 1)[-1]
    return getattr(world, OBJECTS[before])


# The resource segment of each path parameter -> the attribute of build_organisation()'s world.
OBJECTS = {
    "jobs": "job",
    "candidates": "candidate",
    "applications": "application",
    "tasks": "task",
    "interviews": "interview",
    "templates": "email_template",
    "emails": "message",
    "notifications": "notification",
    "societies": "organization",
    "workflow-templates": "stage_template",
    "workflow-steps": "stage",
    "workflow-actions": "stage_action",
    "form-fields": "field",
    "team-members": "team_member",
    "users": "membership",
    "api-keys": "api_key",
    "job-forms": "job_form",
    "job-sites": "job_site",
    "scorecards": "scorecard",
    "task-comments": "task_comment",
    "teams": "job",
    "webhooks": "webhook",
    "deliveries": "delivery",
    "workflow-tasks": "task_action",
}


def fill(path, world):
    return _PARAMETER.sub(lambda match: str(world_object(path, match.group(1), world).pk), path)


def send(client, method, path):
    with transaction.atomic():
        response = getattr(client, method.lower())(path, {}, format="json")
        transaction.set_rollback(True)
    return response


@pytest.fixture(scope="module")
def all_operations():
    return operations()


def build_world(name):
    """build_organisation()'s world, and an object of each kind only the API has a path for."""
    world = build_organisation(name)
    owner = world.users["owner"]
    world.api_key, _ = issue_key(
        membership=Membership.objects.get(user=owner), name="Script", role="recruiter", read_only=True
    )
    world.job_form = world.job.application_form
    world.job_site = JobSite.objects.create(job=world.job, name="Board", url="https://jobs.example/")
    world.scorecard = Scorecard.objects.create(
        interview=world.interview, author=world.users["panelist"], recommendation="yes"
    )
    world.task_comment = TaskComment.objects.create(task=world.task, author=owner, body="Called one")
    world.webhook = create_endpoint(
        organization=world.organization, url="https://hooks.example/ats", events=["application.created"]
    )
    world.delivery = WebhookDelivery.objects.create(
        endpoint=world.webhook, event="application.created", source="application:1"
    )
    world.task_action = StageAction.objects.create(stage=world.stage, kind="task", title="Check references")
    return world


@pytest.fixture
def ours(db):
    return build_world("Acme")


def test_the_schema_lists_the_api(all_operations):
    paths = {path for _, path in all_operations}

    assert "/api/login/" in paths
    assert "/api/v1/v2/applications/{application_id}/advance/" in paths
    assert len(all_operations) > 100


def test_every_parameter_names_an_object_we_can_fill(all_operations):
    unknown = set()
    for _, path in all_operations:
        for parameter in _PARAMETER.findall(path):
            before = path[: path.index("{" + parameter + "}")].rstrip("/").rsplit("/", 1)[-1]
            if before not in OBJECTS:
                unknown.add(f"{path}: add {before!r} to OBJECTS")
    assert sorted(unknown) == []


def test_no_operation_answers_without_credentials(all_operations, ours):
    client = APIClient(raise_request_exception=False)
    wrong = []
    for method, path in all_operations:
        if (method, path) in PUBLIC:
            continue
        status = send(client, method, fill(path, ours)).status_code
        if status != 401:
            wrong.append(f"{method} {path}: {status}")
    assert wrong == []


def test_another_organisations_ids_are_not_found(all_operations, ours):
    theirs = build_world("Globex")
    refresh, _ = tokens_for(theirs.users["owner"], theirs.organization)
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh.access_token}")
    wrong = []
    for method, path in all_operations:
        if not _PARAMETER.search(path) or (method, path) in PUBLIC:
            continue
        status = send(client, method, fill(path, ours)).status_code
        if status != 404:
            wrong.append(f"{method} {path}: {status}")
    assert wrong == []
