"""The kanban board of a job: GET /jobs/<id>/board/, full page and htmx fragment."""

import re

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from jobs.models import HiringTeamMember
from pipeline.applications import services
from pipeline.models import Application, Candidate
from tests.factories import ApplicationFactory, MembershipFactory, bulk_applications, make_job

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
# Session, user, membership, job, stages, cards (one UNION of per-column LIMITs), tags, counts, sources,
# the bell's unread count and the Tasks badge's (full page only): the same at any size (step 8 floor: 12).
# Step 11 adds the cards' interview feedback tallies (one grouped query, the viewer's blind rule in it).
MAX_BOARD_QUERIES = 12


def url(job):
    return f"/jobs/{job.pk}/board/"


def column_counts(html):
    """{stage id: the count in its column header}, in board order."""
    headers = re.findall(r'id="stage-(\d+)".*?<span [^>]*data-count>(\d+)</span>', html, re.S)
    return {int(stage): int(count) for stage, count in headers}


def cards_per_column(html):
    """{stage id: number of cards rendered in that column}."""
    columns = re.split(r'<section class="board-column"[^>]* aria-labelledby="stage-', html)[1:]
    return {int(column.split('"', 1)[0]): column.count("data-application=") for column in columns}


def queries_for(client, path, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    assert response.status_code == 200
    return len(queries), response


def test_it_shows_one_column_per_active_stage_with_its_count(client_for, recruiter, job, stages):
    bulk_applications(job, 30, stages=stages)
    stages[-1].applications.update(current_stage=stages[0])  # Hired: 3 -> 0, Application Received: 4 -> 7
    stages[3].is_active = False
    stages[3].save()
    stages[3].applications.update(current_stage=stages[0])

    response = client_for(recruiter).get(url(job))

    assert response.status_code == 200
    counts = column_counts(response.text)
    assert list(counts) == [s.pk for s in stages if s.is_active]
    assert counts[stages[0].pk] == 4 + 3 + 4
    assert counts[stages[-1].pk] == 0
    assert sum(counts.values()) == 30
    assert "Nobody here yet" in response.text


def test_the_query_count_is_the_same_for_30_and_3000_applications(client_for, recruiter, job, stages):
    client = client_for(recruiter)
    client.get(url(job))  # warm-up: the session row exists

    bulk_applications(job, 30, stages=stages)
    few_full, _ = queries_for(client, url(job))
    few_partial, _ = queries_for(client, url(job), **HTMX)

    bulk_applications(job, 2970, stages=stages)
    many_full, response = queries_for(client, url(job))
    many_partial, partial = queries_for(client, url(job), **HTMX)

    assert many_full == few_full <= MAX_BOARD_QUERIES
    assert many_partial == few_partial <= MAX_BOARD_QUERIES
    in_db = dict(Application.objects.filter(job=job).values_list("current_stage").annotate(n=Count("pk")))
    assert sum(in_db.values()) == 3000
    for html in (response.text, partial.text):
        assert column_counts(html) == {stage.pk: in_db[stage.pk] for stage in stages}
        assert cards_per_column(html) == {stage.pk: 25 for stage in stages}
        for stage in stages:
            assert f"({in_db[stage.pk] - 25} more)" in html


def test_a_column_shows_25_cards_in_position_order_and_offers_the_rest(client_for, recruiter, job, stages):
    bulk_applications(job, 30, stages=stages[:1])

    response = client_for(recruiter).get(url(job))

    assert cards_per_column(response.text)[stages[0].pk] == 25
    assert "(5 more)" in response.text
    shown = [int(pk) for pk in re.findall(r'data-application="(\d+)"', response.text)]
    first_25 = Application.objects.filter(job=job).order_by("position", "pk").values_list("pk", flat=True)[:25]
    assert shown == list(first_25)


def test_show_more_renders_the_next_batch_of_one_column(client_for, recruiter, job, stages):
    bulk_applications(job, 60, stages=stages[:2])

    response = client_for(recruiter).get(url(job), {"more": stages[0].pk, "count": 30}, headers=HTMX)

    assert cards_per_column(response.text) == {stages[0].pk: 30, stages[1].pk: 25} | {
        stage.pk: 0 for stage in stages[2:]
    }


def test_the_htmx_request_gets_only_the_board_fragment(client_for, recruiter, job, stages):
    bulk_applications(job, 3, stages=stages)

    response = client_for(recruiter).get(url(job), headers=HTMX)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="board"')
    assert "<html" not in response.text
    assert response.text.count("data-application=") == 3


def test_the_full_page_has_the_filters_and_the_move_menus(client_for, recruiter, job, stages):
    application = ApplicationFactory(job=job, current_stage=stages[0])

    response = client_for(recruiter).get(url(job))

    assert "<html" in response.text
    assert 'role="search"' in response.text
    # The stages a card moves to, once per board (app.js fills a card's menu from them)...
    [targets] = re.findall(r'<template id="move-targets">(.*?)</template>', response.text, re.S)
    assert re.findall(r'value="(\d+)">', targets) == [str(stage.pk) for stage in stages]
    assert 'form="move-form"' in targets
    # ...and each card's menu says where its move goes, with the candidate page's stage picker without script.
    assert f'data-move-url="/applications/{application.pk}/move/" data-stage="{stages[0].pk}"' in response.text
    candidate_page = f'href="/candidates/{application.candidate_id}/#application-{application.pk}"'
    assert candidate_page in response.text


def test_rejected_and_archived_applications_are_hidden_by_default(client_for, recruiter, job, stages):
    active = ApplicationFactory(job=job, current_stage=stages[0])
    rejected = ApplicationFactory(job=job, current_stage=stages[0], status=Application.Status.REJECTED)
    archived = ApplicationFactory(job=job, current_stage=stages[0], is_archived=True)
    client = client_for(recruiter)

    responses = [client.get(url(job), query) for query in ({}, {"status": "rejected"}, {"status": "all"})]

    assert [response.status_code for response in responses] == [200, 200, 200]
    default, closed, everything = (response.text for response in responses)
    assert f'data-application="{active.pk}"' in default
    assert f'data-application="{rejected.pk}"' not in default
    assert f'data-application="{archived.pk}"' not in default
    assert f'data-application="{rejected.pk}"' in closed
    assert f'data-application="{active.pk}"' not in closed
    assert all(f'data-application="{a.pk}"' in everything for a in (active, rejected, archived))


def test_filters_narrow_the_cards(client_for, recruiter, job, stages):
    ada = ApplicationFactory(
        job=job, current_stage=stages[0], candidate__first_name="Ada", tags=["python"], rating=5, source="linkedin"
    )
    bob = ApplicationFactory(job=job, current_stage=stages[1], candidate__first_name="Bob", is_starred=True)
    client = client_for(recruiter)

    def shown(**params):
        html = client.get(url(job), params, headers=HTMX).text
        return {a.pk for a in (ada, bob) if f'data-application="{a.pk}"' in html}

    assert shown() == {ada.pk, bob.pk}
    assert shown(q="ada") == {ada.pk}
    assert shown(tag="python") == {ada.pk}
    assert shown(tag="pyth") == set()
    assert shown(rating="4") == {ada.pk}
    assert shown(source="linkedin") == {ada.pk}
    assert shown(starred="1") == {bob.pk}


def test_a_hiring_manager_on_the_jobs_team_sees_the_board(client_for, organization, job):
    manager = MembershipFactory(organization=organization, role=Membership.Role.HIRING_MANAGER).user
    HiringTeamMember.objects.create(job=job, user=manager, role=HiringTeamMember.Role.HIRING_MANAGER)

    assert client_for(manager).get(url(job)).status_code == 200


def test_a_hiring_manager_off_the_team_gets_404(client_for, hiring_manager, job):
    assert client_for(hiring_manager).get(url(job)).status_code == 404


def test_an_interviewer_gets_403(client_for, interviewer, job):
    HiringTeamMember.objects.create(job=job, user=interviewer)

    assert client_for(interviewer).get(url(job)).status_code == 403


def test_another_organisations_member_gets_404(client_for, other_organization, job):
    foreign_owner = other_organization.memberships.get().user

    assert client_for(foreign_owner).get(url(job)).status_code == 404


def test_signed_out_visitors_are_sent_to_log_in(client, job):
    response = client.get(url(job))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_it_refuses_post(client_for, recruiter, job):
    assert client_for(recruiter).post(url(job)).status_code == 405


def test_the_source_filter_offers_each_source_of_the_job_once_in_order(
    client_for, recruiter, organization, job, stages
):
    other_job = make_job(organization, title="Designer")
    for source in ["Referral", "LinkedIn", "", "Referral", "Careers site", "LinkedIn"]:
        ApplicationFactory(job=job, current_stage=stages[0], source=source)
    ApplicationFactory(job=other_job, current_stage=other_job.stages.first(), source="Indeed")

    response = client_for(recruiter).get(url(job))

    assert response.status_code == 200
    [select] = re.findall(r'<select [^>]*id="f-source".*?</select>', response.text, re.S)
    assert re.findall(r"<option(?: selected)?>([^<]+)</option>", select) == ["Careers site", "LinkedIn", "Referral"]


def test_a_card_shows_its_latest_name_tags_and_star_after_being_shown_once(client_for, recruiter, job, stages):
    """Cards' HTML is kept between requests (applications.cards): anything a card shows changes its key."""
    application = ApplicationFactory(job=job, current_stage=stages[0], candidate__first_name="Ada")
    client = client_for(recruiter)
    assert "Ada " in client.get(url(job)).text

    Candidate.objects.filter(pk=application.candidate_id).update(first_name="Augusta")
    Application.objects.filter(pk=application.pk).update(is_starred=True)
    services.add_tags(applications=[application], tags=["maths"])
    response = client.get(url(job))

    assert response.status_code == 200
    assert "Augusta " in response.text and "Ada " not in response.text
    assert 'class="btn-star starred"' in response.text
    assert re.findall(r"<span [^>]*data-tag>([^<]+)</span>", response.text) == ["maths"]
