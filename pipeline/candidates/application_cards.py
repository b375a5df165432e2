"""Each application on a candidate's page, ready for its card: answers, stage controls, panels.

A fixed number of queries for any number of applications (answers, tags, stages, follows, who
decides, each panel provider): tests/pipeline/candidates/test_candidate_page_answers.py counts them.
The board's decisions view (pipeline.applications.views.board) re-renders a card's marks (star,
rating, tags) through render_marks when the candidate page posts them with htmx.
"""

from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import reverse

from jobs.models import Stage

from ..applications.access import applications_managed_by, visible_applications
from ..applications.answer_display import ANSWERS, present
from ..applications.models import Application, Tag
from ..applications.notices import followed_among
from . import extensions

# An application's tags as its card shows them.
SHOWN_TAGS = Prefetch("tags", queryset=Tag.objects.only("name").order_by("normalised"))

CLOSED = (Application.Status.REJECTED, Application.Status.WITHDRAWN)

# With more applications than this, only the newest shows its answers open; the others fold.
OPEN_ANSWERS = 2


def candidate_applications(request, candidate):
    """The viewer's view of `candidate`'s applications, each set up for its card: those still in the
    process first (the decisions to take), then the rejected and withdrawn; newest first within each."""
    applications = (
        visible_applications(request)
        .filter(candidate=candidate)
        .select_related("job", "current_stage")
        .prefetch_related(SHOWN_TAGS, ANSWERS)
        .order_by("-applied_at", "-pk")
    )
    applications = sorted(applications, key=lambda application: application.status in CLOSED)
    return prepare(request, applications)


def prepare(request, applications):
    """Set on each application what its card reads: prepare_controls' and `is_followed`, `answers_open`
    and `panels` (pipeline.candidates.extensions)."""
    prepare_controls(request, applications)
    followed = followed_among(applications, request.user)
    for index, application in enumerate(applications):
        application.is_followed = application.pk in followed
        application.answers_open = index == 0 or len(applications) <= OPEN_ANSWERS
    # The providers read can_decide (set above).
    panels = extensions.application_panels(request, applications)
    for application in applications:
        application.panels = panels[application.pk]
    return applications


def prepare_controls(request, applications):
    """Set on each application what its decisions and answers need (templates/pipeline/_application_*.html):
    `can_decide` (the viewer takes its decisions), `stage_choices` (its job's active stages),
    `next_stage` (None at the last one) and `shown_answers` (with ANSWERS prefetched). Two queries."""
    stages_of = stage_choices(applications)
    managed = managed_among(request, applications)
    for application in applications:
        application.can_decide = application.pk in managed
        application.stage_choices = stages_of.get(application.job_id, [])
        application.next_stage = following_stage(application, application.stage_choices)
        application.shown_answers = present(application.answers.all())
    return applications


def stage_choices(applications):
    """{job id: [its active stages, in order]}, one query for all the jobs of `applications`."""
    stages_of = {}
    for stage in Stage.objects.filter(job__in={a.job_id for a in applications}, is_active=True).order_by("order", "pk"):
        stages_of.setdefault(stage.job_id, []).append(stage)
    return stages_of


def managed_among(request, applications):
    """The ids of `applications` whose decisions the viewer takes: one seen only through an interview
    panel is seen as an interviewer."""
    if not applications:
        return set()
    ids = [application.pk for application in applications]
    return set(applications_managed_by(request.membership).filter(pk__in=ids).values_list("pk", flat=True))


def following_stage(application, stages):
    """The active stage after the application's own (services.next_stage, read from `stages`)."""
    current = application.current_stage
    if current is None:
        return None
    return next((stage for stage in stages if stage.order > current.order), None)


def render_marks(request, application):
    """The card's star, rating and tags, from fresh database state, with any message as a toast."""
    application = (
        visible_applications(request).select_related("job").prefetch_related(SHOWN_TAGS).get(pk=application.pk)
    )
    application.can_decide = True  # the decisions view asked (get_application_for_managing)
    ctx = {"application": application, "back": reverse("pipeline:candidate", args=[application.candidate_id])}
    return render(request, "pipeline/candidate_detail.html#application-marks", ctx)
