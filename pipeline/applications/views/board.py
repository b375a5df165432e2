"""The board and every decision taken on applications, from the board or elsewhere.

htmx requests get the board (or the page region they came from) re-rendered
from fresh database state; plain POSTs redirect back (post-redirect-get).
"""

from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.params import to_int, to_ints
from accounts.permissions import ability_required
from jobs.access import get_job_for_user
from jobs.models import Stage

from ...candidates import application_cards  # the candidate page's card (issue 16)
from .. import services
from ..access import get_application_for_managing, get_application_for_user
from ..cards import render_cards
from ..choices import MoveChoices
from ..models import TAG_MAX_LENGTH, Application
from ..selectors import (
    CARDS_PER_COLUMN,
    board_cards,
    board_filters,
    build_board,
    build_columns,
    column_feet,
    job_stages,
)


def next_url(request, default):
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path of ours: a bare word ("board") would be taken for a URL name by redirect() and fail to reverse.
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _expanded(request):
    """?more=<stage id> shows that column's next batch of cards."""
    more, count = to_int(request.GET.get("more")), to_int(request.GET.get("count"), maximum=1000)
    if more is not None:
        return {more: count or 2 * CARDS_PER_COLUMN}
    return {}


def confirm_url(entries, *, job, back):
    """Where a person answers for the emails a move left waiting (an offer, a rejection), or None.

    The form lives with the automation (pipeline.automation.views.confirm), reached by its URL:
    this room may not import it. One application's form, or the job's for the stage entered.
    """
    waiting = {run.application_id for entry in entries for run in getattr(entry, "waiting", ())}
    if not waiting:
        return None
    if len(waiting) == 1:
        url = reverse("pipeline:confirm_actions", args=[waiting.pop()])
        return f"{url}?{urlencode({'next': back})}"
    url = reverse("pipeline:confirm_job_actions", args=[job.pk])
    return f"{url}?{urlencode({'stage': entries[0].to_stage_id, 'next': back})}"


# A page reached after a move that left an email waiting, and the dialog it opens on arrival.
_ASK_ON_ARRIVAL = "ask_on_arrival"


def ask_after_move(request, form, back):
    """Where a plain POST (the "Move to…" form, the bulk bar) goes: `back`, or a `form` to fill in
    first (confirm the offer or rejection email a move left waiting; the bulk bar's rejection).

    With JavaScript (app.js marks the form: js=1) the person goes back to their page, which opens
    the form as a dialog on arrival (dialog_on_arrival); without it, the form is a page of its own.
    """
    if form is None:
        return redirect(back)
    if request.POST.get("js") != "1":
        return redirect(form)
    request.session[_ASK_ON_ARRIVAL] = {"path": urlsplit(back).path, "url": form}
    return redirect(back)


def dialog_on_arrival(request):
    """The form's URL to open as a dialog on this page (once), or None. See ask_after_move."""
    waiting = request.session.get(_ASK_ON_ARRIVAL)
    if not waiting or waiting.get("path") != request.path:
        return None
    del request.session[_ASK_ON_ARRIVAL]
    return waiting.get("url")


# --- Board on phones (issue 16): how many filters are on, for the Filters button's badge. ---
def active_filter_count(filters):
    """How many of board_filters' filters are on: each that differs from its default, each answer apart.

    Compared with the defaults rather than with "falsy": knockout=0 ("not knocked out") is False, and on.
    """
    defaults = board_filters(QueryDict())
    return sum(
        len(value) if isinstance(value, list | tuple) else 1
        for name, value in filters.items()
        if value != defaults.get(name)
    )


def _render_board(request, job, *, params=None, stages=None, status=200, confirm=None):
    filters = board_filters(params if params is not None else request.GET)
    columns = build_board(job, filters, viewer=request.membership, expanded=_expanded(request), stages=stages)
    ctx = {"job": job, "filters": filters, **columns}
    ctx["confirm_url"] = confirm
    ctx["active_filters"] = active_filter_count(filters)  # on the phone's Filters button
    render_cards([card for column in ctx["columns"] for card in column["cards"]])
    ctx["query"] = request.GET.urlencode() if params is None else params.urlencode()
    ctx["board_url"] = reverse("pipeline:board", args=[job.pk]) + (f"?{ctx['query']}" if ctx["query"] else "")
    template = "pipeline/board.html#board" if request.htmx and not request.htmx.boosted else "pipeline/board.html"
    return render(request, template, ctx, status=status)


