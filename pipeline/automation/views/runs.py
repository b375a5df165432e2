"""A run on the candidate's timeline: retry a failed one, cancel one not yet done."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from accounts.permissions import ability_required

from ...applications.views.board import next_url
from .. import services
from ..selectors import get_run_for_managing, get_run_for_user


def _back(request, run):
    page = reverse("pipeline:candidate", args=[run.application.candidate_id])
    path = next_url(request, page).split("#")[0]
    if request.htmx:
        # The page again, from fresh state: the timeline and the card both change (the same URL is
        # reloaded, since a change of #fragment alone would load nothing).
        if path == request.htmx.current_url_abs_path:
            return HttpResponseClientRefresh()
        return HttpResponseClientRedirect(path)
    return redirect(f"{path}#application-{run.application_id}")


@require_POST
@ability_required("manage_applications", lookup=get_run_for_user)
def retry_run(request, pk):
    run = get_run_for_managing(request, pk)
    try:
        services.retry_run(run=run, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"“{run.label}” is being tried again.")
    return _back(request, run)


@require_POST
@ability_required("manage_applications", lookup=get_run_for_user)
def cancel_run(request, pk):
    run = get_run_for_managing(request, pk)
    try:
        services.cancel_run(run=run, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"“{run.label}” was cancelled.")
    return _back(request, run)
