"""Tags: one row per organisation and spelling-insensitive name, attached to applications.

Used by the board (filter, cards, bulk tagging), the candidate page (tag, untag) and the
candidate list (filter). Runs on SQLite and PostgreSQL: `Café` must match `café` and `CAFÉ` on both.
"""

import re
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from jobs.models import HiringTeamMember
from pipeline.applications import services
from pipeline.applications.models import normalise_tag
from pipeline.candidates.services import merge_candidates
from pipeline.models import ApplicationTag, Tag
from tests.factories import ApplicationFactory, CandidateFactory, MembershipFactory, bulk_applications, make_job

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
# The ways one tag gets typed: as stored, lower, upper, and decomposed (e + combining acute accent).
SPELLINGS = ["Café", "café", "CAFÉ", "Cafe\u0301"]


@pytest.fixture
def client(client_for, recruiter):
    return client_for(recruiter)


def applicant(job, first_name, **fields):
    return ApplicationFactory(job=job, current_stage=job.stages.first(), candidate__first_name=first_name, **fields)


def tag_names(application):
    return list(application.tags.values_list("name", flat=True))


def cards(response):
    """{application id: [its tags as the card shows them]} for the cards on a board."""
    assert response.status_code == 200
    found = {}
    for card in re.findall(r"<article class=\"board-card.*?</article>", response.text, re.S):
        pk = int(re.search(r'data-application="(\d+)"', card).group(1))
        found[pk] = re.findall(r"<span [^>]*data-tag>([^<]*)</span>", card)
    return found


def listed(response):
    """Candidates' first names in the candidate list."""
    assert response.status_code == 200
    return re.findall(r'class="fw-semibold" href="/candidates/\d+/">(\w+)', response.text)


# --- The tag itself ------------------------------------------------------------------


def test_a_tag_is_normalised_with_nfc_and_casefold():
    assert {normalise_tag(spelling) for spelling in SPELLINGS} == {"café"}
    assert normalise_tag("  Straße   Team ") == "strasse team"


def test_a_tag_is_cleaned_like_the_board_cleans_it(organization):
    tag = Tag.objects.create(organization=organization, name="  senior \t\n dev\x00 " + "x" * 50)

    assert tag.name == ("senior dev " + "x" * 50)[:40]
    assert tag.normalised == tag.name.casefold()


def test_renaming_a_tag_renormalises_it(organization):
    tag = Tag.objects.create(organization=organization, name="Remote")
    tag.name = "Hybrid"
    tag.save(update_fields=["name"])

    tag.refresh_from_db()
    assert (tag.name, tag.normalised) == ("Hybrid", "hybrid")


# --- Adding and removing -------------------------------------------------------------


def test_adding_cafe_to_an_application_tagged_Cafe_adds_nothing(job):
    ada = applicant(job, "Ada", tags=["Café"])

    changed = services.add_tags(applications=[ada], tags=["café", "CAFÉ"])

    assert changed == []
    assert tag_names(ada) == ["Café"]
    assert Tag.objects.count() == ApplicationTag.objects.count() == 1


def test_the_first_spelling_is_the_one_shown_everywhere(job):
    ada, bob = applicant(job, "Ada"), applicant(job, "Bob")

    services.add_tags(applications=[ada], tags=["Café"])
    changed = services.add_tags(applications=[ada, bob], tags=["CAFÉ", "remote"])

    assert changed == [ada, bob]
    assert (tag_names(ada), tag_names(bob)) == (["Café", "remote"], ["Café", "remote"])
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Café", "remote"]


def test_blank_tags_are_ignored(job):
    ada = applicant(job, "Ada")

    assert services.add_tags(applications=[ada], tags=["", "  ", "\t\n"]) == []
    assert not Tag.objects.exists()


def test_a_tag_someone_else_created_meanwhile_is_used(monkeypatch, organization, job):
    """The race: the tag is missing when looked up, then someone creates it before our insert."""
    ada = applicant(job, "Ada")
    look_up = Tag.objects.filter

    def look_up_then_someone_creates_it(*args, **kwargs):
        found = list(look_up(*args, **kwargs))
        Tag.objects.create(organization=organization, name="CAFÉ")
        return found

    monkeypatch.setitem(vars(Tag.objects), "filter", look_up_then_someone_creates_it)  # this manager only
    services.add_tags(applications=[ada], tags=["café"])
    monkeypatch.undo()

    assert tag_names(ada) == ["CAFÉ"]
    assert Tag.objects.count() == 1


