"""Workflows of the pipeline: stages, applying, and what follows."""

import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.background import enqueue_on_commit
from accounts.ordering import swap_with_neighbour
from jobs.models import Job

from .models import (
    DEFAULT_REJECTION_REASONS,
    DEFAULT_STAGES,
    Application,
    ApplicationFormAnswer,
    ApplicationStageHistory,
    Candidate,
    Note,
    RejectionReason,
    TimelineEvent,
    WorkflowStep,
    WorkflowTemplate,
)

# Standard form keys that fill the candidate's profile.
CANDIDATE_FIELDS = ("first_name", "last_name", "phone", "linkedin_url", "cover_letter")


class AlreadyApplied(Exception):
    """This person already applied to this job; nothing was created."""


@transaction.atomic
def default_workflow(organization):
    """The organisation's default stages, made with the original's eight on first use."""
    workflow = WorkflowTemplate.objects.filter(organization=organization, job=None, is_default=True).first()
    if workflow is None:
        workflow = WorkflowTemplate.objects.create(
            organization=organization, name="Default hiring process", is_default=True
        )
        WorkflowStep.objects.bulk_create(
            WorkflowStep(workflow=workflow, name=name, description=description, order=index)
            for index, (name, description) in enumerate(DEFAULT_STAGES)
        )
    return workflow


@transaction.atomic
def workflow_for(job):
    """The job's own pipeline; a copy of the organisation's default the first time it is needed.

    `jobs` may not import `pipeline`, so a job gets its copy here, on first need
    (an application, the board), rather than when the job row is written.
    """
    workflow = WorkflowTemplate.objects.filter(job=job).first()
    if workflow is None:
        template = default_workflow(job.organization)
        try:
            with transaction.atomic():
                workflow = WorkflowTemplate.objects.create(organization=job.organization, job=job, name=job.title)
        except IntegrityError:
            # Another request made it a moment ago (first application and first board view at once).
            return WorkflowTemplate.objects.get(job=job)
        WorkflowStep.objects.bulk_create(
            WorkflowStep(
                workflow=workflow, name=s.name, description=s.description, order=s.order, is_active=s.is_active
            )
            for s in template.steps.all()
        )
    return workflow


def first_stage(job):
    return workflow_for(job).steps.filter(is_active=True).order_by("order", "pk").first()


def _find_or_create_candidate(organization, email, values):
    candidate = Candidate.objects.select_for_update().filter(organization=organization, email__iexact=email).first()
    if candidate is None:
        try:
            with transaction.atomic():
                return Candidate.objects.create(organization=organization, email=email, **values), True
        except IntegrityError:
            # Someone with this address applied at the same instant: use their row.
            candidate = Candidate.objects.select_for_update().get(organization=organization, email__iexact=email)
    return candidate, False


def submit_application(*, job, form, source="", resume=None):
    """Apply to `job` with a valid ApplicationForm, in one transaction.

    Finds the candidate by email (case-insensitively, within the organisation),
    fills only their empty fields, creates the application in the first stage
    with its answers and first history entry, and on commit queues resume
    parsing and the acknowledgement email. Raises AlreadyApplied. Files written
    on the way are removed again if the transaction fails.
    """
    written = []
    try:
        with transaction.atomic():
            return _submit_application(job=job, form=form, source=source, resume=resume, written=written)
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise


def _submit_application(*, job, form, source, resume, written):
    organization = job.organization
    values = form.standard_values()
    email = values.pop("email").strip()
    resume = resume or values.pop("resume", None)
    values.pop("resume", None)
    profile = {key: values[key] for key in CANDIDATE_FIELDS if values.get(key)}

    candidate, created = _find_or_create_candidate(organization, email, profile)
    if not created:
        if Application.objects.filter(job=job, candidate=candidate).exists():
            raise AlreadyApplied
        # Fill what is empty; never overwrite what a recruiter (or an earlier application) wrote.
        for key, value in profile.items():
            if not getattr(candidate, key):
                setattr(candidate, key, value)

    now = timezone.now()
    candidate.consent_given_at = now
    candidate.retain_until = (now + timedelta(days=organization.data_retention_days)).date()
    candidate.source = candidate.source or source
    resume_kept_on_candidate = bool(resume and not candidate.resume)
    if resume_kept_on_candidate:
        candidate.resume.save(resume.name, resume, save=False)
        written.append(candidate.resume.name)
        candidate.resume_name = resume.name[:255]
    candidate.save()

    stage = first_stage(job)
    if stage is None:
        raise ValidationError("This job has no stage to receive applications.")
    application = Application.objects.create(
        job=job,
        candidate=candidate,
        current_stage=stage,
        stage_entered_at=now,
        applied_at=now,
        cover_letter=values.get("cover_letter", ""),
        source=source,
    )
    ApplicationStageHistory.objects.create(application=application, from_stage=None, to_stage=stage, note="Applied")

    answers = []
    if resume and not resume_kept_on_candidate:
        # They already had a resume on file: keep this one with the application.
        answer = ApplicationFormAnswer(application=application, key="resume", label="Resume", file_name=resume.name)
        answer.file.save(resume.name, resume, save=False)
        written.append(answer.file.name)
        answers.append(answer)
    for index, (field, value) in enumerate(form.custom_answers()):
        answer = ApplicationFormAnswer(
            application=application, field=field, key=field.key, label=field.label, order=index
        )
        if hasattr(value, "read"):
            answer.file.save(value.name, value, save=False)
            written.append(answer.file.name)
            answer.file_name = value.name[:255]
        else:
            answer.value = value.isoformat() if hasattr(value, "isoformat") else value
        answers.append(answer)
    ApplicationFormAnswer.objects.bulk_create(answers)

    if resume_kept_on_candidate:
        enqueue_on_commit("pipeline.tasks.parse_resume", candidate.pk)
    enqueue_on_commit("pipeline.tasks.send_acknowledgement", application.pk)
    return application


