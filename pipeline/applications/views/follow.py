from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.permissions import organization_required

from .. import notices, services
from ..access import get_application_for_user


@require_POST
@organization_required
def follow_application(request, pk):
    """Follow (or, with following=0, unfollow) an application's news: anyone who may see it."""
    application = get_application_for_user(request, pk)
    following = request.POST.get("following") != "0"
    services.set_following(application=application, user=request.user, following=following)
    verb = "now follow" if following else "no longer follow"
    messages.success(request, f"You {verb} {application.candidate.full_name} for {application.job.title}.")
    return redirect(notices.application_url(application))
