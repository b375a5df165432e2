"""Workflows around jobs and their application forms."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts.ordering import swap_with_neighbour

from . import extensions, scorecards
from .forms import ALWAYS_REQUIRED, STANDARD_FIELDS, new_field_key
from .models import FormField, HiringTeamMember, Job, JobForm, JobSite


def add_standard_form(job):
    """The application form every job starts with: the standard fields, email always required."""
    form = JobForm.objects.create(job=job, title=f"Apply for {job.title}")
    FormField.objects.bulk_create(
        FormField(
            form=form,
            key=key,
            label=label,
            field_type=field_type,
            required=required,
            is_active=active,
            is_standard=True,
            order=index,
        )
        for index, (key, label, field_type, required, active) in enumerate(STANDARD_FIELDS)
    )
    return form


def ensure_standard_form(job):
    if not JobForm.objects.filter(job=job).exists():
        add_standard_form(job)


@transaction.atomic
def create_job(*, organization, created_by, **fields):
    """A draft job with the standard application form and scorecard (pipeline.setup adds its stages)."""
    job = Job(organization=organization, created_by=created_by, **fields)
    job.full_clean(exclude=["slug"])
    job.save()
    add_standard_form(job)
    scorecards.add_default_attributes(job)
    return job


@transaction.atomic
def update_job(*, job, status=None, **fields):
    """Change a job's details (checked as on its edit page), then its status through its lifecycle."""
    for name, value in fields.items():
        setattr(job, name, value)
    job.full_clean(exclude=["slug"])
    job.save()
    change_status(job=job, status=status)
    return job


def change_status(*, job, status):
    """Move `job` to `status` (Job.set_status's transitions); None or the same status changes nothing."""
    if status is None or status == job.status:
        return
    try:
        job.set_status(status)
    except ValidationError as error:
        raise ValidationError({"status": error.messages}) from error


@transaction.atomic
def duplicate_job(*, job, created_by):
    """A draft copy of `job`: same details, form, scorecard, hiring team and sites; no applications.

    The copy is a draft nobody has posted yet: its sites are where to post it, not live, without a link.
    """
    copy = Job.objects.get(pk=job.pk)
    copy.pk = None
    copy.slug = ""
    copy.title = f"{job.title} (copy)"
    copy.status = Job.Status.DRAFT
    copy.published_at = None
    copy.created_by = created_by
    copy.save()
    form = JobForm.objects.create(job=copy, title=job.application_form.title)
    FormField.objects.bulk_create(
        FormField(
            form=form,
            key=f.key,
            label=f.label,
            field_type=f.field_type,
            help_text=f.help_text,
            placeholder=f.placeholder,
            options=f.options,
            required=f.required,
            is_active=f.is_active,
            is_standard=f.is_standard,
            order=f.order,
        )
        for f in job.application_form.fields.all()
    )
    scorecards.copy_attributes(source=job, job=copy)
    HiringTeamMember.objects.bulk_create(
        HiringTeamMember(job=copy, user_id=m.user_id, role=m.role) for m in job.team.all()
    )
    JobSite.objects.bulk_create(JobSite(job=copy, name=site.name, url=site.url) for site in job.sites.all())
    return copy


def add_question(*, form, **values):
    order = (form.fields.aggregate(top=Max("order"))["top"] or 0) + 1
    return FormField.objects.create(form=form, key=new_field_key(form, values["label"]), order=order, **values)


@transaction.atomic
def reorder_fields(*, form, field_ids):
    """Put the form's fields in the order of `field_ids`; ids of other forms are ignored."""
    fields = {f.pk: f for f in form.fields.select_for_update()}
    ordered = [fields[pk] for pk in field_ids if pk in fields]
    ordered += [f for f in sorted(fields.values(), key=lambda f: f.order) if f not in ordered]
    for index, field in enumerate(ordered):
        field.order = index
    FormField.objects.bulk_update(ordered, ["order"])


@transaction.atomic
def move_field(*, field, offset):
    """Swap a field with its neighbour above (offset -1) or below (+1)."""
    swap_with_neighbour(field.form.fields.select_for_update(), field, offset)


@transaction.atomic
def set_team_member(*, job, user, role, by=None):
    """Put `user` on the job's hiring team with `role` (or change their role there).

    Someone new on the team is told, by whatever the apps above registered (jobs.extensions).
    """
    member, created = HiringTeamMember.objects.update_or_create(job=job, user=user, defaults={"role": role})
    if created:
        extensions.team_member_added(member, by=by)
    return member


def remove_team_member(*, job, member_pk):
    return job.team.filter(pk=member_pk).delete()[0] > 0


def set_knockout_auto_reject(*, form, auto_reject):
    """Whether an application that gives a knockout answer is rejected too, not only flagged (pipeline does it)."""
    form.knockout_auto_reject = auto_reject
    form.save(update_fields=["knockout_auto_reject", "updated_at"])
    return form


def toggle_field(*, field, flag):
    """Switch a question's `required` or `is_active` flag; email stays required and shown."""
    if flag not in ("required", "is_active"):
        raise ValidationError("Choose what to switch.")
    if field.key in ALWAYS_REQUIRED:
        raise ValidationError(f"“{field.label}” is always asked and always required.")
    setattr(field, flag, not getattr(field, flag))
    field.save(update_fields=[flag])
    return field


def delete_field(*, field):
    if field.is_standard:
        raise ValidationError("Standard fields can be hidden, not deleted.")
    field.delete()
