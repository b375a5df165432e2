"""A job's scorecard attributes: the defaults a job starts with, what a duplicate copies, and the Scorecard page
(/jobs/<id>/scorecard/) that adds, edits, moves and deletes them, full page and htmx."""

import re
from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from ats.admin import JobWithDefaultsAdmin
from jobs import scorecards
from jobs.models import HiringTeamMember, Job, ScorecardAttribute
from tests.factories import MembershipFactory, make_job

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
DEFAULT_NAMES = [name for name, _ in scorecards.DEFAULT_ATTRIBUTES]


def scorecard_url(job, rest=""):
    return f"/jobs/{job.pk}/scorecard/{rest}"


def attribute_url(attribute, rest=""):
    return scorecard_url(attribute.job, f"attributes/{attribute.pk}/{rest}")


def names(job):
    return list(job.scorecard_attributes.values_list("name", flat=True))


def attribute(job, name):
    return job.scorecard_attributes.get(name=name)


def rendered_order(response):
    """Attribute ids in the order the page lists them."""
    return [int(pk) for pk in re.findall(r'data-attribute-id="(\d+)"', response.text)]


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def assert_is_scorecard_fragment(response):
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="scorecard"')
    assert "<html" not in response.text


# --- What a job starts with -------------------------------------------------------------


def test_a_new_job_starts_with_the_default_attributes_in_order(job):
    rows = list(job.scorecard_attributes.values_list("name", "description", "order"))

    assert rows == [(name, text, index) for index, (name, text) in enumerate(scorecards.DEFAULT_ATTRIBUTES)]
    assert 4 <= len(rows) <= 5
    assert str(job.scorecard_attributes.first()) == "Role-specific skills"


def test_duplicating_a_job_copies_its_edited_attributes_not_the_defaults(recruiter_client, job):
    scorecards.edit_attribute(attribute=attribute(job, "Communication"), name="Writing", description="Clear docs")
    scorecards.delete_attribute(attribute=attribute(job, "Collaboration"))
    scorecards.add_attribute(job=job, name="System design", description="Sensible boundaries")
    scorecards.move_attribute(attribute=attribute(job, "System design"), offset=-1)
    source = list(job.scorecard_attributes.values_list("name", "description"))

    response = recruiter_client.post(f"/jobs/{job.pk}/duplicate/")

    assert response.status_code == 302
    copy = Job.objects.exclude(pk=job.pk).get()
    assert list(copy.scorecard_attributes.values_list("name", "description")) == source
    assert names(copy) == [
        "Role-specific skills",
        "Problem solving",
        "Writing",
        "System design",
        "Motivation for the role",
    ]
    assert copy.scorecard_attributes.count() == job.scorecard_attributes.count() == 5  # the source keeps its own
    assert not set(copy.scorecard_attributes.values_list("pk", flat=True)) & set(
        job.scorecard_attributes.values_list("pk", flat=True)
    )


def test_duplicating_a_job_without_attributes_gives_none(recruiter_client, job):
    job.scorecard_attributes.all().delete()

    response = recruiter_client.post(f"/jobs/{job.pk}/duplicate/")

    assert response.status_code == 302
    copy = Job.objects.exclude(pk=job.pk).get()
    assert names(copy) == []


def _add_in_admin(job, admin_user, *, inline_rows=()):
    """Django admin's add form saving `job`, its inline saving `inline_rows` (attribute names) first."""
    request = RequestFactory().post("/admin/")
    request.user = admin_user
    admin = JobWithDefaultsAdmin(Job, site)
    admin.save_model(request, job, form=None, change=False)
    inline = SimpleNamespace(
        save=lambda: [ScorecardAttribute.objects.create(job=job, name=name) for name in inline_rows]
    )
    admin.save_related(request, SimpleNamespace(instance=job, save_m2m=lambda: None), [inline], change=False)


def test_a_job_made_in_the_admin_without_attributes_gets_the_defaults(admin_user, organization):
    job = Job(organization=organization, title="Made in admin")

    _add_in_admin(job, admin_user)

    assert names(job) == DEFAULT_NAMES


