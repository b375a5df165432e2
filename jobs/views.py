from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.params import to_int, to_ints
from accounts.permissions import ability_required, can, organization_required

from . import extensions, scorecards, services
from .access import get_field_for_editing, get_job_for_editing, get_job_for_user, visible_jobs
from .forms import ALWAYS_REQUIRED, FormFieldForm, JobEditForm, ScorecardAttributeForm, application_form_for
from .markdown import render_markdown
from .models import HiringTeamMember, Job

User = get_user_model()


@organization_required
def job_list(request):
    jobs = visible_jobs(request)
    status = request.GET.get("status", "")
    department = request.GET.get("department", "")
    query = request.GET.get("q", "").strip()
    # Archived jobs only when asked for by status.
    jobs = jobs.filter(status=status) if status in Job.Status.values else jobs.exclude(status=Job.Status.ARCHIVED)
    if department:
        jobs = jobs.filter(department=department)
    if query:
        jobs = jobs.filter(Q(title__icontains=query) | Q(department__icontains=query) | Q(city__icontains=query))
    departments = (
        visible_jobs(request)
        .exclude(department="")
        .values_list("department", flat=True)
        .distinct()
        .order_by("department")
    )
    page = Paginator(extensions.with_counts(jobs).order_by("-created_at"), 25).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for job in rows:
        job.counts = extensions.counts_of(job)
    ctx = {
        "page": page,
        "jobs": rows,
        "list_links": extensions.list_links(request),
        "statuses": Job.Status.choices,
        "departments": departments,
        "filters": {"status": status, "department": department, "q": query},
        "can_manage": can(request.membership, "manage_jobs"),
    }
    return render(request, "jobs/job_list.html", ctx)


@ability_required("manage_jobs", lookup=get_job_for_user)
def job_edit(request, pk):
    job = get_job_for_editing(request, pk)
    form = JobEditForm(request.POST or None, instance=job)
    if request.method == "POST" and form.is_valid():
        services.update_job(job=job, **form.cleaned_data)
        messages.success(request, "Job saved.")
        return redirect(job)
    return render(request, "jobs/job_form.html", {"form": form, "job": job}, status=400 if form.errors else 200)


@organization_required
def job_detail(request, pk):
    job = get_job_for_user(request, pk)
    members = request.organization.memberships.filter(is_active=True).select_related("user")
    on_team = set(job.team.values_list("user_id", flat=True))
    ctx = {
        "job": job,
        "team": job.team.select_related("user"),
        "addable_members": [m for m in members if m.user_id not in on_team],
        "team_roles": HiringTeamMember.Role.choices,
        "can_manage": can(request.membership, "manage_jobs"),
        "links": extensions.job_links(request, job),
        "scorecard_attributes": job.scorecard_attributes.all(),
    }
    return render(request, "jobs/job_detail.html", ctx)


@require_POST
@ability_required("manage_jobs", lookup=get_job_for_user)
def set_job_status(request, pk):
    job = get_job_for_editing(request, pk)
    try:
        job.set_status(request.POST.get("status", ""))
    except (ValidationError, ValueError):
        messages.error(request, f"A {job.get_status_display().lower()} job can't change to that status.")
    else:
        messages.success(request, f"“{job.title}” is now {job.get_status_display().lower()}.")
    return redirect(job)


@require_POST
@ability_required("manage_jobs", lookup=get_job_for_user)
def add_team_member(request, pk):
    job = get_job_for_editing(request, pk)
    membership = request.organization.memberships.filter(
        pk=to_int(request.POST.get("membership")), is_active=True
    ).first()
    role = request.POST.get("role")
    if membership is None or role not in HiringTeamMember.Role.values:
        messages.error(request, "Choose a member of your organisation and a role.")
    else:
        services.set_team_member(job=job, user=membership.user, role=role, by=request.user)
        messages.success(request, f"{membership.user} is on the hiring team.")
    return redirect(job)


@require_POST
@ability_required("manage_jobs", lookup=get_job_for_user)
def remove_team_member(request, pk, member_pk):
    job = get_job_for_editing(request, pk)
    services.remove_team_member(job=job, member_pk=member_pk)
    messages.success(request, "Removed from the hiring team.")
    return redirect(job)


@require_POST
@ability_required("manage_jobs")
def markdown_preview(request):
    return HttpResponse(render_markdown(request.POST.get("description", "")))


# --- The application form builder -------------------------------------------


def _builder(request, job, *, new_form=None, edit=None, status=200):
    """The builder page; htmx requests get just the #builder region, re-rendered from the database."""
    form = job.application_form
    ctx = {
        "job": job,
        "fields": list(form.fields.all()),
        "new_form": new_form or FormFieldForm(prefix="new", job_form=form),
        "edit": edit,
        "job_form": form,
        "preview": application_form_for(job),
        "always_required": ALWAYS_REQUIRED,
    }
    template = "jobs/form_builder.html#builder" if request.htmx else "jobs/form_builder.html"
    return render(request, template, ctx, status=status)


def _done(request, job, message=None):
    if message and not request.htmx:
        messages.success(request, message)
    if request.htmx:
        return _builder(request, job)
    return redirect("jobs:form_builder", pk=job.pk)


@ability_required("manage_jobs", lookup=get_job_for_user)
def form_builder(request, pk):
    return _builder(request, get_job_for_editing(request, pk))


@require_POST
@ability_required("manage_jobs", lookup=get_job_for_user)
def add_field(request, pk):
    job = get_job_for_editing(request, pk)
    form = FormFieldForm(request.POST, prefix="new", job_form=job.application_form)
    if not form.is_valid():
        return _builder(request, job, new_form=form, status=400 if not request.htmx else 200)
    services.add_question(form=job.application_form, **form.cleaned_data)
    return _done(request, job, "Question added.")


