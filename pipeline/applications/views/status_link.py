"""The team's side of the candidate's status link: revoking it (the link itself is in the candidate page's panel)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.permissions import ability_required

from .. import notices
from ..access import get_application_for_managing, get_application_for_user
from ..status_link import revoke_status_link


@require_POST
@ability_required("manage_applications", lookup=get_application_for_user)
def revoke_link(request, pk):
    application = get_application_for_managing(request, pk)
    revoke_status_link(application=application, by=request.user)
    messages.success(
        request,
        f"The status links sent to {application.candidate.full_name} no longer open. "
        "Their next email carries a new one; or copy it from here.",
    )
    return redirect(notices.application_url(application))