def test_untag_removes_the_tag_whatever_its_casing(client, job):
    ada = applicant(job, "Ada", tags=["Café", "remote"])

    response = client.post(f"/applications/{ada.pk}/untag/", {"tag": "CAFÉ"}, follow=True)

    assert response.status_code == 200
    assert tag_names(ada) == ["remote"]
    assert Tag.objects.filter(normalised="café").exists()  # the organisation's tag stays for others


def test_tag_from_the_candidate_page_adds_several_at_once(client, job):
    ada = applicant(job, "Ada", tags=["Café"])

    response = client.post(
        f"/applications/{ada.pk}/tag/", {"tag": "café, senior   dev,", "next": f"/candidates/{ada.candidate_id}/"}
    )

    assert response.status_code == 302
    assert tag_names(ada) == ["Café", "senior dev"]


# --- The board -----------------------------------------------------------------------


@pytest.mark.parametrize("typed", SPELLINGS)
def test_Cafe_is_found_by_any_spelling_on_the_board(client, job, typed):
    ada = applicant(job, "Ada", tags=["Café"])
    applicant(job, "Bob", tags=["Cafeteria"])

    response = client.get(f"/jobs/{job.pk}/board/", {"tag": typed}, headers=HTMX)

    assert cards(response) == {ada.pk: ["Café"]}


def test_cards_show_their_tags_in_order(client, job):
    ada = applicant(job, "Ada", tags=["senior", "Café"])
    bob = applicant(job, "Bob")

    response = client.get(f"/jobs/{job.pk}/board/")

    assert cards(response) == {ada.pk: ["Café", "senior"], bob.pk: []}


def test_bulk_tagging_from_the_board_tags_each_once(client, job):
    ada = applicant(job, "Ada", tags=["café"])
    bob = applicant(job, "Bob")

    response = client.post(
        f"/jobs/{job.pk}/board/bulk/",
        {"action": "tag", "tag": "CAFÉ, shortlist", "selected": [ada.pk, bob.pk]},
        headers={**HTMX, "HX-Current-URL": f"http://testserver/jobs/{job.pk}/board/"},
    )

    assert cards(response) == {ada.pk: ["café", "shortlist"], bob.pk: ["café", "shortlist"]}
    assert "Tagged 2." in response.text
    assert ApplicationTag.objects.count() == 4


