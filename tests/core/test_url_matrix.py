"""Every URL of our six apps, opened by every role, against a status table written by hand.

The table is the permission rules in one place a reviewer can read: a new URL without
a row fails `test_every_url_has_a_row`, and a changed rule shows as one cell. The rules it
encodes: an object the member may not see is a 404 whatever their role (another
organisation's, a job whose hiring team a hiring manager is not on, any candidate,
application or file for an interviewer on none of its interviews' panels); a role without
the ability is a 403 on what it can see; signed-out visitors are sent to log in on member
pages; the careers site, the mail tracking endpoints and invitation links are public.

Views that refuse GET (405) are POSTed with an empty (or minimal) body; every request runs
in a savepoint that is rolled back, so what one role's POST changes never reaches the next.
"""

import io
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.utils import timezone
from PIL import Image

from accounts.api_keys import issue_key
from accounts.models import Membership
from jobs.models import FormField, HiringTeamMember, StageTemplate
from jobs.services import add_question
from mail.models import EmailMessage, EmailTemplate
from notifications.models import Category, Notification
from pipeline.applications.models import ApplicationFormAnswer
from pipeline.applications.status_link import status_token
from pipeline.automation.models import ActionRun, StageAction
from pipeline.interviews.models import Interview, PanelMember
from pipeline.tasks.models import Task
from pipeline.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.factories import (
    ApplicationFactory,
    CandidateFactory,
    InvitationFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    make_job,
    pdf_bytes,
    pdf_content,
)

pytestmark = pytest.mark.django_db

APPS = {"ats", "accounts", "jobs", "pipeline", "mail", "notifications"}
ROLES = ("owner", "admin", "recruiter", "manager", "outsider", "interviewer", "foreigner", "anonymous")
MEMBERS = ROLES[:6]  # our organisation's signed-in roles
LOGIN = "/accounts/login/?next="

