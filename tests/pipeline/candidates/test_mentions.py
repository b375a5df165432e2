"""@mentions in the note box: the suggestions (htmx), what a note shows, and who may be named."""

import pytest

from accounts.models import Membership
from jobs.models import HiringTeamMember
from pipeline.candidates.models import Note
from tests.factories import ApplicationFactory, MembershipFactory, make_job

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def people(organization, job, stages):
    """On the job's team: a hiring manager; off it: another hiring manager and an interviewer; two recruiters."""

    def make(role, name, email):
        return MembershipFactory(organization=organization, role=role, user__name=name, user__email=email).user

    people = {
        "riley": make(Membership.Role.RECRUITER, "Riley Stone", "riley@acme.test"),
        "rita": make(Membership.Role.RECRUITER, "Rita Moreno", "rita@acme.test"),
        "morgan": make(Membership.Role.HIRING_MANAGER, "Morgan Lead", "morgan@acme.test"),
        "robin": make(Membership.Role.HIRING_MANAGER, "Robin Elsewhere", "robin@acme.test"),
        "ivy": make(Membership.Role.INTERVIEWER, "Ivy Panel", "ivy@acme.test"),
    }
    HiringTeamMember.objects.create(job=job, user=people["morgan"], role=HiringTeamMember.Role.HIRING_MANAGER)
    HiringTeamMember.objects.create(job=job, user=people["ivy"], role=HiringTeamMember.Role.INTERVIEWER)
    people["application"] = ApplicationFactory(job=job, current_stage=stages[0], candidate__first_name="Ada")
    return people


def suggest(client, application, q):
    return client.get(f"/candidates/{application.candidate_id}/mentions/", {"q": q}, **HTMX)


def test_suggestions_offer_only_members_who_may_see_the_candidate(client_for, people):
    response = suggest(client_for(people["riley"]), people["application"], "@r")

    assert response.status_code == 200
    assert 'data-handle="riley"' in response.text
    assert 'data-handle="rita"' in response.text
    assert "Robin Elsewhere" not in response.text  # a hiring manager off the job's team may not see Ada
    assert response.text.count('role="option"') == 2


def test_suggestions_match_names_and_addresses_and_are_listbox_options(client_for, people):
    client = client_for(people["riley"])

    by_last_name, by_address = (
        suggest(client, people["application"], "@lea"),
        suggest(client, people["application"], "@morgan@"),
    )

    assert 'id="mention-option-{}" data-handle="morgan"'.format(people["morgan"].pk) in by_last_name.text
    assert 'data-handle="morgan"' in by_address.text
    assert 'aria-selected="false"' in by_last_name.text


def test_without_an_at_sign_nothing_is_suggested(client_for, people):
    response = suggest(client_for(people["riley"]), people["application"], "ri")

    assert response.status_code == 200
    assert 'role="option"' not in response.text
    assert "No colleague who may see this candidate matches." in response.text


def test_an_interviewer_or_another_organisation_gets_404(client_for, people, other_organization):
    foreigner = MembershipFactory(organization=other_organization, role=Membership.Role.OWNER).user

    statuses = [
        suggest(client_for(user), people["application"], "@r").status_code for user in (people["ivy"], foreigner)
    ]

    assert statuses == [404, 404]


def test_a_note_marks_the_members_it_mentions(client_for, people):
    client = client_for(people["riley"])
    candidate_id = people["application"].candidate_id

    posted = client.post(
        f"/candidates/{candidate_id}/notes/", {"body": "@morgan and @robin, <b>thoughts</b>?", "visibility": "team"}
    )
    page = client.get(f"/candidates/{candidate_id}/")

    assert posted.status_code == 302
    note = Note.objects.get()
    assert list(note.mentions.all()) == [people["morgan"]]  # Robin may not see Ada: not mentioned
    assert f'id="note-{note.pk}"' in page.text
    assert '<mark class="mention">@morgan</mark> and @robin, &lt;b&gt;thoughts&lt;/b&gt;?' in page.text


def test_the_note_box_offers_a_list_and_says_private_notes_mention_nobody(client_for, people):
    page = client_for(people["riley"]).get(f"/candidates/{people['application'].candidate_id}/")

    assert page.status_code == 200
    assert 'aria-autocomplete="list"' in page.text
    assert 'aria-controls="mention-list"' in page.text
    assert 'id="mention-list" role="listbox"' in page.text
    assert "A private note mentions nobody: only you will read it." in page.text
    assert "js/mentions.js" in page.text


def test_a_note_about_one_application_names_only_who_sees_that_application(client_for, people, organization):
    # Robin sees Ada through her application to another job, not this one.
    other = make_job(organization, title="Data Analyst")
    HiringTeamMember.objects.create(job=other, user=people["robin"], role=HiringTeamMember.Role.HIRING_MANAGER)
    ApplicationFactory(job=other, candidate=people["application"].candidate, current_stage=other.stages.first())
    client = client_for(people["riley"])
    candidate_id, application_id = people["application"].candidate_id, people["application"].pk

    offered = client.get(f"/candidates/{candidate_id}/mentions/", {"q": "@ro", "application": application_id}, **HTMX)
    about_her = client.get(f"/candidates/{candidate_id}/mentions/", {"q": "@ro"}, **HTMX)
    posted = client.post(
        f"/candidates/{candidate_id}/notes/",
        {"body": "@robin @morgan", "visibility": "team", "application": application_id},
    )

    assert (offered.status_code, about_her.status_code, posted.status_code) == (200, 200, 302)
    assert "Robin Elsewhere" not in offered.text
    assert "Robin Elsewhere" in about_her.text  # a note about the person reaches whoever sees her
    assert list(Note.objects.get().mentions.all()) == [people["morgan"]]
