"""What the rooms above candidates add to a candidate's page: each application's tasks and the
runs of its stage actions, in its card and in the activity timeline; and how a person is erased, or
one application deleted (pipeline.privacy), for the API's DELETE of a candidate or an application.

The candidate page lives in this room, below tasks and automation, so it can't import them; they
register providers here from PipelineConfig.ready(), as jobs.extensions does for the apps above jobs.
"""

_providers = {"timeline": [], "application_panels": [], "erase": [], "delete_application": []}


def register(slot, provider):
    """Add `provider` to `slot` (one of _providers' keys); used from PipelineConfig.ready()."""
    if provider not in _providers[slot]:
        _providers[slot].append(provider)
    return provider


def timeline_items(candidate, *, applications, viewer):
    """More activity items: provider(candidate, applications=..., viewer=...) -> [item dict], each with
    at least "at", "kind" and "text" (see timeline.candidate_timeline), about `applications` only
    (those the viewer may see). A fixed number of queries per provider."""
    return [
        item
        for provider in _providers["timeline"]
        for item in provider(candidate, applications=applications, viewer=viewer)
    ]


def application_panels(request, applications):
    """{application id: [(template name, context)]} to include in each application's card (each
    application carries `can_decide`: whether the viewer takes its decisions, applications_managed_by):
    provider(request, applications) -> {application id: (template name, context)}."""
    panels = {application.pk: [] for application in applications}
    for provider in _providers["application_panels"]:
        for application_id, panel in provider(request, applications).items():
            panels[application_id].append(panel)
    return panels


def erase(candidate, *, by, reason):
    """Erase the person's data as the privacy page does: provider(candidate=..., by=..., reason=...),
    pipeline.privacy.services.erase_candidate (a room above this one)."""
    [provider] = _providers["erase"]
    return provider(candidate=candidate, by=by, reason=reason)


def delete_application(application, *, by, reason):
    """Delete one application and what hangs from it, as the privacy room does: provider(application=...,
    by=..., reason=...), pipeline.privacy.services.delete_application (a room above applications)."""
    [provider] = _providers["delete_application"]
    return provider(application=application, by=by, reason=reason)
