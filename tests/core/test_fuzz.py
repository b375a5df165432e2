"""Hostile input in every parameter and field our views read, from the URL resolver down: never a 500.

PostgreSQL refuses a NUL in text and values longer than their column, where SQLite takes both; so run
this on both (DATABASE_URL=postgres://...). The table below says, for every URL of ours, which GET
parameters and POST fields its view reads: a URL without an entry fails `test_every_url_has_an_entry`,
so a new view is fuzzed from the day it exists. The organisation and its objects come from
test_url_matrix's `build_organisation`; every request runs in a savepoint that is rolled back.

Two passes per URL, to stay fast: one request per hostile value with *every* parameter set to it, and,
for views with a valid `BASES` body, one per (field, value) with the rest of the body valid, so the
value gets past the form to the database (a 101-character first name that a 300-character form let through).
"""

import re
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client

from ats.input import MESSAGE
from jobs.forms import FormFieldForm, JobEditForm, ScorecardAttributeForm
from jobs.models import FormField
from jobs.services import add_question
from notifications.models import Category
from pipeline.automation.forms import FORMS as ACTION_FORMS
from pipeline.automation.forms import RejectForm
from pipeline.candidates.forms import CandidateForm
from pipeline.interviews.forms import InterviewForm
from tests.core.test_url_matrix import PUBLIC, build_organisation, fill, our_patterns

pytestmark = pytest.mark.django_db

# Each value as the bytes a client sends (a lone surrogate can only be sent as bytes: its UTF-8 form).
HOSTILE = {
    "nul": b"a\x00b",
    "10 KB": b"x" * 10_000,
    "one past a column": b"x" * 101,
    "past 255": b"x" * 256,
    "lone surrogate": b"a\xed\xa0\x80b",
    "overlong number": str(10**30).encode(),
    "wrong choice": b"not-a-choice",
    "bad date": b"2026-13-45",
}
# A NUL is refused by ats.input before any view runs: one batched request proves it per URL.
PER_FIELD = [name for name in HOSTILE if name != "nul"]

# The fields each form reads, from the forms themselves (so a new field is fuzzed without a change here).
_JOB_FORM = list(JobEditForm.base_fields)
_FIELD_FORM = list(FormFieldForm.base_fields)
_ATTRIBUTE_FORM = list(ScorecardAttributeForm.base_fields)
_CANDIDATE_FORM = list(CandidateForm.base_fields)
_INTERVIEW_FORM = list(InterviewForm.base_fields)
_REJECT_FORM = ["next", *RejectForm.base_fields]
_ACTION_FORM = sorted({"kind", *(name for form in ACTION_FORMS.values() for name in form.base_fields)})
_APPLY_FORM = [
    *("first_name", "last_name", "email", "phone", "cover_letter", "linkedin_url", "consent", "source"),
    *("kept_resume", "q_short", "q_long", "q_number", "q_date", "q_email", "q_link", "q_phone"),
    *("q_single", "q_multiple", "q_yes_no"),
]  # "website" is the honeypot: any value makes the post a bot's, which is stored nowhere

_PREFERENCES = ["send_at", *(f"{category}-{choice}" for category in Category.values for choice in ("in_app", "email"))]

