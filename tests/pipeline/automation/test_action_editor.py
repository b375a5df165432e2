"""Editing a stage's actions on the Stages page, of a job (/jobs/<id>/workflow/) or of a stage template
(/workflows/<id>/): add (/workflows/steps/<id>/actions/new/?kind=...), edit, switch on or off, reorder and
delete (/workflows/actions/<id>/...), without JavaScript and with htmx."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from jobs.models import HiringTeamMember, StageTemplate
from jobs.stages import add_stage
from mail.models import EmailTemplate
from pipeline.automation import editing
from pipeline.automation.models import ActionRun, StageAction
from pipeline.setup.services import create_job
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory, make_job

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
Kind, Role = StageAction.Kind, HiringTeamMember.Role


@pytest.fixture
def client(client_for, recruiter):
    return client_for(recruiter)


@pytest.fixture
def phone_screen(stages):
    """The job's Phone Screen stage, whose one default action is a meeting."""
    return stages[2]


@pytest.fixture
def offer_template(organization):
    return EmailTemplate.objects.get(organization=organization, key="offer")


@pytest.fixture
def template(organization):
    """An ordinary (not offer, not rejection) active email template of the organisation."""
    return EmailTemplate.objects.get(organization=organization, key="acknowledgement")


@pytest.fixture
def default(organization):
    return StageTemplate.objects.get(organization=organization, is_default=True)


def editor(job):
    return f"/jobs/{job.pk}/workflow/"


def add_url(stage, kind):
    return f"/workflows/steps/{stage.pk}/actions/new/?kind={kind}"


def url(action, verb):
    return f"/workflows/actions/{action.pk}/{verb}/"


def summaries(stage):
    return [action.summary for action in stage.actions.all()]


def email_body(template, **extra):
    return {"email_template": template.pk, "to_candidate": "on", "delay_amount": "0", "delay_unit": "days", **extra}


def task_body(**extra):
    return {"title": "Check the portfolio", "body": "", "assignee": "role:recruiter", "priority": "high", **extra}


def meeting_body(**extra):
    body = {"title": "Culture chat", "duration_minutes": "45", "roles": ["interviewer"], "location": "Office"}
    return body | {"slot_rule": "next_working_day"} | extra


def an_action(stage, **fields):
    """A task action on `stage`, made through the service."""
    return editing.create_action(stage=stage, kind=Kind.TASK, **{"title": "Do it", **fields})


def fragment_of(response, stage):
    html = response.text.lstrip()
    assert response.status_code == 200
    assert html.startswith(f'<section class="stage-actions" id="actions-{stage.pk}"'), html[:200]
    assert "<html" not in html
    return html


# --- The Stages page -------------------------------------------------------------------------


def test_the_page_lists_each_stages_actions_in_order_with_what_they_do(client, job, stages, offer_template):
    editing.create_action(stage=stages[6], kind=Kind.EMAIL, email_template=offer_template, roles=[Role.RECRUITER],
                          delay_minutes=2 * 24 * 60)  # fmt: skip

    response = client.get(editor(job))

    assert response.status_code == 200
    html = response.text
    assert html.count("its actions run by themselves in the background") == 1
    offer = html.split(f'id="actions-{stages[6].pk}"')[1].split("</section>")[0]
    assert offer.index("Email “Offer” to the candidate") < offer.index("Email “Offer” to the recruiter")
    assert offer.count("Asks first") == 1  # only the one to the candidate
    assert "2 days later" in offer
    phone = html.split(f'id="actions-{stages[2].pk}"')[1].split("</section>")[0]
    assert "Meeting “Phone screen” with the recruiter" in phone
    assert f'href="{add_url(stages[2], "task")}"' in phone


def test_a_stage_without_actions_says_what_to_do(client, job):
    stage = add_stage(job=job, name="Take-home")

    response = client.get(editor(job))

    section = response.text.split(f'id="actions-{stage.pk}"')[1].split("</section>")[0]
    assert "No actions: add an email, a task…" in section
    assert '<details class="add-action" open>' in section  # the kinds to choose from, at hand
    assert f'href="{add_url(stage, "email")}"' in section