# One row per URL (by name; by route where it has none), one status per role in ROLES' order:
#   owner, admin, recruiter, hiring manager on the job's team, hiring manager off it,
#   interviewer on the team, the owner of another organisation, signed out.
# Our organisation's objects fill every parameter.
EXPECTED = {
    # ats
    "dashboard": (200, 200, 200, 200, 200, 200, 200, 302),
    "onboarding": (302, 302, 302, 302, 302, 302, 302, 302),  # members go on to the dashboard
    "health": (200, 200, 200, 200, 200, 200, 200, 200),
    "api/health/": (200, 200, 200, 200, 200, 200, 200, 200),
    "api/v1/health/": (200, 200, 200, 200, 200, 200, 200, 200),
    "status": (404, 404, 404, 404, 404, 404, 404, 404),  # staff or OPS_TOKEN only (test_health.py)
    # Private addresses (the test client's 127.0.0.1); others need OPS_TOKEN or staff (test_metrics.py)
    "metrics": (200, 200, 200, 200, 200, 200, 200, 200),
    # accounts
    "accounts:profile": (200, 200, 200, 200, 200, 200, 200, 302),
    "accounts:organization_settings": (200, 200, 403, 403, 403, 403, 200, 302),
    "accounts:members": (200, 200, 200, 200, 200, 200, 200, 302),
    "accounts:invite_member": (400, 400, 403, 403, 403, 403, 400, 302),
    "accounts:change_role": (302, 302, 403, 403, 403, 403, 404, 302),
    "accounts:set_member_active": (302, 302, 403, 403, 403, 403, 404, 302),
    "accounts:resend_invitation": (302, 302, 403, 403, 403, 403, 404, 302),
    "accounts:revoke_invitation": (302, 302, 403, 403, 403, 403, 404, 302),
    "accounts:api_keys": (200, 200, 403, 403, 403, 403, 200, 302),
    "accounts:create_api_key": (400, 400, 403, 403, 403, 403, 400, 302),  # an empty form
    "accounts:revoke_api_key": (302, 302, 403, 403, 403, 403, 404, 302),
    # Public, but for the invited address only: signed in as anyone else, it says so.
    "accounts:accept_invitation": (403, 403, 403, 403, 403, 403, 403, 200),
    # jobs
    "jobs:list": (200, 200, 200, 200, 200, 200, 200, 302),
    "jobs:markdown_preview": (200, 200, 200, 403, 403, 403, 200, 302),
    "jobs:detail": (200, 200, 200, 200, 404, 200, 404, 302),
    "jobs:edit": (200, 200, 200, 403, 404, 403, 404, 302),
    "jobs:set_status": (302, 302, 302, 403, 404, 403, 404, 302),
    "jobs:add_team_member": (302, 302, 302, 403, 404, 403, 404, 302),
    "jobs:remove_team_member": (302, 302, 302, 403, 404, 403, 404, 302),
    "jobs:form_builder": (200, 200, 200, 403, 404, 403, 404, 302),
    "jobs:add_field": (400, 400, 400, 403, 404, 403, 404, 302),
    "jobs:form_settings": (302, 302, 302, 403, 404, 403, 404, 302),
    "jobs:reorder_fields": (302, 302, 302, 403, 404, 403, 404, 302),
    "jobs:edit_field": (200, 200, 200, 403, 404, 403, 404, 302),
    "jobs:delete_field": (302, 302, 302, 403, 404, 403, 404, 302),
    "jobs:toggle_field": (302, 302, 302, 403, 404, 403, 404, 302),
    "jobs:move_field": (302, 302, 302, 403, 404, 403, 404, 302),
    # The scorecard's attributes: part of the job's definition, changed by those who manage jobs.
    "jobs:scorecard": (200, 200, 200, 403, 404, 403, 404, 302),
    "jobs:add_attribute": (400, 400, 400, 403, 404, 403, 404, 302),
    "jobs:edit_attribute": (200, 200, 200, 403, 404, 403, 404, 302),
    "jobs:move_attribute": (302, 302, 302, 403, 404, 403, 404, 302),
    "jobs:delete_attribute": (302, 302, 302, 403, 404, 403, 404, 302),
    # jobs: the careers site, public; /careers/ alone sends a member to their own page, a visitor to a 404
    "careers:root": (302, 302, 302, 302, 302, 302, 302, 404),
    "careers:index": (200, 200, 200, 200, 200, 200, 200, 200),
    "careers:feed": (200, 200, 200, 200, 200, 200, 200, 200),
    "careers:logo": (200, 200, 200, 200, 200, 200, 200, 200),
    "careers:brand": (200, 200, 200, 200, 200, 200, 200, 200),
    "careers:job": (200, 200, 200, 200, 200, 200, 200, 200),
    # pipeline: applying, public
    "careers:apply": (200, 200, 200, 200, 200, 200, 200, 200),
    "careers:thanks": (200, 200, 200, 200, 200, 200, 200, 200),
    # pipeline: the candidate's status page, public behind its signed link (withdrawing asks first: GET)
    "careers:application_status": (200, 200, 200, 200, 200, 200, 200, 200),
    "careers:withdraw_application": (200, 200, 200, 200, 200, 200, 200, 200),
    # pipeline: jobs and their stages
    "pipeline:job_create": (200, 200, 200, 403, 403, 403, 200, 302),
    "pipeline:duplicate_job": (302, 302, 302, 403, 404, 403, 404, 302),
    "pipeline:job_applications": (200, 200, 200, 200, 404, 403, 404, 302),
    "pipeline:board": (200, 200, 200, 200, 404, 403, 404, 302),
    "pipeline:board_column": (302, 302, 302, 302, 404, 403, 404, 302),
    "pipeline:bulk_action": (302, 302, 302, 302, 404, 403, 404, 302),
    "pipeline:bulk_email": (200, 200, 200, 403, 404, 403, 404, 302),
    "pipeline:job_workflow": (200, 200, 200, 403, 404, 403, 404, 302),
    "pipeline:apply_template": (200, 200, 200, 403, 404, 403, 404, 302),
    "pipeline:add_job_step": (302, 302, 302, 403, 404, 403, 404, 302),
    "pipeline:workflow_templates": (200, 200, 200, 403, 403, 403, 200, 302),
    "pipeline:create_template": (302, 302, 302, 403, 403, 403, 302, 302),
    "pipeline:workflow_template": (200, 200, 200, 403, 403, 403, 404, 302),
    "pipeline:add_step": (302, 302, 302, 403, 403, 403, 404, 302),
    # A stage of the job: the job's rule applies.
    "pipeline:rename_step": (302, 302, 302, 403, 404, 403, 404, 302),
    "pipeline:move_step": (302, 302, 302, 403, 404, 403, 404, 302),
    "pipeline:toggle_step": (302, 302, 302, 403, 404, 403, 404, 302),
    "pipeline:delete_step": (302, 302, 302, 403, 404, 403, 404, 302),
    # A stage's actions (of the job's stage): the stage's rule applies. The list answers htmx; a browser
    # is sent to the Stages page.
    "pipeline:stage_actions": (302, 302, 302, 403, 404, 403, 404, 302),
    "pipeline:add_action": (200, 200, 200, 403, 404, 403, 404, 302),
    "pipeline:edit_action": (200, 200, 200, 403, 404, 403, 404, 302),
    "pipeline:toggle_action": (302, 302, 302, 403, 404, 403, 404, 302),
    "pipeline:move_action": (302, 302, 302, 403, 404, 403, 404, 302),
    "pipeline:delete_action": (302, 302, 302, 403, 404, 403, 404, 302),
    # pipeline: applications
    "pipeline:email_application": (200, 200, 200, 403, 404, 404, 404, 302),
    "pipeline:move_application": (302, 302, 302, 302, 404, 404, 404, 302),
    "pipeline:undo_move": (302, 302, 302, 302, 404, 404, 404, 302),
    "pipeline:application_action": (302, 302, 302, 302, 404, 404, 404, 302),
    "pipeline:download_answer_file": (200, 200, 200, 200, 404, 404, 404, 302),
    "pipeline:follow_application": (302, 302, 302, 302, 404, 404, 404, 302),
    # The candidate's status link: revoked by those who take the application's decisions.
    "pipeline:revoke_status_link": (302, 302, 302, 302, 404, 404, 404, 302),
    # Asking before an offer or rejection email goes, and the rejection form: the application's (or job's) rule.
    "pipeline:confirm_actions": (200, 200, 200, 200, 404, 404, 404, 302),
    "pipeline:confirm_job_actions": (200, 200, 200, 200, 404, 403, 404, 302),
    "pipeline:reject_application": (200, 200, 200, 200, 404, 404, 404, 302),
    "pipeline:reject_applications": (200, 200, 200, 200, 404, 403, 404, 302),
    # A stage action's run: its application's rule.
    "pipeline:retry_run": (302, 302, 302, 302, 404, 404, 404, 302),
    "pipeline:cancel_run": (302, 302, 302, 302, 404, 404, 404, 302),
    # pipeline: candidates
    "pipeline:candidates": (200, 200, 200, 200, 200, 200, 200, 302),
    "pipeline:candidate_create": (200, 200, 200, 403, 403, 403, 200, 302),
    "pipeline:candidate": (200, 200, 200, 200, 404, 404, 404, 302),
    "pipeline:candidate_edit": (200, 200, 200, 403, 404, 404, 404, 302),
    "pipeline:add_note": (302, 302, 302, 302, 404, 404, 404, 302),
    "pipeline:mention_suggestions": (200, 200, 200, 200, 404, 404, 404, 302),
    "pipeline:merge_candidate": (302, 302, 302, 403, 404, 404, 404, 302),
    "pipeline:download_resume": (200, 200, 200, 200, 404, 404, 404, 302),
    # pipeline: privacy (erasure, export, retention), for owners and admins
    "pipeline:retention_review": (200, 200, 403, 403, 403, 403, 200, 302),
    "pipeline:extend_retention": (200, 200, 403, 403, 404, 404, 404, 302),
    "pipeline:erase_candidate": (200, 200, 403, 403, 404, 404, 404, 302),
    "pipeline:export_candidate": (200, 200, 403, 403, 404, 404, 404, 302),
    # pipeline: tasks. The world's task is about the application and assigned to the interviewer, who may
    # do it but not hand it over (they can't see the application); new tasks here are about the application.
    "pipeline:tasks": (200, 200, 200, 200, 200, 200, 200, 302),
    "pipeline:task_create": (200, 200, 200, 200, 404, 404, 404, 302),
    "pipeline:task": (200, 200, 200, 200, 404, 200, 404, 302),
    "pipeline:task_edit": (200, 200, 200, 200, 404, 403, 404, 302),
    "pipeline:complete_task": (302, 302, 302, 302, 404, 302, 404, 302),
    "pipeline:reopen_task": (302, 302, 302, 302, 404, 302, 404, 302),
    "pipeline:reassign_task": (302, 302, 302, 302, 404, 403, 404, 302),
    "pipeline:add_task_comment": (400, 400, 400, 400, 404, 400, 404, 302),
    # pipeline: interviews. The world's interview is about the application; `interviewer` is on no panel
    # (so sees none of it), `panelist` on its panel (see PANELIST). Arranging follows the application's
    # rule for who manages it (may_schedule); "My interviews" is everyone's own.
    "pipeline:interviews": (200, 200, 200, 200, 200, 200, 200, 302),
    "pipeline:interview": (200, 200, 200, 200, 404, 404, 404, 302),
    # Feedback is the panel's own: whoever sees the interview but sits on no seat of it is refused.
    "pipeline:scorecard": (403, 403, 403, 403, 404, 404, 404, 302),
    "pipeline:schedule_interview": (200, 200, 200, 200, 404, 404, 404, 302),
    "pipeline:reschedule_interview": (200, 200, 200, 200, 404, 404, 404, 302),
    "pipeline:cancel_interview": (302, 302, 302, 302, 404, 404, 404, 302),
    # pipeline: webhooks (Settings → Webhooks), for owners and admins. Rotating and deleting ask first (GET).
    "pipeline:webhooks": (200, 200, 403, 403, 403, 403, 200, 302),
    "pipeline:webhook_create": (200, 200, 403, 403, 403, 403, 200, 302),
    "pipeline:webhook": (200, 200, 403, 403, 403, 403, 404, 302),
    "pipeline:webhook_edit": (200, 200, 403, 403, 403, 403, 404, 302),
    "pipeline:rotate_webhook_secret": (200, 200, 403, 403, 403, 403, 404, 302),
    "pipeline:delete_webhook": (200, 200, 403, 403, 403, 403, 404, 302),
    "pipeline:redeliver_webhook": (302, 302, 403, 403, 403, 403, 404, 302),
    # mail: tracking, public (the recipient's mail client calls them)
    "mail:open": (200, 200, 200, 200, 200, 200, 200, 200),
    "mail:click": (302, 302, 302, 302, 302, 302, 302, 302),
    # mail: the outbox and templates
    "mail:outbox": (200, 200, 200, 403, 403, 403, 200, 302),
    "mail:message": (200, 200, 200, 403, 403, 403, 404, 302),
    "mail:retry": (302, 302, 302, 403, 403, 403, 404, 302),
    "mail:analytics": (200, 200, 200, 403, 403, 403, 200, 302),
    "mail:queue": (200, 200, 200, 403, 403, 403, 200, 302),
    "mail:templates": (200, 200, 200, 403, 403, 403, 200, 302),
    "mail:template_create": (200, 200, 403, 403, 403, 403, 200, 302),
    "mail:template_preview": (200, 200, 403, 403, 403, 403, 200, 302),
    "mail:template_edit": (200, 200, 403, 403, 403, 403, 404, 302),
    # The editor's preview frames: a saved template's, and a live preview's (cached for its viewer only:
    # the world's token was never cached, so it is 404 even for those who may edit templates).
    "mail:template_frame": (200, 200, 403, 403, 403, 403, 404, 302),
    "mail:template_preview_frame": (404, 404, 403, 403, 403, 403, 404, 302),
    # notifications: each member's own (the one in the table is the owner's)
    "notifications:inbox": (200, 200, 200, 200, 200, 200, 200, 302),
    "notifications:latest": (200, 200, 200, 200, 200, 200, 200, 302),
    "notifications:count": (200, 200, 200, 200, 200, 200, 200, 302),
    "notifications:mark_read": (302, 302, 302, 302, 302, 302, 302, 302),
    "notifications:preferences": (200, 200, 200, 200, 200, 200, 200, 302),
    "notifications:open": (302, 404, 404, 404, 404, 404, 404, 302),
}