# url name -> (GET parameters, POST fields) its view reads; ((), ()) says it reads none.
# {membership}, {field}, {stage} stand for the pks of test_url_matrix's objects (form prefixes).
FUZZ = {
    # ats
    "dashboard": ((), ()),
    "onboarding": ((), ("name", "timezone")),  # members are sent on to the dashboard before the form
    "health": ((), ()),
    "api/health/": ((), ()),
    "api/v1/health/": ((), ()),
    "status": ((), ()),
    "metrics": ((), ()),
    # accounts
    "accounts:profile": ((), ("name", "timezone")),
    "accounts:organization_settings": (
        (),
        (
            *("name", "slug", "website", "description", "industry", "size", "brand_colour", "careers_intro"),
            *("privacy_policy_url", "data_retention_days", "timezone"),
        ),
    ),
    "accounts:members": ((), ()),
    "accounts:invite_member": ((), ("email", "role")),
    "accounts:change_role": ((), ("m{membership}-role",)),
    "accounts:set_member_active": ((), ("active",)),
    "accounts:resend_invitation": ((), ()),
    "accounts:revoke_invitation": ((), ()),
    "accounts:api_keys": ((), ()),
    "accounts:create_api_key": ((), ("name", "role", "access")),
    "accounts:revoke_api_key": ((), ()),
    "accounts:accept_invitation": ((), ("name", "password1", "password2")),
    # jobs
    "jobs:list": (("status", "department", "q", "page"), ()),
    "jobs:markdown_preview": ((), ("description",)),
    "jobs:detail": ((), ()),
    "jobs:edit": ((), _JOB_FORM),
    "jobs:set_status": ((), ("status",)),
    "jobs:add_team_member": ((), ("membership", "role")),
    "jobs:remove_team_member": ((), ()),
    "jobs:form_builder": ((), ()),
    "jobs:add_field": ((), [f"new-{name}" for name in _FIELD_FORM]),
    "jobs:form_settings": ((), ("knockout_auto_reject",)),
    "jobs:reorder_fields": ((), ("field",)),
    "jobs:edit_field": ((), [f"f{{field}}-{name}" for name in _FIELD_FORM]),
    "jobs:delete_field": ((), ()),
    "jobs:toggle_field": ((), ("flag",)),
    "jobs:move_field": ((), ("direction",)),
    "jobs:scorecard": ((), ()),
    "jobs:add_attribute": ((), [f"new-{name}" for name in _ATTRIBUTE_FORM]),
    "jobs:edit_attribute": ((), [f"a{{scorecard_attribute}}-{name}" for name in _ATTRIBUTE_FORM]),
    "jobs:move_attribute": ((), ("direction",)),
    "jobs:delete_attribute": ((), ()),
    # the careers site
    "careers:index": (("q", "department", "location", "remote", "type"), ()),
    "careers:feed": ((), ()),
    "careers:logo": ((), ()),
    "careers:brand": ((), ()),
    "careers:job": (("source", "utm_source"), ()),
    "careers:apply": (("source", "utm_source"), _APPLY_FORM),
    "careers:thanks": ((), ()),
    "careers:root": ((), ()),
    "careers:application_status": ((), ()),
    "careers:withdraw_application": ((), ("reason",)),
    # pipeline
    "pipeline:job_create": ((), _JOB_FORM),
    "pipeline:duplicate_job": ((), ()),
    "pipeline:job_applications": (("page",), ()),
    "pipeline:board": (
        ("q", "tag", "rating", "source", "starred", "status", "more", "count", "answer", "knockout"),
        (),
    ),
    "pipeline:board_column": ((), ("application", "next", "js")),
    "pipeline:bulk_action": ((), ("selected", "action", "stage", "tag", "next", "js")),
    "pipeline:bulk_email": (("selected", "template"), ("selected", "template", "confirm")),
    "pipeline:job_workflow": ((), ()),
    "pipeline:apply_template": (("template",), ("template", "map_{stage}")),
    "pipeline:add_job_step": ((), ("name",)),
    "pipeline:workflow_templates": ((), ()),
    "pipeline:create_template": ((), ("name",)),
    "pipeline:workflow_template": ((), ()),
    "pipeline:add_step": ((), ("name",)),
    "pipeline:rename_step": ((), ("name", "description", "stale_after_days")),
    "pipeline:move_step": ((), ("direction",)),
    "pipeline:toggle_step": ((), ()),
    "pipeline:delete_step": ((), ("move_to",)),
    "pipeline:stage_actions": ((), ()),
    "pipeline:add_action": (("kind",), _ACTION_FORM),
    "pipeline:edit_action": ((), _ACTION_FORM),
    "pipeline:toggle_action": ((), ("active",)),
    "pipeline:move_action": ((), ("direction",)),
    "pipeline:delete_action": ((), ()),
    "pipeline:email_application": (("template",), ("template",)),
    "pipeline:move_application": ((), ("stage", "note", "next", "send_again", "js")),
    "pipeline:undo_move": ((), ("history", "next")),
    "pipeline:follow_application": ((), ("following",)),
    "pipeline:revoke_status_link": ((), ()),
    "pipeline:confirm_actions": ((), ("run", "answer", "next")),
    "pipeline:confirm_job_actions": (("stage",), ("stage", "run", "answer", "next")),
    "pipeline:reject_application": (("next", "reason"), _REJECT_FORM),
    "pipeline:reject_applications": (("selected", "next", "reason"), ("selected", *_REJECT_FORM)),
    "pipeline:retry_run": ((), ("next",)),
    "pipeline:cancel_run": ((), ("next",)),
    "pipeline:application_action": ((), ("reason", "rating", "tag", "next", "js")),  # each action in ACTIONS
    "pipeline:download_answer_file": ((), ()),
    "pipeline:candidates": (
        ("q", "job", "stage", "tag", "source", "applied_from", "applied_to", "sort", "format", "page"),
        (),
    ),
    "pipeline:candidate_create": ((), ("first_name", "last_name", "email", "phone", "linkedin_url", "source", "job")),
    "pipeline:candidate": ((), ()),
    "pipeline:candidate_edit": ((), _CANDIDATE_FORM),
    "pipeline:add_note": ((), ("body", "visibility", "application")),
    "pipeline:mention_suggestions": (("q",), ()),
    "pipeline:merge_candidate": ((), ("other",)),
    "pipeline:download_resume": ((), ()),
    "pipeline:retention_review": (("page",), ()),
    "pipeline:extend_retention": ((), ("retain_until", "reason")),
    "pipeline:erase_candidate": ((), ("reason",)),
    "pipeline:export_candidate": ((), ()),
    "pipeline:tasks": (("assignee", "job", "priority", "status", "page"), ()),
    "pipeline:task_create": (
        ("application",),
        ("application", "title", "description", "assignee", "due_on", "priority", "next"),
    ),
    "pipeline:task": ((), ()),
    "pipeline:task_edit": ((), ("title", "description", "due_on", "priority")),
    "pipeline:complete_task": ((), ("next",)),
    "pipeline:reopen_task": ((), ("next",)),
    "pipeline:reassign_task": ((), ("assignee",)),
    "pipeline:add_task_comment": ((), ("body",)),
    "pipeline:interviews": (("view", "group", "page"), ()),
    "pipeline:interview": ((), ()),
    # The owner sits on no panel (a 403); test_scorecards.py posts hostile values as the panel.
    "pipeline:scorecard": ((), ("recommendation", "notes", "rating-{scorecard_attribute}")),
    "pipeline:schedule_interview": ((), _INTERVIEW_FORM),
    "pipeline:reschedule_interview": ((), _INTERVIEW_FORM),
    "pipeline:cancel_interview": ((), ("reason",)),
    "pipeline:webhooks": ((), ()),
    "pipeline:webhook_create": ((), ("url", "description", "events")),
    "pipeline:webhook": (("page",), ()),
    "pipeline:webhook_edit": ((), ("url", "description", "events", "is_active")),
    "pipeline:rotate_webhook_secret": ((), ()),
    "pipeline:delete_webhook": ((), ()),
    "pipeline:redeliver_webhook": ((), ()),
    # mail
    "mail:open": ((), ()),
    "mail:click": ((), ()),
    "mail:outbox": (("status", "template", "since", "page"), ()),
    "mail:message": ((), ()),
    "mail:retry": ((), ()),
    "mail:analytics": ((), ()),
    "mail:queue": ((), ()),
    "mail:templates": ((), ()),
    "mail:template_create": (
        (),
        ("name", "key", "category", "subject", "html_body", "text_body", "is_active", "send_test"),
    ),
    "mail:template_preview": ((), ("name", "key", "category", "subject", "html_body", "text_body", "is_active")),
    "mail:template_frame": ((), ()),
    "mail:template_preview_frame": ((), ()),
    "mail:template_edit": (
        (),
        ("name", "key", "category", "subject", "html_body", "text_body", "is_active", "send_test"),
    ),
    # notifications
    "notifications:inbox": (("unread", "category", "page"), ()),
    "notifications:latest": ((), ()),
    "notifications:count": ((), ()),
    "notifications:mark_read": ((), ("all", "id", "next")),
    "notifications:preferences": ((), _PREFERENCES),
    "notifications:open": ((), ()),
}

