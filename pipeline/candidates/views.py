import csv
from functools import partial
from itertools import groupby

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.views.decorators.http import require_GET, require_POST

from accounts.params import to_int
from accounts.permissions import ability_required, can, organization_required
from accounts.streaming import streamed
from jobs.access import visible_jobs
from jobs.models import Stage

from ..applications.access import visible_applications
from ..applications.models import Tag
from ..applications.selectors import answer_filter_options, distinct_values
from ..applications.services import rejection_reasons
from ..applications.views.board import dialog_on_arrival
from . import application_cards, mentions, services
from .access import get_candidate_for_user, sees_every_candidate, visible_candidates
from .forms import CandidateCreateForm, CandidateForm, NoteForm
from .models import Candidate
from .selectors import CANDIDATE_SORTS, candidate_filters, candidate_page, filter_candidates, within_jobs
from .timeline import candidate_timeline

User = get_user_model()
# An application's tags as pages show them: one query for a whole page of applications.
_SHOWN_TAGS = Prefetch("tags", queryset=Tag.objects.only("name").order_by("normalised"))


def _sources(request):
    """The source filter's choices: every source in the organisation, or among the candidates one may see."""
    if sees_every_candidate(request.membership):
        return distinct_values(Candidate, "source", scope="organization_id", value=request.membership.organization_id)
    visible = visible_candidates(request).exclude(source="")
    return visible.values_list("source", flat=True).distinct().order_by("source")


# What a row of the candidate list shows.
_LISTED_FIELDS = ("first_name", "last_name", "email", "skills", "source", "created_at")


@organization_required
def candidate_detail(request, pk):
    candidate = get_candidate_for_user(request, pk)
    jobs = visible_jobs(request)
    # A hiring manager sees this person's applications to their own jobs only; each with its answers,
    # and controls where the viewer takes its decisions.
    applications = application_cards.candidate_applications(request, candidate)
    ctx = {
        "candidate": candidate,
        "applications": applications,
        "back": request.path,
        "timeline": candidate_timeline(candidate, viewer=request.user, jobs=jobs, applications=applications),
        "note_form": NoteForm(candidate=candidate, membership=request.membership),
        "can_edit": can(request.membership, "manage_candidates"),
        "can_decide": can(request.membership, "manage_applications"),
        "can_manage_privacy": can(request.membership, "manage_privacy"),
        "reasons": rejection_reasons(request.organization),
        "duplicates": candidate.possible_duplicates().filter(pk__in=visible_candidates(request).values("pk")),
        # A move made here left an offer or a rejection email waiting: the page opens its dialog.
        "confirm_url": dialog_on_arrival(request),
    }
    return render(request, "pipeline/candidate_detail.html", ctx)


