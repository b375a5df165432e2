"""Erasing a candidate (pipeline.privacy.services.erase_candidate): the acceptance test and what stays.

The search walks every text-like column of every model Django knows, so a table added by a later
step (interviews, scorecards, tasks, notifications, webhooks) is searched without a change here.
"""

import re

import pytest
from django.apps import apps
from django.db import connection, models
from django.db.models.functions import Cast

from mail.models import EmailAttachment, EmailEvent, EmailMessage
from pipeline.applications.models import Application, ApplicationFormAnswer, ApplicationStageHistory
from pipeline.candidates.models import Candidate
from pipeline.privacy.models import ErasureRecord
from pipeline.privacy.services import erase_candidate

from .conftest import EMAIL, FIRST, LAST, NEEDLES, PHONE

pytestmark = pytest.mark.django_db

TEXT_TYPES = {"CharField", "TextField", "JSONField", "SlugField", "FileField", "FilePathField"}


def _text_fields(model):
    return [
        field
        for field in model._meta.concrete_fields
        if field.get_internal_type() in TEXT_TYPES or isinstance(field, models.CharField | models.TextField)
    ]


def rows_mentioning(needles):
    """["app.Model.field: 'needle'"] for every text-like column of every table holding one of `needles`."""
    found = []
    for model in apps.get_models():
        for field in _text_fields(model):
            rows = model._base_manager.annotate(_as_text=Cast(field.name, models.TextField()))
            for needle in needles:
                if rows.filter(_as_text__icontains=needle).exists():
                    found.append(f"{model._meta.label}.{field.name}: {needle!r}")
    return found


def search_vector_mentioning(needles):
    """The words of `needles` the PostgreSQL search vector (migration 0002) still holds; [] on SQLite."""
    if connection.vendor != "postgresql":
        return []
    words = {word.lower() for needle in needles for word in re.findall(r"\w+", needle) if len(word) >= 4}
    words -= {"example"}
    found = []
    with connection.cursor() as cursor:
        for word in sorted(words):
            cursor.execute("SELECT count(*) FROM pipeline_candidate WHERE search_vector::text ILIKE %s", [f"%{word}%"])
            if cursor.fetchone()[0]:
                found.append(word)
    return found


def attachments_mentioning(needles):
    """Stored attachments (bytes, which the column scan above doesn't read) holding one of `needles`."""
    found = []
    for attachment in EmailAttachment.objects.all():
        content = bytes(attachment.content).lower()
        found += [f"{attachment.filename}: {needle!r}" for needle in needles if needle.lower().encode() in content]
    return found


def media_files(settings):
    root = settings.MEDIA_ROOT
    return {path.relative_to(root).as_posix(): path for path in root.rglob("*") if path.is_file()}


def files_mentioning(settings, needles):
    found = []
    for name, path in media_files(settings).items():
        content = path.read_bytes().lower()
        found += [f"{name}: {needle!r}" for needle in needles if needle.lower().encode() in content]
    return found


def referenced_files(person):
    names = [person.candidate.resume.name]
    names += (
        ApplicationFormAnswer.objects.filter(application__candidate=person.candidate)
        .exclude(file="")
        .values_list("file", flat=True)
    )
    return names


def test_the_search_finds_the_person_before_erasure(person, settings):
    # The scanner itself works: every needle is somewhere, in the places this test relies on.
    found = rows_mentioning(NEEDLES)

    for column in (
        "pipeline.Candidate.email",
        "pipeline.Candidate.resume_text",
        "pipeline.Note.body",
        "pipeline.TimelineEvent.text",
        "pipeline.ApplicationStageHistory.note",
        "pipeline.ApplicationFormAnswer.value",
        "pipeline.RetentionExtension.reason",
        "mail.EmailMessage.to",
        "mail.EmailMessage.subject",
        "mail.EmailMessage.html_body",
        "admin.LogEntry.object_repr",
        "pipeline.Task.title",
        "pipeline.TaskComment.body",
        "pipeline.ActionRun.email_body",
        "notifications.Notification.title",
        "pipeline.Interview.title",
        "pipeline.Scorecard.notes",
    ):
        assert any(line.startswith(f"{column}:") for line in found), column
    assert attachments_mentioning(NEEDLES)  # the invitations' .ics name them
    assert len(referenced_files(person)) == 2  # the resume and the portfolio
    assert all(name in media_files(settings) for name in referenced_files(person))
    if connection.vendor == "postgresql":
        assert set(search_vector_mentioning(NEEDLES)) >= {FIRST.lower(), LAST.lower()}


def test_erasing_leaves_no_row_file_or_email_with_their_email_name_or_phone(
    person, settings, django_capture_on_commit_callbacks
):
    files = referenced_files(person)

    with django_capture_on_commit_callbacks(execute=True):
        erase_candidate(candidate=person.candidate, by=person.owner, reason=ErasureRecord.Reason.REQUEST)

    assert rows_mentioning(NEEDLES) == []
    assert attachments_mentioning(NEEDLES) == []
    assert search_vector_mentioning(NEEDLES) == []
    assert [name for name in files if name in media_files(settings)] == []
    assert files_mentioning(settings, NEEDLES) == []