def test_a_switched_off_action_shows_it(client, job, stages):
    action = stages[1].actions.get()
    editing.set_action_active(action=action, active=False)

    response = client.get(editor(job))

    row = response.text.split(f'id="action-{action.pk}"')[1].split("</li>")[0]
    assert "Off</span>" in row
    assert "Switch on" in row
    assert 'name="active" value="1"' in row


def test_the_page_costs_the_same_queries_with_more_actions(client, job, stages):
    client.get(editor(job))  # warm-up: the session row exists
    with CaptureQueriesContext(connection) as few:
        client.get(editor(job))
    few = len(few)
    for stage in stages:
        for n in range(3):
            an_action(stage, title=f"Task {n}")

    with CaptureQueriesContext(connection) as many:
        response = client.get(editor(job))

    assert len(many) == few
    assert response.text.count("Task: </span>Task “Task 2”") == len(stages)


def test_a_stage_templates_page_has_the_actions_too(client, default):
    stage = default.stages.get(name="Hired")

    response = client.get(f"/workflows/{default.pk}/")

    assert response.status_code == 200
    section = response.text.split(f'id="actions-{stage.pk}"')[1].split("</section>")[0]
    assert "Email “Welcome” to the candidate" in section
    assert "Notify the whole hiring team" in section
    # The variables a message quotes stand apart from its words.
    assert '<code class="variable">{{ candidate.full_name }}</code> was hired as' in section
    assert "0 in all" not in response.text  # a template holds no applications


def test_what_a_recruiter_typed_is_escaped(client, job, phone_screen):
    an_action(phone_screen, title='<b data-hx-get="/x" data-hx-trigger="load">Bold</b>')

    response = client.get(editor(job))

    assert "&lt;b data-hx-get=&quot;/x&quot;" in response.text
    assert '<b data-hx-get="/x"' not in response.text


# --- The stage's list (where a form's Cancel goes) --------------------------------------------------


def test_the_stage_list_is_a_fragment_for_htmx(client, phone_screen):
    html = fragment_of(client.get(f"/workflows/steps/{phone_screen.pk}/actions/", headers=HTMX), phone_screen)

    assert "Meeting “Phone screen”" in html


def test_without_htmx_the_stage_list_is_the_stages_page_at_the_stage(client, job, phone_screen):
    response = client.get(f"/workflows/steps/{phone_screen.pk}/actions/")

    assert response.status_code == 302
    assert response["Location"] == f"{editor(job)}#stage-{phone_screen.pk}"


# --- Adding ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", Kind.values)
def test_the_form_is_a_page_of_its_own_without_javascript(client, phone_screen, kind):
    response = client.get(add_url(phone_screen, kind))

    assert response.status_code == 200
    assert "<html" in response.text
    assert "to “Phone Screen”</h1>" in response.text
    assert f'action="{add_url(phone_screen, kind)}"' in response.text
    assert "data-hx-post" not in response.text.split('class="action-form"')[0].rsplit("<form", 1)[-1]
    # Every input has its label.
    for input_id in re.findall(r'<(?:input|select|textarea)[^>]* id="(action-[^"]+)"', response.text):
        assert f'for="{input_id}"' in response.text, input_id


@pytest.mark.parametrize("kind", Kind.values)
def test_the_form_opens_in_the_stages_list_with_htmx(client, phone_screen, kind):
    html = fragment_of(client.get(add_url(phone_screen, kind), headers=HTMX), phone_screen)

    assert f'data-hx-post="{add_url(phone_screen, kind)}"' in html
    assert f'data-hx-get="/workflows/steps/{phone_screen.pk}/actions/"' in html  # Cancel
    assert "Meeting “Phone screen”" in html  # the list stays above the form