def test_a_job_made_in_the_admin_with_its_own_attributes_keeps_just_those(admin_user, organization):
    job = Job(organization=organization, title="Made in admin")

    _add_in_admin(job, admin_user, inline_rows=["Sales instinct"])

    assert names(job) == ["Sales instinct"]


def test_the_admin_change_page_lists_the_attributes_inline(superuser_client, job):
    response = superuser_client.get(f"/admin/jobs/job/{job.pk}/change/")

    assert response.status_code == 200
    assert 'name="scorecard_attributes-TOTAL_FORMS" value="5"' in response.text
    assert 'value="Problem solving"' in response.text


def test_the_database_refuses_a_name_twice_on_one_job_whatever_its_case(job, organization):
    other = make_job(organization)

    with pytest.raises(IntegrityError), transaction.atomic():
        ScorecardAttribute.objects.create(job=job, name="COMMUNICATION")

    assert names(job) == DEFAULT_NAMES
    assert "Communication" in names(other)  # every job has its own


# --- The page -----------------------------------------------------------------------------


def test_page_lists_the_attributes_in_order_with_the_add_form(recruiter_client, job):
    response = recruiter_client.get(scorecard_url(job))

    assert response.status_code == 200
    assert "<html" in response.text
    assert rendered_order(response) == list(job.scorecard_attributes.values_list("pk", flat=True))
    assert f'action="/jobs/{job.pk}/scorecard/attributes/"' in response.text
    assert re.search(r'<label\s+for="id_new-name"', response.text)
    assert re.search(r'<label\s+for="id_new-description"', response.text)
    assert 'aria-label="Move Role-specific skills up"' not in response.text  # the first can only go down
    assert 'aria-label="Move Role-specific skills down"' in response.text


def test_page_fragment_for_htmx(recruiter_client, job):
    response = recruiter_client.get(scorecard_url(job), **HTMX)

    assert_is_scorecard_fragment(response)
    assert len(rendered_order(response)) == 5


def test_a_job_without_attributes_says_interviewers_give_a_recommendation_only(recruiter_client, job):
    job.scorecard_attributes.all().delete()

    response = recruiter_client.get(scorecard_url(job))

    assert response.status_code == 200
    assert "No attributes: interviewers give a recommendation and notes only." in response.text
    assert rendered_order(response) == []


def test_deleting_asks_first(recruiter_client, job):
    communication = attribute(job, "Communication")

    response = recruiter_client.get(scorecard_url(job))

    assert response.status_code == 200
    assert re.search(
        rf'action="{attribute_url(communication, "delete/")}"[^>]*data-confirm="Delete the attribute “Communication”',
        response.text,
    )


def test_the_page_lists_rows_in_a_fixed_number_of_queries(recruiter_client, job):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert recruiter_client.get(scorecard_url(job)).status_code == 200
        return len(ctx)

    before = queries()
    for n in range(40):
        scorecards.add_attribute(job=job, name=f"Attribute {n}")

    assert queries() == before


def test_the_job_page_links_the_scorecard_for_recruiters(recruiter_client, job):
    response = recruiter_client.get(f"/jobs/{job.pk}/")

    assert response.status_code == 200
    assert f'href="/jobs/{job.pk}/scorecard/"' in response.text
    assert "Role-specific skills" in response.text


@pytest.mark.parametrize("role_fixture", ["hiring_manager", "interviewer"])
def test_the_team_sees_the_attributes_on_the_job_page_without_an_edit_link(client_for, job, request, role_fixture):
    member = request.getfixturevalue(role_fixture)
    HiringTeamMember.objects.create(job=job, user=member)
    scorecards.add_attribute(job=job, name="Stakeholder management", description="Handles pushback")

    response = client_for(member).get(f"/jobs/{job.pk}/")

    assert response.status_code == 200
    assert "Stakeholder management" in response.text
    assert "Handles pushback" in response.text
    assert f'href="/jobs/{job.pk}/scorecard/"' not in response.text


# --- Adding ----------------------------------------------------------------------------------


