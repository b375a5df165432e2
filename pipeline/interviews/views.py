"""Interviews' pages (being built: scheduling, the interview page, "My interviews")."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.permissions import organization_required

from .access import get_interview_for_user


@require_GET
@organization_required
def interview_detail(request, pk):
    interview = get_interview_for_user(request, pk)
    return render(request, "pipeline/interviews/interview_detail.html", {"interview": interview})