@ability_required("manage_jobs", lookup=get_job_for_user)
def edit_field(request, pk, field_pk):
    job = get_job_for_editing(request, pk)
    field = get_field_for_editing(request, job, field_pk)
    form = FormFieldForm(request.POST or None, instance=field, prefix=f"f{field.pk}")
    if request.method == "POST" and form.is_valid():
        form.save()
        return _done(request, job, "Question saved.")
    return _builder(request, job, edit={"field": field, "form": form})


@require_POST
@ability_required("manage_jobs", lookup=get_job_for_user)
def delete_field(request, pk, field_pk):
    job = get_job_for_editing(request, pk)
    field = get_field_for_editing(request, job, field_pk)
    try:
        services.delete_field(field=field)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("jobs:form_builder", pk=job.pk)
    return _done(request, job, "Question deleted.")


@require_POST
@ability_required("manage_jobs", lookup=get_job_for_user)
def toggle_field(request, pk, field_pk):
    """Switch a field's `required` or `active` flag (email stays required and shown)."""
    job = get_job_for_editing(request, pk)
    field = get_field_for_editing(request, job, field_pk)
    try:
        services.toggle_field(field=field, flag=request.POST.get("flag", ""))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return _done(request, job)


@require_POST
@ability_required("manage_jobs", lookup=get_job_for_user)
def form_settings(request, pk):
    """The form's own switches: "Reject knocked-out applications automatically"."""
    job = get_job_for_editing(request, pk)
    auto_reject = request.POST.get("knockout_auto_reject") == "on"
    services.set_knockout_auto_reject(form=job.application_form, auto_reject=auto_reject)
    if auto_reject:
        return _done(request, job, "Knocked-out applications will be rejected automatically.")
    return _done(request, job, "Knocked-out applications will be flagged, not rejected.")


@require_POST
@ability_required("manage_jobs", lookup=get_job_for_user)
def reorder_fields(request, pk):
    job = get_job_for_editing(request, pk)
    ids = to_ints(request.POST.getlist("field"))
    services.reorder_fields(form=job.application_form, field_ids=ids)
    return _done(request, job)


@require_POST
@ability_required("manage_jobs", lookup=get_job_for_user)
def move_field(request, pk, field_pk):
    job = get_job_for_editing(request, pk)
    field = get_field_for_editing(request, job, field_pk)
    services.move_field(field=field, offset=-1 if request.POST.get("direction") == "up" else 1)
    return _done(request, job)


# --- The scorecard: what interviewers rate ------------------------------------


def _scorecard(request, job, *, new_form=None, edit=None, status=200):
    """The scorecard page; htmx requests get just the #scorecard region, re-rendered from the database."""
    ctx = {
        "job": job,
        "attributes": list(job.scorecard_attributes.all()),
        "new_form": new_form or ScorecardAttributeForm(prefix="new"),
        "edit": edit,
    }
    template = "jobs/scorecard.html#scorecard" if request.htmx else "jobs/scorecard.html"
    return render(request, template, ctx, status=status)


def _scorecard_done(request, job, message=None):
    if request.htmx:
        return _scorecard(request, job)
    if message:
        messages.success(request, message)
    return redirect("jobs:scorecard", pk=job.pk)


def _invalid_status(request):
    # htmx swaps only 2xx answers: it gets the form with its errors as a 200; a plain POST a 400.
    return 200 if request.htmx else 400


def _get_attribute(job, pk):
    return get_object_or_404(job.scorecard_attributes, pk=pk)


@ability_required("manage_jobs", lookup=get_job_for_user)
def scorecard(request, pk):
    return _scorecard(request, get_job_for_editing(request, pk))


@require_POST
@ability_required("manage_jobs", lookup=get_job_for_user)
def add_attribute(request, pk):
    job = get_job_for_editing(request, pk)
    form = ScorecardAttributeForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            scorecards.add_attribute(job=job, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _scorecard_done(request, job, "Attribute added.")
    return _scorecard(request, job, new_form=form, status=_invalid_status(request))


@ability_required("manage_jobs", lookup=get_job_for_user)
def edit_attribute(request, pk, attribute_pk):
    job = get_job_for_editing(request, pk)
    attribute = _get_attribute(job, attribute_pk)
    form = ScorecardAttributeForm(request.POST or None, instance=attribute, prefix=f"a{attribute.pk}")
    if request.method == "POST":
        if form.is_valid():
            try:
                scorecards.edit_attribute(attribute=attribute, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _scorecard_done(request, job, "Attribute saved.")
        return _scorecard(request, job, edit={"attribute": attribute, "form": form}, status=_invalid_status(request))
    return _scorecard(request, job, edit={"attribute": attribute, "form": form})


@require_POST
@ability_required("manage_jobs", lookup=get_job_for_user)
def move_attribute(request, pk, attribute_pk):
    job = get_job_for_editing(request, pk)
    attribute = _get_attribute(job, attribute_pk)
    scorecards.move_attribute(attribute=attribute, offset=-1 if request.POST.get("direction") == "up" else 1)
    return _scorecard_done(request, job)


@require_POST
@ability_required("manage_jobs", lookup=get_job_for_user)
def delete_attribute(request, pk, attribute_pk):
    job = get_job_for_editing(request, pk)
    attribute = _get_attribute(job, attribute_pk)
    scorecards.delete_attribute(attribute=attribute)
    return _scorecard_done(request, job, f"“{attribute.name}” deleted.")
