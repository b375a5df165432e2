"""Erasing a candidate (pipeline.privacy.services.erase_candidate) takes their interviews with it: the
interviews, their panels' seats, the scorecards, the invitations' stored calendar files and the
messages' bodies; another candidate's interviews stay as they were, and nobody is written to."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType

from mail.models import EmailAttachment, EmailMessage
from notifications.models import Category, Notification
from pipeline.applications.models import Application
from pipeline.interviews import jobs
from pipeline.interviews.models import Interview, PanelMember, Scorecard
from pipeline.interviews.services import submit_scorecard
from pipeline.privacy.models import ErasureRecord
from pipeline.privacy.services import erase_candidate

from .conftest import START

pytestmark = pytest.mark.django_db


def about(application):
    """The outbox rows related to `application` (what the interviews' emails point at)."""
    content_type = ContentType.objects.get_for_model(Application)
    return EmailMessage.objects.filter(content_type=content_type, object_id=application.pk)


def attachments_of(application):
    return EmailAttachment.objects.filter(message__in=about(application))


def interview_notices(application):
    content_type = ContentType.objects.get_for_model(Application)
    return Notification.objects.filter(
        content_type=content_type, object_id=application.pk,
        category__in=[Category.INTERVIEW_SCHEDULED, Category.FEEDBACK_REQUESTED],
    )  # fmt: skip


def state_of(interview):
    """(sequence, status, seats, calendar files of its application's messages), read afresh."""
    interview.refresh_from_db()
    seats = PanelMember.objects.filter(interview=interview).count()
    return interview.sequence, interview.status, seats, attachments_of(interview.application).count()


@pytest.fixture
def interviewed(clock, application, other_application, team, schedule, django_capture_on_commit_callbacks):
    """Ada: an interview held (with scorecards, the panel asked for the rest) and one to come. Bo: one to come."""
    hiring_manager, interviewer = team
    with django_capture_on_commit_callbacks(execute=True):
        held = schedule(application, team)
        coming = schedule(application, [interviewer], starts_at=START + timedelta(days=5), title="Meet the team")
        bos = schedule(other_application, team, starts_at=START + timedelta(days=5))
    clock.move_to(START + timedelta(hours=2))
    submit_scorecard(interview=held, author=hiring_manager, recommendation="yes", notes="Ada explained caching well")
    with django_capture_on_commit_callbacks(execute=True):
        jobs.sweep()  # asks the interviewer for their feedback on Ada
    return held, coming, bos


def test_the_setup_has_everything_erasure_must_remove(interviewed, application, other_application):
    assert Interview.objects.filter(application=application).count() == 2
    assert PanelMember.objects.filter(interview__application=application).count() == 3
    assert Scorecard.objects.filter(interview__application=application).count() == 1
    # Three invitations for the held one, two for the one to come: each with its two calendar parts.
    assert attachments_of(application).count() == 10
    assert b"ada@example.com" in bytes(attachments_of(application).first().content)
    assert interview_notices(application).filter(category=Category.FEEDBACK_REQUESTED).count() == 1
    assert attachments_of(other_application).count() == 6


def test_erasing_removes_their_interviews_seats_scorecards_and_calendar_files(
    interviewed, application, other_application, owner, django_capture_on_commit_callbacks
):
    held, coming, bos = interviewed
    messages = EmailMessage.objects.count()
    ada_messages = list(about(application).filter(attachments__isnull=False).distinct().values_list("pk", flat=True))
    to_ada = set(about(application).filter(to=["ada@example.com"]).values_list("pk", flat=True))
    bos_before = state_of(bos)

    with django_capture_on_commit_callbacks(execute=True):
        erase_candidate(candidate=application.candidate, by=owner, reason=ErasureRecord.Reason.REQUEST)

    assert not Interview.objects.filter(pk__in=[held.pk, coming.pk]).exists()
    assert not PanelMember.objects.filter(interview_id__in=[held.pk, coming.pk]).exists()
    assert not Scorecard.objects.filter(interview_id=held.pk).exists()
    assert not EmailAttachment.objects.filter(message_id__in=ada_messages).exists()
    assert not interview_notices(application).exists()
    for message in EmailMessage.objects.filter(pk__in=ada_messages):
        assert (message.subject, message.html_body, message.text_body) == ("(erased)", "", "")
        # Her address leaves the messages to her; the panel's keep their (colleague's) recipient.
        assert (message.to == []) == (message.pk in to_ada)
    # Nobody was written to (a cancellation would name them again); the rows stay as the tombstone's.
    assert EmailMessage.objects.count() == messages
    assert (len(ada_messages), len(to_ada)) == (5, 2)
    # Bo's interview is untouched.
    assert state_of(bos) == bos_before == (0, Interview.Status.SCHEDULED, 2, 6)
    assert Application.objects.filter(pk=application.pk).exists()  # the tombstone keeps its application
