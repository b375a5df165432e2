"""What tasks add to a candidate's page: each application's open tasks, a count of the done ones, and
"New task" (registered with pipeline.candidates.extensions from PipelineConfig.ready())."""

from django.urls import reverse
from django.utils.http import urlencode

from ..candidates import extensions
from .selectors import local_today, open_for_applications

PANEL = "pipeline/tasks/application_panel.html"


def application_panels(request, applications):
    """{application id: (template, context)}, one query for all the applications (and none without any)."""
    if not applications:
        return {}
    found = open_for_applications(request.membership, applications)
    today = local_today(request.user, request.organization)
    panels = {}
    for application in applications:
        query = urlencode({"application": application.pk, "next": f"{request.path}#application-{application.pk}"})
        context = {
            **found[application.pk],
            "application": application,
            "today": today,
            # access.may_assign, as the candidate page asked it.
            "new_url": f"{reverse('pipeline:task_create')}?{query}" if application.can_decide else "",
        }
        panels[application.pk] = (PANEL, context)
    return panels


def register():
    extensions.register("application_panels", application_panels)
