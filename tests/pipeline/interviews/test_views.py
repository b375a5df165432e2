"""The interview pages: scheduling from a candidate's page, the interview page, rescheduling and
cancelling, "My interviews", and what the candidate's page shows of them."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership
from jobs.models import HiringTeamMember
from pipeline.applications.models import Application
from pipeline.interviews import services
from pipeline.interviews.models import Interview, PanelMember, Scorecard
from pipeline.interviews.slots import next_working_day_at
from tests.factories import ApplicationFactory, MembershipFactory, OrganizationFactory, make_job, pdf_content

pytestmark = pytest.mark.django_db

BERLIN, TOKYO = ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Tokyo")


def make_interview(application, panel, *, starts_at, minutes=60, title="Final interview", status="scheduled",
                   organizer=None, location=""):  # fmt: skip
    """An interview written directly (no invitations), with `panel` (users) on it."""
    interview = Interview.objects.create(
        organization=application.job.organization, application=application, title=title, starts_at=starts_at,
        duration_minutes=minutes, status=status, organizer=organizer, location=location,
        cancelled_at=timezone.now() if status == "cancelled" else None,
    )  # fmt: skip
    PanelMember.objects.bulk_create(PanelMember(interview=interview, user=user) for user in panel)
    return interview


def at(days, hour, zone=datetime.UTC, minute=0):
    """`days` from today (in `zone`) at hour:minute there."""
    day = timezone.now().astimezone(zone).date() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)


def wall(moment, zone):
    """What a datetime-local field holds for `moment` on `zone`'s clock."""
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def organizer(recruiter):
    """The recruiter, in Berlin: what they type is a Berlin time."""
    recruiter.name, recruiter.timezone = "Olga Organiser", "Europe/Berlin"
    recruiter.save()
    return recruiter


@pytest.fixture
def ivan(organization):
    return MembershipFactory(
        organization=organization, role=Membership.Role.INTERVIEWER, user__name="Ivan Interviewer"
    ).user


