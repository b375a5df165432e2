"""An application's card on the candidate page: one primary action, Move to…, Reject and More; star,
rating and tags in place (htmx answers with the card's marks, fresh), or by plain POST and back."""

import re

import pytest

from jobs.models import HiringTeamMember
from pipeline.applications import services
from pipeline.interviews.models import Interview, PanelMember
from pipeline.models import Application
from tests.factories import ApplicationFactory, make_job

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
Status = Application.Status


def page(client, application):
    return client.get(f"/candidates/{application.candidate_id}/")


def card(response, application):
    html = response.text
    start = html.index('<article class="card app-card')
    start = html.index(f'id="application-{application.pk}"', start)
    end = html.find('<article class="card app-card', start)
    return html[start : end if end != -1 else html.index('id="dialog-slot"')]


def primary_actions(html):
    return re.findall(r"<button[^>]*data-primary-action[^>]*>(.*?)</button>", html, re.S)


def act(client, application, action, headers=None, **data):
    back = f"/candidates/{application.candidate_id}/"
    return client.post(f"/applications/{application.pk}/{action}/", {"next": back, **data}, headers=headers or {})


def marked(client, application, action, **data):
    """An htmx post from the card, as its forms send it."""
    return act(client, application, action, headers=HTMX, **{"from": "candidate", **data})


def fresh(application):
    return Application.objects.get(pk=application.pk)


# --- The card reads at a glance ---------------------------------------------------------------


def test_an_active_application_has_one_primary_action_advancing_to_the_next_stage(recruiter_client, application):
    response = page(recruiter_client, application)

    assert response.status_code == 200
    html = card(response, application)
    assert [" ".join(text.split()) for text in primary_actions(html)] == ["Advance to Initial Screening"]
    assert f'action="/applications/{application.pk}/advance/"' in html
    assert "Move to…" in html and "Reject…" in html and "More" in html


def test_move_to_lists_the_other_active_stages(recruiter_client, application, stages):
    stages[3].is_active = False
    stages[3].save()

    html = card(page(recruiter_client, application), application)

    menu = html[html.index(f'action="/applications/{application.pk}/move/"') :]
    menu = menu[: menu.index("</form>")]
    offered = re.findall(r'name="stage" value="(\d+)">([^<]+)<', menu)
    assert offered == [(str(s.pk), s.name) for s in stages if s not in (stages[0], stages[3])]
    assert 'name="send_again"' in menu


def test_at_the_last_stage_the_primary_action_is_hire(recruiter_client, application, stages):
    services.move_application(application=application, to_stage=stages[-1])

    html = card(page(recruiter_client, application), application)

    [hire] = primary_actions(html)
    assert "Hire" in hire
    assert f'action="/applications/{application.pk}/hire/"' in html


def test_a_hired_application_has_no_primary_action(recruiter_client, application, stages):
    services.move_application(application=application, to_stage=stages[-1])
    services.set_status(application=application, status=Status.HIRED)

    html = card(page(recruiter_client, application), application)

    assert primary_actions(html) == []
    assert "data-status>Hired</span>" in html


def test_on_hold_the_primary_action_is_reactivate_and_more_has_no_hold(recruiter_client, application):
    services.set_status(application=application, status=Status.ON_HOLD)

    html = card(page(recruiter_client, application), application)

    assert [text.strip() for text in primary_actions(html)] == ["Reactivate"]
    assert "data-status>On hold</span>" in html
    assert f"/applications/{application.pk}/hold/" not in html


def test_more_holds_archives_withdraws_and_emails(recruiter_client, application):
    html = card(page(recruiter_client, application), application)

    more = html[html.index('class="app-menu app-menu-end"') :]
    for action in ("hold", "archive", "withdraw"):
        assert f'action="/applications/{application.pk}/{action}/"' in more
    assert f'href="/applications/{application.pk}/email/"' in more
    assert '<option value="">Why…</option>' in more


def test_an_archived_application_offers_unarchive(recruiter_client, application):
    services.set_archived(application=application, archived=True)

    html = card(page(recruiter_client, application), application)

    assert f'action="/applications/{application.pk}/unarchive/"' in html
    assert ">Archived</span>" in html


