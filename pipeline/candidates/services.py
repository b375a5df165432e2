"""Candidates: adding one by hand, notes with mentions, merging two profiles of one person."""

import re

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from .. import reactions
from ..applications.access import members_who_see
from ..applications.models import AnswerChoice, ApplicationFormAnswer
from ..applications.services import open_application
from .access import members_who_see_candidate
from .models import Candidate, Note, TimelineEvent, delete_file_on_commit, normalise_email

MENTION_RE = re.compile(r"@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)")


def note_audience(candidate, application=None):
    """The members who may read a team note: those who see its application, or (a note about the
    person) those who see the candidate. Only they can be mentioned in it."""
    return members_who_see(application) if application else members_who_see_candidate(candidate)


def mentioned_users(candidate, body, application=None):
    """Members named in `body` as @email, @email-name (before the @) or @firstname, among those who
    may read the note (a mention never shows anything to someone who may not see it)."""
    handles = {handle.lower().rstrip(".") for handle in MENTION_RE.findall(body)}
    if not handles:
        return []
    found = []
    for membership in note_audience(candidate, application).select_related("user"):
        user = membership.user
        if mention_handles(user) & handles:
            found.append(user)
    return found


def mention_handles(user):
    """What @-handles name `user`: the address, its part before the @, the first name."""
    names = {user.email.lower(), user.email.split("@")[0].lower()}
    if user.name:
        names.add(user.name.split()[0].lower())
    return names


@transaction.atomic
def add_note(*, candidate, author, body, visibility=Note.Visibility.TEAM, application=None):
    """A note on `candidate` (about one application, when given). A team note's mentions are told;
    a private note mentions nobody: only its author reads it."""
    note = Note.objects.create(
        candidate=candidate, application=application, author=author, body=body, visibility=visibility
    )
    mentioned = mentioned_users(candidate, body, application) if visibility == Note.Visibility.TEAM else []
    note.mentions.set(mentioned)
    reactions.note_added(note, mentioned)
    return note


class DuplicateCandidate(ValidationError):
    """Keyed by `email`: the field a form or the API shows it on."""

    def __init__(self, candidate):
        super().__init__({"email": f"{candidate.full_name} already has this email address."})
        self.candidate = candidate


def add_candidate(*, organization, by, values, resume=None, job=None):
    """A sourced candidate (and an application when a job is given). Raises DuplicateCandidate.

    The resume is stored before the row is written; when the candidate is not kept (a duplicate,
    any failure), the file is removed again.
    """
    written = []
    try:
        return _add_candidate(organization=organization, by=by, values=values, resume=resume, job=job, written=written)
    except BaseException:
        for name in written:
            default_storage.delete(name)  # never referenced by a committed row
        raise


@transaction.atomic
def _add_candidate(*, organization, by, values, resume, job, written):
    email = values["email"] = normalise_email(values["email"])
    existing = Candidate.objects.filter(organization=organization, email=email).first()
    if existing:
        raise DuplicateCandidate(existing)
    candidate = Candidate(organization=organization, **values)
    if resume:
        candidate.resume.save(resume.name, resume, save=False)
        written.append(candidate.resume.name)
        candidate.resume_name = resume.name[:255]
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:
        # Added by someone else a moment ago (or a double submit).
        raise DuplicateCandidate(Candidate.objects.get(organization=organization, email=email)) from None
    reactions.candidate_created(candidate)
    if job:
        open_application(job=job, candidate=candidate, applied=False, by=by, note="Added by a recruiter",
                         source=candidate.source)  # fmt: skip
    TimelineEvent.objects.create(candidate=candidate, actor=by, kind="added", text="Added by hand")
    if resume:
        reactions.resume_received(candidate)
    return candidate


TAKEN_EMAIL = "Another candidate already has this email. Merge them instead."