def test_adding_puts_the_attribute_last(recruiter_client, job):
    response = recruiter_client.post(
        scorecard_url(job, "attributes/"), {"new-name": "  System design ", "new-description": "Clear boundaries"}
    )

    assert response.status_code == 302
    assert response.url == scorecard_url(job)
    assert messages_of(response) == ["Attribute added."]
    assert names(job) == [*DEFAULT_NAMES, "System design"]
    added = attribute(job, "System design")
    assert (added.description, added.order) == ("Clear boundaries", 5)


def test_adding_with_htmx_answers_the_fresh_list(recruiter_client, job):
    response = recruiter_client.post(scorecard_url(job, "attributes/"), {"new-name": "System design"}, **HTMX)

    assert_is_scorecard_fragment(response)
    assert names(job) == [*DEFAULT_NAMES, "System design"]
    assert rendered_order(response)[-1] == attribute(job, "System design").pk


def test_adding_to_an_empty_scorecard_starts_at_the_top(recruiter_client, job):
    job.scorecard_attributes.all().delete()

    response = recruiter_client.post(scorecard_url(job, "attributes/"), {"new-name": "Craft"})

    assert response.status_code == 302
    assert list(job.scorecard_attributes.values_list("name", "order")) == [("Craft", 0)]


@pytest.mark.parametrize("name", ["Communication", "communication", "  COMMUNICATION  "])
def test_a_name_the_job_already_has_is_refused_whatever_its_case(recruiter_client, job, name):
    response = recruiter_client.post(scorecard_url(job, "attributes/"), {"new-name": name})

    assert response.status_code == 400
    assert "This job already has an attribute called “Communication”." in response.text
    assert f'value="{name}"' in response.text  # what they typed is kept
    assert names(job) == DEFAULT_NAMES


def test_a_refused_name_with_htmx_shows_the_message_in_place(recruiter_client, job):
    response = recruiter_client.post(scorecard_url(job, "attributes/"), {"new-name": "problem SOLVING"}, **HTMX)

    assert_is_scorecard_fragment(response)
    assert "This job already has an attribute called “Problem solving”." in response.text
    assert names(job) == DEFAULT_NAMES


def test_another_jobs_attribute_names_are_free_to_use(recruiter_client, job, organization):
    other = make_job(organization)
    scorecards.add_attribute(job=other, name="Sales instinct")

    response = recruiter_client.post(scorecard_url(job, "attributes/"), {"new-name": "Sales instinct"})

    assert response.status_code == 302
    assert names(job)[-1] == "Sales instinct"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"new-name": ""}, "Give the attribute a name, like “Communication”."),
        ({"new-name": "   "}, "Give the attribute a name, like “Communication”."),
        ({"new-name": "x" * 101}, "Keep the name to 100 characters or fewer."),
        ({"new-name": "Craft", "new-description": "x" * 301}, "Keep “what to look for” to 300 characters or fewer."),
    ],
)
def test_a_blank_or_too_long_attribute_is_refused_with_a_clear_message(recruiter_client, job, data, message):
    response = recruiter_client.post(scorecard_url(job, "attributes/"), data)

    assert response.status_code == 400
    assert message in response.text
    assert names(job) == DEFAULT_NAMES


# --- Editing ---------------------------------------------------------------------------------


def test_edit_opens_the_attribute_as_a_form_in_the_list(recruiter_client, job):
    communication = attribute(job, "Communication")

    page = recruiter_client.get(attribute_url(communication))
    fragment = recruiter_client.get(attribute_url(communication), **HTMX)

    assert page.status_code == 200
    assert "<html" in page.text
    assert f'id="id_a{communication.pk}-name"' in page.text
    assert 'value="Communication"' in page.text
    assert_is_scorecard_fragment(fragment)
    assert f'action="{attribute_url(communication)}"' in fragment.text


def test_editing_saves_the_name_and_what_to_look_for(recruiter_client, job):
    communication = attribute(job, "Communication")
    prefix = f"a{communication.pk}"

    response = recruiter_client.post(
        attribute_url(communication), {f"{prefix}-name": "Written communication", f"{prefix}-description": "Clear docs"}
    )

    assert response.status_code == 302
    assert response.url == scorecard_url(job)
    assert messages_of(response) == ["Attribute saved."]
    communication.refresh_from_db()
    assert (communication.name, communication.description, communication.order) == (
        "Written communication",
        "Clear docs",
        2,
    )