# `panelist`: an interviewer like `interviewer` (on the job's team), and on the panel of the world's
# interview. They get what `interviewer` gets but for these rows. The seat opens the application to them
# (pipeline.applications.access): its candidate, resume and files, the interview; everything done to an
# application is a 403 (theirs to see, not to do). The world's task is `interviewer`'s, not theirs.
PANELIST = {
    "pipeline:email_application": 403,
    "pipeline:move_application": 403,
    "pipeline:undo_move": 403,
    "pipeline:application_action": 403,
    "pipeline:download_answer_file": 200,
    "pipeline:follow_application": 302,
    "pipeline:revoke_status_link": 403,
    "pipeline:confirm_actions": 403,
    "pipeline:reject_application": 403,
    "pipeline:retry_run": 403,
    "pipeline:cancel_run": 403,
    "pipeline:candidate": 200,
    "pipeline:candidate_edit": 403,
    "pipeline:add_note": 403,
    "pipeline:mention_suggestions": 403,
    "pipeline:merge_candidate": 403,
    "pipeline:download_resume": 200,
    "pipeline:extend_retention": 403,
    "pipeline:erase_candidate": 403,
    "pipeline:export_candidate": 403,
    "pipeline:task_create": 403,  # about the world's application: its tasks are the hiring team's
    "pipeline:task": 404,
    "pipeline:task_edit": 404,
    "pipeline:complete_task": 404,
    "pipeline:reopen_task": 404,
    "pipeline:reassign_task": 404,
    "pipeline:add_task_comment": 404,
    "pipeline:interview": 200,
    "pipeline:scorecard": 200,  # the form's page (tomorrow's interview: it says when feedback opens)
    "pipeline:schedule_interview": 403,
    "pipeline:reschedule_interview": 403,
    "pipeline:cancel_interview": 403,
}


