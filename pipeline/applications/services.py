"""Applications: opening one (apply, "Add candidate", demo data), moving it, deciding on it.

Every state change here says what follows through pipeline.reactions, on commit.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from jobs.forms import clean_submission
from jobs.models import FormField, Job, Stage

from .. import reactions
from ..candidates.models import Candidate, TimelineEvent, normalise_email
from . import answer_choices
from .choices import MoveChoices
from .models import (
    DEFAULT_REJECTION_REASONS,
    AnswerChoice,
    Application,
    ApplicationFormAnswer,
    ApplicationStageHistory,
    ApplicationTag,
    Follow,
    RejectionReason,
    Tag,
    clean_tag,
    normalise_tag,
)

# Standard form keys that fill the candidate's profile.
CANDIDATE_FIELDS = ("first_name", "last_name", "phone", "linkedin_url", "cover_letter")


class AlreadyApplied(Exception):
    """This person already applied to this job; nothing was created."""


def first_stage(job):
    return Stage.objects.filter(job=job, is_active=True).order_by("order", "pk").first()


def open_application(*, job, candidate, applied, by=None, note="Applied", source="", at=None, **fields):
    """A new application in the job's first active stage, with its first history entry.

    The one way an application starts (apply, "Add candidate", the demo data).
    `applied` is True when the candidate applied themselves: the first stage's candidate emails
    (the acknowledgement) are owed to them only. Call inside a transaction; reactions follow on commit.
    """
    stage = first_stage(job)
    if stage is None:
        raise ValidationError("This job has no stage to receive applications.")
    at = at or timezone.now()
    application = Application.objects.create(
        job=job, candidate=candidate, current_stage=stage, stage_entered_at=at, applied_at=at, source=source, **fields
    )
    history = ApplicationStageHistory.objects.create(
        application=application, to_stage=stage, moved_by=by, note=note, created_at=at
    )
    reactions.application_created(application, history, applied=applied)
    return application


def find_or_create_candidate(organization, email, values):
    """(candidate, created) for `email` in `organization`, the row locked until the transaction ends."""
    email = normalise_email(email)
    candidate = Candidate.objects.select_for_update().filter(organization=organization, email=email).first()
    if candidate is None:
        try:
            with transaction.atomic():
                return Candidate.objects.create(organization=organization, email=email, **values), True
        except IntegrityError:
            # Someone with this address applied at the same instant: use their row.
            candidate = Candidate.objects.select_for_update().get(organization=organization, email=email)
    return candidate, False


def submit_application(*, job, values, answers=None, files=None, source="", optional=()):
    """Apply to `job` with plain data, in one transaction.

    `values` are the standard fields (first_name, email...), `answers` the custom
    questions and `files` the uploads, each keyed by field key; all are checked
    against the job's form (ValidationError keyed by field key). Finds the candidate
    by email within the organisation, fills only their empty fields, opens the
    application with its answers, and on commit lets pipeline.reactions say what
    follows. Raises AlreadyApplied. Files written on the way are removed again if
    the transaction fails.
    """
    standard, custom = clean_submission(job, values=values, answers=answers or {}, files=files or {}, optional=optional)
    written = []
    try:
        with transaction.atomic():
            return _submit(job=job, standard=standard, custom=custom, source=source, written=written)
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise


def _submit(*, job, standard, custom, source, written):
    organization = job.organization
    resume = standard.pop("resume", None)
    profile = {key: standard[key] for key in CANDIDATE_FIELDS if standard.get(key)}

    candidate, created = find_or_create_candidate(organization, standard["email"], profile)
    if created:
        reactions.candidate_created(candidate)
    else:
        if Application.objects.filter(job=job, candidate=candidate).exists():
            raise AlreadyApplied
        # Fill what is empty; never overwrite what a recruiter (or an earlier application) wrote.
        for key, value in profile.items():
            if not getattr(candidate, key):
                setattr(candidate, key, value)

    now = timezone.now()
    candidate.consent_given_at = now
    candidate.retain_until = organization.retention_date(now)
    candidate.source = candidate.source or source
    resume_kept_on_candidate = bool(resume and not candidate.resume)
    if resume_kept_on_candidate:
        candidate.resume.save(resume.name, resume, save=False)
        written.append(candidate.resume.name)
        candidate.resume_name = resume.name[:255]
    candidate.save()

    application = open_application(
        job=job, candidate=candidate, applied=True, source=source, at=now, cover_letter=standard.get("cover_letter", "")
    )
    stored = []
    if resume and not resume_kept_on_candidate:
        # They already had a resume on file: keep this one with the application.
        answer = ApplicationFormAnswer(application=application, key="resume", label="Resume", file_name=resume.name)
        answer.file.save(resume.name, resume, save=False)
        written.append(answer.file.name)
        stored.append(answer)
    _store_answers(application, custom, written=written, stored=stored)
    apply_knockouts(application=application, answers=custom)

    if resume_kept_on_candidate:
        reactions.resume_received(candidate)
    return application


def _store_answers(application, custom, *, written, stored=()):
    """The custom questions' answers (clean_submission's [(FormField, value)]) as rows, with `stored`
    ones already made; files written on the way are added to `written`."""
    stored = list(stored)
    for index, (field, value) in enumerate(custom):
        answer = ApplicationFormAnswer(
            application=application, field=field, key=field.key, label=field.label, order=index
        )
        if hasattr(value, "read"):
            answer.file.save(value.name, value, save=False)
            written.append(answer.file.name)
            answer.file_name = value.name[:255]
        else:
            answer.value = value.isoformat() if hasattr(value, "isoformat") else value
        stored.append(answer)
    ApplicationFormAnswer.objects.bulk_create(stored)
    # Choice and yes/no answers also as indexed rows, for the board's and the candidate list's filters.
    AnswerChoice.objects.bulk_create(answer_choices.rows(application, custom))


def apply_knockouts(*, application, answers, by=None):
    """Flag `application` as knocked out when one of `answers` ([(FormField, value)], as stored) is
    among its question's knockout answers; the timeline says which. With the form's
    knockout_auto_reject on, it is also rejected through the rejection flow (reject_application),
    the organisation's rejection email going after KNOCKOUT_REJECTION_DELAY (cancelled if someone
    brings it back first). Call in the transaction that stored the answers: a rollback undoes it all,
    and the email is only queued on commit. Returns whether it was knocked out. An application a
    member (`by`) entered is rejected without the email: a person someone added gets no candidate emails.
    """
    hits = answer_choices.knockouts(answers)
    if not hits:
        return False
    Application.objects.filter(pk=application.pk).update(knocked_out=True)
    application.knocked_out = True
    text = answer_choices.knockout_text(hits)
    if not application.job.application_form.knockout_auto_reject:
        _event(application, None, "knocked_out", f"{text}.")
        return True
    email, why_not = answer_choices.rejection_email(application) if by is None else (None, "")
    _event(application, None, "knocked_out", f"{text}: rejected automatically{f' ({why_not})' if why_not else ''}.")
    reject_application(application=application, reason=answer_choices.KNOCKOUT_REASON, email=email)
    return True


# The standard questions that are the person's profile (jobs.forms.STANDARD_FIELDS), and the others
# a member may give about them: what an application entered for someone may say of the person.
PROFILE_FIELDS = (
    "first_name", "last_name", "email", "phone", "address", "city", "country", "linkedin_url", "portfolio_url",
    "cover_letter", "skills", "experience_years", "education", "work_experience", "certifications", "languages",
)  # fmt: skip


def add_application(*, job, by, candidate=None, profile=None, answers=None, notes="", source="", tags=()):
    """An application a member enters for `job` (the API): for `candidate`, or for the person `profile`
    describes (PROFILE_FIELDS -> value), found by email or created as applying does, their empty
    fields filled.

    The answers are checked as the apply form checks them (clean_submission, the job's active form):
    a required question left out is a ValidationError keyed by its key. The standard questions are
    the person's profile, checked in `profile` and not asked again of a known `candidate`. Files
    can't come this way, so file questions (the resume) are not required. The person did not apply
    themselves: as with "Add candidate", the first stage's candidate emails don't go and no consent
    is recorded. Raises AlreadyApplied when they are in this job already.
    """
    if (candidate is None) == (profile is None):
        raise ValueError("add_application takes a candidate or a profile, not both")
    if job.status == Job.Status.ARCHIVED:
        raise ValidationError({"job": "This job is archived: it takes no more applications."})
    if candidate is not None and candidate.erased_at is not None:
        raise ValidationError({"candidate_id": "This candidate's data was erased."})
    not_asked = Q(field_type=FormField.Type.FILE)
    if candidate is not None:
        not_asked |= Q(is_standard=True)
    optional = set(job.application_form.fields.filter(not_asked).values_list("key", flat=True))
    standard, custom = clean_submission(job, values=profile or {}, answers=answers or {}, files={}, optional=optional)
    with transaction.atomic():
        if candidate is None:
            # The form's cleaning of the standard questions (a URL's scheme, say) wins over the raw value.
            candidate = _found_or_created(job, {**profile, **{k: v for k, v in standard.items() if k in profile}})
        elif Application.objects.filter(job=job, candidate=candidate).exists():
            raise AlreadyApplied
        candidate.source = candidate.source or source
        candidate.save()
        try:
            with transaction.atomic():
                application = open_application(
                    job=job, candidate=candidate, applied=False, by=by, note="Added through the API", source=source,
                    notes=notes, cover_letter=(profile or {}).get("cover_letter", ""),
                )  # fmt: skip
        except IntegrityError:
            raise AlreadyApplied from None  # entered by someone else a moment ago (the check above saw none)
        _store_answers(application, custom, written=[])
        apply_knockouts(application=application, answers=custom, by=by)
        if tags:
            add_tags(applications=[application], tags=tags)
    return application


def _found_or_created(job, profile):
    """The person `profile` describes, by email: a new candidate, or theirs with its empty fields filled.
    Raises AlreadyApplied when they are in `job` already."""
    values = {key: value for key, value in profile.items() if key != "email" and value not in ("", None, [])}
    candidate, created = find_or_create_candidate(job.organization, profile["email"], values)
    if created:
        reactions.candidate_created(candidate)
    else:
        if Application.objects.filter(job=job, candidate=candidate).exists():
            raise AlreadyApplied
        # Fill what is empty; never overwrite what a recruiter (or an earlier application) wrote.
        for key, value in values.items():
            if getattr(candidate, key) in ("", None, []):
                setattr(candidate, key, value)
    return candidate


# --- Moving through the pipeline ---------------------------------------------


def _locked(application):
    """The application's row, locked until the transaction ends (a no-op on SQLite, which locks the file)."""
    return Application.objects.select_for_update().get(pk=application.pk)


@transaction.atomic
def move_application(*, application, to_stage, by=None, note="", position=None, choices=None):
    """Move an application to `to_stage` of its own job; the one way stages change.

    Locks the row, refuses a stage of another job, writes the history entry
    (from, to, who, note, time spent in the previous stage) and updates
    stage_entered_at and the position. Moving to the current stage only
    changes the position, and writes no history. `choices` (choices.MoveChoices) is what
    the person said of the new stage's actions. Returns the history entry or None; the entry's
    `waiting` lists the runs that wait for a person to confirm them (an offer, a rejection).
    """
    locked = _locked(application)
    if position is not None:
        locked.position = position
    [history] = _move_locked([locked], to_stage, by=by, note=note, choices=choices) or [None]
    if history is None or position is not None:
        locked.save(update_fields=["position", "updated_at"])
    _refresh(application, locked)
    return history


def _move_locked(rows, to_stage, *, by, note="", choices=None):
    """Move `rows` (locked by the caller, inside its transaction) to `to_stage`: history entries for
    those not already there, one update for them all. The same number of queries for 1 row or 200.

    Positions are the caller's. Returns the new history entries, in the order of `rows`.
    """
    if any(row.job_id != to_stage.job_id for row in rows):
        raise ValidationError("That stage belongs to another job.")
    if not to_stage.is_active:
        raise ValidationError(f"The stage “{to_stage.name}” is switched off.")
    moving = [row for row in rows if row.current_stage_id != to_stage.pk]
    if not moving:
        return []
    now = timezone.now()
    # Not joined in the locking query: on PostgreSQL a row re-read after waiting for the
    # lock would come back with its old stage's join null-extended.
    names = dict(Stage.objects.filter(pk__in={row.current_stage_id for row in moving}).values_list("pk", "name"))
    entries = ApplicationStageHistory.objects.bulk_create(
        ApplicationStageHistory(
            application=row,
            from_stage_id=row.current_stage_id,
            from_stage_name=names.get(row.current_stage_id, ""),
            to_stage=to_stage,
            to_stage_name=to_stage.name,
            moved_by=by,
            note=note,
            time_in_previous_stage=now - row.stage_entered_at,
            created_at=now,
        )
        for row in moving
    )
    Application.objects.filter(pk__in=[row.pk for row in moving]).update(
        current_stage=to_stage,
        stage_entered_at=now,
        processed_at=Coalesce("processed_at", Value(now)),
        updated_at=now,
    )
    for row in moving:
        row.current_stage = to_stage
        row.stage_entered_at = now
        row.processed_at = row.processed_at or now
        row.updated_at = now
    waiting = reactions.stages_entered(entries, choices)
    for entry in entries:
        entry.waiting = [run for run in waiting if run.history_id == entry.pk]
    return entries


def _refresh(application, locked):
    for field in ("current_stage_id", "stage_entered_at", "processed_at", "position", "status", "updated_at"):
        setattr(application, field, getattr(locked, field))
    if Application._meta.get_field("current_stage").is_cached(locked):
        application.current_stage = locked.current_stage


def next_stage(application):
    return (
        Stage.objects.filter(job_id=application.job_id, is_active=True, order__gt=application.current_stage.order)
        .order_by("order", "pk")
        .first()
    )


def stage_of(job, ref):
    """The stage of `job` that `ref` names: its id (an int), or its name (a str) in any casing.
    ValidationError keyed by stage_id when the job has no such stage."""
    stages = Stage.objects.filter(job=job)
    if isinstance(ref, int):
        stage = stages.filter(pk=ref).first()
    else:
        stage = stages.filter(name__iexact=" ".join(str(ref).split())).order_by("order", "pk").first()
    if stage is None:
        raise ValidationError({"stage_id": "This job has no stage with that id or name."})
    return stage


def advance_application(*, application, by=None, note=""):
    """Move to the next active stage; ValidationError at the last one, or for a closed application."""
    if application.status in (Application.Status.REJECTED, Application.Status.WITHDRAWN):
        raise ValidationError("This application is closed: bring it back before moving it on.")
    stage = next_stage(application)
    if stage is None:
        raise ValidationError("This application is already at the last stage.")
    return move_application(application=application, to_stage=stage, by=by, note=note)


@transaction.atomic
def set_positions(*, job, stage, application_ids, by=None, choices=None):
    """A board column as posted: `application_ids` in their new order, for `stage` of `job`.

    Ids of other jobs (or organisations) are ignored. Cards that came from
    another column are moved, all in one batch (_move_locked); returns their history entries.
    """
    if stage.job_id != job.pk:
        raise ValidationError("That stage belongs to another job.")
    # One query locks every posted row of this job; the moves then share that lock.
    rows = Application.objects.select_for_update().filter(job=job, pk__in=application_ids)
    applications = {a.pk: a for a in rows}
    ordered = [applications[pk] for pk in dict.fromkeys(application_ids) if pk in applications]
    entries = _move_locked(ordered, stage, by=by, choices=choices)
    for index, application in enumerate(ordered):
        application.position = index
    Application.objects.bulk_update(ordered, ["position"])
    return entries


# A drag's toast offers Undo for UNDO_SECONDS; the server allows a little more for a slow network.
# Candidate emails set off by a person's move wait out this window before they go (automation).
UNDO_SECONDS = 10
UNDO_WINDOW = timedelta(seconds=UNDO_SECONDS + 5)


@transaction.atomic
def undo_move(*, application, history_id, by=None):
    """Move an application back where the move `history_id` took it from, as a new history entry.

    Refused when the card has moved since (that move is no longer its latest), when the
    window has passed, or when the stage it came from is gone or switched off.
    """
    locked = _locked(application)
    # The latest written (entries are only ever added): a backdated import must not hide a newer move.
    latest = locked.stage_history.select_related("from_stage").order_by("-pk").first()
    if latest is None or latest.pk != history_id:
        raise ValidationError("It has moved since: move it back by hand if you need to.")
    if latest.from_stage is None:
        raise ValidationError("The stage it came from is gone.")
    if timezone.now() - latest.created_at > UNDO_WINDOW:
        raise ValidationError("Too late to undo: move it back by hand if you need to.")
    reactions.move_undone(latest)
    [history] = _move_locked([locked], latest.from_stage, by=by, note="Undo", choices=MoveChoices(run_actions=False))
    locked.position = 0
    locked.save(update_fields=["position"])
    _refresh(application, locked)
    return history


# --- Decisions on an application --------------------------------------------


def _event(application, by, kind, text):
    return TimelineEvent.objects.create(
        candidate_id=application.candidate_id, application=application, actor=by, kind=kind, text=text
    )


@transaction.atomic
def reject_application(*, application, reason, by=None, withdrawn=False, email=None):
    """Reject (or record a withdrawal) with a reason; un_reject restores what was before.

    The application's stage actions not yet done are cancelled. `email` (choices.WrittenEmail):
    the rejection email to send, at once or after its delay (cancelled if un-rejected first).
    """
    if not reason:
        raise ValidationError("Choose a reason.")
    locked = _locked(application)
    if locked.status in (Application.Status.REJECTED, Application.Status.WITHDRAWN):
        raise ValidationError("This application is already closed.")
    locked.status_before_rejection = locked.status
    locked.status = Application.Status.WITHDRAWN if withdrawn else Application.Status.REJECTED
    locked.rejection_reason = str(reason)[:200]
    locked.save(update_fields=["status", "status_before_rejection", "rejection_reason", "updated_at"])
    verb = "Withdrew" if withdrawn else "Rejected"
    event = _event(locked, by, locked.status, f"{verb}: {locked.rejection_reason}")
    if withdrawn:
        reactions.application_withdrawn(locked, event)
    else:
        reactions.application_rejected(locked, event, email=email)
    _refresh(application, locked)
    application.rejection_reason = locked.rejection_reason
    return application


def reject_applications(*, applications, reason, by=None, email=None):
    """Reject each of `applications` with one reason (and `email`, rendered for each person); those
    already closed are skipped. Returns how many."""
    if not reason:
        raise ValidationError("Choose a reason for the rejection.")
    done = 0
    for application in applications:
        try:
            reject_application(application=application, reason=reason, by=by, email=email)
        except ValidationError:
            continue  # already closed: nothing to do for that one
        done += 1
    return done


@transaction.atomic
def un_reject_application(*, application, by=None):
    locked = _locked(application)
    if locked.status not in (Application.Status.REJECTED, Application.Status.WITHDRAWN):
        raise ValidationError("This application isn't rejected.")
    locked.status = locked.status_before_rejection or Application.Status.ACTIVE
    locked.status_before_rejection = ""
    locked.rejection_reason = ""
    locked.save(update_fields=["status", "status_before_rejection", "rejection_reason", "updated_at"])
    event = _event(locked, by, "unrejected", "Brought back into the process")
    reactions.application_unrejected(locked, event)
    _refresh(application, locked)
    application.rejection_reason = ""
    return application


@transaction.atomic
def set_status(*, application, status, by=None):
    """Hold, reactivate or hire. Hiring counts against the job's openings."""
    locked = _locked(application)
    if status not in (Application.Status.ACTIVE, Application.Status.ON_HOLD, Application.Status.HIRED):
        raise ValidationError("Use reject or withdraw for those.")
    if locked.status in (Application.Status.REJECTED, Application.Status.WITHDRAWN):
        raise ValidationError("This application is closed. Bring it back first.")
    if status == Application.Status.HIRED and locked.status != Application.Status.HIRED:
        # Lock the job too: two hires at once must not both take the last opening.
        job = Job.objects.select_for_update().get(pk=locked.job_id)
        hired = Application.objects.filter(job=job, status=Application.Status.HIRED).count()
        if hired >= job.openings:
            raise ValidationError(f"All {job.openings} opening(s) of this job are filled. Add an opening first.")
        locked.hired_at = timezone.now()
    locked.status = status
    locked.save(update_fields=["status", "hired_at", "updated_at"])
    labels = {"active": "Reactivated", "on_hold": "Put on hold", "hired": "Hired"}
    event = _event(locked, by, status, labels[status])
    if status == Application.Status.HIRED:
        reactions.application_hired(locked, event)
    _refresh(application, locked)
    return application


@transaction.atomic
def toggle_star(*, application, starred=None):
    """Star or unstar; `starred` says which (None: the other way from now)."""
    locked = _locked(application)
    locked.is_starred = not locked.is_starred if starred is None else starred
    locked.save(update_fields=["is_starred", "updated_at"])
    application.is_starred = locked.is_starred


def rate(*, application, rating):
    if rating is not None and rating not in range(1, 6):
        raise ValidationError("A rating is from 1 to 5.")
    Application.objects.filter(pk=application.pk).update(rating=rating, updated_at=timezone.now())
    application.rating = rating


def _tags_for(organization_id, names):
    """The organisation's Tag for each name, created where missing; the first spelling is the one shown."""
    wanted = {}
    for name in map(clean_tag, names):
        if name:
            wanted.setdefault(normalise_tag(name), name)
    found = {t.normalised: t for t in Tag.objects.filter(organization_id=organization_id, normalised__in=wanted)}
    # Created in one order by everyone, so two people adding the same new tags wait for each other, never deadlock.
    for normalised, name in sorted(wanted.items()):
        if normalised not in found:
            try:
                with transaction.atomic():
                    found[normalised] = Tag.objects.create(organization_id=organization_id, name=name)
            except IntegrityError:
                # Someone created it in another spelling a moment ago: theirs is the tag.
                found[normalised] = Tag.objects.get(organization_id=organization_id, normalised=normalised)
    return list(found.values())


@transaction.atomic
def add_tags(*, applications, tags):
    """Add tags (as typed) to each application; returns the applications that gained one.

    A tag matches whatever its casing within the application's organisation, and
    attaching one twice adds nothing, even when two people tag at the same moment.
    """
    by_pk = {application.pk: application for application in applications}
    organization_of = dict(Application.objects.filter(pk__in=by_pk).values_list("pk", "job__organization_id"))
    tags_of = {organization_id: _tags_for(organization_id, tags) for organization_id in set(organization_of.values())}
    wanted = {(pk, tag.pk) for pk, organization_id in organization_of.items() for tag in tags_of[organization_id]}
    if not wanted:
        return []
    present = ApplicationTag.objects.filter(
        application_id__in=organization_of, tag_id__in={tag_pk for _, tag_pk in wanted}
    ).values_list("application_id", "tag_id")
    new = sorted(wanted - set(present))  # in key order, so two concurrent taggings take the same locks in turn
    # ignore_conflicts: a row someone else inserted since the read above is already what we wanted.
    ApplicationTag.objects.bulk_create(
        [ApplicationTag(application_id=pk, tag_id=tag_pk) for pk, tag_pk in new], ignore_conflicts=True
    )
    changed = {pk for pk, _ in new}
    Application.objects.filter(pk__in=changed).update(updated_at=timezone.now())
    return [by_pk[pk] for pk in by_pk if pk in changed]


def remove_tag(*, application, tag):
    """Take the tag off the application, whatever casing `tag` is typed in."""
    removed, _ = ApplicationTag.objects.filter(application=application, tag__normalised=normalise_tag(tag)).delete()
    if removed:
        Application.objects.filter(pk=application.pk).update(updated_at=timezone.now())


def set_tags(*, application, tags):
    """The application's tags become `tags` (as typed): those missing are added, the others taken off."""
    add_tags(applications=[application], tags=tags)
    kept = {normalise_tag(tag) for tag in tags}
    removed, _ = ApplicationTag.objects.filter(application=application).exclude(tag__normalised__in=kept).delete()
    if removed:
        Application.objects.filter(pk=application.pk).update(updated_at=timezone.now())


# An application's own text: no rule beyond its length (the model's).
APPLICATION_TEXT = ("notes", "internal_notes", "source")


@transaction.atomic
def update_application(*, application, changes, by=None):
    """An edit of several of an application's own fields at once (the API's PATCH), each through the
    service the board uses for it: rating (rate), tags (set_tags: the whole list), is_starred
    (toggle_star), is_archived (set_archived, which writes the timeline); and its text."""
    if "rating" in changes:
        rate(application=application, rating=changes["rating"])
    if "tags" in changes:
        set_tags(application=application, tags=changes["tags"])
    if "is_starred" in changes:
        toggle_star(application=application, starred=changes["is_starred"])
    if "is_archived" in changes and changes["is_archived"] != application.is_archived:
        set_archived(application=application, archived=changes["is_archived"], by=by)
    text = {field: changes[field] for field in APPLICATION_TEXT if field in changes}
    if text:
        Application.objects.filter(pk=application.pk).update(**text, updated_at=timezone.now())
        for field, value in text.items():
            setattr(application, field, value)
    return application


def set_archived(*, application, archived, by=None):
    application.is_archived = archived
    application.save(update_fields=["is_archived", "updated_at"])
    _event(application, by, "archived" if archived else "unarchived", "Archived" if archived else "Unarchived")


def create_default_rejection_reasons(organization):
    """The reasons every organisation starts with (part of a new organisation's defaults)."""
    RejectionReason.objects.bulk_create(
        [
            RejectionReason(organization=organization, name=name, kind=kind, order=index)
            for index, (name, kind) in enumerate(DEFAULT_REJECTION_REASONS)
        ],
        ignore_conflicts=True,
    )


def rejection_reasons(organization):
    return list(RejectionReason.objects.filter(organization=organization, is_active=True))


def set_following(*, application, user, following):
    """Follow or unfollow an application's news (overriding "on the team" and "wrote a note")."""
    follow, _ = Follow.objects.update_or_create(application=application, user=user, defaults={"following": following})
    return follow