def test_editing_with_htmx_answers_the_fresh_list(recruiter_client, job):
    communication = attribute(job, "Communication")
    prefix = f"a{communication.pk}"

    response = recruiter_client.post(attribute_url(communication), {f"{prefix}-name": "Writing"}, **HTMX)

    assert_is_scorecard_fragment(response)
    assert "Writing" in response.text
    assert names(job)[2] == "Writing"


def test_an_attribute_may_change_the_case_of_its_own_name(recruiter_client, job):
    communication = attribute(job, "Communication")

    response = recruiter_client.post(attribute_url(communication), {f"a{communication.pk}-name": "COMMUNICATION"})

    assert response.status_code == 302
    assert names(job)[2] == "COMMUNICATION"


def test_renaming_to_another_attributes_name_is_refused(recruiter_client, job):
    communication = attribute(job, "Communication")
    prefix = f"a{communication.pk}"

    response = recruiter_client.post(attribute_url(communication), {f"{prefix}-name": "collaboration"})

    assert response.status_code == 400
    assert "This job already has an attribute called “Collaboration”." in response.text
    assert f'id="id_{prefix}-name"' in response.text  # the form stays open with the error
    assert names(job) == DEFAULT_NAMES


def test_renaming_to_nothing_is_refused(recruiter_client, job):
    communication = attribute(job, "Communication")

    response = recruiter_client.post(attribute_url(communication), {f"a{communication.pk}-name": " "}, **HTMX)

    assert_is_scorecard_fragment(response)
    assert "Give the attribute a name, like “Communication”." in response.text


# --- Moving ----------------------------------------------------------------------------------


def test_moving_up_and_down_swaps_with_the_neighbour(recruiter_client, job):
    communication = attribute(job, "Communication")

    up = recruiter_client.post(attribute_url(communication, "move/"), {"direction": "up"})
    assert up.status_code == 302
    assert names(job) == ["Role-specific skills", "Communication", "Problem solving", *DEFAULT_NAMES[3:]]

    down = recruiter_client.post(attribute_url(communication, "move/"), {"direction": "down"}, **HTMX)
    assert_is_scorecard_fragment(down)
    assert names(job) == DEFAULT_NAMES
    assert rendered_order(down) == list(job.scorecard_attributes.values_list("pk", flat=True))
    assert list(job.scorecard_attributes.values_list("order", flat=True)) == [0, 1, 2, 3, 4]


def test_moving_past_either_end_changes_nothing(recruiter_client, job):
    first, last = job.scorecard_attributes.first(), job.scorecard_attributes.last()

    assert recruiter_client.post(attribute_url(first, "move/"), {"direction": "up"}).status_code == 302
    assert recruiter_client.post(attribute_url(last, "move/"), {"direction": "down"}).status_code == 302

    assert names(job) == DEFAULT_NAMES


# --- Deleting --------------------------------------------------------------------------------


def test_deleting_removes_the_attribute(recruiter_client, job):
    communication = attribute(job, "Communication")

    response = recruiter_client.post(attribute_url(communication, "delete/"))

    assert response.status_code == 302
    assert response.url == scorecard_url(job)
    assert messages_of(response) == ["“Communication” deleted."]
    assert names(job) == [name for name in DEFAULT_NAMES if name != "Communication"]


def test_deleting_the_last_attribute_with_htmx_shows_the_empty_state(recruiter_client, job):
    *others, last = job.scorecard_attributes.all()
    ScorecardAttribute.objects.filter(pk__in=[each.pk for each in others]).delete()

    response = recruiter_client.post(attribute_url(last, "delete/"), **HTMX)

    assert_is_scorecard_fragment(response)
    assert "No attributes: interviewers give a recommendation and notes only." in response.text
    assert names(job) == []


# --- Who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize("rest", ["attributes/", "attributes/{pk}/move/", "attributes/{pk}/delete/"])
def test_actions_refuse_get(recruiter_client, job, rest):
    communication = attribute(job, "Communication")

    response = recruiter_client.get(scorecard_url(job, rest.format(pk=communication.pk)))

    assert response.status_code == 405
    assert names(job) == DEFAULT_NAMES


