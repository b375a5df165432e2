"""Possible duplicates on the candidate page, and merging them: POST /candidates/<keep>/merge/."""

import pytest

from jobs.models import HiringTeamMember
from pipeline.models import (
    Application,
    ApplicationFormAnswer,
    ApplicationStageHistory,
    Candidate,
    Note,
    TimelineEvent,
)
from tests.factories import ApplicationFactory, CandidateFactory, make_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(organization):
    return make_job(organization, title="Backend"), make_job(organization, title="Data")


@pytest.fixture
def keep(organization):
    return CandidateFactory(
        organization=organization, first_name="Ada", last_name="Lovelace", email="ada@work.test", skills=["Python"]
    )


@pytest.fixture
def merge(organization):
    return CandidateFactory(
        organization=organization,
        first_name="Ada",
        last_name="L.",
        email="ada@home.test",
        phone="020 7946 0000",
        city="London",
        skills=["Python", "Maths"],
        resume="private/resumes/ada-home.pdf",
        resume_name="ada-home.pdf",
    )


def merge_url(keep):
    return f"/candidates/{keep.pk}/merge/"


def applied(job, candidate, **answers):
    stage = job.stages.first()
    application = ApplicationFactory(job=job, candidate=candidate, current_stage=stage)
    ApplicationStageHistory.objects.create(application=application, to_stage=stage, note="Applied")
    for key, value in answers.items():
        ApplicationFormAnswer.objects.create(application=application, key=key, label=key.title(), value=value)
    return application


# --- Merging -------------------------------------------------------------------


def test_after_a_merge_nothing_points_at_the_merged_candidate(client_for, recruiter, keep, merge, jobs):
    applied(jobs[0], keep, notice="1 month")
    twin = applied(jobs[0], merge, salary="60k")
    other = applied(jobs[1], merge, portfolio="https://ada.test")
    Note.objects.create(candidate=merge, author=recruiter, body="About the person")
    Note.objects.create(candidate=merge, application=twin, author=recruiter, body="About the twin application")
    TimelineEvent.objects.create(candidate=merge, application=other, kind="archived", text="Archived")
    answers = ApplicationFormAnswer.objects.count()

    response = client_for(recruiter).post(merge_url(keep), {"other": merge.pk})

    assert response.status_code == 302
    assert response["Location"] == f"/candidates/{keep.pk}/"
    assert not Candidate.objects.filter(pk=merge.pk).exists()
    assert not Application.objects.filter(candidate_id=merge.pk).exists()
    assert not Note.objects.filter(candidate_id=merge.pk).exists()
    assert not TimelineEvent.objects.filter(candidate_id=merge.pk).exists()
    assert not ApplicationFormAnswer.objects.filter(application__candidate_id=merge.pk).exists()
    assert not Application.objects.filter(pk=twin.pk).exists()
    # Nothing was lost on the way: every answer, note and event now hangs off `keep`.
    assert ApplicationFormAnswer.objects.filter(application__candidate=keep).count() == answers
    assert Note.objects.filter(candidate=keep).count() == 2
    assert Note.objects.get(body="About the twin application").application.candidate == keep
    assert TimelineEvent.objects.get(kind="archived").candidate == keep
    other.refresh_from_db()
    assert other.candidate == keep


def test_when_both_applied_to_one_job_one_application_keeps_both_sets_of_answers(
    client_for, recruiter, keep, merge, jobs
):
    kept = applied(jobs[0], keep, notice="1 month")
    applied(jobs[0], merge, salary="60k")

    client_for(recruiter).post(merge_url(keep), {"other": merge.pk})

    [application] = Application.objects.filter(job=jobs[0])
    assert application == kept
    assert {a.key: a.value for a in application.answers.all()} == {"notice": "1 month", "salary": "60k"}
    assert application.stage_history.count() == 2


def test_the_merge_fills_empty_fields_unites_lists_and_takes_the_resume(client_for, recruiter, keep, merge):
    client_for(recruiter).post(merge_url(keep), {"other": merge.pk})

    keep.refresh_from_db()
    assert (keep.last_name, keep.email) == ("Lovelace", "ada@work.test")  # what keep had stays
    assert (keep.phone, keep.city) == ("020 7946 0000", "London")
    assert keep.phone_key == "079460000"
    assert keep.skills == ["Python", "Maths"]
    assert (keep.resume.name, keep.resume_name) == ("private/resumes/ada-home.pdf", "ada-home.pdf")


def test_a_second_resume_is_kept_with_the_latest_application(client_for, recruiter, keep, merge, jobs):
    keep.resume, keep.resume_name = "private/resumes/ada-work.pdf", "ada-work.pdf"
    keep.save()
    application = applied(jobs[0], keep)

    client_for(recruiter).post(merge_url(keep), {"other": merge.pk})

    keep.refresh_from_db()
    assert keep.resume.name == "private/resumes/ada-work.pdf"
    earlier = application.answers.get(key="resume")
    assert (earlier.file.name, earlier.file_name) == ("private/resumes/ada-home.pdf", "ada-home.pdf")