def expected_status(name, role, table=EXPECTED):
    """The status `role` gets from URL `name` (from `table`, a dict of rows like EXPECTED's)."""
    if role == "panelist":
        return PANELIST[name] if name in PANELIST else table[name][ROLES.index("interviewer")]
    return table[name][ROLES.index(role)]


# Django admin and allauth are not ours: a short smoke list. Signed in, allauth's pages send you on.
SMOKE = {
    "/admin/": (302, 302, 302, 302, 302, 302, 302, 302),  # only staff get in (see the test below)
    "/accounts/login/": (302, 302, 302, 302, 302, 302, 302, 200),
    "/accounts/signup/": (302, 302, 302, 302, 302, 302, 302, 200),
}

# Pages for anyone, addressed by slug or token: not "member pages with an object".
PUBLIC = {name for name in EXPECTED if name.startswith("careers:")} | {
    "mail:open",
    "mail:click",
    "accounts:accept_invitation",
}

# Addressed by a token that is the viewer's own (a cache key made for them), naming no organisation's
# object: another organisation's cannot exist, so a role without the ability is refused (403) first.
VIEWERS_OWN = {"mail:template_preview_frame"}

# Query strings a page needs to show what it is for (the template to apply, the selection to write to).
QUERIES = {
    "pipeline:apply_template": "template={stage_template}",
    "pipeline:bulk_email": "selected={application}",
    "pipeline:reject_applications": "selected={application}",
    "pipeline:add_action": "kind=email",
    "pipeline:task_create": "application={application}",
}
# Minimal bodies for POST-only views that do nothing useful with an empty one.
BODIES = {
    "pipeline:merge_candidate": {"other": "{duplicate}"},
    "notifications:mark_read": {"all": "1"},
}