def test_the_variable_picker_offers_what_an_action_can_fill_in(client, phone_screen):
    response = client.get(add_url(phone_screen, "notification"))

    offered = re.findall(r'data-insert="([^"]+)" data-insert-into="action-title"', response.text)
    assert offered[:2] == ["{{ candidate.first_name }}", "{{ candidate.last_name }}"]
    assert "{{ job.title }}" in offered
    assert not [name for name in offered if "sender." in name or "interview." in name]


def test_an_unknown_kind_is_a_400(client, phone_screen):
    response = client.get(add_url(phone_screen, "fax"))

    assert response.status_code == 400
    assert "Choose what the action does" in response.text


def test_adding_an_email_puts_it_last_and_returns_to_the_stage(client, job, phone_screen, template, recruiter):
    body = email_body(template, roles=["hiring_manager"], members=[recruiter.pk], delay_amount="2")

    response = client.post(add_url(phone_screen, "email"), body)

    assert response.status_code == 302
    assert response["Location"] == f"{editor(job)}#stage-{phone_screen.pk}"
    action = phone_screen.actions.last()
    assert (action.kind, action.email_template, action.to_candidate) == (Kind.EMAIL, template, True)
    assert (action.roles, action.members, action.delay_minutes, action.order) == (
        ["hiring_manager"],
        [recruiter.pk],
        2 * 24 * 60,
        1,
    )
    page = client.get(response["Location"])
    assert "Added an email to “Phone Screen”." in page.text


@pytest.mark.parametrize(("amount", "unit", "minutes"), [("0", "days", 0), ("90", "minutes", 90), ("3", "hours", 180)])
def test_the_delay_is_a_number_and_a_unit(client, phone_screen, template, amount, unit, minutes):
    client.post(add_url(phone_screen, "email"), email_body(template, delay_amount=amount, delay_unit=unit))

    assert phone_screen.actions.last().delay_minutes == minutes


def test_adding_with_htmx_swaps_the_stages_list(client, phone_screen):
    response = client.post(add_url(phone_screen, "task"), task_body(), headers=HTMX)

    html = fragment_of(response, phone_screen)
    assert "Task “Check the portfolio” for the recruiter" in html
    assert 'class="action-form"' not in html
    toast = html.split('data-hx-swap-oob="beforeend:#toasts"')[1]
    assert "Added a task to “Phone Screen”." in toast
    assert summaries(phone_screen)[-1] == "Task “Check the portfolio” for the recruiter"


def test_adding_a_notification(client, phone_screen, recruiter):
    body = {"roles": ["hiring_manager"], "members": [recruiter.pk], "title": "{{ candidate.full_name }} is in"}

    response = client.post(add_url(phone_screen, "notification"), body)

    assert response.status_code == 302
    action = phone_screen.actions.last()
    assert (action.kind, action.title, action.roles, action.members) == (
        Kind.NOTIFICATION,
        "{{ candidate.full_name }} is in",
        ["hiring_manager"],
        [recruiter.pk],
    )


@pytest.mark.parametrize(
    ("assignee", "roles", "members"),
    [("role:coordinator", ["coordinator"], []), ("", [], []), ("member:{me}", [], ["{me}"])],
)
def test_a_task_is_assigned_by_role_or_member(client, phone_screen, recruiter, assignee, roles, members):
    me = recruiter.pk
    client.post(add_url(phone_screen, "task"), task_body(assignee=assignee.format(me=me), due_in_days="3"))

    action = phone_screen.actions.last()
    assert (action.roles, action.members) == (roles, [int(m.format(me=me)) for m in members])
    assert (action.title, action.due_in_days, action.priority) == ("Check the portfolio", 3, "high")


def test_adding_a_meeting(client, phone_screen):
    response = client.post(add_url(phone_screen, "meeting"), meeting_body())

    assert response.status_code == 302
    action = phone_screen.actions.last()
    assert (action.title, action.duration_minutes, action.roles, action.location, action.slot_rule) == (
        "Culture chat",
        45,
        ["interviewer"],
        "Office",
        StageAction.SlotRule.NEXT_WORKING_DAY,
    )


