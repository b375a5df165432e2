"""Workflows of the pipeline: stages, applying, and what follows."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.background import enqueue_on_commit

from .models import (
    DEFAULT_STAGES,
    Application,
    ApplicationFormAnswer,
    ApplicationStageHistory,
    Candidate,
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
        workflow = WorkflowTemplate.objects.create(organization=job.organization, job=job, name=job.title)
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


@transaction.atomic
def submit_application(*, job, form, source="", resume=None):
    """Apply to `job` with a valid ApplicationForm, in one transaction.

    Finds the candidate by email (case-insensitively, within the organisation),
    fills only their empty fields, creates the application in the first stage
    with its answers and first history entry, and on commit queues resume
    parsing and the acknowledgement email. Raises AlreadyApplied.
    """
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
        candidate.resume_name = resume.name[:255]
    candidate.save()

    stage = first_stage(job)
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
        answers.append(answer)
    for index, (field, value) in enumerate(form.custom_answers()):
        answer = ApplicationFormAnswer(
            application=application, field=field, key=field.key, label=field.label, order=index
        )
        if hasattr(value, "read"):
            answer.file.save(value.name, value, save=False)
            answer.file_name = value.name[:255]
        else:
            answer.value = value.isoformat() if hasattr(value, "isoformat") else value
        answers.append(answer)
    ApplicationFormAnswer.objects.bulk_create(answers)

    if resume_kept_on_candidate:
        enqueue_on_commit("pipeline.tasks.parse_resume", candidate.pk)
    enqueue_on_commit("pipeline.tasks.send_acknowledgement", application.pk)
    return application