# Which object fills a <pk> (or <token>) is named by the URL segment before it.
_BY_SEGMENT = {
    "jobs": "job",
    "workflows": "stage_template",
    "steps": "stage",
    "actions": "stage_action",
    "applications": "application",
    "candidates": "candidate",
    "answers": "answer",
    "members": "membership",
    "invitations": "invitation",
    "outbox": "message",
    "templates": "email_template",
    "notifications": "notification",
    "tasks": "task",
    "runs": "action_run",
    "interviews": "interview",
    "api-keys": "api_key",
    "webhooks": "webhook",
    "deliveries": "webhook_delivery",
}
_TOKENS = {
    "invitations": ("invitation", "token"),
    "o": ("message", "tracking_token"),
    "c": ("message", "tracking_token"),
    "status": ("status_link", "token"),
    "preview": ("preview", "token"),
}
_BY_NAME = {"member_pk": "team_member", "field_pk": "field", "stage_pk": "stage", "attribute_pk": "scorecard_attribute"}
_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def our_patterns():
    """[(name, route)] of every URL pattern whose view lives in one of our apps, from the root resolver down."""

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif pattern.callback.__module__.split(".")[0] in APPS:
                route = prefix + str(pattern.pattern)
                if route.startswith("api/") and not route.endswith("health/"):
                    continue  # the JSON API: every operation of its schema is walked in tests/api/test_api_matrix.py
                name = ":".join(filter(None, [namespace, pattern.name])) if pattern.name else route
                yield name, route

    return list(walk(get_resolver().url_patterns, "", None))