def test_the_kind_may_come_with_the_form(client, phone_screen):
    response = client.post(f"/workflows/steps/{phone_screen.pk}/actions/new/", {"kind": "task", **task_body()})

    assert response.status_code == 302
    assert phone_screen.actions.last().kind == Kind.TASK


# --- What a form refuses ---------------------------------------------------------------------------


def refused(client, stage, kind, body, *, expect):
    """POST an invalid form: a 400 that keeps what was typed and says `expect`, and nothing saved."""
    before = stage.actions.count()

    response = client.post(add_url(stage, kind), body)

    assert response.status_code == 400
    assert expect in response.text, re.findall(r"invalid-feedback[^>]*>([^<]*)", response.text)
    assert 'id="form-errors"' in response.text
    assert stage.actions.count() == before
    return response


def test_an_unknown_variable_is_a_clear_error_and_the_text_is_kept(client, phone_screen):
    body = {"roles": ["recruiter"], "title": "{{ candidate.nmae }} moved on"}

    response = refused(client, phone_screen, "notification", body, expect="unknown variable “candidate.nmae”")

    assert 'value="{{ candidate.nmae }} moved on"' in response.text
    assert 'value="recruiter" id="action-roles_1" checked' in response.text


def test_a_template_tag_that_is_not_allowed_is_refused(client, phone_screen):
    refused(client, phone_screen, "task", task_body(body="{% debug %}"), expect="allowed in email templates")


def test_a_member_of_another_organisation_is_refused(client, phone_screen, other_organization):
    stranger = other_organization.memberships.get().user

    refused(client, phone_screen, "notification", {"members": [stranger.pk], "title": "Hi"},
            expect="Select a valid choice")  # fmt: skip
    refused(client, phone_screen, "task", task_body(assignee=f"member:{stranger.pk}"), expect="Select a valid choice")


def test_a_template_of_another_organisation_is_refused(client, phone_screen, other_organization):
    theirs = EmailTemplate.objects.filter(organization=other_organization).first()

    refused(client, phone_screen, "email", email_body(theirs), expect="Select a valid choice")


def test_a_switched_off_template_is_not_offered(client, phone_screen, template):
    EmailTemplate.objects.filter(pk=template.pk).update(is_active=False)

    page = client.get(add_url(phone_screen, "email"))
    assert f'<option value="{template.pk}"' not in page.text
    refused(client, phone_screen, "email", email_body(template), expect="Select a valid choice")


def test_a_template_that_gives_the_interviews_date_is_refused(client, phone_screen, organization):
    """Its {{ interview.date }} is filled once an interview is scheduled: entering a stage schedules none."""
    interview = EmailTemplate.objects.get(organization=organization, key="phone_screen")

    refused(client, phone_screen, "email", email_body(interview), expect="which a stage&#x27;s email doesn&#x27;t know")
    assert not StageAction.objects.filter(stage=phone_screen, email_template=interview).exists()


def test_an_email_needs_someone_to_receive_it(client, phone_screen, template):
    body = email_body(template)
    del body["to_candidate"]

    refused(client, phone_screen, "email", body, expect="Choose who receives it")


def test_a_notification_needs_a_message_and_someone(client, phone_screen):
    refused(client, phone_screen, "notification", {"title": "Hi"}, expect="Choose whom to notify")
    refused(
        client, phone_screen, "notification", {"roles": ["recruiter"], "title": " "}, expect="This field is required"
    )