@require_GET
@ability_required("manage_applications", lookup=get_job_for_user)
def board(request, pk):
    job = get_job_for_user(request, pk)
    if request.htmx and "columns" in request.GET:
        return _render_columns(request, job)
    if not request.htmx:
        return _render_board(request, job, confirm=dialog_on_arrival(request))
    return _render_board(request, job)


def _shown_columns(request):
    """?columns=3:60,4 names the columns to send, each with the cards it shows now (a first batch at least)."""
    shown = {}
    for item in request.GET.get("columns", "").split(","):
        stage, _, count = item.partition(":")
        if (stage_pk := to_int(stage)) is not None:
            shown[stage_pk] = max(to_int(count, maximum=1000) or 0, CARDS_PER_COLUMN)
    return shown


def _render_columns(request, job):
    """Some columns, whole, under the board's filters: what an open board re-fetches when they change.

    app.js asks for them when a live update (ats.live) says a job's stages changed, or every poll;
    each keeps as many cards as it showed ("show more" stays open). Other jobs' stage ids are ignored.
    """
    shown = _shown_columns(request)
    stages = [stage for stage in job_stages(job) if stage.pk in shown]
    params = request.GET.copy()
    del params["columns"]
    columns = build_columns(job, board_filters(params), stages, viewer=request.membership, expanded=shown)
    render_cards([card for column in columns for card in column["cards"]])
    ctx = {"job": job, "swap_columns": True, "columns": columns, "query": params.urlencode()}
    return render(request, "pipeline/board.html#columns", ctx)


@require_POST
@ability_required("manage_applications", lookup=get_job_for_user)
def board_column(request, pk, stage_pk):
    """A column as dropped: every posted id is checked against the job; others are ignored."""
    job = get_job_for_user(request, pk)
    stages = job_stages(job)
    stage = next((s for s in stages if s.pk == stage_pk), None)
    if stage is None:
        if not Stage.objects.filter(pk=stage_pk, job=job).exists():
            raise Http404
        messages.error(request, "That stage is switched off; cards can't go there.")
        if request.htmx:  # the card sits where it was dropped: the whole board puts it back
            return _render_board(request, job, params=_board_params(request), stages=stages)
        return redirect(next_url(request, reverse("pipeline:board", args=[job.pk])))
    ids = to_ints(request.POST.getlist("application"))
    entries = services.set_positions(job=job, stage=stage, application_ids=ids, by=request.user)
    if request.htmx:
        return _drag_answer(request, job, stages, stage, entries, shown=len(set(ids)))
    back = next_url(request, reverse("pipeline:board", args=[job.pk]))
    # An offer or a rejection email waits for a person's answer: ask it before going back.
    return ask_after_move(request, confirm_url(entries, job=job, back=back), back)


def _drag_answer(request, job, stages, stage, entries, *, shown):
    """What a drag changed, and only that: the moved cards, and the two columns' counts and feet.

    The browser has already put the card where it was dropped. The source column shows one
    card fewer than its first batch (exact unless it was expanded with "show more").
    """
    params = _board_params(request)
    changed = [s for s in stages if s.pk == stage.pk or s.pk in {e.from_stage_id for e in entries}]
    visible = {s.pk: shown if s.pk == stage.pk else CARDS_PER_COLUMN - 1 for s in changed}
    columns = column_feet(job, board_filters(params), changed, visible)
    moved = [entry.application_id for entry in entries]
    cards = render_cards(board_cards(job, moved, viewer=request.membership, stages=stages), oob=True)
    ctx = {"job": job, "oob": True, "columns": columns, "cards": cards, "query": params.urlencode()}
    # The dialog asking about an offer or a rejection email the drag set off (app.js opens it).
    ctx["confirm_url"] = confirm_url(entries, job=job, back=_board_url(request, job))
    if len(entries) == len(cards) == 1:
        [entry], [card] = entries, cards
        ctx["toast"] = f"{card.name} moved to {stage.name}."
        ctx["undo"] = {
            "url": reverse("pipeline:undo_move", args=[entry.application_id]),
            "history": entry.pk,
            "next": reverse("pipeline:board", args=[job.pk]),
            "delay_ms": services.UNDO_SECONDS * 1000,
        }
    return render(request, "pipeline/board.html#changes", ctx)