def test_reject_opens_the_rejection_form_as_a_dialog(recruiter_client, application):
    html = card(page(recruiter_client, application), application)

    back = f"/candidates/{application.candidate_id}/"
    link = f'href="/applications/{application.pk}/reject/?next={back}"'
    assert link in html
    assert f'data-hx-get="/applications/{application.pk}/reject/?next={back}" data-hx-target="#dialog-slot"' in html
    dialog = recruiter_client.get(f"/applications/{application.pk}/reject/?next=/x/", headers=HTMX)
    assert dialog.status_code == 200
    assert "<dialog" in dialog.text


@pytest.mark.parametrize(("withdrawn", "said"), [(False, "Rejected"), (True, "Withdrawn")])
def test_a_closed_application_shows_its_status_and_reason_and_bring_back(
    recruiter_client, application, withdrawn, said
):
    reason = "Took another offer" if withdrawn else "Not enough experience"
    services.reject_application(application=application, reason=reason, withdrawn=withdrawn)

    html = card(page(recruiter_client, application), application)

    assert f"data-status>{said}</span>" in html  # the status, beside the stage
    text = " ".join(re.sub(r"<[^>]+>", "", html).split())
    assert ("Why they withdrew: Took another offer" if withdrawn else "Reason: Not enough experience") in text
    assert primary_actions(html) == []
    assert f'action="/applications/{application.pk}/unreject/"' in html
    assert "Bring back" in html
    assert f"/applications/{application.pk}/move/" not in html
    assert f"/applications/{application.pk}/reject/" not in html
    assert f"/applications/{application.pk}/withdraw/" not in html
    assert f'action="/applications/{application.pk}/archive/"' in html  # More still archives it


# --- Plain POSTs (no JavaScript) come back to the card -------------------------------------------


def test_advance_without_javascript_moves_and_comes_back_to_the_card(recruiter_client, application, stages):
    response = act(recruiter_client, application, "advance")

    assert response.status_code == 302
    assert response["Location"] == f"/candidates/{application.candidate_id}/#application-{application.pk}"
    assert fresh(application).current_stage == stages[1]


def test_star_without_javascript_redirects_back(recruiter_client, application):
    response = act(recruiter_client, application, "star", **{"from": "candidate"})

    assert response.status_code == 302
    assert response["Location"] == f"/candidates/{application.candidate_id}/#application-{application.pk}"
    assert fresh(application).is_starred is True