@pytest.mark.parametrize(
    ("kind", "field", "value", "expect"),
    [
        ("email", "delay_amount", "-1", "The delay must be between 0 and 90 days."),
        ("email", "delay_amount", "91", "The delay must be between 0 and 90 days."),  # 91 days
        ("email", "delay_amount", str(10**20), "The delay must be between 0 and 90 days."),
        ("email", "delay_amount", "2.5", "Enter a whole number."),
        ("email", "delay_unit", "weeks", "Select a valid choice"),
        ("task", "due_in_days", "-1", "between 0 and 365 days"),
        ("task", "due_in_days", "366", "between 0 and 365 days"),
        ("task", "priority", "whenever", "Select a valid choice"),
        ("task", "title", "x" * 201, "at most 200 characters"),
        ("meeting", "duration_minutes", "0", "between 5 minutes and 8 hours"),
        ("meeting", "duration_minutes", "100000", "between 5 minutes and 8 hours"),
        ("meeting", "slot_rule", "someday", "Select a valid choice"),
        ("meeting", "roles", "chef", "Select a valid choice"),
    ],
)
def test_out_of_range_numbers_and_unknown_choices_are_refused(client, phone_screen, template, kind, field, value,
                                                               expect):  # fmt: skip
    bodies = {"email": email_body(template), "task": task_body(), "meeting": meeting_body()}

    refused(client, phone_screen, kind, {**bodies[kind], field: value}, expect=expect)


def test_a_delay_past_90_days_in_any_unit_is_refused(client, phone_screen, template):
    refused(client, phone_screen, "email", email_body(template, delay_amount="2161", delay_unit="hours"),
            expect="The delay must be between 0 and 90 days.")  # fmt: skip


def test_a_null_character_is_refused_before_the_view(client, phone_screen):
    response = client.post(add_url(phone_screen, "task"), task_body(title="Call\x00 them"))

    assert response.status_code == 400
    assert summaries(phone_screen) == ["Meeting “Phone screen” with the recruiter"]


def test_a_failed_form_with_htmx_comes_back_in_the_list_with_its_errors(client, phone_screen):
    response = client.post(add_url(phone_screen, "task"), task_body(title=""), headers=HTMX)

    html = fragment_of(response, phone_screen)  # 200: htmx 2 swaps no 4xx answer
    assert "This field is required" in html
    assert f'data-hx-post="{add_url(phone_screen, "task")}"' in html


# --- Editing ------------------------------------------------------------------------------------------


def test_the_edit_form_shows_the_action_as_it_is(client, stages, template):
    action = editing.create_action(stage=stages[1], kind=Kind.EMAIL, email_template=template, to_candidate=True,
                                   roles=[Role.RECRUITER], delay_minutes=3 * 60)  # fmt: skip

    response = client.get(url(action, "edit"))

    assert response.status_code == 200
    assert "<html" in response.text
    assert "Edit the email of “Initial Screening”</h1>" in response.text
    assert f'<option value="{template.pk}" selected>' in response.text
    assert 'id="action-delay_amount" value="3"' in response.text
    assert '<option value="hours" selected>' in response.text
    assert re.search(r'name="to_candidate" id="action-to_candidate" checked', response.text)
    assert 'value="recruiter" id="action-roles_1" checked' in response.text


def test_the_edit_form_replaces_the_actions_row_with_htmx(client, phone_screen):
    action = phone_screen.actions.get()

    html = fragment_of(client.get(url(action, "edit"), headers=HTMX), phone_screen)

    assert f'data-hx-post="{url(action, "edit")}"' in html
    assert 'value="Phone screen"' in html
    assert f'id="action-{action.pk}"' not in html  # its row is the form now


def test_editing_saves_and_returns_to_the_stage(client, job, phone_screen):
    action = phone_screen.actions.get()

    response = client.post(url(action, "edit"), meeting_body(title="First call", duration_minutes="20"))

    assert response.status_code == 302
    assert response["Location"] == f"{editor(job)}#stage-{phone_screen.pk}"
    action.refresh_from_db()
    assert (action.title, action.duration_minutes, action.kind) == ("First call", 20, Kind.MEETING)


def test_editing_with_htmx_swaps_the_list(client, phone_screen):
    action = phone_screen.actions.get()

    html = fragment_of(client.post(url(action, "edit"), meeting_body(title="First call"), headers=HTMX), phone_screen)

    assert "Meeting “First call” with the interviewer" in html


def test_a_failed_edit_keeps_the_action_and_what_was_typed(client, phone_screen):
    action = phone_screen.actions.get()

    response = client.post(url(action, "edit"), meeting_body(title="{{ job.nope }}"))

    assert response.status_code == 400
    assert 'value="{{ job.nope }}"' in response.text
    assert "unknown variable “job.nope”" in response.text
    action.refresh_from_db()
    assert action.title == "Phone screen"