_JOB_BASE = {"title": "Engineer", "remote_type": "onsite", "employment_type": "full_time", "urgency": "medium"}
_JOB_BASE |= {"openings": "1", "salary_currency": "EUR"}
_CANDIDATE_BASE = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
# The day after tomorrow at 10:00 (the world's interview is tomorrow); a panel of nobody, so no clash to confirm.
_INTERVIEW_BASE = {
    "title": "Final interview",
    "starts_at": f"{date.today() + timedelta(days=2)}T10:00",
    "duration_minutes": "60",
    "location": "https://meet.example.com/abc",
}
# Valid bodies: the per-field pass puts one hostile value into one of them at a time. A list is several.
BASES = {
    "accounts:profile": {"name": "Ada", "timezone": "UTC"},
    "accounts:organization_settings": {
        "name": "Acme",
        "slug": "acme-fuzz",
        "brand_colour": "#1f6feb",
        "data_retention_days": "365",
        "timezone": "UTC",
    },
    "accounts:invite_member": {"email": "new@example.com", "role": "recruiter"},
    "pipeline:webhook_create": {"url": "https://hooks.example.com/ats", "events": "candidate.created"},
    "pipeline:webhook_edit": {"url": "https://hooks.example.com/ats", "events": "candidate.created", "is_active": "on"},
    "accounts:create_api_key": {"name": "Export", "role": "recruiter", "access": "read_only"},
    "jobs:edit": _JOB_BASE,
    "pipeline:job_create": _JOB_BASE,
    "jobs:add_field": {"new-label": "Why us?", "new-field_type": "short_text"},
    "jobs:edit_field": {"f{field}-label": "Portfolio"},
    "jobs:add_attribute": {"new-name": "Curiosity", "new-description": "Asks why"},
    "jobs:edit_attribute": {"a{scorecard_attribute}-name": "Craft", "a{scorecard_attribute}-description": "Care"},
    "careers:apply": {**_CANDIDATE_BASE, "consent": "on"},
    "pipeline:bulk_action": [
        {"selected": "{application}", "action": "move", "stage": "{stage}"},
        {"selected": "{application}", "action": "reject", "reason": "Not a fit"},
        {"selected": "{application}", "action": "tag", "tag": "strong"},
    ],
    "pipeline:add_job_step": {"name": "Take-home"},
    "pipeline:create_template": {"name": "Short process"},
    "pipeline:add_step": {"name": "Take-home"},
    "pipeline:rename_step": {"name": "Screen", "description": "A call", "stale_after_days": "7"},
    # One body per kind of action; the world's action (edit_action) is the acknowledgement email.
    "pipeline:add_action": [
        {"kind": "email", "email_template": "{email_template}", "to_candidate": "on", "delay_amount": "1"},
        {"kind": "notification", "roles": "recruiter", "title": "Hired"},
        {"kind": "task", "title": "Call", "assignee": "role:recruiter", "due_in_days": "2", "priority": "high"},
        {
            "kind": "meeting",
            "title": "Chat",
            "duration_minutes": "30",
            "roles": "interviewer",
            "slot_rule": "to_schedule",
        },
    ],
    "pipeline:edit_action": {"email_template": "{email_template}", "to_candidate": "on", "delay_amount": "0"},
    "pipeline:move_application": {"stage": "{stage}", "note": "Good call"},
    "pipeline:undo_move": {"history": "1"},
    "pipeline:application_action": {"reason": "Not a fit", "rating": "3", "tag": "strong"},
    "pipeline:candidate_create": {**_CANDIDATE_BASE, "email": "grace@example.com", "source": "sourced"},
    "pipeline:candidate_edit": _CANDIDATE_BASE,
    "pipeline:add_note": {"body": "Strong", "visibility": "team"},
    "pipeline:extend_retention": {"retain_until": str(date.today() + timedelta(days=400)), "reason": "Talent pool"},
    "pipeline:follow_application": {"following": "1"},
    "pipeline:reject_application": {"reason": "Not a fit", "send_email": "on", "subject": "Hi", "body": "<p>Sorry</p>"},
    "pipeline:reject_applications": {
        "selected": "{application}",
        "reason": "Not a fit",
        "send_email": "on",
        "subject": "Hi",
        "body": "<p>No</p>",
    },
    "pipeline:task_create": {"title": "Call the references", "priority": "high", "due_on": "2026-12-24"},
    "pipeline:task_edit": {"title": "Call the references", "priority": "low", "due_on": "2026-12-24"},
    "pipeline:reassign_task": {"assignee": ""},
    "pipeline:add_task_comment": {"body": "Called both."},
    "pipeline:schedule_interview": _INTERVIEW_BASE,
    "pipeline:reschedule_interview": {**_INTERVIEW_BASE, "title": "Second interview"},
    "pipeline:cancel_interview": {"reason": "The candidate asked to move it"},
    "notifications:mark_read": {"id": "{notification}", "next": "/notifications/"},
    "notifications:preferences": {
        "send_at": "08:00",
        **{f"{category}-in_app": "on" for category in Category.values},
        **{f"{category}-email": "digest" for category in Category.values},
    },
}
ACTIONS = ("reject", "withdraw", "rate", "tag", "untag", "advance", "hire", "no-such-action")

