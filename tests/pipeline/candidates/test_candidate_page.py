"""A candidate's pages: GET /candidates/<id>/, notes, editing the profile, and adding someone by hand."""

from datetime import UTC, datetime

import pytest
from django.core.files.storage import default_storage

from accounts.models import Membership
from jobs.models import HiringTeamMember
from pipeline.candidates import services
from pipeline.models import Application, ApplicationStageHistory, Candidate, Note, TimelineEvent
from tests.factories import (
    ApplicationFactory,
    CandidateFactory,
    MembershipFactory,
    UserFactory,
    make_job,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate(organization):
    return CandidateFactory(
        organization=organization,
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.com",
        phone="+44 20 7946 0000",
        city="London",
        skills=["Python", "Analytical engines"],
        resume_text="Wrote the first published algorithm for the Analytical Engine.",
        resume="private/resumes/ada.pdf",
        resume_name="ada.pdf",
    )


def url(candidate):
    return f"/candidates/{candidate.pk}/"


def at(day, hour=9):
    return datetime(2026, 3, day, hour, tzinfo=UTC)


# --- The page ------------------------------------------------------------------


def test_it_shows_the_profile_resume_text_and_applications(client_for, recruiter, candidate, job, stages):
    application = ApplicationFactory(job=job, candidate=candidate, current_stage=stages[2])

    response = client_for(recruiter).get(url(candidate))

    assert response.status_code == 200
    html = response.text
    assert "<h1>Ada Lovelace</h1>" in html
    assert "ada@example.com · +44 20 7946 0000 · London" in html
    assert "Analytical engines" in html
    assert "Wrote the first published algorithm for the Analytical Engine." in html
    assert "ada.pdf" in html
    assert f'data-application="{application.pk}"' in html
    assert "Backend Engineer" in html and "Phone Screen" in html


def test_the_timeline_lists_applications_moves_and_notes_newest_first(client_for, recruiter, candidate, job, stages):
    application = ApplicationFactory(job=job, candidate=candidate, current_stage=stages[1], applied_at=at(1))
    ApplicationStageHistory.objects.create(application=application, to_stage=stages[0], created_at=at(1))
    ApplicationStageHistory.objects.create(
        application=application, from_stage=stages[0], to_stage=stages[1], moved_by=recruiter, created_at=at(3)
    )
    Note.objects.create(candidate=candidate, author=recruiter, body="Call back on Friday", created_at=at(5))
    TimelineEvent.objects.create(candidate=candidate, kind="archived", text="Archived for now", created_at=at(2))

    html = client_for(recruiter).get(url(candidate)).text

    timeline = html[html.index('id="timeline-h"') :]
    entries = ["Call back on Friday", "Moved from Application Received to Initial Screening", "Archived for now"]
    entries.append("Applied for Backend Engineer")
    positions = [timeline.index(text) for text in entries]
    assert positions == sorted(positions)
    # The first history entry (applying) is shown as the application, not as a move.
    assert timeline.count("Moved from") == 1


def test_another_organisations_candidate_is_404(client_for, other_organization, candidate):
    foreign_owner = other_organization.memberships.get().user

    assert client_for(foreign_owner).get(url(candidate)).status_code == 404


def test_a_hiring_manager_sees_only_candidates_of_their_jobs(client_for, organization, candidate, job, stages):
    manager = MembershipFactory(organization=organization, role=Membership.Role.HIRING_MANAGER).user
    HiringTeamMember.objects.create(job=job, user=manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    other_job = make_job(organization, title="Designer")
    theirs = ApplicationFactory(job=job, current_stage=stages[0]).candidate
    not_theirs = ApplicationFactory(job=other_job, current_stage=other_job.stages.first()).candidate
    client = client_for(manager)

    assert client.get(url(theirs)).status_code == 200
    assert client.get(url(not_theirs)).status_code == 404
    assert client.get(url(candidate)).status_code == 404  # applied nowhere


def test_a_hiring_manager_does_not_see_applications_to_jobs_they_cannot_open(
    client_for, organization, candidate, job, stages
):
    manager = MembershipFactory(organization=organization, role=Membership.Role.HIRING_MANAGER).user
    HiringTeamMember.objects.create(job=job, user=manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    secret_job = make_job(organization, title="Confidential CTO search")
    ApplicationFactory(job=job, candidate=candidate, current_stage=stages[0])
    ApplicationFactory(job=secret_job, candidate=candidate, current_stage=secret_job.stages.first())

    response = client_for(manager).get(url(candidate))

    assert response.status_code == 200
    assert job.title in response.text
    assert "Confidential CTO search" not in response.text


def test_an_interviewer_does_not_see_candidate_pages_yet(client_for, interviewer, candidate, job):
    # Interviewers will see the candidates of their own interviews (a later step); being on the
    # hiring team alone shows them no answers, resumes or notes.
    HiringTeamMember.objects.create(job=job, user=interviewer)
    ApplicationFactory(job=job, candidate=candidate, current_stage=job.stages.first())
    client = client_for(interviewer)

    assert client.get(url(candidate)).status_code == 404
    assert client.get(f"/jobs/{job.pk}/applications/").status_code == 403
    assert client.post(f"/candidates/{candidate.pk}/notes/", {"body": "hi", "visibility": "team"}).status_code == 404


def test_a_hiring_manager_sees_the_page_without_profile_editing(client_for, hiring_manager, candidate, job):
    HiringTeamMember.objects.create(job=job, user=hiring_manager)
    ApplicationFactory(job=job, candidate=candidate, current_stage=job.stages.first())

    response = client_for(hiring_manager).get(url(candidate))

    assert response.status_code == 200
    assert "Ada Lovelace" in response.text
    assert ">Advance to Initial Screening</button>" in response.text
    assert "Edit profile" not in response.text


def test_the_page_has_the_decision_buttons_for_a_recruiter(client_for, recruiter, candidate, job, stages):
    application = ApplicationFactory(job=job, candidate=candidate, current_stage=stages[0])

    html = client_for(recruiter).get(url(candidate)).text

    assert f'action="/applications/{application.pk}/advance/"' in html
    assert f'action="/applications/{application.pk}/move/"' in html
    assert "Edit profile" in html


# --- Notes -----------------------------------------------------------------------


def add_note(client, candidate, body, **data):
    return client.post(f"/candidates/{candidate.pk}/notes/", {"body": body, "visibility": "team", **data}, follow=True)


def test_a_note_is_added_to_the_timeline(client_for, recruiter, candidate):
    response = add_note(client_for(recruiter), candidate, "Strong portfolio <b>really</b>")

    assert "Note added." in response.text
    note = Note.objects.get(candidate=candidate)
    assert (note.author, note.visibility) == (recruiter, Note.Visibility.TEAM)
    assert "Strong portfolio &lt;b&gt;really&lt;/b&gt;" in response.text


def test_an_empty_note_is_refused(client_for, recruiter, candidate):
    response = add_note(client_for(recruiter), candidate, "   ")

    assert "Write something in the note first." in response.text
    assert not Note.objects.exists()


def test_a_mention_by_first_name_or_email_is_stored(client_for, recruiter, organization, candidate, other_organization):
    riley = MembershipFactory(organization=organization, user=UserFactory(name="Riley Stone")).user
    by_email = MembershipFactory(organization=organization, user=UserFactory(email="recruiter@acme.test")).user
    MembershipFactory(organization=organization, user=UserFactory(name="Sam Bystander"))
    MembershipFactory(organization=other_organization, user=UserFactory(name="Riley Outsider"))

    add_note(client_for(recruiter), candidate, "What do you think, @riley? And @recruiter@acme.test.")

    assert set(Note.objects.get().mentions.all()) == {riley, by_email}


def test_mentioned_users_ignores_inactive_members_and_plain_emails(organization, candidate):
    inactive = MembershipFactory(
        organization=organization, user=UserFactory(name="Riley Gone"), role=Membership.Role.RECRUITER, is_active=False
    )
    active = MembershipFactory(
        organization=organization, user=UserFactory(name="Riley Here"), role=Membership.Role.RECRUITER
    )

    assert services.mentioned_users(candidate, "@riley") == [active.user]
    assert services.mentioned_users(candidate, f"write to {inactive.user.email} directly") == []


def test_a_private_note_is_visible_to_its_author_only(client_for, recruiter, organization, candidate):
    colleague = MembershipFactory(organization=organization, role=Membership.Role.RECRUITER).user
    add_note(client_for(recruiter), candidate, "My private hunch", visibility="private")

    authors_page, colleagues_page = (client_for(user).get(url(candidate)) for user in (recruiter, colleague))

    assert (authors_page.status_code, colleagues_page.status_code) == (200, 200)
    assert "My private hunch" in authors_page.text
    assert candidate.first_name in colleagues_page.text
    assert "My private hunch" not in colleagues_page.text


def test_a_note_can_be_about_one_application(client_for, recruiter, candidate, job, stages):
    application = ApplicationFactory(job=job, candidate=candidate, current_stage=stages[0])

    add_note(client_for(recruiter), candidate, "For this role", application=application.pk)

    assert Note.objects.get().application == application


def test_a_hiring_manager_cannot_attach_a_note_to_a_job_they_cannot_open(client_for, hiring_manager, organization):
    theirs, secret = make_job(organization, title="Their Role"), make_job(organization, title="Secret Role")
    HiringTeamMember.objects.create(job=theirs, user=hiring_manager)
    candidate = CandidateFactory(organization=organization)
    ApplicationFactory(job=theirs, candidate=candidate, current_stage=theirs.stages.first())
    hidden = ApplicationFactory(job=secret, candidate=candidate, current_stage=secret.stages.first())
    client = client_for(hiring_manager)

    page = client.get(url(candidate))
    client.post(f"/candidates/{candidate.pk}/notes/", {"body": "x", "visibility": "team", "application": hidden.pk})

    assert page.status_code == 200
    assert "Their Role" in page.text
    assert "Secret Role" not in page.text
    assert not Note.objects.filter(application=hidden).exists()


def test_notes_on_another_organisations_candidate_are_404(client_for, recruiter, other_organization):
    foreign = CandidateFactory(organization=other_organization)

    assert add_note(client_for(recruiter), foreign, "hello").status_code == 404
    assert not Note.objects.exists()


def test_notes_refuse_get(client_for, recruiter, candidate):
    assert client_for(recruiter).get(f"/candidates/{candidate.pk}/notes/").status_code == 405


# --- Editing the profile ----------------------------------------------------------


def edit(client, candidate, **changes):
    data = {"first_name": candidate.first_name, "last_name": candidate.last_name, "email": candidate.email}
    return client.post(f"/candidates/{candidate.pk}/edit/", {**data, **changes}, follow=True)


def test_a_recruiter_edits_the_profile(client_for, recruiter, candidate):
    response = edit(client_for(recruiter), candidate, city="Paris", skills="Python\nMathematics\n")

    assert "Profile saved." in response.text
    candidate.refresh_from_db()
    assert (candidate.city, candidate.skills) == ("Paris", ["Python", "Mathematics"])


def test_an_email_that_another_candidate_has_is_refused(client_for, recruiter, candidate, organization):
    CandidateFactory(organization=organization, email="taken@example.com")

    response = edit(client_for(recruiter), candidate, email="TAKEN@example.com", city="Paris")

    assert "Another candidate already has this email. Merge them instead." in response.text
    candidate.refresh_from_db()
    assert (candidate.email, candidate.city) == ("ada@example.com", "London")


def test_the_same_email_in_another_organisation_is_no_clash(client_for, recruiter, candidate, other_organization):
    CandidateFactory(organization=other_organization, email="shared@example.com")

    edit(client_for(recruiter), candidate, email="shared@example.com")

    candidate.refresh_from_db()
    assert candidate.email == "shared@example.com"


def test_a_hiring_manager_may_not_edit_profiles(client_for, hiring_manager, candidate, job):
    # On the team of a job the candidate applied to, so they see the candidate but may not edit them.
    HiringTeamMember.objects.create(job=job, user=hiring_manager)
    ApplicationFactory(job=job, candidate=candidate, current_stage=job.stages.first())

    assert client_for(hiring_manager).get(f"/candidates/{candidate.pk}/edit/").status_code == 403


def test_editing_another_organisations_candidate_is_404(client_for, recruiter, other_organization):
    foreign = CandidateFactory(organization=other_organization)

    assert client_for(recruiter).get(f"/candidates/{foreign.pk}/edit/").status_code == 404


# --- Adding a candidate by hand -------------------------------------------------------


def test_adding_a_candidate_with_a_resume_and_a_job_puts_them_in_the_first_stage(
    client_for, recruiter, job, stages, django_capture_on_commit_callbacks
):
    resume = pdf_upload("grace.pdf", lines=("Grace Hopper", "COBOL compilers and nanoseconds"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(recruiter).post(
            "/candidates/new/",
            {
                "first_name": "Grace",
                "last_name": "Hopper",
                "email": " grace@example.com ",
                "phone": "+1 555 0100",
                "source": "referral",
                "job": job.pk,
                "resume": resume,
            },
        )

    candidate = Candidate.objects.get(email="grace@example.com")
    assert response.status_code == 302
    assert response["Location"] == url(candidate)
    assert (candidate.resume_name, candidate.source) == ("grace.pdf", "referral")
    assert default_storage.exists(candidate.resume.name)
    assert "COBOL compilers" in candidate.resume_text  # parsed after commit, from the real PDF
    application = Application.objects.get(candidate=candidate)
    assert (application.job, application.current_stage, application.source) == (job, stages[0], "referral")
    history = application.stage_history.get()
    assert (history.from_stage, history.to_stage, history.moved_by) == (None, stages[0], recruiter)
    assert TimelineEvent.objects.filter(candidate=candidate, kind="added").exists()


def test_adding_a_candidate_without_a_job_creates_no_application(client_for, recruiter):
    client_for(recruiter).post("/candidates/new/", {"first_name": "Lin", "email": "lin@example.com"})

    candidate = Candidate.objects.get(email="lin@example.com")
    assert not candidate.applications.exists()


def test_adding_a_duplicate_email_is_a_form_error_and_creates_nothing(client_for, recruiter, candidate, job):
    response = client_for(recruiter).post(
        "/candidates/new/", {"first_name": "Other", "email": "ADA@example.com", "job": job.pk}
    )

    assert response.status_code == 400
    assert "Ada Lovelace already has this email address." in response.text
    assert f'href="/candidates/{candidate.pk}/"' in response.text
    assert Candidate.objects.count() == 1
    assert not Application.objects.exists()


def test_a_job_of_another_organisation_cannot_be_chosen(client_for, recruiter, other_organization):
    foreign_job = make_job(other_organization)

    response = client_for(recruiter).post(
        "/candidates/new/", {"first_name": "Lin", "email": "lin@example.com", "job": foreign_job.pk}
    )

    assert response.status_code == 400
    assert not Candidate.objects.exists()


def test_a_hiring_manager_may_not_add_candidates(client_for, hiring_manager):
    assert client_for(hiring_manager).get("/candidates/new/").status_code == 403