# --- Switching, reordering, deleting -----------------------------------------------------------------------


def test_switching_off_and_on(client, job, phone_screen):
    action = phone_screen.actions.get()

    off = client.post(url(action, "toggle"), {"active": "0"})
    again = client.post(url(action, "toggle"), {"active": "0"})  # the same form sent twice: still off

    assert (off.status_code, again.status_code) == (302, 302)
    assert off["Location"] == f"{editor(job)}#stage-{phone_screen.pk}"
    action.refresh_from_db()
    assert not action.is_active
    html = fragment_of(client.post(url(action, "toggle"), {"active": "1"}, headers=HTMX), phone_screen)
    action.refresh_from_db()
    assert action.is_active
    assert "Switch off" in html


def test_a_switched_off_action_is_not_set_off(phone_screen, application, recruiter):
    from pipeline.applications.services import move_application

    action = phone_screen.actions.get()
    editing.set_action_active(action=action, active=False)
    still_on = an_action(phone_screen, title="Still on")

    entry = move_application(application=application, to_stage=phone_screen, by=recruiter)

    assert entry.to_stage == phone_screen
    assert list(ActionRun.objects.filter(history=entry).values_list("action", flat=True)) == [still_on.pk]


def test_reordering_up_and_down(client, job, phone_screen):
    first = phone_screen.actions.get()
    second, third = an_action(phone_screen, title="Two"), an_action(phone_screen, title="Three")
    # Copied actions can share an order: the move still moves.
    StageAction.objects.filter(stage=phone_screen).update(order=0)

    response = client.post(url(third, "move"), {"direction": "up"})

    assert response.status_code == 302
    assert response["Location"] == f"{editor(job)}#stage-{phone_screen.pk}"
    assert list(phone_screen.actions.values_list("pk", flat=True)) == [first.pk, third.pk, second.pk]
    html = fragment_of(client.post(url(first, "move"), {"direction": "down"}, headers=HTMX), phone_screen)
    assert list(phone_screen.actions.values_list("pk", flat=True)) == [third.pk, first.pk, second.pk]
    assert html.index("Task “Three”") < html.index("Meeting “Phone screen”") < html.index("Task “Two”")


def test_moving_past_either_end_changes_nothing(client, phone_screen):
    first, last = phone_screen.actions.get(), an_action(phone_screen, title="Two")

    client.post(url(first, "move"), {"direction": "up"})
    client.post(url(last, "move"), {"direction": "down"})

    assert list(phone_screen.actions.values_list("pk", flat=True)) == [first.pk, last.pk]


def test_deleting_asks_first_then_deletes(client, job, phone_screen):
    action = phone_screen.actions.get()
    page = client.get(editor(job))
    assert re.search(rf'action="{url(action, "delete")}"[^>]* data-confirm="Delete the action', page.text)

    response = client.post(url(action, "delete"))

    assert response.status_code == 302
    assert not phone_screen.actions.exists()
    assert "No actions: add an email, a task…" in client.get(editor(job)).text


def test_deleting_keeps_the_runs_it_made(client, phone_screen, application, recruiter):
    from pipeline.applications.services import move_application

    action = phone_screen.actions.get()
    move_application(application=application, to_stage=phone_screen, by=recruiter)
    run = ActionRun.objects.get(action=action)

    html = fragment_of(client.post(url(action, "delete"), headers=HTMX), phone_screen)

    run.refresh_from_db()
    assert (run.action, run.label) == (None, "Meeting “Phone screen” with the recruiter")
    assert "No actions" in html


# --- Stage templates: their actions go with their stages into new jobs ------------------------------------