@require_POST
@ability_required("manage_applications", lookup=get_application_for_user)
def undo_move(request, pk):
    """Undo a drag (its toast's button): back to the stage it came from, unless it has moved since."""
    application = get_application_for_managing(request, pk)
    job = application.job
    try:
        entry = services.undo_move(
            application=application, history_id=to_int(request.POST.get("history")), by=request.user
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        entry = None
    else:
        messages.success(request, f"{application.candidate} is back in {entry.to_stage.name}.")
    if not request.htmx:
        back = f"{next_url(request, reverse('pipeline:board', args=[job.pk]))}#application-{application.pk}"
        return ask_after_move(request, confirm_url([entry] if entry else [], job=job, back=back), back)
    stages = job_stages(job)
    changed = [s for s in stages if entry and s.pk in (entry.from_stage_id, entry.to_stage_id)]
    params = _board_params(request)
    columns = build_columns(job, board_filters(params), changed, viewer=request.membership)
    render_cards([card for column in columns for card in column["cards"]])
    ctx = {"job": job, "swap_columns": True, "columns": columns, "query": params.urlencode()}
    ctx["confirm_url"] = confirm_url([entry] if entry else [], job=job, back=_board_url(request, job))
    return render(request, "pipeline/board.html#columns", ctx)


def _board_params(request):
    """The board's filters ride along in the htmx request's current URL."""
    current = request.htmx.current_url or ""
    return QueryDict(urlsplit(current).query)


def _board_url(request, job):
    """The board as the person sees it (its filters), to come back to."""
    query = _board_params(request).urlencode() if request.htmx else ""
    return reverse("pipeline:board", args=[job.pk]) + (f"?{query}" if query else "")


# Decisions that change a card in place: htmx gets that one card back.
CARD_ACTIONS = {"star", "rate", "tag", "untag"}


def _respond(request, application, message=None, error=None, action=None, moves=()):
    """The answer to a decision; `moves` (history entries) that left an offer or a rejection email
    waiting go on to ask about it."""
    if error:
        messages.error(request, error)
    elif message:
        messages.success(request, message)
    # --- The candidate page's card (issue 16): its star, rating and tags come back in place. ---
    if request.htmx and action in CARD_ACTIONS and request.POST.get("from") == "candidate":
        return application_cards.render_marks(request, application)
    if request.htmx and action in CARD_ACTIONS:
        [card] = render_cards(board_cards(application.job, [application.pk], viewer=request.membership))
        return render(request, "pipeline/board.html#one_card", {"card": card, "job": application.job})
    if request.htmx:
        confirm = confirm_url(moves, job=application.job, back=_board_url(request, application.job))
        return _render_board(request, application.job, params=_board_params(request), confirm=confirm)
    # Back to the board (or page) it came from, scrolled to and focused on the card.
    back = f"{next_url(request, reverse('pipeline:board', args=[application.job_id]))}#application-{application.pk}"
    return ask_after_move(request, confirm_url(moves, job=application.job, back=back), back)


@require_POST
@ability_required("manage_applications", lookup=get_application_for_user)
def move_application(request, pk):
    application = get_application_for_managing(request, pk)
    stage_pk = request.POST.get("stage", "")
    stage = Stage.objects.filter(pk=to_int(stage_pk), job_id=application.job_id).first()
    if stage is None:
        return _respond(request, application, error="Choose a stage of this job.")
    # "Send again": candidate emails this stage already sent them in the last 14 days go again.
    choices = MoveChoices(send_again=bool(request.POST.get("send_again")))
    try:
        entry = services.move_application(
            application=application, to_stage=stage, by=request.user, note=request.POST.get("note", "")[:1000],
            choices=choices,
        )  # fmt: skip
    except ValidationError as error:
        return _respond(request, application, error=error.messages[0])
    moves = [entry] if entry else []
    return _respond(request, application, f"{application.candidate} moved to {stage.name}.", moves=moves)


def _advance(request, application, name):
    history = services.advance_application(application=application, by=request.user)
    application.moves = [history]  # it may have left an offer or a rejection email waiting
    return f"{name} moved to {history.to_stage.name}."


def _close(withdrawn):
    def close(request, application, name):
        reason = request.POST.get("reason", "").strip()
        services.reject_application(application=application, reason=reason, by=request.user, withdrawn=withdrawn)
        return f"{name} was {'marked as withdrawn' if withdrawn else 'rejected'}."

    return close


def _unreject(request, application, name):
    services.un_reject_application(application=application, by=request.user)
    return f"{name} is back in the process."


def _status(status, message):
    def set_status(request, application, name):
        services.set_status(application=application, status=status, by=request.user)
        return message.format(name=name)

    return set_status


def _star(request, application, name):
    services.toggle_star(application=application)


def _rate(request, application, name):
    services.rate(application=application, rating=to_int(request.POST.get("rating", ""), maximum=99))


def _posted_tags(request):
    """The comma-separated tags as typed; ValidationError if one is longer than a tag can be."""
    tags = request.POST.get("tag", "").split(",")
    if any(len(" ".join(tag.split())) > TAG_MAX_LENGTH for tag in tags):
        raise ValidationError(f"Keep each tag to {TAG_MAX_LENGTH} characters or fewer.")
    return tags


def _tag(request, application, name):
    services.add_tags(applications=[application], tags=_posted_tags(request))


def _untag(request, application, name):
    services.remove_tag(application=application, tag=request.POST.get("tag", ""))


def _archive(archived):
    def archive(request, application, name):
        services.set_archived(application=application, archived=archived, by=request.user)
        return f"{name} was {'archived' if archived else 'unarchived'}."

    return archive


# Each decision: a function of (request, application, name) returning the toast's text (or None).
# Rejecting has its own form, with its email (pipeline.automation.views.reject, /applications/<id>/reject/).
ACTIONS = {
    "advance": _advance,
    "withdraw": _close(withdrawn=True),
    "unreject": _unreject,
    "hire": _status(Application.Status.HIRED, "{name} was hired."),
    "hold": _status(Application.Status.ON_HOLD, "{name} is on hold."),
    "activate": _status(Application.Status.ACTIVE, "{name} is active."),
    "star": _star,
    "rate": _rate,
    "tag": _tag,
    "untag": _untag,
    "archive": _archive(True),
    "unarchive": _archive(False),
}


@require_POST
@ability_required("manage_applications", lookup=get_application_for_user)
def application_action(request, pk, action):
    """One endpoint per decision, all through pipeline's services."""
    application = get_application_for_managing(request, pk)
    if action not in ACTIONS:
        return _respond(request, application, error="Unknown action.")
    try:
        message = ACTIONS[action](request, application, str(application.candidate))
    except ValidationError as error:
        return _respond(request, application, error=error.messages[0], action=action)
    return _respond(request, application, message, action=action, moves=getattr(application, "moves", ()))


@require_POST
@ability_required("manage_applications", lookup=get_job_for_user)
def bulk_action(request, pk):
    """Move, reject or tag the selected applications of one job; foreign ids are ignored."""
    job = get_job_for_user(request, pk)
    ids = to_ints(request.POST.getlist("selected"))
    applications = list(Application.objects.filter(job=job, pk__in=ids).select_related("candidate"))
    action = request.POST.get("action")
    board = next_url(request, reverse("pipeline:board", args=[job.pk]))
    moves = []
    if not applications:
        messages.error(request, "Select at least one application.")
    elif action == "move":
        stage_pk = request.POST.get("stage", "")
        stage = Stage.objects.filter(job=job, is_active=True, pk=to_int(stage_pk)).first()
        if stage is None:
            messages.error(request, "Choose a stage to move them to.")
        else:
            ids = [a.pk for a in applications]
            moves = services.set_positions(job=job, stage=stage, application_ids=ids, by=request.user)
            messages.success(request, f"Moved {len(applications)} to {stage.name}.")
    elif action == "reject":
        # One form for the reason and the rejection email, rendered for each person.
        query = urlencode([("selected", a.pk) for a in applications] + [("next", board)])
        url = f"{reverse('pipeline:reject_applications', args=[job.pk])}?{query}"
        return HttpResponseClientRedirect(url) if request.htmx else ask_after_move(request, url, board)
    elif action == "email":
        query = urlencode([("selected", a.pk) for a in applications])
        return redirect(f"{reverse('pipeline:bulk_email', args=[job.pk])}?{query}")
    elif action == "tag":
        try:
            services.add_tags(applications=applications, tags=_posted_tags(request))
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"Tagged {len(applications)}.")
    else:
        messages.error(request, "Choose what to do with the selection.")
    if request.htmx:
        confirm = confirm_url(moves, job=job, back=_board_url(request, job))
        return _render_board(request, job, params=_board_params(request), confirm=confirm)
    # A move that left offers or rejections waiting asks about them first (one text for them all).
    return ask_after_move(request, confirm_url(moves, job=job, back=board), board)