def test_the_tombstone_keeps_the_counts(person, django_capture_on_commit_callbacks):
    candidate = person.candidate
    history = ApplicationStageHistory.objects.filter(application__candidate=candidate).count()
    messages = EmailMessage.objects.filter(organization=person.organization).count()

    with django_capture_on_commit_callbacks(execute=True):
        erase_candidate(candidate=candidate, by=person.owner, reason=ErasureRecord.Reason.REQUEST)

    candidate.refresh_from_db()
    assert (candidate.first_name, candidate.last_name) == ("Erased", "candidate")
    assert candidate.email == f"erased-{candidate.pk}@erased.invalid"
    assert candidate.erased_at is not None
    assert (candidate.phone, candidate.resume.name, candidate.resume_text, candidate.parsed_cv_data) == ("", "", "", {})
    assert candidate.retain_until is None
    assert Application.objects.filter(candidate=candidate).count() == 1
    application = Application.objects.get(pk=person.application.pk)
    assert (application.job_id, application.current_stage_id, application.status) == (
        person.application.job_id,
        person.application.current_stage_id,
        Application.Status.ACTIVE,
    )
    assert application.cover_letter == ""
    assert ApplicationStageHistory.objects.filter(application__candidate=candidate).count() == history
    assert not ApplicationFormAnswer.objects.filter(application__candidate=candidate).exists()
    assert not candidate.notes.exists()
    assert EmailMessage.objects.filter(organization=person.organization).count() == messages


def test_the_audit_entry_has_the_candidate_id_and_no_name(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record = erase_candidate(candidate=person.candidate, by=person.owner, reason=ErasureRecord.Reason.REQUEST)

    record = ErasureRecord.objects.get(pk=record.pk)
    assert record.candidate_number == person.candidate.pk
    assert record.organization == person.organization
    assert record.erased_by == person.owner
    assert record.reason == ErasureRecord.Reason.REQUEST
    assert (record.applications_kept, record.files_deleted) == (1, 2)
    assert record.messages_erased == EmailMessage.objects.filter(organization=person.organization).count()
    text = " ".join(str(getattr(record, field.attname)) for field in ErasureRecord._meta.concrete_fields)
    assert FIRST not in text and EMAIL not in text and PHONE not in text
    assert str(record) == f"Candidate #{person.candidate.pk} erased (The person asked to be erased)"


def test_their_emails_keep_status_and_dates_and_say_they_were_erased(person, django_capture_on_commit_callbacks):
    sent = EmailMessage.objects.filter(status=EmailMessage.Status.SENT, organization=person.organization)
    to_them = [message for message in sent if message.to == [EMAIL]]
    before = {message.pk: (message.status, message.sent_at) for message in to_them}
    assert len(before) == 3  # the acknowledgement, the personal one and the interview's invitation
    # The colleague's emails: of the note that mentioned them, and of the screening task the stage gave them.
    mention = sent.exclude(pk__in=before).get(subject__contains="mentioned you")
    task = sent.exclude(pk__in=before).get(subject__startswith="Task for you")
    colleague = mention.to

    with django_capture_on_commit_callbacks(execute=True):
        erase_candidate(candidate=person.candidate, by=person.owner, reason=ErasureRecord.Reason.REQUEST)

    for message in EmailMessage.objects.filter(pk__in=before):
        assert (message.status, message.sent_at) == before[message.pk]
        assert (message.subject, message.html_body, message.text_body) == ("(erased)", "", "")
        assert (message.to, message.context, message.links) == ([], {}, [])
        assert message.events.filter(kind=EmailEvent.Kind.ERASED).count() == 1
        assert message.attachments.count() == 0  # the invitation's .ics went with its body
    for message in (mention, task):
        message.refresh_from_db()
        assert (message.subject, message.text_body, message.to) == ("(erased)", "", colleague)
    queued = EmailMessage.objects.get(pk=person.queued.pk)
    assert queued.status == EmailMessage.Status.FAILED  # never sent to nobody
    assert queued.last_error == "Erased before it was sent."


def test_erasing_twice_does_nothing_the_second_time(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        erase_candidate(candidate=person.candidate, reason=ErasureRecord.Reason.MANUAL)

    with django_capture_on_commit_callbacks(execute=True):
        again = erase_candidate(candidate=person.candidate, reason=ErasureRecord.Reason.MANUAL)

    assert again is None
    assert ErasureRecord.objects.count() == 1


def test_files_go_only_once_the_erasure_commits(person, settings, django_capture_on_commit_callbacks):
    files = referenced_files(person)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        erase_candidate(candidate=person.candidate, reason=ErasureRecord.Reason.MANUAL)

    assert all(name in media_files(settings) for name in files)  # not yet: a rollback would still need them
    for callback in callbacks:
        callback()
    assert [name for name in files if name in media_files(settings)] == []


def test_a_file_already_gone_is_no_error(person, settings, django_capture_on_commit_callbacks):
    (settings.MEDIA_ROOT / person.candidate.resume.name).unlink()

    with django_capture_on_commit_callbacks(execute=True):
        record = erase_candidate(candidate=person.candidate, reason=ErasureRecord.Reason.MANUAL)

    assert record is not None
    assert Candidate.objects.get(pk=person.candidate.pk).erased_at is not None