def test_an_action_added_to_the_default_template_is_copied_into_the_next_new_job(client, organization, default):
    stage = default.stages.get(name="Phone Screen")
    response = client.post(add_url(stage, "task"), task_body(title="Book a room", due_in_days="1"))
    assert response.status_code == 302
    assert response["Location"] == f"/workflows/{default.pk}/#stage-{stage.pk}"
    removed = default.stages.get(name="Hired").actions.first()
    assert client.post(url(removed, "delete")).status_code == 302

    job = create_job(organization=organization, created_by=UserFactory(), title="Designer")

    assert summaries(job.stages.get(name="Phone Screen")) == [
        "Meeting “Phone screen” with the recruiter",
        "Task “Book a room” for the recruiter",
    ]
    assert job.stages.get(name="Phone Screen").actions.last().due_in_days == 1
    assert len(summaries(job.stages.get(name="Hired"))) == 1


def test_a_template_stages_action_is_edited_like_a_jobs(client, default):
    action = default.stages.get(name="Offer Made").actions.get()

    response = client.get(url(action, "edit"), headers=HTMX)

    assert response.status_code == 200
    assert "Asks first" not in response.text  # the row is the form now
    assert 'class="action-form"' in response.text


# --- Who may ----------------------------------------------------------------------------------------------


def _all_urls(stage, action):
    """(method, url) of every view of this editor, for one stage and one of its actions."""
    return [
        ("get", f"/workflows/steps/{stage.pk}/actions/"),
        ("get", add_url(stage, "task")),
        ("post", add_url(stage, "task")),
        ("get", url(action, "edit")),
        ("post", url(action, "edit")),
        ("post", url(action, "toggle")),
        ("post", url(action, "move")),
        ("post", url(action, "delete")),
    ]


@pytest.mark.parametrize("role", [Role.HIRING_MANAGER, Role.INTERVIEWER])
def test_a_hiring_team_member_who_is_not_a_recruiter_gets_403(client_for, organization, job, phone_screen, role):
    membership_role = Membership.Role.HIRING_MANAGER if role == Role.HIRING_MANAGER else Membership.Role.INTERVIEWER
    member = MembershipFactory(organization=organization, role=membership_role).user
    HiringTeamMember.objects.create(job=job, user=member, role=role)
    action = phone_screen.actions.get()
    client = client_for(member)

    statuses = {(method, path): getattr(client, method)(path).status_code for method, path in
                _all_urls(phone_screen, action)}  # fmt: skip

    assert set(statuses.values()) == {403}, statuses
    assert phone_screen.actions.get() == action
    assert "Switch off" not in client.get(f"/jobs/{job.pk}/").text


def test_a_hiring_manager_off_the_team_gets_404(client_for, hiring_manager, phone_screen):
    client = client_for(hiring_manager)

    statuses = {getattr(client, m)(p).status_code for m, p in _all_urls(phone_screen, phone_screen.actions.get())}

    assert statuses == {404}


def test_a_template_stage_is_403_for_a_hiring_manager(client_for, hiring_manager, default):
    stage = default.stages.get(name="Hired")
    client = client_for(hiring_manager)

    statuses = {getattr(client, m)(p).status_code for m, p in _all_urls(stage, stage.actions.first())}

    assert statuses == {403}


@pytest.mark.parametrize("owner_kind", ["job", "template"])
def test_another_organisations_stages_and_actions_are_404(client, owner_kind):
    other = OrganizationFactory(name="Globex")
    if owner_kind == "job":
        stage = make_job(other).stages.get(name="Phone Screen")
    else:
        stage = StageTemplate.objects.get(organization=other, is_default=True).stages.get(name="Phone Screen")
    action = stage.actions.get()

    statuses = {getattr(client, m)(p, headers=HTMX).status_code for m, p in _all_urls(stage, action)}

    assert statuses == {404}
    action.refresh_from_db()
    assert action.is_active and action.title == "Phone screen"