def test_the_board_reads_tags_in_one_query_however_many_cards(client, job, stages):
    client.get(f"/jobs/{job.pk}/board/")  # warm-up: the session row exists

    def tag_all():
        applications = list(job.applications.all())
        services.add_tags(applications=applications, tags=["Café", "remote"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/jobs/{job.pk}/board/")
        assert response.status_code == 200
        return len(queries), response

    bulk_applications(job, 16, stages=stages)
    tag_all()
    few, _ = count()
    bulk_applications(job, 200, stages=stages)
    tag_all()
    many, response = count()

    assert many == few
    shown = cards(response)
    assert len(shown) == 25 * len(stages)
    assert all(tags == ["Café", "remote"] for tags in shown.values())


# --- The candidate list and page ----------------------------------------------------


@pytest.mark.parametrize("typed", SPELLINGS)
def test_Cafe_is_found_by_any_spelling_in_the_candidate_list(client, job, typed):
    applicant(job, "Ada", tags=["Café"])
    applicant(job, "Bob", tags=["Cafeteria"])
    applicant(job, "Cy")

    assert listed(client.get("/candidates/", {"tag": typed})) == ["Ada"]


def test_the_candidate_list_shows_each_applications_tags(client, job):
    applicant(job, "Ada", tags=["Café"])

    response = client.get("/candidates/")

    assert listed(response) == ["Ada"]
    assert re.findall(r"data-tag>([^<]*)</span>", response.text) == ["Café"]


def test_a_hiring_manager_finds_by_tag_only_through_their_own_jobs(client_for, organization, job):
    """A tag on an application to a job they can't open would tell them about it."""
    manager = MembershipFactory(organization=organization, role=Membership.Role.HIRING_MANAGER).user
    HiringTeamMember.objects.create(job=job, user=manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    other_job = make_job(organization, title="Design")
    ada = CandidateFactory(organization=organization, first_name="Ada")
    ApplicationFactory(job=job, candidate=ada, current_stage=job.stages.first())
    ApplicationFactory(job=other_job, candidate=ada, current_stage=other_job.stages.first(), tags=["Café"])
    applicant(job, "Bob", tags=["café"])
    client = client_for(manager)

    assert listed(client.get("/candidates/", {"tag": "CAFÉ"})) == ["Bob"]
    assert listed(client.get("/candidates/")) == ["Bob", "Ada"]


def test_the_candidate_page_shows_each_applications_tags(client, organization, job):
    other_job = make_job(organization, title="Design")
    ada = applicant(job, "Ada", tags=["Café", "remote"])
    ApplicationFactory(job=other_job, candidate=ada.candidate, current_stage=other_job.stages.first(), tags=["lead"])

    response = client.get(f"/candidates/{ada.candidate_id}/")

    assert response.status_code == 200
    tags_by_job = {}
    for card in re.findall(r'<article class="card app-card.*?</article>', response.text, re.S):
        title = re.search(r'-title"><a href="[^"]*">([^<]*)</a>', card).group(1)
        tags_by_job[title] = re.findall(r"data-tag>([^<]*) <i", card)
    assert tags_by_job == {"Backend Engineer": ["Café", "remote"], "Design": ["lead"]}


# --- Organisations -------------------------------------------------------------------


def test_tags_are_per_organisation(client, job, other_organization):
    foreign_job = make_job(other_organization, title="Their job")
    ours = applicant(job, "Ada", tags=["Café"])
    theirs = applicant(foreign_job, "Zed", tags=["CAFÉ"])

    assert Tag.objects.count() == 2
    assert ours.tags.get().organization_id == job.organization_id
    assert theirs.tags.get().organization_id == other_organization.pk
    assert theirs.tags.get().name == "CAFÉ"  # their first spelling, not ours
    assert listed(client.get("/candidates/", {"tag": "café"})) == ["Ada"]
    assert cards(client.get(f"/jobs/{job.pk}/board/", {"tag": "café"})) == {ours.pk: ["Café"]}


def test_untag_of_another_organisations_application_is_404(client, other_organization):
    foreign_job = make_job(other_organization)
    theirs = applicant(foreign_job, "Zed", tags=["Café"])

    response = client.post(f"/applications/{theirs.pk}/untag/", {"tag": "Café"})

    assert response.status_code == 404
    assert tag_names(theirs) == ["Café"]


# --- Merging -------------------------------------------------------------------------


def test_merging_moves_tags_and_a_twin_gains_the_others(organization, job):
    data = make_job(organization, title="Data")
    keep = CandidateFactory(organization=organization, first_name="Ada")
    merge = CandidateFactory(organization=organization, first_name="Ada")
    twin = ApplicationFactory(job=job, candidate=keep, current_stage=job.stages.first(), tags=["Café", "senior"])
    ApplicationFactory(job=job, candidate=merge, current_stage=job.stages.first(), tags=["café", "remote"])
    moved = ApplicationFactory(job=data, candidate=merge, current_stage=data.stages.first(), tags=["lead"])

    merge_candidates(keep=keep, merge=merge)

    assert tag_names(twin) == ["Café", "remote", "senior"]
    assert tag_names(moved) == ["lead"]
    assert moved.tags.get().applications.get().candidate_id == keep.pk
    assert ApplicationTag.objects.count() == 4


# --- Two people at once (PostgreSQL: SQLite serialises writers on the file) ------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: SQLite serialises writers.")
def test_two_people_tagging_at_once_make_one_tag(job):
    ada, bob = applicant(job, "Ada"), applicant(job, "Bob")
    barrier, errors = threading.Barrier(2), []

    def tag(application, spelling):
        try:
            barrier.wait(timeout=30)
            services.add_tags(applications=[application], tags=[spelling, "remote"])
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tag, args=args) for args in ((ada, "Café"), (bob, "CAFÉ"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert Tag.objects.count() == 2
    assert tag_names(ada) == tag_names(bob)
    assert ApplicationTag.objects.count() == 4