@ability_required("manage_candidates", lookup=get_candidate_for_user)
def candidate_edit(request, pk):
    candidate = get_candidate_for_user(request, pk)
    if candidate.erased_at is not None:
        messages.error(request, "This candidate's data was erased: there is no profile to edit.")
        return redirect("pipeline:candidate", candidate.pk)
    form = CandidateForm(request.POST or None, instance=candidate)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_candidate(candidate=candidate, values=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Profile saved.")
            return redirect("pipeline:candidate", candidate.pk)
    return render(request, "pipeline/candidate_form.html", {"candidate": candidate, "form": form})


@require_GET
@ability_required("manage_applications", lookup=get_candidate_for_user)
def mention_suggestions(request, pk):
    """The note box's @ list (htmx): members who may see this candidate, matching what follows the @."""
    candidate = get_candidate_for_user(request, pk)
    query = request.GET.get("q", "")[:100]
    application = (
        visible_applications(request).filter(candidate=candidate, pk=to_int(request.GET.get("application"))).first()
    )
    found = mentions.suggestions(candidate, query, application) if query.startswith("@") else []
    ctx = {"suggestions": found}
    return render(request, "pipeline/mention_suggestions.html", ctx)


@require_POST
@ability_required("manage_applications", lookup=get_candidate_for_user)
def add_note(request, pk):
    candidate = get_candidate_for_user(request, pk)
    form = NoteForm(request.POST, candidate=candidate, membership=request.membership)
    if candidate.erased_at is not None:
        messages.error(request, "This candidate's data was erased: notes about them are no longer kept.")
    elif form.is_valid():
        services.add_note(
            candidate=candidate,
            author=request.user,
            body=form.cleaned_data["body"],
            visibility=form.cleaned_data["visibility"],
            application=form.cleaned_data.get("application"),
        )
        messages.success(request, "Note added.")
    else:
        messages.error(request, "Write something in the note first.")
    return redirect("pipeline:candidate", candidate.pk)


@organization_required
def candidate_list(request):
    jobs = visible_jobs(request).order_by("title")
    filters = within_jobs(candidate_filters(request.GET), jobs)
    # Erased candidates are tombstones kept for counts: their applications show them, the list does not.
    people = visible_candidates(request).filter(erased_at=None)
    # Each row lists only the applications to jobs the viewer can open, with their tags.
    shown_applications = Prefetch(
        "applications",
        queryset=visible_applications(request)
        .select_related("job", "current_stage")
        .only("candidate", "status", "job__title", "current_stage__name")
        .prefetch_related(_SHOWN_TAGS),
    )
    candidates = filter_candidates(people, filters, organization=request.organization, jobs=jobs)
    if request.GET.get("format") == "csv":
        return streamed(request, _csv(candidates.defer(*Candidate.HEAVY_FIELDS).prefetch_related(shown_applications)))
    candidates = candidates.only(*_LISTED_FIELDS).prefetch_related(shown_applications)
    page = candidate_page(candidates, filters, request.GET.get("page"))
    ctx = {
        "page": page,
        "candidates": page.object_list,
        "filters": filters,
        "any_filter": any(filters[key] for key in filters if key not in ("sort", "knockout"))
        or filters["knockout"] is not None,
        # The job's choice and yes/no questions to filter by, with the results: they follow the job chosen.
        "answer_filters": answer_filter_options(filters["job"], selected=filters["answers"]) if filters["job"] else [],
        "jobs": jobs.only("title"),
        # Called by the template, so the htmx branch (the results only) does not query stages or sources.
        "stage_options": partial(_stage_options, jobs, selected=filters["stage"]),
        "sources": partial(_sources, request),
        "sorts": [(key, label) for key, (label, _) in CANDIDATE_SORTS.items()],
        "query": request.GET.urlencode(),
        "can_add": can(request.membership, "manage_candidates"),
        "can_manage_privacy": can(request.membership, "manage_privacy"),
    }
    template = "pipeline/candidate_list.html#results" if request.htmx else "pipeline/candidate_list.html"
    return render(request, template, ctx)


def _stage_options(jobs, *, selected):
    """The stage filter's options, grouped by job, as HTML.

    Built here rather than with template tags: 50 jobs have 400 stages, and at some 13 µs an option
    the template language spent a fifth of the page's time on them. format_html escapes the names.
    """
    stages = Stage.objects.filter(job__in=jobs, is_active=True).order_by("job__title", "order")
    groups = groupby(stages.values_list("job__title", "pk", "name"), key=lambda stage: stage[0])
    return format_html_join(
        "",
        '<optgroup label="{}">{}</optgroup>',
        (
            (
                title,
                format_html_join(
                    "",
                    '<option value="{}"{}>{}</option>',
                    ((pk, " selected" if pk == selected else "", name) for _, pk, name in group),
                ),
            )
            for title, group in groups
        ),
    )


class _Echo:
    """A file-like object that hands back what is written: csv.writer then returns each row as text."""

    def write(self, value):
        return value


CSV_HEADER = ["First name", "Last name", "Email", "Phone", "City", "Source", "Skills", "Jobs", "Tags", "Added"]


def _csv(candidates):
    """What is filtered, as a spreadsheet, streamed in chunks. Cells that could run as formulas are defused."""
    writer = csv.writer(_Echo())
    zone = timezone.get_current_timezone()  # read now: the rows are written after the view returns

    def rows():
        yield writer.writerow(CSV_HEADER)
        # iterator() keeps memory flat however many there are; each chunk of 500 gets its prefetches.
        for candidate in candidates.iterator(chunk_size=500):
            applications = candidate.applications.all()
            tags = dict.fromkeys(tag.name for application in applications for tag in application.tags.all())
            row = [
                candidate.first_name,
                candidate.last_name,
                candidate.email,
                candidate.phone,
                candidate.city,
                candidate.source,
                ", ".join(candidate.skills),
                "; ".join(application.job.title for application in applications),
                ", ".join(tags),
                timezone.localtime(candidate.created_at, zone).date().isoformat(),
            ]
            yield writer.writerow([_safe_cell(value) for value in row])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="candidates.csv"'
    return response


def _safe_cell(value):
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@ability_required("manage_candidates")
def candidate_create(request):
    form = CandidateCreateForm(request.POST or None, request.FILES or None, jobs=visible_jobs(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        resume, job = data.pop("resume"), data.pop("job")
        try:
            candidate = services.add_candidate(
                organization=request.organization, by=request.user, values=data, resume=resume, job=job
            )
        except services.DuplicateCandidate as error:
            form.add_error(None, error)  # keyed by email
            ctx = {"form": form, "existing": error.candidate}
            return render(request, "pipeline/candidate_create.html", ctx, status=400)
        messages.success(request, f"{candidate.full_name} was added{f' to {job.title}' if job else ''}.")
        return redirect("pipeline:candidate", candidate.pk)
    status = 400 if form.errors else 200
    return render(request, "pipeline/candidate_create.html", {"form": form}, status=status)


@require_POST
@ability_required("manage_candidates", lookup=get_candidate_for_user)
def merge_candidate(request, pk):
    """Merge the posted `other` candidate into this one."""
    keep = get_candidate_for_user(request, pk)
    other = request.POST.get("other", "")
    merge = get_candidate_for_user(request, to_int(other))
    try:
        services.merge_candidates(keep=keep, merge=merge, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Merged {merge.full_name} into {keep.full_name}.")
    return redirect("pipeline:candidate", keep.pk)