def _every_change(client, job, communication):
    """Each change a recruiter could make, as another member posts it: their statuses."""
    prefix = f"a{communication.pk}"
    return [
        client.post(scorecard_url(job, "attributes/"), {"new-name": "Sneaky"}).status_code,
        client.post(attribute_url(communication), {f"{prefix}-name": "Renamed"}).status_code,
        client.post(attribute_url(communication, "move/"), {"direction": "up"}).status_code,
        client.post(attribute_url(communication, "delete/")).status_code,
    ]


@pytest.mark.parametrize("role_fixture", ["hiring_manager", "interviewer"])
def test_the_hiring_team_may_not_change_the_attributes(client_for, job, request, role_fixture):
    member = request.getfixturevalue(role_fixture)
    HiringTeamMember.objects.create(job=job, user=member)  # they see the job, but may not change its scorecard
    client = client_for(member)
    communication = attribute(job, "Communication")

    assert client.get(scorecard_url(job)).status_code == 403
    assert client.get(attribute_url(communication)).status_code == 403
    assert _every_change(client, job, communication) == [403, 403, 403, 403]
    assert list(job.scorecard_attributes.values_list("name", "order")) == [
        (name, index) for index, name in enumerate(DEFAULT_NAMES)
    ]


def test_a_hiring_manager_off_the_team_gets_404(client_for, job, hiring_manager):
    client = client_for(hiring_manager)
    communication = attribute(job, "Communication")

    assert client.get(scorecard_url(job)).status_code == 404
    assert _every_change(client, job, communication) == [404, 404, 404, 404]
    assert names(job) == DEFAULT_NAMES


def test_another_organisations_job_is_404(client_for, job, other_organization):
    client = client_for(MembershipFactory(organization=other_organization, role=Membership.Role.RECRUITER).user)
    communication = attribute(job, "Communication")

    assert client.get(scorecard_url(job)).status_code == 404
    assert client.get(attribute_url(communication)).status_code == 404
    assert _every_change(client, job, communication) == [404, 404, 404, 404]
    assert names(job) == DEFAULT_NAMES


@pytest.mark.parametrize(
    ("rest", "data"),
    [("", {}), ("move/", {"direction": "up"}), ("delete/", {})],
)
def test_another_jobs_attribute_is_404_through_this_job(recruiter_client, job, organization, rest, data):
    other = make_job(organization)
    theirs = attribute(other, "Communication")

    response = recruiter_client.post(scorecard_url(job, f"attributes/{theirs.pk}/{rest}"), data)

    assert response.status_code == 404
    assert names(other) == DEFAULT_NAMES
    assert names(job) == DEFAULT_NAMES


# --- The services, as other callers (an API) use them -------------------------------------------


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": ""}, "name", "Give the attribute a name, like “Communication”."),
        ({"name": "x" * 101}, "name", "Keep the name to 100 characters or fewer."),
        ({"name": "Craft", "description": "x" * 301}, "description", scorecards.DESCRIPTION_TOO_LONG),
        (
            {"name": "motivation FOR the role"},
            "name",
            "This job already has an attribute called “Motivation for the role”.",
        ),
    ],
)
def test_add_attribute_says_which_field_is_wrong(job, values, field, message):
    with pytest.raises(ValidationError) as raised:
        scorecards.add_attribute(job=job, **values)

    assert raised.value.message_dict == {field: [message]}
    assert names(job) == DEFAULT_NAMES


def test_a_name_taken_at_the_same_moment_is_a_validation_error_not_a_crash(job, monkeypatch):
    # Someone else's request added the name between this one's check and its insert.
    monkeypatch.setattr(scorecards, "_checked", lambda job, name, description, attribute=None: (name, description))

    with pytest.raises(ValidationError) as raised:
        scorecards.add_attribute(job=job, name="communication")

    assert raised.value.message_dict == {"name": ["This job already has an attribute called “communication”."]}
    assert names(job) == DEFAULT_NAMES