# Questions of every type on the job's form, named q_<key> in the apply form.
QUESTIONS = [
    ("Short", FormField.Type.SHORT_TEXT, []),
    ("Long", FormField.Type.LONG_TEXT, []),
    ("Number", FormField.Type.NUMBER, []),
    ("Date", FormField.Type.DATE, []),
    ("Email", FormField.Type.EMAIL, []),
    ("Link", FormField.Type.URL, []),
    ("Phone", FormField.Type.PHONE, []),
    ("Single", FormField.Type.SINGLE_CHOICE, ["One", "Two"]),
    ("Multiple", FormField.Type.MULTIPLE_CHOICE, ["One", "Two"]),
    ("Yes no", FormField.Type.YES_NO, []),
]


@pytest.fixture
def world(db, settings):
    settings.APPLY_RATE_LIMIT = (10**9, 600)  # hundreds of applications from one address, on purpose
    world = build_organisation("Acme")
    form = world.job.application_form
    form.fields.filter(key="resume").update(required=False)  # a urlencoded post carries no file
    for label, field_type, options in QUESTIONS:
        add_question(form=form, label=label, field_type=field_type, options=options)
    return world


def _fill(template, world):
    """`template` with {name} replaced by the pk of the world's `name`."""
    return re.sub(r"\{(\w+)\}", lambda match: str(getattr(world, match.group(1)).pk), template)