def has_object(route):
    return bool(_PARAMETER.search(route))


def fill(route, world):
    """The route with each parameter replaced by the world's object for it."""

    def value(match):
        param, before = match.group(1), route[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        if param == "org_slug":
            return world.organization.slug
        if param == "job_slug":
            return world.job.slug
        if param == "index":
            return "0"  # the message's first link
        if param == "action":
            return "star"
        if param == "token":
            thing, attribute = _TOKENS[before]
            return str(getattr(getattr(world, thing), attribute))
        thing = _BY_NAME.get(param) or _BY_SEGMENT.get(before)
        assert thing, f"say which object fills <{param}> in {route}"
        return str(getattr(world, thing).pk)

    return "/" + _PARAMETER.sub(value, route)


def _pks(template, world):
    return template.format(**{key: getattr(value, "pk", "") for key, value in vars(world).items()})


def request(client, name, route, world):
    """GET the URL (POST it when it refuses GET), in a savepoint rolled back afterwards."""
    url = fill(route, world)
    if name in QUERIES:
        url += "?" + _pks(QUERIES[name], world)
    body = {key: _pks(value, world) for key, value in BODIES.get(name, {}).items()}
    with transaction.atomic():
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, body)
        transaction.set_rollback(True)
    if response.streaming:
        # Read to the end: the test client then closes the file (and keeps the test's connection open).
        b"".join(response.streaming_content)
    return response


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "#1f6feb").save(buffer, "PNG")
    return buffer.getvalue()


def build_organisation(name):
    """An organisation with a member of each role and an object for every URL parameter.

    The job's hiring team holds `manager` (hiring manager), `interviewer` and `panelist` (interviewers);
    `panelist` is on the panel of the application's interview; `outsider` is a hiring manager on no
    team. `membership` is a recruiter others may change.
    """
    organization = OrganizationFactory(name=name)
    organization.logo.save("logo.png", ContentFile(_png()), save=True)
    Role = Membership.Role
    roles = {"owner": Role.OWNER, "admin": Role.ADMIN, "recruiter": Role.RECRUITER}
    roles |= {"manager": Role.HIRING_MANAGER, "outsider": Role.HIRING_MANAGER, "interviewer": Role.INTERVIEWER}
    roles["panelist"] = Role.INTERVIEWER
    users = {key: MembershipFactory(organization=organization, role=role).user for key, role in roles.items()}
    job = make_job(organization, title=f"{name} Engineer", created_by=users["owner"])
    team_member = HiringTeamMember.objects.create(
        job=job, user=users["manager"], role=HiringTeamMember.Role.HIRING_MANAGER
    )
    for key in ("interviewer", "panelist"):
        HiringTeamMember.objects.create(job=job, user=users[key], role=HiringTeamMember.Role.INTERVIEWER)
    stage = job.stages.order_by("order").first()
    candidate = CandidateFactory(organization=organization, resume=pdf_content("cv.pdf"), resume_name="cv.pdf")
    application = ApplicationFactory(job=job, candidate=candidate, current_stage=stage)
    field = add_question(form=job.application_form, label="Portfolio", field_type=FormField.Type.FILE)
    answer = ApplicationFormAnswer(application=application, field=field, key=field.key, label=field.label)
    answer.file_name = "work.pdf"
    answer.file.save("work.pdf", ContentFile(pdf_bytes(["Portfolio"])), save=True)
    email_template = EmailTemplate.objects.filter(organization=organization).order_by("pk").first()
    message = EmailMessage.objects.create(
        organization=organization,
        to=[candidate.email],
        from_email="jobs@example.com",
        subject="Next steps",
        template=email_template,
        links=["https://example.com/next"],
        status=EmailMessage.Status.SENT,
    )
    notification = Notification.objects.create(
        recipient=users["owner"], organization=organization, category=Category.MENTION, title="Look", url="/"
    )
    task = Task.objects.create(
        organization=organization, application=application, title="Call the references", assignee=users["interviewer"]
    )
    # A stage action's run that failed (retry and cancel both have something to say about it).
    action_run = ActionRun.objects.create(
        application=application, kind="email", label="Email “Offer” to the candidate", status="failed"
    )
    # Tomorrow's interview about the application, with `panelist` on its panel (written directly: no invitations).
    interview = Interview.objects.create(
        organization=organization, application=application, title="Final interview", organizer=users["recruiter"],
        starts_at=timezone.now() + timedelta(days=1), created_by=users["recruiter"],
    )  # fmt: skip
    PanelMember.objects.create(interview=interview, user=users["panelist"])
    # A webhook endpoint with a failed delivery (Redeliver has something to do).
    webhook = WebhookEndpoint.objects.create(
        organization=organization, url=f"https://hooks.{organization.slug}.example/ats", events=["application.created"]
    )
    webhook_delivery = WebhookDelivery.objects.create(
        endpoint=webhook, event="application.created", source=f"application:{application.pk}", status="failed",
        payload={"event": "application.created", "data": {"application_id": application.pk}}, attempts=6,
        candidate=candidate, application=application,
    )  # fmt: skip
    return SimpleNamespace(
        status_link=SimpleNamespace(token=status_token(application)),
        preview=SimpleNamespace(token="never-cached"),
        webhook=webhook,
        webhook_delivery=webhook_delivery,
        interview=interview,
        action_run=action_run,
        task=task,
        notification=notification,
        organization=organization,
        users=users,
        job=job,
        team_member=team_member,
        stage=stage,
        stage_action=StageAction.objects.filter(stage=stage).first(),  # the acknowledgement email
        stage_template=StageTemplate.objects.get(organization=organization, is_default=True),
        candidate=candidate,
        duplicate=CandidateFactory(organization=organization),
        application=application,
        field=field,
        answer=answer,
        scorecard_attribute=job.scorecard_attributes.first(),
        membership=MembershipFactory(organization=organization, role=Role.RECRUITER),
        invitation=InvitationFactory(organization=organization, invited_by=users["owner"]),
        api_key=issue_key(
            membership=Membership.objects.get(user=users["owner"]), name="Export", role=Role.RECRUITER, read_only=True
        )[0],
        email_template=email_template,
        message=message,
    )