@pytest.fixture
def manager_on_team(job, hiring_manager):
    HiringTeamMember.objects.create(job=job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    return hiring_manager


@pytest.fixture
def final(application, stages):
    """Ada's application in the Final Interview stage."""
    application.current_stage = next(stage for stage in stages if stage.name == "Final Interview")
    application.save()
    return application


def schedule_url(application):
    return f"/applications/{application.pk}/interviews/new/"


def form(starts_at, panel=(), **changes):
    data = {"title": "Final interview", "starts_at": wall(starts_at, BERLIN), "duration_minutes": "60",
            "interviewers": [user.pk for user in panel], "location": "https://meet.example.com/ada"}  # fmt: skip
    return data | changes


# --- Scheduling -------------------------------------------------------------------------------


def test_the_form_offers_the_stage_the_next_working_day_at_ten_and_an_hour(client_for, organizer, final, ivan):
    response = client_for(organizer).get(schedule_url(final))

    assert response.status_code == 200
    assert 'value="Final Interview"' in response.text
    assert f'value="{wall(next_working_day_at(BERLIN), BERLIN)}"' in response.text
    assert next_working_day_at(BERLIN).astimezone(BERLIN).hour == 10
    assert 'name="duration_minutes" value="60"' in response.text
    assert "Ivan Interviewer · Interviewer" in response.text
    assert "Europe/Berlin" in response.text  # the zone the time is read in


def test_a_recruiter_schedules_an_interview(client_for, organizer, final, ivan, django_capture_on_commit_callbacks):
    starts_at = at(3, 14, BERLIN, minute=30)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(organizer).post(schedule_url(final), form(starts_at, [ivan, organizer]))

    assert response.status_code == 302
    assert response["Location"] == f"/candidates/{final.candidate_id}/#application-{final.pk}"
    interview = Interview.objects.get(application=final)
    assert (interview.title, interview.duration_minutes, interview.location) == (
        "Final interview", 60, "https://meet.example.com/ada",
    )  # fmt: skip
    assert interview.starts_at == starts_at  # 14:30 on the organiser's clock
    assert (interview.time_zone, interview.organizer, interview.created_by) == ("Europe/Berlin", organizer, organizer)
    assert set(PanelMember.objects.filter(interview=interview).values_list("user_id", flat=True)) == {
        ivan.pk, organizer.pk,
    }  # fmt: skip
    assert texts(response) == [
        f"Interview scheduled. Invitations are on their way to {final.candidate.full_name}, Ivan Interviewer "
        "and Olga Organiser."
    ]


def test_a_clash_is_named_and_nothing_is_saved_until_schedule_anyway(client_for, organizer, final, ivan, job):
    other = ApplicationFactory(job=job, current_stage=final.current_stage)
    make_interview(other, [ivan], starts_at=at(3, 10, BERLIN), title="Busy elsewhere")
    client = client_for(organizer)

    warned = client.post(schedule_url(final), form(at(3, 10, BERLIN, minute=30), [ivan]))

    assert warned.status_code == 200
    assert Interview.objects.filter(application=final).count() == 0
    assert "Someone on the panel is in another interview then" in warned.text
    assert re.search(r"<strong>Ivan Interviewer</strong>: <span[^>]*>\d+ \w+ \d{4}, 10:00–11:00 CE[S]?T", warned.text)
    assert 'name="schedule_anyway"' in warned.text
    assert 'value="Final interview"' in warned.text  # what was typed stays

    done = client.post(schedule_url(final), form(at(3, 10, BERLIN, minute=30), [ivan], schedule_anyway="on"))

    assert done.status_code == 302
    assert Interview.objects.filter(application=final, panel__user=ivan).count() == 1


def test_without_a_clash_there_is_no_question(client_for, organizer, final, ivan, job):
    make_interview(ApplicationFactory(job=job), [ivan], starts_at=at(3, 10, BERLIN))

    response = client_for(organizer).post(schedule_url(final), form(at(3, 11, BERLIN), [ivan]))  # just after

    assert response.status_code == 302
    assert Interview.objects.filter(application=final).count() == 1


def test_a_form_error_keeps_what_was_typed(client_for, organizer, final, ivan):
    starts_at = at(3, 9, BERLIN)

    response = client_for(organizer).post(schedule_url(final), form(starts_at, [ivan], title="  ", location="Room 4"))

    assert response.status_code == 400
    assert "Give the interview a title." in response.text
    assert 'value="Room 4"' in response.text
    assert f'value="{wall(starts_at, BERLIN)}"' in response.text
    assert re.search(rf'value="{ivan.pk}"[^>]*checked', response.text)
    assert not Interview.objects.exists()


def test_the_services_errors_land_on_their_fields(client_for, organizer, final):
    response = client_for(organizer).post(schedule_url(final), form(at(3, 9, BERLIN), duration_minutes="3"))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["duration_minutes"] == ["An interview lasts between 5 minutes and 8 hours."]
    assert 'value="Final interview"' in response.text
    assert not Interview.objects.exists()


def test_a_decided_application_is_not_scheduled(client_for, organizer, final):
    final.status = Application.Status.REJECTED
    final.save()

    response = client_for(organizer).post(schedule_url(final), form(at(3, 9, BERLIN)))

    assert response.status_code == 400
    assert response.context["form"].errors["starts_at"] == [
        "This application is rejected: bring it back before scheduling."
    ]
    assert not Interview.objects.exists()


def test_a_time_far_off_is_refused(client_for, organizer, final):
    response = client_for(organizer).post(
        schedule_url(final), form(at(3, 9, BERLIN)) | {"starts_at": "2099-01-01T10:00"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["starts_at"][0].startswith("Choose a time between")


def test_a_hiring_manager_on_the_team_schedules(client_for, manager_on_team, final, ivan):
    response = client_for(manager_on_team).post(schedule_url(final), form(at(3, 9, BERLIN), [ivan]))

    assert response.status_code == 302
    assert Interview.objects.get(application=final).organizer == manager_on_team


def test_a_hiring_manager_off_the_team_gets_404(client_for, hiring_manager, final, ivan):
    client = client_for(hiring_manager)

    assert client.get(schedule_url(final)).status_code == 404
    assert client.post(schedule_url(final), form(at(3, 9, BERLIN), [ivan])).status_code == 404
    assert not Interview.objects.exists()


def test_an_interviewer_cannot_schedule(client_for, organizer, final, ivan):
    """Not on a panel the application is not theirs to see (404); on one, it is, but not to arrange (403)."""
    client = client_for(ivan)

    assert client.get(schedule_url(final)).status_code == 404
    make_interview(final, [ivan], starts_at=at(3, 9))
    assert client.get(schedule_url(final)).status_code == 403
    assert client.post(schedule_url(final), form(at(4, 9, BERLIN), [ivan])).status_code == 403
    assert Interview.objects.count() == 1


def test_another_organisations_application_is_404(client_for, organizer):
    elsewhere = ApplicationFactory(job=make_job(OrganizationFactory()))

    assert client_for(organizer).get(schedule_url(elsewhere)).status_code == 404


# --- The interview page ----------------------------------------------------------------------------


@pytest.fixture
def interview(final, organizer, ivan, django_capture_on_commit_callbacks):
    """Ada's final interview in three days, 10:00 in Berlin, Ivan and the organiser on the panel."""
    final.candidate.resume = pdf_content("ada.pdf")
    final.candidate.save()
    with django_capture_on_commit_callbacks(execute=True):
        return services.schedule_interview(
            application=final, starts_at=at(3, 10, BERLIN), duration_minutes=45, interviewers=[ivan, organizer],
            organizer=organizer, title="Final interview", location="https://meet.example.com/ada", by=organizer,
        )  # fmt: skip


def test_the_interview_page_shows_it_all_to_the_organiser(client_for, organizer, interview):
    response = client_for(organizer).get(f"/interviews/{interview.pk}/")

    assert response.status_code == 200
    page = response.text
    candidate = interview.application.candidate
    assert (
        f'href="/candidates/{candidate.pk}/#application-{interview.application_id}">{candidate.full_name}</a>' in page
    )
    assert f'href="/candidates/{candidate.pk}/resume/"' in page
    assert "Ivan Interviewer" in page and "Olga Organiser (you)" in page
    assert "45 minutes" in page
    assert '<a href="https://meet.example.com/ada" rel="noopener noreferrer" target="_blank">' in page
    assert f'href="/interviews/{interview.pk}/edit/"' in page
    assert f'action="/interviews/{interview.pk}/cancel/" data-confirm=' in page
    assert "10:00–10:45 CE" in page  # Berlin, the organiser's own zone


def test_a_panel_member_reads_it_without_the_arranging_buttons(client_for, ivan, interview):
    response = client_for(ivan).get(f"/interviews/{interview.pk}/")

    assert response.status_code == 200
    assert f"/candidates/{interview.application.candidate_id}/#application-" in response.text
    assert f"/interviews/{interview.pk}/edit/" not in response.text
    assert f"/interviews/{interview.pk}/cancel/" not in response.text
    assert response.context["on_panel"] is True


def test_an_interviewer_not_on_the_panel_gets_404(client_for, organization, interview):
    stranger = MembershipFactory(organization=organization, role=Membership.Role.INTERVIEWER).user

    assert client_for(stranger).get(f"/interviews/{interview.pk}/").status_code == 404


def test_a_place_that_is_no_web_link_is_text(client_for, organizer, final):
    interview = make_interview(final, [organizer], starts_at=at(2, 9), location="javascript:alert(1)")

    response = client_for(organizer).get(f"/interviews/{interview.pk}/")

    assert response.status_code == 200
    assert '<dd class="text-break">javascript:alert(1)</dd>' in response.text
    assert 'href="javascript:' not in response.text


def test_a_panel_member_busy_elsewhere_is_flagged(client_for, organizer, interview, ivan, job):
    make_interview(ApplicationFactory(job=job), [ivan], starts_at=at(3, 10, BERLIN, minute=30), title="Other")

    response = client_for(organizer).get(f"/interviews/{interview.pk}/")

    busy = {seat.user: seat.busy for seat in response.context["panel"]}
    assert [other.title for other in busy[ivan]] == ["Other"]
    assert busy[organizer] == []
    assert response.text.count("data-busy") == 1


def test_the_time_is_shown_on_the_viewers_clock(client_for, organization, final, organizer):
    tokyo = MembershipFactory(organization=organization, role=Membership.Role.RECRUITER, user__timezone="Asia/Tokyo")
    interview = make_interview(final, [tokyo.user], starts_at=at(2, 1), organizer=organizer)  # 01:00 UTC
    client = client_for(tokyo.user)

    page = client.get(f"/interviews/{interview.pk}/").text
    mine = client.get("/interviews/").text
    candidate = client.get(f"/candidates/{final.candidate_id}/").text

    for text in (page, mine, candidate):
        assert "10:00–11:00 JST" in text
    assert "on the organiser's clock" in page  # and the organiser's own (Berlin) time beside it


# --- Rescheduling and cancelling --------------------------------------------------------------------


def test_the_edit_form_is_prefilled(client_for, organizer, interview, ivan):
    response = client_for(organizer).get(f"/interviews/{interview.pk}/edit/")

    assert response.status_code == 200
    assert f'value="{wall(interview.starts_at, BERLIN)}"' in response.text
    assert 'name="duration_minutes" value="45"' in response.text
    assert re.search(rf'value="{ivan.pk}"[^>]*checked', response.text)


def test_rescheduling_moves_it_and_tells_everyone(client_for, organizer, interview, ivan):
    later = at(4, 15, BERLIN)

    response = client_for(organizer).post(
        f"/interviews/{interview.pk}/edit/", form(later, [ivan, organizer], duration_minutes="45")
    )

    assert response.status_code == 302
    assert response["Location"] == f"/interviews/{interview.pk}/"
    interview.refresh_from_db()
    assert (interview.starts_at, interview.sequence) == (later, 1)
    assert texts(response) == ["Interview updated. Everyone concerned is told."]


def test_nothing_changed_is_said_on_the_form(client_for, organizer, interview, ivan):
    same = form(interview.starts_at, [ivan, organizer], duration_minutes="45")

    response = client_for(organizer).post(f"/interviews/{interview.pk}/edit/", same)

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["Nothing changed."]
    interview.refresh_from_db()
    assert interview.sequence == 0


def test_a_newcomer_busy_then_is_asked_about(client_for, organizer, interview, ivan, organization, job):
    grace = MembershipFactory(organization=organization, user__name="Grace Hopper").user
    make_interview(ApplicationFactory(job=job), [grace], starts_at=interview.starts_at, title="Other")
    client = client_for(organizer)
    changed = form(interview.starts_at, [ivan, organizer, grace], duration_minutes="45")

    warned = client.post(f"/interviews/{interview.pk}/edit/", changed)
    done = client.post(f"/interviews/{interview.pk}/edit/", changed | {"schedule_anyway": "on"})

    assert warned.status_code == 200
    assert "<strong>Grace Hopper</strong>" in warned.text
    assert done.status_code == 302
    assert set(interview.interviewers.all()) == {ivan, organizer, grace}


def test_the_panel_may_not_reschedule_or_cancel(client_for, ivan, interview):
    client = client_for(ivan)

    assert client.get(f"/interviews/{interview.pk}/edit/").status_code == 403
    assert client.post(f"/interviews/{interview.pk}/cancel/").status_code == 403
    interview.refresh_from_db()
    assert interview.status == Interview.Status.SCHEDULED


def test_cancelling_with_a_reason(client_for, organizer, interview):
    client = client_for(organizer)

    response = client.post(f"/interviews/{interview.pk}/cancel/", {"reason": "Ada asked to move it"})

    assert response.status_code == 302
    interview.refresh_from_db()
    assert (interview.status, interview.cancel_reason) == ("cancelled", "Ada asked to move it")
    assert texts(response) == ["Interview cancelled. The candidate and the panel get a cancellation."]
    page = client.get(f"/interviews/{interview.pk}/").text
    assert "“Ada asked to move it”" in page
    assert f"/interviews/{interview.pk}/cancel/" not in page
    assert f"/interviews/{interview.pk}/edit/" not in page


def test_cancelling_twice_says_it_is_cancelled(client_for, organizer, interview):
    client = client_for(organizer)
    client.post(f"/interviews/{interview.pk}/cancel/")

    response = client.post(f"/interviews/{interview.pk}/cancel/")

    assert response.status_code == 302
    assert texts(response)[-1] == "This interview is cancelled."


def test_cancel_takes_post_only(client_for, organizer, interview):
    assert client_for(organizer).get(f"/interviews/{interview.pk}/cancel/").status_code == 405


def test_a_cancelled_interview_is_not_edited(client_for, organizer, interview):
    services.cancel_interview(interview=interview, by=organizer)

    response = client_for(organizer).get(f"/interviews/{interview.pk}/edit/")

    assert response.status_code == 302
    assert response["Location"] == f"/interviews/{interview.pk}/"


def test_after_a_cancellation_the_panel_no_longer_opens_the_candidate(client_for, organizer, ivan, interview):
    services.cancel_interview(interview=interview, by=organizer)

    response = client_for(ivan).get(f"/interviews/{interview.pk}/")

    assert response.status_code == 200
    assert response.context["sees_candidate"] is False
    assert f"/candidates/{interview.application.candidate_id}/" not in response.text


# --- My interviews ----------------------------------------------------------------------------------


@pytest.fixture
def ivans(final, ivan, organizer, job):
    """Ivan's interviews: one to come, one over and owed feedback, one over with his scorecard, one cancelled;
    and one he is not on."""
    upcoming = make_interview(final, [ivan], starts_at=at(2, 9), title="Coming")
    owing = make_interview(final, [ivan], starts_at=at(-2, 9), title="Owing")
    given = make_interview(final, [ivan, organizer], starts_at=at(-5, 9), title="Given")
    Scorecard.objects.create(interview=given, author=ivan, recommendation="yes")
    Scorecard.objects.create(interview=owing, author=organizer, recommendation="no")  # someone else's
    cancelled = make_interview(final, [ivan], starts_at=at(1, 9), title="Called off", status="cancelled")
    make_interview(ApplicationFactory(job=job), [organizer], starts_at=at(2, 9), title="Not his")
    return upcoming, owing, given, cancelled


def test_my_interviews_groups_an_interviewers_own(client_for, ivan, ivans):
    upcoming, owing, given, cancelled = ivans

    response = client_for(ivan).get("/interviews/")

    assert response.status_code == 200
    groups = {group["key"]: group["rows"] for group in response.context["groups"]}
    assert groups == {"upcoming": [upcoming], "feedback": [owing], "done": [cancelled, given]}
    assert "Not his" not in response.text
    assert re.search(r"Give feedback<span class=\"visually-hidden\"> on Owing", response.text)
    assert "?view=all" not in response.text  # an interviewer has no "All interviews"


def test_all_interviews_lists_what_a_recruiter_may_see_upcoming_first(client_for, organizer, ivans):
    response = client_for(organizer).get("/interviews/?view=all")

    assert response.status_code == 200
    titles = [row.title for row in response.context["rows"]]
    assert titles == ["Coming", "Not his", "Called off", "Owing", "Given"]
    assert "Upcoming" in response.text and "Past and cancelled" in response.text


def test_an_interviewer_asking_for_all_gets_their_own(client_for, ivan, ivans):
    response = client_for(ivan).get("/interviews/?view=all")

    assert response.status_code == 200
    assert response.context["view"] == "mine"
    assert "Not his" not in response.text


def test_a_long_group_shows_ten_and_all_on_its_page(client_for, ivan, final):
    for day in range(1, 13):
        make_interview(final, [ivan], starts_at=at(day, 9), title=f"Round {day}")
    client = client_for(ivan)

    first = client.get("/interviews/")
    whole = client.get("/interviews/?group=upcoming")

    assert len(first.context["groups"][0]["rows"]) == 10
    assert 'href="/interviews/?group=upcoming">Show all 12' in first.text
    assert whole.status_code == 200
    assert [row.title for row in whole.context["group"]["rows"]] == [f"Round {day}" for day in range(1, 13)]


def test_nobody_on_a_panel_is_told_where_interviews_come_from(client_for, ivan):
    response = client_for(ivan).get("/interviews/")

    assert response.status_code == 200
    assert "No interviews yet" in response.text


def test_my_interviews_costs_the_same_queries_however_many(client_for, ivan, final):
    client = client_for(ivan)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
            return len(queries)

    for day in (-3, -2, 2):
        make_interview(final, [ivan], starts_at=at(day, 9))
    few = count("/interviews/"), count("/interviews/?group=feedback")
    for day in range(-40, 40, 2):
        make_interview(final, [ivan], starts_at=at(day, 11))

    assert (count("/interviews/"), count("/interviews/?group=feedback")) == few


def test_all_interviews_costs_the_same_queries_however_many(client_for, organizer, final, ivan):
    client = client_for(organizer)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/interviews/?view=all").status_code == 200
            return len(queries)

    make_interview(final, [ivan], starts_at=at(2, 9))
    few = count()
    for day in range(30):
        make_interview(final, [ivan, organizer], starts_at=at(day - 15, 11))

    assert count() == few


# --- The candidate's page --------------------------------------------------------------------------


def test_the_candidate_page_lists_the_applications_interviews(client_for, organizer, final, ivan, job):
    past = make_interview(final, [ivan], starts_at=at(-3, 9), title="Phone screen")
    soon = make_interview(final, [ivan, organizer], starts_at=at(2, 9), title="Final interview")
    later = make_interview(final, [ivan], starts_at=at(5, 9), title="Meet the team", location="Room 4")
    make_interview(ApplicationFactory(job=job), [ivan], starts_at=at(2, 9, minute=30), title="Clash")

    response = client_for(organizer).get(f"/candidates/{final.candidate_id}/")

    assert response.status_code == 200
    section = response.text.split(f'id="interviews-{final.pk}"')[1].split("</ul>")[0]
    assert re.findall(r'data-interview="(\d+)"', section) == [str(soon.pk), str(later.pk), str(past.pk)]
    assert section.count("data-busy") == 1  # Ivan is in the clash at the same time as "Final interview"
    assert "Room 4" in section
    assert f'href="/applications/{final.pk}/interviews/new/"' in response.text


def test_a_panel_member_sees_their_interview_on_the_candidate_page(client_for, organizer, final, ivan):
    mine = make_interview(final, [ivan], starts_at=at(2, 9), title="With Ivan")
    make_interview(final, [organizer], starts_at=at(3, 9), title="Without Ivan")

    response = client_for(ivan).get(f"/candidates/{final.candidate_id}/")

    assert response.status_code == 200
    assert f'href="/interviews/{mine.pk}/"' in response.text
    assert "Without Ivan" not in response.text
    assert "/interviews/new/" not in response.text  # no "Schedule interview"
    assert f'href="/jobs/{final.job_id}/board/"' not in response.text  # the board is not theirs either


def test_a_hiring_manager_on_another_jobs_panel_sees_theirs_and_schedules_none(
    client_for, organizer, final, hiring_manager
):
    """Seeing the application through a seat, not the job's team: as an interviewer would."""
    theirs = make_interview(final, [hiring_manager], starts_at=at(2, 9), title="With the manager")
    make_interview(final, [organizer], starts_at=at(3, 9), title="Without the manager")

    response = client_for(hiring_manager).get(f"/candidates/{final.candidate_id}/")

    assert response.status_code == 200
    assert f'href="/interviews/{theirs.pk}/"' in response.text
    assert "Without the manager" not in response.text
    assert "/interviews/new/" not in response.text
    assert client_for(hiring_manager).get(schedule_url(final)).status_code == 403


def test_the_candidate_page_costs_the_same_queries_however_many_interviews(client_for, organizer, final, ivan):
    client = client_for(organizer)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/candidates/{final.candidate_id}/").status_code == 200
            return len(queries)

    make_interview(final, [ivan], starts_at=at(2, 9))
    few = count()
    for day in range(12):
        make_interview(final, [ivan, organizer], starts_at=at(day - 6, 13))

    assert count() == few


def test_the_timeline_says_when_interviews_were_scheduled_and_cancelled(client_for, organizer, interview):
    services.cancel_interview(interview=interview, by=organizer, reason="Filled")

    response = client_for(organizer).get(f"/candidates/{interview.application.candidate_id}/")

    kinds = {item["kind"]: item for item in response.context["timeline"] if item["kind"].startswith("interview")}
    assert kinds["interview_scheduled"]["text"].startswith("Interview scheduled: Final interview, ")
    assert kinds["interview_scheduled"]["actor"] == organizer
    assert (kinds["interview_cancelled"]["text"], kinds["interview_cancelled"]["note"]) == (
        "Interview cancelled: Final interview", "Filled",
    )  # fmt: skip
