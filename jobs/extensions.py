"""Places on jobs' pages that the apps above `jobs` fill in.

`jobs` may not import pipeline, yet a job's page links to its board, the jobs
list shows application counts and the careers page has an Apply button. The
apps above register a provider here from their AppConfig.ready(); jobs' views
call the providers and render what they return, so no template of `jobs` names
a URL of a higher app.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    icon: str = ""
    # "post" links are buttons in a small form (they change something).
    method: str = "get"
    primary: bool = False
    # "view": beside the job's title; "manage": with the job's editing tools.
    group: str = "view"


_providers = {"job_links": [], "list_links": [], "job_counts": [], "apply_url": [], "team_member_added": []}


def register(slot, provider):
    """Add `provider` to `slot` (one of _providers' keys); used from AppConfig.ready()."""
    if provider not in _providers[slot]:
        _providers[slot].append(provider)
    return provider


def job_links(request, job):
    """Links on a job's page: provider(request, job) -> [Link]."""
    return [link for provider in _providers["job_links"] for link in provider(request, job)]


def list_links(request):
    """Links at the top of the jobs list: provider(request) -> [Link]."""
    return [link for provider in _providers["list_links"] for link in provider(request)]


def _count_expressions():
    return {name: e for provider in _providers["job_counts"] for name, e in provider().items()}


def with_counts(jobs):
    """The queryset annotated with the counts the jobs list shows: provider() -> {name: expression}.

    Annotations rather than a query per provider keep the list at one query for its rows.
    """
    return jobs.annotate(**{f"_count_{name}": e for name, e in _count_expressions().items()})


def counts_of(job):
    """{name: number} for a job that came from with_counts()."""
    return {name: getattr(job, f"_count_{name}") for name in _count_expressions()}


def apply_url(job):
    """Where the careers page's Apply button goes, or "" when nothing takes applications."""
    return next((url for provider in _providers["apply_url"] if (url := provider(job))), "")


def team_member_added(member, *, by):
    """Someone joined a job's hiring team (a HiringTeamMember), added by `by`: provider(member, by=by),
    called inside the change's transaction (ats tells the new member)."""
    for provider in _providers["team_member_added"]:
        provider(member, by=by)