@pytest.fixture
def ours(db):
    return build_organisation("Acme")


@pytest.fixture
def theirs(db):
    return build_organisation("Globex")


def client_as(role, ours, theirs):
    client = Client(raise_request_exception=False)  # a crash is a 500 in the report, not the end of the run
    if role == "foreigner":
        client.force_login(theirs.users["owner"])
    elif role != "anonymous":
        client.force_login(ours.users[role])
    return client


def test_every_url_has_a_row():
    names = {name for name, _ in our_patterns()}

    assert [f"add a row for {name}" for name in sorted(names - set(EXPECTED))] == []
    assert [f"remove the row for {name}" for name in sorted(set(EXPECTED) - names)] == []


@pytest.mark.parametrize("role", [*ROLES, "panelist"])
def test_each_role_gets_the_status_in_the_table(role, ours, theirs):
    client = client_as(role, ours, theirs)
    wrong = []
    for name, route in our_patterns():
        if name not in EXPECTED:
            continue  # test_every_url_has_a_row names it
        response = request(client, name, route, ours)
        if response.status_code != expected_status(name, role):
            wrong.append(f"{name}: expected {expected_status(name, role)}, got {response.status_code}")
        elif role == "anonymous" and name not in PUBLIC and not response.get("Location", LOGIN).startswith(LOGIN):
            # Signed out, a member page asks you to log in, and brings you back.
            wrong.append(f"{name}: redirected to {response['Location']}, not to the login page")
    for path in SMOKE:
        status = client.get(path).status_code
        if status != expected_status(path, role, SMOKE):
            wrong.append(f"{path}: expected {expected_status(path, role, SMOKE)}, got {status}")

    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", [*MEMBERS, "panelist"])
def test_another_organisations_objects_are_404_for_every_member(role, ours, theirs):
    client = client_as(role, ours, theirs)
    wrong = []
    for name, route in our_patterns():
        if has_object(route) and name not in PUBLIC | VIEWERS_OWN:
            status = request(client, name, route, theirs).status_code
            if status != 404:
                wrong.append(f"{name}: {status}")

    assert not wrong, "\n".join(wrong)


def test_django_admin_opens_for_staff_only(client_for, ours):
    staff = UserFactory(is_staff=True, is_superuser=True)

    assert client_for(staff).get("/admin/").status_code == 200
    assert client_for(ours.users["owner"]).get("/admin/").status_code == 302
