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
            # The page lists only the applications the viewer sees: access.may_assign holds for each.
            "new_url": f"{reverse('pipeline:task_create')}?{query}",
        }
        panels[application.pk] = (PANEL, context)
    return panels


def register():
    extensions.register("application_panels", application_panels)