# --- Moving through the pipeline ---------------------------------------------


def _locked(application):
    """The application's row, locked until the transaction ends (a no-op on SQLite, which locks the file)."""
    return Application.objects.select_for_update().get(pk=application.pk)


@transaction.atomic
def move_application(*, application, to_stage, by=None, note="", position=None):
    """Move an application to `to_stage` of its own job; the one way stages change.

    Locks the row, refuses a stage of another job, writes the history entry
    (from, to, who, note, time spent in the previous stage) and updates
    stage_entered_at and the position. Moving to the current stage only
    changes the position, and writes no history. Returns the history entry or None.
    """
    locked = _locked(application)
    history = _move_locked(locked, to_stage, by=by, note=note, position=position)
    _refresh(application, locked)
    return history


def _move_locked(locked, to_stage, *, by, note="", position=None):
    """move_application's work, on a row the caller has locked inside its transaction."""
    if to_stage.workflow.job_id != locked.job_id:
        raise ValidationError("That stage belongs to another job.")
    if not to_stage.is_active:
        raise ValidationError(f"The stage “{to_stage.name}” is switched off.")
    if position is not None:
        locked.position = position
    if locked.current_stage_id == to_stage.pk:
        locked.save(update_fields=["position", "updated_at"])
        return None
    now = timezone.now()
    history = ApplicationStageHistory.objects.create(
        application=locked,
        from_stage_id=locked.current_stage_id,
        # Not joined in the locking query: on PostgreSQL a row re-read after waiting for
        # the lock would come back with its old stage's join null-extended.
        from_stage_name=WorkflowStep.objects.filter(pk=locked.current_stage_id).values_list("name", flat=True).first()
        or "",
        to_stage=to_stage,
        moved_by=by,
        note=note,
        time_in_previous_stage=now - locked.stage_entered_at,
        created_at=now,
    )
    locked.current_stage = to_stage
    locked.stage_entered_at = now
    locked.processed_at = locked.processed_at or now
    locked.save(update_fields=["current_stage", "stage_entered_at", "processed_at", "position", "updated_at"])
    return history


def _refresh(application, locked):
    for field in ("current_stage_id", "stage_entered_at", "processed_at", "position", "status", "updated_at"):
        setattr(application, field, getattr(locked, field))
    if Application._meta.get_field("current_stage").is_cached(locked):
        application.current_stage = locked.current_stage


def next_stage(application):
    return (
        WorkflowStep.objects.filter(
            workflow__job_id=application.job_id, is_active=True, order__gt=application.current_stage.order
        )
        .order_by("order", "pk")
        .first()
    )


def advance_application(*, application, by=None, note=""):
    """Move to the next active stage; ValidationError at the last one."""
    stage = next_stage(application)
    if stage is None:
        raise ValidationError("This application is already at the last stage.")
    return move_application(application=application, to_stage=stage, by=by, note=note)


@transaction.atomic
def set_positions(*, job, stage, application_ids, by=None):
    """A board column as posted: `application_ids` in their new order, for `stage` of `job`.

    Ids of other jobs (or organisations) are ignored. Cards that came from
    another column are moved through move_application.
    """
    if stage.workflow.job_id != job.pk:
        raise ValidationError("That stage belongs to another job.")
    # One query locks every posted row of this job; the moves then share that lock.
    rows = Application.objects.select_for_update().filter(job=job, pk__in=application_ids)
    applications = {a.pk: a for a in rows}
    ordered = [applications[pk] for pk in dict.fromkeys(application_ids) if pk in applications]
    moved = [a for a in ordered if a.current_stage_id != stage.pk]
    for application in moved:
        _move_locked(application, stage, by=by)
    for index, application in enumerate(ordered):
        application.position = index
    Application.objects.bulk_update(ordered, ["position"])
    return moved


