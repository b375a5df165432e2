"""What tasks add to a candidate's page: each application's open tasks, a count of the done ones, and
"New task" (registered with pipeline.candidates.extensions from PipelineConfig.ready())."""

from django.urls import reverse
from django.utils.http import urlencode

from ..applications.access import applications_managed_by
from ..candidates import extensions
from .selectors import local_today, open_for_applications

PANEL = "pipeline/tasks/application_panel.html"


def application_panels(request, applications):
    """{application id: (template, context)}, one query for all the applications (and none without any)."""
    if not applications:
        return {}
    found = open_for_applications(request.membership, applications)
    today = local_today(request.user, request.organization)
    # access.may_assign, for every application at once.
    managed = set(
        applications_managed_by(request.membership)
        .filter(pk__in=[a.pk for a in applications])
        .values_list("pk", flat=True)
    )
    panels = {}
    for application in applications:
        query = urlencode({"application": application.pk, "next": f"{request.path}#application-{application.pk}"})
        context = {
            **found[application.pk],
            "application": application,
            "today": today,
            "new_url": f"{reverse('pipeline:task_create')}?{query}" if application.pk in managed else "",
        }
        panels[application.pk] = (PANEL, context)
    return panels


def register():
    extensions.register("application_panels", application_panels)