@transaction.atomic
def update_candidate(*, candidate, values):
    """Change `candidate`'s profile to `values` (field -> value); the address stays unique in the organisation.

    Refused for an erased candidate (there is no profile left to edit). ValidationError keyed by field.
    """
    if candidate.erased_at is not None:
        raise ValidationError("This candidate's data was erased: there is no profile to edit.")
    if "email" in values:
        values = {**values, "email": normalise_email(values["email"])}
        taken = Candidate.objects.filter(organization_id=candidate.organization_id, email=values["email"])
        if taken.exclude(pk=candidate.pk).exists():
            raise ValidationError({"email": TAKEN_EMAIL})
    for field, value in values.items():
        setattr(candidate, field, value)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:
        # The address was taken a moment ago (the check above saw it free).
        raise ValidationError({"email": TAKEN_EMAIL}) from None
    return candidate


MERGE_FIELDS = (
    "first_name", "last_name", "phone", "address", "city", "country", "linkedin_url", "portfolio_url",
    "cover_letter", "resume_text", "resume_status", "experience_years", "source",
)  # fmt: skip
MERGE_LISTS = ("skills", "education", "work_experience", "certifications", "languages")


@transaction.atomic
def merge_candidates(*, keep, merge, by=None):
    """Fold `merge` into `keep`: applications, answers, notes, events and files move; `merge` is deleted.

    When both applied to the same job, `keep`'s application stays and takes the
    other's answers, history, notes and tags. Empty fields of `keep` are filled,
    lists are united, and the merge is recorded in the timeline.
    """
    if keep.pk == merge.pk or keep.organization_id != merge.organization_id:
        raise ValidationError("Choose two different candidates of your organisation.")
    keep = Candidate.objects.select_for_update().get(pk=keep.pk)
    merge = Candidate.objects.select_for_update().get(pk=merge.pk)
    if keep.erased_at or merge.erased_at:
        raise ValidationError("An erased candidate can't be merged: their data is gone.")
    kept_jobs = {a.job_id: a for a in keep.applications.all()}
    for application in merge.applications.select_for_update():
        twin = kept_jobs.get(application.job_id)
        if twin is None:
            application.candidate = keep
            application.save(update_fields=["candidate", "updated_at"])
            continue
        application.answers.update(application=twin)
        # Its chosen options follow its answers (one both chose stays one row); so does a knockout.
        AnswerChoice.objects.bulk_create(
            [
                AnswerChoice(application=twin, field_id=f, value=v)
                for f, v in application.answer_choices.values_list("field_id", "value")
            ],
            ignore_conflicts=True,
        )
        if application.knocked_out and not twin.knocked_out:
            twin.knocked_out = True
            twin.save(update_fields=["knocked_out"])
        application.stage_history.update(application=twin)
        application.application_notes.update(application=twin)
        application.events.update(application=twin)
        twin.tags.add(*application.tags.all())  # the twin keeps its tags and gains the other's
        application.delete()
    merge.notes.update(candidate=keep)
    merge.events.update(candidate=keep)
    for field in MERGE_FIELDS:
        if getattr(keep, field) in ("", None) and getattr(merge, field) not in ("", None):
            setattr(keep, field, getattr(merge, field))
    for field in MERGE_LISTS:
        setattr(keep, field, list(dict.fromkeys([*getattr(keep, field), *getattr(merge, field)])))
    if not keep.resume and merge.resume:
        keep.resume, keep.resume_name, keep.parsed_cv_data = merge.resume, merge.resume_name, merge.parsed_cv_data
    elif merge.resume:
        # Keep their other resume with one of their applications rather than lose it.
        application = keep.applications.order_by("-applied_at").first()
        if application:
            ApplicationFormAnswer.objects.create(
                application=application, key="resume", label="Earlier resume", file=merge.resume.name,
                file_name=merge.resume_name,
            )  # fmt: skip
        else:
            delete_file_on_commit(merge.resume.name)  # nowhere to keep it: it goes with its row
    keep.save()
    TimelineEvent.objects.create(
        candidate=keep, actor=by, kind="merged", text=f"Merged {merge.full_name} <{merge.email}> into this profile"
    )
    merge.delete()
    return keep