def _urls(name, route, world):
    url = fill(route, world)
    if name == "pipeline:application_action":
        return [url.removesuffix("star/") + f"{action}/" for action in ACTIONS]
    return [url]


def _encode(pairs):
    return urlencode([(key, value if isinstance(value, bytes) else value.encode()) for key, value in pairs])


def _send(client, method, url, query, body=None):
    """One request in a savepoint that is rolled back; (status, what went wrong if it was a 500)."""
    target = f"{url}?{query}" if query else url
    with transaction.atomic():
        if method == "get":
            response = client.get(target)
        else:
            response = client.post(target, body or "", content_type="application/x-www-form-urlencoded")
        transaction.set_rollback(True)
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end, so the file is closed
    error = getattr(response, "exc_info", None)
    return response.status_code, repr(error[1]) if error else ""


def _bases(name, world):
    """The valid bodies the hostile values go into: BASES' (filled in), or one empty body."""
    bases = BASES.get(name) or {}
    bases = bases if isinstance(bases, list) else [bases]
    return [{key: _fill(value, world) for key, value in base.items()} for base in bases]


def _fuzz(client, name, route, world):
    """Every request for one URL; returns the 500s as lines of a report."""
    get_params, post_fields = FUZZ[name]
    get_params = [_fill(key, world) for key in get_params]
    post_fields = [_fill(key, world) for key in post_fields]
    bases = _bases(name, world)
    failures = []

    def check(method, url, label, query, body=None):
        status, error = _send(client, method, url, query, body)
        if status >= 500:
            failures.append(f"{method.upper()} {url} {label}: {status} {error}")

    for url in _urls(name, route, world):
        for value_name, value in HOSTILE.items():
            if get_params:
                check("get", url, f"all GET parameters {value_name}", _encode((key, value) for key in get_params))
            for base in bases if post_fields else []:
                body = {**base, **dict.fromkeys(post_fields, value)}
                check("post", url, f"all POST fields {value_name}", "", _encode(body.items()))
        for base in bases if name in BASES else []:
            for field in post_fields:
                for value_name in PER_FIELD:
                    body = {**base, field: HOSTILE[value_name]}
                    check("post", url, f"{field}={value_name} in {base}", "", _encode(body.items()))
    return failures