def test_a_move_from_the_menu_without_javascript_comes_back(recruiter_client, application, stages):
    response = recruiter_client.post(
        f"/applications/{application.pk}/move/",
        {"stage": stages[4].pk, "next": f"/candidates/{application.candidate_id}/"},
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#application-{application.pk}")
    assert fresh(application).current_stage == stages[4]


# --- Star, rating and tags in place (htmx) -------------------------------------------------------


def test_star_with_htmx_returns_the_cards_marks_fresh(recruiter_client, application):
    response = marked(recruiter_client, application, "star")

    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<div class="app-marks" id="marks-{application.pk}">')
    assert 'aria-pressed="true"' in response.text and "bi-star-fill" in response.text
    assert "board-card" not in response.text
    assert fresh(application).is_starred is True
    # The fragment's own forms post in place again.
    assert (
        f'data-hx-post="/applications/{application.pk}/star/" data-hx-target="#marks-{application.pk}"' in response.text
    )


def test_rate_with_htmx_fills_that_many_stars_and_clear_empties_them(recruiter_client, application):
    response = marked(recruiter_client, application, "rate", rating="4")

    assert response.status_code == 200
    assert fresh(application).rating == 4
    assert len(re.findall(r'class="btn-rate on"', response.text)) == 4
    assert f'id="rate-{application.pk}-4" type="submit" name="rating" value="4" aria-pressed="true"' in response.text
    assert 'Rating<span class="visually-hidden"> for Backend Engineer: 4 of 5' in response.text

    cleared = marked(recruiter_client, application, "rate", rating="")

    assert fresh(application).rating is None
    assert 'class="btn-rate on"' not in cleared.text
    assert 'Rating<span class="visually-hidden"> for Backend Engineer: none' in cleared.text


def test_tag_and_untag_with_htmx(recruiter_client, application):
    tagged = marked(recruiter_client, application, "tag", tag="Remote, <b>Senior</b>")

    assert tagged.status_code == 200
    assert sorted(application.tags.values_list("name", flat=True)) == ["<b>Senior</b>", "Remote"]
    assert "&lt;b&gt;Senior&lt;/b&gt;" in tagged.text and "<b>Senior</b>" not in tagged.text
    assert 'aria-label="Remove tag Remote" data-tag>Remote <i' in tagged.text
    assert f'id="tag-{application.pk}" name="tag"' in tagged.text  # the box, empty again

    untagged = marked(recruiter_client, application, "untag", tag="remote")

    assert untagged.status_code == 200
    assert list(application.tags.values_list("name", flat=True)) == ["<b>Senior</b>"]
    assert 'aria-label="Remove tag Remote"' not in untagged.text


def test_a_refused_tag_comes_back_as_a_toast_with_the_marks(recruiter_client, application):
    response = marked(recruiter_client, application, "tag", tag="x" * 200)

    assert response.status_code == 200
    assert f'id="marks-{application.pk}"' in response.text
    assert 'data-hx-swap-oob="beforeend:#toasts"' in response.text
    assert "Keep each tag to" in response.text
    assert not application.tags.exists()


def test_the_board_still_gets_its_own_card(recruiter_client, application):
    response = act(recruiter_client, application, "star", headers=HTMX)

    assert response.status_code == 200
    assert 'class="board-card' in response.text
    assert f'id="marks-{application.pk}"' not in response.text


def test_actions_refuse_get(recruiter_client, application):
    assert recruiter_client.get(f"/applications/{application.pk}/star/").status_code == 405
    assert fresh(application).is_starred is False


def test_another_organisations_application_is_404(client_for, other_organization, application):
    foreign = client_for(other_organization.memberships.get().user)

    assert marked(foreign, application, "star").status_code == 404
    assert page(foreign, application).status_code == 404
    assert fresh(application).is_starred is False


# --- Roles ---------------------------------------------------------------------------------------


def test_a_hiring_manager_on_the_team_gets_the_controls_and_stars_in_place(client_for, hiring_manager, application):
    HiringTeamMember.objects.create(job=application.job, user=hiring_manager)
    client = client_for(hiring_manager)

    html = card(page(client, application), application)
    starred = marked(client, application, "star")

    assert len(primary_actions(html)) == 1
    assert starred.status_code == 200 and f'id="marks-{application.pk}"' in starred.text
    assert fresh(application).is_starred is True


def test_a_hiring_manager_off_the_team_gets_404(client_for, hiring_manager, application):
    client = client_for(hiring_manager)

    assert page(client, application).status_code == 404
    assert marked(client, application, "star").status_code == 404


def test_an_interviewer_sees_the_card_without_controls_and_may_not_decide(client_for, interviewer, application):
    interview = Interview.objects.create(
        organization=application.job.organization,
        application=application,
        title="Chat",
        starts_at=application.applied_at,
    )
    PanelMember.objects.create(interview=interview, user=interviewer)
    client = client_for(interviewer)

    response = page(client, application)

    assert response.status_code == 200
    html = card(response, application)
    assert primary_actions(html) == []
    assert f'id="marks-{application.pk}"' not in html
    assert "Move to…" not in html and "Reject…" not in html
    assert marked(client, application, "star").status_code == 403
    assert act(client, application, "advance").status_code == 403
    assert fresh(application).is_starred is False


def test_a_hiring_manager_sees_another_jobs_application_without_its_controls(
    client_for, hiring_manager, organization, application
):
    # On the panel of another job's interview: that application is seen as an interviewer.
    HiringTeamMember.objects.create(job=application.job, user=hiring_manager)
    other_job = make_job(organization, title="Designer")
    other = ApplicationFactory(job=other_job, candidate=application.candidate, current_stage=other_job.stages.first())
    interview = Interview.objects.create(
        organization=organization, application=other, title="Chat", starts_at=other.applied_at
    )
    PanelMember.objects.create(interview=interview, user=hiring_manager)

    response = page(client_for(hiring_manager), application)

    assert len(primary_actions(card(response, application))) == 1
    assert primary_actions(card(response, other)) == []