def test_signed_out_visitors_are_sent_to_log_in(phone_screen):
    from django.test import Client

    response = Client().get(add_url(phone_screen, "task"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/workflows/steps/{stage}/actions/"),
        ("put", "/workflows/steps/{stage}/actions/new/?kind=task"),
        ("put", "/workflows/actions/{action}/edit/"),
        ("get", "/workflows/actions/{action}/toggle/"),
        ("get", "/workflows/actions/{action}/move/"),
        ("get", "/workflows/actions/{action}/delete/"),
    ],
)
def test_the_wrong_method_is_a_405(client, phone_screen, method, path):
    action = phone_screen.actions.get()

    response = getattr(client, method)(path.format(stage=phone_screen.pk, action=action.pk))

    assert response.status_code == 405
    assert phone_screen.actions.get().is_active


# --- The service's own rules (for any caller, not only the form) ---------------------------------------------


def test_the_service_refuses_what_the_form_would_never_send(phone_screen, other_organization, template):
    stranger = other_organization.memberships.get().user
    theirs = EmailTemplate.objects.filter(organization=other_organization).first()
    cases = [
        ({"kind": "fax"}, None, "Choose what the action does"),
        ({"kind": Kind.TASK, "title": "Call", "members": [stranger.pk]}, "members", "active members"),
        ({"kind": Kind.TASK, "title": "Call", "members": ["1"]}, "members", "Choose members"),
        ({"kind": Kind.TASK, "title": "Call", "roles": ["chef"]}, "roles", "Choose roles"),
        ({"kind": Kind.TASK, "title": "Call\x00"}, "title", "null characters"),
        ({"kind": Kind.TASK, "title": "Call", "due_in_days": -1}, "due_in_days", "between 0 and 365"),
        ({"kind": Kind.TASK, "title": "Call", "due_in_days": True}, "due_in_days", "between 0 and 365"),
        ({"kind": Kind.MEETING, "title": "Chat", "duration_minutes": 10**6}, "duration_minutes", "between 5"),
        ({"kind": Kind.EMAIL, "email_template": theirs, "to_candidate": True}, "email_template", "your organisation"),
        ({"kind": Kind.EMAIL, "email_template": template}, "recipients", "Choose who receives it"),
        ({"kind": Kind.EMAIL, "email_template": template, "to_candidate": True, "delay_minutes": 10**9},
         "delay_minutes", "between 0 and 90 days"),
        ({"kind": Kind.NOTIFICATION, "roles": ["recruiter"], "title": "{{ a.b }}"}, "title", "unknown variable"),
    ]  # fmt: skip
    for fields, field, message in cases:
        with pytest.raises(ValidationError) as error:
            editing.create_action(stage=phone_screen, **fields)
        said = error.value.message_dict[field] if field else error.value.messages
        assert any(message in text for text in said), (fields, said)
    assert phone_screen.actions.count() == 1


def test_a_field_the_kind_does_not_have_is_a_programming_error(phone_screen):
    with pytest.raises(TypeError, match="has no delay_minutes"):
        editing.create_action(stage=phone_screen, kind=Kind.TASK, title="Call", delay_minutes=5)


def test_an_inactive_member_is_refused(phone_screen, organization):
    member = MembershipFactory(organization=organization, role=Membership.Role.RECRUITER, is_active=False).user

    with pytest.raises(ValidationError, match="active members"):
        editing.create_action(stage=phone_screen, kind=Kind.NOTIFICATION, title="Hi", members=[member.pk])


def test_a_new_action_goes_last_even_after_deletions(phone_screen):
    second = an_action(phone_screen, title="Two")
    editing.delete_action(action=phone_screen.actions.first())

    third = an_action(phone_screen, title="Three")

    assert third.order > second.order
    assert summaries(phone_screen) == ["Task “Two” for whoever picks it up", "Task “Three” for whoever picks it up"]


def test_runs_already_owed_follow_an_edit(phone_screen, application, recruiter):
    """A delayed run does what its action says when it runs, so an edit before then is what goes."""
    from pipeline.applications.services import move_application

    action = phone_screen.actions.get()
    move_application(application=application, to_stage=phone_screen, by=recruiter)
    editing.update_action(action=action, title="Renamed", duration_minutes=30, location="", slot_rule="",
                          roles=[], members=[], body="")  # fmt: skip

    assert ActionRun.objects.get(action=action).action.title == "Renamed"