def test_the_timeline_shows_the_merge(client_for, recruiter, keep, merge):
    response = client_for(recruiter).post(merge_url(keep), {"other": merge.pk}, follow=True)

    assert "Merged Ada L. into Ada Lovelace." in response.text
    assert "Merged Ada L. &lt;ada@home.test&gt; into this profile" in response.text
    assert TimelineEvent.objects.get(kind="merged").actor == recruiter


def test_merging_a_candidate_of_another_organisation_is_404(client_for, recruiter, keep, other_organization):
    foreign = CandidateFactory(organization=other_organization)

    response = client_for(recruiter).post(merge_url(keep), {"other": foreign.pk})

    assert response.status_code == 404
    assert Candidate.objects.filter(pk=foreign.pk).exists()


def test_merging_into_another_organisations_candidate_is_404(client_for, recruiter, merge, other_organization):
    foreign = CandidateFactory(organization=other_organization)

    assert client_for(recruiter).post(merge_url(foreign), {"other": merge.pk}).status_code == 404
    assert Candidate.objects.filter(pk=merge.pk).exists()


def test_a_missing_or_malformed_other_is_404(client_for, recruiter, keep):
    client = client_for(recruiter)

    assert client.post(merge_url(keep), {"other": "abc"}).status_code == 404
    assert client.post(merge_url(keep)).status_code == 404


def test_merging_a_candidate_into_itself_is_refused_with_a_message(client_for, recruiter, keep):
    response = client_for(recruiter).post(merge_url(keep), {"other": keep.pk}, follow=True)

    assert "Choose two different candidates" in response.text
    assert Candidate.objects.filter(pk=keep.pk).exists()


def test_a_hiring_manager_may_not_merge(client_for, hiring_manager, jobs, keep, merge):
    # On the team of the job both applied to, so they see both candidates but may not merge them.
    HiringTeamMember.objects.create(job=jobs[0], user=hiring_manager)
    applied(jobs[0], keep)
    applied(jobs[0], merge)

    assert client_for(hiring_manager).post(merge_url(keep), {"other": merge.pk}).status_code == 403
    assert Candidate.objects.filter(pk=merge.pk).exists()


def test_merge_refuses_get(client_for, recruiter, keep):
    assert client_for(recruiter).get(merge_url(keep)).status_code == 405


# --- Spotting duplicates ----------------------------------------------------------------


def test_the_same_phone_in_another_format_is_a_possible_duplicate(client_for, recruiter, organization, merge):
    keep = CandidateFactory(organization=organization, email="ada@work.test", phone="+44 20 7946 0000")

    html = client_for(recruiter).get(f"/candidates/{keep.pk}/").text

    assert "Possible duplicate:" in html
    assert "ada@home.test" in html
    assert f'<input type="hidden" name="other" value="{merge.pk}">' in html


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("https://www.linkedin.com/in/ada-l/", "linkedin.com/in/ada-l"),
        ("http://linkedin.com/in/Ada-L", "https://www.linkedin.com/in/ada-l/"),
    ],
)
def test_the_same_linkedin_profile_is_a_possible_duplicate(client_for, recruiter, organization, ours, theirs):
    keep = CandidateFactory(organization=organization, linkedin_url=ours)
    other = CandidateFactory(organization=organization, linkedin_url=theirs)

    html = client_for(recruiter).get(f"/candidates/{keep.pk}/").text

    assert f'<input type="hidden" name="other" value="{other.pk}">' in html


def test_different_people_are_not_duplicates(client_for, recruiter, organization, other_organization):
    keep = CandidateFactory(
        organization=organization, phone="+44 20 7946 0000", linkedin_url="https://linkedin.com/in/a"
    )
    CandidateFactory(organization=organization, phone="+44 20 7946 0001", linkedin_url="https://linkedin.com/in/b")
    CandidateFactory(organization=organization, phone="12-34")  # too short to compare
    CandidateFactory(organization=other_organization, phone="020 7946 0000")

    response = client_for(recruiter).get(f"/candidates/{keep.pk}/")

    assert response.status_code == 200
    assert keep.first_name in response.text
    assert "Possible duplicate" not in response.text


def test_a_hiring_manager_sees_duplicates_but_no_merge_button(client_for, organization, hiring_manager, jobs, merge):
    HiringTeamMember.objects.create(job=jobs[0], user=hiring_manager)
    keep = CandidateFactory(organization=organization, phone="+44 20 7946 0000")
    applied(jobs[0], keep)
    applied(jobs[0], merge)

    response = client_for(hiring_manager).get(f"/candidates/{keep.pk}/")

    assert response.status_code == 200
    assert "ada@home.test" in response.text
    assert "Merge into this profile" not in response.text