def _client(user=None):
    client = Client(raise_request_exception=False)  # a crash is a 500 in the report, not the end of the run
    if user is not None:
        client.force_login(user)
    return client


def test_every_url_has_an_entry():
    names = {name for name, _ in our_patterns()}

    assert [f"add an entry for {name}" for name in sorted(names - set(FUZZ))] == []
    assert [f"remove the entry for {name}" for name in sorted(set(FUZZ) - names)] == []
    assert [f"{name} has a base body but no fields" for name in BASES if not FUZZ[name][1]] == []


def test_no_hostile_value_makes_a_server_error_for_the_owner(world):
    client = _client(world.users["owner"])
    failures = [line for name, route in our_patterns() for line in _fuzz(client, name, route, world)]

    assert not failures, "\n".join(failures)


def test_no_hostile_value_makes_a_server_error_on_public_pages(world):
    client = _client()
    failures = [line for name, route in our_patterns() if name in PUBLIC for line in _fuzz(client, name, route, world)]

    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_filters_in_htmx_current_url_make_no_server_error(world, value):
    """Board actions re-read the board's filters from the HX-Current-URL header, which no middleware checks."""
    client = _client(world.users["owner"])
    query = _encode((key, value) for key in FUZZ["pipeline:board"][0])
    headers = {"HX-Request": "true", "HX-Current-URL": f"http://testserver/jobs/{world.job.pk}/board/?{query}"}
    body = _encode({"action": "tag", "tag": "strong", "selected": str(world.application.pk)}.items())
    urls = [f"/jobs/{world.job.pk}/board/bulk/", f"/applications/{world.application.pk}/star/"]
    for url in urls:
        with transaction.atomic():
            response = client.post(url, body, content_type="application/x-www-form-urlencoded", headers=headers)
            transaction.set_rollback(True)

        assert response.status_code == 200, url


# --- ats.input: the one place a NUL is refused ---------------------------------------------------------


@pytest.mark.parametrize(
    "send",
    [
        lambda client, url: client.get(url, {"q": "a\x00b"}),
        lambda client, url: client.get(url, {"a\x00b": "1"}),
        lambda client, url: client.post(url, {"source": "a\x00b"}),  # multipart, as browsers send files
        lambda client, url: client.post(url, "source=a%00b", content_type="application/x-www-form-urlencoded"),
        lambda client, url: client.get(url + "?q=a%ED%A0%80b%00"),
    ],
    ids=["GET value", "GET key", "multipart field", "urlencoded field", "raw query string"],
)
def test_a_null_character_anywhere_is_a_400_that_says_why(client, world, send):
    url = f"/careers/{world.organization.slug}/{world.job.slug}/apply/"

    response = send(client, url)

    assert response.status_code == 400
    assert response.content.decode() == MESSAGE
    assert world.job.applications.count() == 1  # the world's own, nothing new


def test_a_null_character_in_the_path_is_a_400(client, world):
    response = client.get(f"/careers/{world.organization.slug}%00/")

    assert response.status_code == 400


def test_a_lone_surrogate_in_the_query_is_no_error(client, world):
    response = client.get(f"/careers/{world.organization.slug}/?q=%ED%A0%80")

    assert response.status_code == 200


def test_ordinary_text_passes_the_middleware(client, world):
    response = client.get(f"/careers/{world.organization.slug}/", {"q": "Ingénieur ✓ 工程师"})

    assert response.status_code == 200