# --- Decisions on an application --------------------------------------------


def _event(application, by, kind, text):
    TimelineEvent.objects.create(
        candidate_id=application.candidate_id, application=application, actor=by, kind=kind, text=text
    )


@transaction.atomic
def reject_application(*, application, reason, by=None, withdrawn=False):
    """Reject (or record a withdrawal) with a reason; un_reject restores what was before."""
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
    _event(locked, by, locked.status, f"{verb}: {locked.rejection_reason}")
    _refresh(application, locked)
    application.rejection_reason = locked.rejection_reason
    return application


@transaction.atomic
def un_reject_application(*, application, by=None):
    locked = _locked(application)
    if locked.status not in (Application.Status.REJECTED, Application.Status.WITHDRAWN):
        raise ValidationError("This application isn't rejected.")
    locked.status = locked.status_before_rejection or Application.Status.ACTIVE
    locked.status_before_rejection = ""
    locked.rejection_reason = ""
    locked.save(update_fields=["status", "status_before_rejection", "rejection_reason", "updated_at"])
    _event(locked, by, "unrejected", "Brought back into the process")
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
    _event(locked, by, status, labels[status])
    _refresh(application, locked)
    return application


@transaction.atomic
def toggle_star(*, application):
    locked = _locked(application)
    locked.is_starred = not locked.is_starred
    locked.save(update_fields=["is_starred", "updated_at"])
    application.is_starred = locked.is_starred


def rate(*, application, rating):
    if rating is not None and rating not in range(1, 6):
        raise ValidationError("A rating is from 1 to 5.")
    Application.objects.filter(pk=application.pk).update(rating=rating, updated_at=timezone.now())
    application.rating = rating


def clean_tag(tag):
    return " ".join(str(tag).split())[:40]


@transaction.atomic
def add_tags(*, applications, tags):
    """Add tags to each application (re-read under lock, so concurrent tagging loses nothing)."""
    tags = [t for t in (clean_tag(t) for t in tags) if t]
    changed = []
    for application in Application.objects.select_for_update().filter(pk__in=[a.pk for a in applications]):
        merged = list(dict.fromkeys([*application.tags, *tags]))
        if merged != application.tags:
            application.tags = merged
            changed.append(application)
    Application.objects.bulk_update(changed, ["tags"])
    return changed


@transaction.atomic
def remove_tag(*, application, tag):
    locked = _locked(application)
    locked.tags = [t for t in locked.tags if t != tag]
    locked.save(update_fields=["tags", "updated_at"])
    application.tags = locked.tags


def set_archived(*, application, archived, by=None):
    application.is_archived = archived
    application.save(update_fields=["is_archived", "updated_at"])
    _event(application, by, "archived" if archived else "unarchived", "Archived" if archived else "Unarchived")


def default_rejection_reasons(organization):
    """The organisation's reasons, made from a sensible default list on first use."""
    reasons = list(organization.rejection_reasons.filter(is_active=True))
    if not reasons:
        RejectionReason.objects.bulk_create(
            [
                RejectionReason(organization=organization, name=name, kind=kind, order=index)
                for index, (name, kind) in enumerate(DEFAULT_REJECTION_REASONS)
            ],
            ignore_conflicts=True,
        )
        reasons = list(organization.rejection_reasons.filter(is_active=True))
    return reasons


MENTION_RE = re.compile(r"@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)")


def mentioned_users(organization, body):
    """Members named in `body` as @email, @email-name (before the @) or @firstname."""
    handles = {handle.lower().rstrip(".") for handle in MENTION_RE.findall(body)}
    if not handles:
        return []
    members = organization.memberships.filter(is_active=True).select_related("user")
    found = []
    for membership in members:
        user = membership.user
        names = {user.email.lower(), user.email.split("@")[0].lower()}
        if user.name:
            names.add(user.name.split()[0].lower())
        if names & handles:
            found.append(user)
    return found


@transaction.atomic
def add_note(*, candidate, author, body, visibility=Note.Visibility.TEAM, application=None, organization):
    note = Note.objects.create(
        candidate=candidate, application=application, author=author, body=body, visibility=visibility
    )
    note.mentions.set(mentioned_users(organization, body))
    return note


class DuplicateCandidate(ValidationError):
    def __init__(self, candidate):
        super().__init__(f"{candidate.full_name} already has this email address.")
        self.candidate = candidate


@transaction.atomic
def add_candidate(*, organization, by, values, resume=None, job=None):
    """A sourced candidate (and an application when a job is given). Raises DuplicateCandidate."""
    email = values["email"]
    existing = Candidate.objects.filter(organization=organization, email__iexact=email).first()
    if existing:
        raise DuplicateCandidate(existing)
    candidate = Candidate(organization=organization, **values)
    if resume:
        candidate.resume.save(resume.name, resume, save=False)
        candidate.resume_name = resume.name[:255]
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:
        # Added by someone else a moment ago (or a double submit).
        raise DuplicateCandidate(Candidate.objects.get(organization=organization, email__iexact=email)) from None
    if job:
        stage = first_stage(job)
        application = Application.objects.create(
            job=job, candidate=candidate, current_stage=stage, source=candidate.source
        )
        ApplicationStageHistory.objects.create(
            application=application, to_stage=stage, moved_by=by, note="Added by a recruiter"
        )
    TimelineEvent.objects.create(candidate=candidate, actor=by, kind="added", text="Added by hand")
    if resume:
        enqueue_on_commit("pipeline.tasks.parse_resume", candidate.pk)
    return candidate


MERGE_FIELDS = (
    "first_name", "last_name", "phone", "address", "city", "country", "linkedin_url", "portfolio_url",
    "cover_letter", "resume_text", "experience_years", "source",
)  # fmt: skip
MERGE_LISTS = ("skills", "education", "work_experience", "certifications", "languages", "tags")


@transaction.atomic
def merge_candidates(*, keep, merge, by=None):
    """Fold `merge` into `keep`: applications, answers, notes, events and files move; `merge` is deleted.

    When both applied to the same job, `keep`'s application stays and takes the
    other's answers, history and notes. Empty fields of `keep` are filled,
    lists are united, and the merge is recorded in the timeline.
    """
    if keep.pk == merge.pk or keep.organization_id != merge.organization_id:
        raise ValidationError("Choose two different candidates of your organisation.")
    keep = Candidate.objects.select_for_update().get(pk=keep.pk)
    merge = Candidate.objects.select_for_update().get(pk=merge.pk)
    kept_jobs = {a.job_id: a for a in keep.applications.all()}
    for application in merge.applications.select_for_update():
        twin = kept_jobs.get(application.job_id)
        if twin is None:
            application.candidate = keep
            application.save(update_fields=["candidate", "updated_at"])
            continue
        application.answers.update(application=twin)
        application.stage_history.update(application=twin)
        application.application_notes.update(application=twin)
        application.events.update(application=twin)
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
    keep.save()
    TimelineEvent.objects.create(
        candidate=keep, actor=by, kind="merged", text=f"Merged {merge.full_name} <{merge.email}> into this profile"
    )
    merge.delete()
    return keep


# --- Editing workflows ---------------------------------------------------------


def add_step(*, workflow, name, description=""):
    order = (workflow.steps.aggregate(top=Max("order"))["top"] or 0) + 1
    return WorkflowStep.objects.create(workflow=workflow, name=name, description=description, order=order)


@transaction.atomic
def move_step(*, step, offset):
    swap_with_neighbour(step.workflow.steps.select_for_update(), step, offset)


@transaction.atomic
def delete_step(*, step, move_to=None, by=None):
    """Delete a stage; its applications must go somewhere first (`move_to`, a stage of the same workflow)."""
    if step.is_active and not step.workflow.steps.filter(is_active=True).exclude(pk=step.pk).exists():
        raise ValidationError("A pipeline needs at least one stage that is on.")
    applications = list(Application.objects.select_for_update().filter(current_stage=step))
    if applications:
        if move_to is None or move_to.workflow_id != step.workflow_id or move_to.pk == step.pk:
            raise ValidationError(
                f"“{step.name}” holds {len(applications)} application(s). Choose a stage to move them to first."
            )
        for application in applications:
            move_application(application=application, to_stage=move_to, by=by, note=f"Stage “{step.name}” removed")
    step.delete()


@transaction.atomic
def apply_template(*, job, template, mapping, by=None):
    """Give `job` the stages of `template`. `mapping` maps each current stage id to a new step's *index*.

    Current stages are kept, switched off, so their history still reads right;
    their applications move to the mapped new stages.
    """
    workflow = workflow_for(job)
    old_steps = list(workflow.steps.select_for_update())
    top = max((s.order for s in old_steps), default=0) + 1
    new_steps = WorkflowStep.objects.bulk_create(
        WorkflowStep(workflow=workflow, name=s.name, description=s.description, order=top + i, is_active=s.is_active)
        for i, s in enumerate(template.steps.all())
    )
    for step in old_steps:
        applications = list(Application.objects.filter(current_stage=step))
        if applications:
            index = mapping.get(step.pk)
            if index is None or not 0 <= index < len(new_steps):
                raise ValidationError(f"Choose where the applications in “{step.name}” go.")
            for application in applications:
                move_application(application=application, to_stage=new_steps[index], by=by, note="Workflow changed")
    WorkflowStep.objects.filter(pk__in=[s.pk for s in old_steps]).update(is_active=False)
    return new_steps
