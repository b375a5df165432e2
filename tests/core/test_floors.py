"""The floors that no import checker sees: links in templates, and names of a higher app in lower code.

`lint-imports` (pyproject.toml) keeps Python imports going downwards: ats > pipeline > notifications >
mail | jobs > accounts. A template can still link upwards with `{% url %}`, and code can still reach up
through a URL name or a reverse relation spelled as a string; these tests catch both.
"""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, URLResolver, get_resolver

from mail import rendering

# Higher number, higher floor; mail and jobs share a floor and may not use each other either.
FLOORS = {"ats": 4, "pipeline": 3, "notifications": 2, "mail": 1, "jobs": 1, "accounts": 0}

TEMPLATES = Path(settings.BASE_DIR) / "templates"
URL_TAG = re.compile(r"\{%\s*url\s+(?P<name>\S+)")


def _template_app(path):
    """The app whose floor a template sits on, from where it lives under templates/."""
    parts = path.relative_to(TEMPLATES).parts
    if len(parts) == 1 or parts[0] in ("core", "includes"):
        return "ats"  # base.html, 403/404/500, the dashboard and the shared includes
    return {"allauth": "accounts", "careers": "jobs"}.get(parts[0], parts[0])


def _view_app(callback):
    """The app that owns a view, by the module its code lives in (not by the URL's namespace)."""
    view = getattr(callback, "view_class", callback)
    module = getattr(view, "__module__", None) or type(view).__module__
    root = module.split(".")[0]
    if root == "allauth":
        return "accounts"  # allauth's pages are the accounts floor (sign-in, email, MFA)
    if module.startswith("django.contrib.admin"):
        return "ats"  # the admin site is mounted by the project and registers every app
    return root


def _views_by_name(patterns=None, namespace=""):
    """{"ns:name": view callback} for every named pattern, walking includes and namespaces."""
    found = {}
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            for name, callback in _views_by_name(pattern.url_patterns, inner).items():
                found.setdefault(name, callback)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.setdefault(f"{namespace}{pattern.name}", pattern.callback)
    return found


def _url_tags():
    """(template path, line number, url name or None when the name is a variable)."""
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for match in URL_TAG.finditer(line):
                raw = match.group("name")
                literal = raw[0] in "'\"" and raw[-1] == raw[0]
                yield path, number, raw[1:-1] if literal else None


def test_the_scan_reads_the_templates_and_the_resolver():
    """The other tests pass vacuously if nothing is found: make sure both sides are really read."""
    names = _views_by_name()
    assert _view_app(names["careers:apply"]) == "pipeline"
    assert _view_app(names["careers:job"]) == "jobs"
    assert _view_app(names["account_login"]) == "accounts"
    tags = list(_url_tags())
    assert len(tags) > 100
    assert {_template_app(path) for path, _, _ in tags} == set(FLOORS)


def _bad_links(tags, views):
    """(links that can't be checked, links to a higher floor or to the sibling floor)."""
    unknown, upward = [], []
    for path, number, name in tags:
        where = f"{path.relative_to(TEMPLATES)}:{number}"
        template_app = _template_app(path)
        if name is None:
            # A name held in a variable can't be checked here: only the top floor may link anything.
            if template_app != "ats":
                unknown.append(f"{where}: a url name in a variable")
            continue
        if name not in views:
            unknown.append(f"{where}: {name!r} resolves to no view")
            continue
        view_app = _view_app(views[name])
        if view_app not in FLOORS:
            unknown.append(f"{where}: {name!r} is served by {view_app!r}, on no floor")
        elif view_app != template_app and FLOORS[view_app] >= FLOORS[template_app]:
            upward.append(f"{where}: {template_app} links {name!r}, a view of {view_app}")
    return unknown, upward


def test_the_link_check_fails_an_upward_or_sideways_link():
    """By view module, not by namespace: careers:apply is pipeline's view even under careers/."""
    tags = [
        (TEMPLATES / "careers" / "job.html", 1, "careers:apply"),
        (TEMPLATES / "jobs" / "job_detail.html", 2, "mail:outbox"),
        (TEMPLATES / "mail" / "outbox.html", 3, "jobs:list"),
        (TEMPLATES / "accounts" / "members.html", 4, "dashboard"),
        (TEMPLATES / "jobs" / "job_list.html", 5, None),
        (TEMPLATES / "pipeline" / "board.html", 6, "jobs:list"),
        (TEMPLATES / "base.html", 7, "pipeline:candidates"),
        (TEMPLATES / "allauth" / "layouts" / "base.html", 8, "account_login"),
    ]
    unknown, upward = _bad_links(tags, _views_by_name())
    assert unknown == ["jobs/job_list.html:5: a url name in a variable"]
    assert [line.split(":")[1] for line in upward] == ["1", "2", "3", "4"]


def test_every_url_in_a_template_links_to_its_own_floor_or_below():
    unknown, upward = _bad_links(_url_tags(), _views_by_name())
    assert unknown == []
    assert upward == []


LOWER_APPS = ("accounts", "jobs", "mail", "notifications")
# Calls whose keyword arguments are ORM lookups (`Job.objects.filter(applications=...)`).
QUERY_METHODS = {
    *("filter", "exclude", "get", "annotate", "aggregate", "order_by", "values", "values_list"),
    *("prefetch_related", "select_related", "only", "defer", "get_or_create", "update_or_create"),
}
# `register.tags` is a template Library's tag table (mail's safe template library), not a relation.
NOT_RELATIONS = {("register", "tags")}


def _pipeline_relations():
    """The names pipeline's models add to models of lower apps: reverse accessors and query names."""
    names = set()
    for model in apps.get_app_config("pipeline").get_models():
        for field in model._meta.get_fields():
            remote = field.remote_field if field.concrete else None
            if remote is not None and remote.model._meta.app_label in LOWER_APPS and not remote.hidden:
                names |= {remote.get_accessor_name(), field.related_query_name()}
    return names


def _leaks(tree, relations):
    """(line, what) for each place the code names pipeline: a URL name, a reverse relation, a lookup."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
            if value.startswith("pipeline:") or value in ("careers:apply", "careers:thanks"):
                yield node.lineno, f"the URL name {value!r}"  # careers:apply/thanks are pipeline's views
            elif value.split("__")[0] in relations:
                yield node.lineno, f"the lookup {value!r}"
        elif isinstance(node, ast.Attribute) and node.attr in relations:
            owner = getattr(node.value, "id", None) or getattr(node.value, "attr", None)  # register / x.register
            if (owner, node.attr) not in NOT_RELATIONS:
                yield node.lineno, f"the reverse relation .{node.attr}"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            lookups = node.func.attr in QUERY_METHODS
            for keyword in node.keywords:
                if keyword.arg and keyword.arg.split("__")[0] in relations and (lookups or "__" in keyword.arg):
                    yield keyword.lineno, f"the lookup {keyword.arg}="


def test_the_relation_scan_knows_what_pipeline_adds_below():
    relations = _pipeline_relations()
    assert {"applications", "candidates", "answers", "rejection_reasons"} <= relations
    code = "job.applications.count()\norg.filter(candidates__email=1)\nreverse('pipeline:board')\nregister.tags"
    assert sorted(line for line, _ in _leaks(ast.parse(code), relations)) == [1, 2, 3]


def test_lower_apps_python_names_nothing_of_pipeline():
    relations = _pipeline_relations()
    leaks = []
    for app in LOWER_APPS:
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            if "migrations" not in path.parts:
                tree = ast.parse(path.read_text())
                leaks += [
                    f"{path.relative_to(settings.BASE_DIR)}:{line}: {what}" for line, what in _leaks(tree, relations)
                ]
    assert leaks == []


def test_lower_apps_templates_follow_no_reverse_relation_of_pipeline():
    """`{{ job.applications.count }}` in a jobs template reaches into pipeline as surely as an import."""
    owners = r"\b(?:job|stage|field|organization|user)"
    relation = re.compile(rf"{owners}\.(?:{'|'.join(sorted(_pipeline_relations()))})\b")
    leaks = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if FLOORS[_template_app(path)] < FLOORS["pipeline"]:
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                leaks += [f"{path.relative_to(TEMPLATES)}:{number}: {m.group()}" for m in relation.finditer(line)]
    assert leaks == []


# --- mail's variable catalogue: mail documents what it knows, the apps above register the rest --------


def test_mail_documents_no_variable_of_an_application():
    """mail/rendering.py names only what any email has; candidate/job/stage come from pipeline."""
    source = (Path(settings.BASE_DIR) / "mail" / "rendering.py").read_text()
    assert not re.search(r"""["'](?:candidate|job|stage|interview)\.""", source)
    from pipeline.applications import emails

    # Registered when Django started (PipelineConfig.ready): the editor's picker and the checks see them.
    assert set(emails.VARIABLES) <= set(rendering.VARIABLES)
    assert rendering.check("{{ candidate.first_name }} {{ job.title }} {{ organization.name }}") == ([], [])


def test_a_variable_name_has_one_owner():
    with pytest.raises(ImproperlyConfigured, match="already registered by 'pipeline'"):
        rendering.register_variables("notifications", {"candidate.first_name": ("Someone else's", "Bob")})
    with pytest.raises(ImproperlyConfigured, match=r"root\.name"):
        rendering.register_variables("notifications", {"candidate": ("No leaf", "x")})
    assert rendering.VARIABLES["candidate.first_name"] == ("Candidate's first name", "Ada")


@pytest.mark.django_db
def test_an_applications_values_fill_every_documented_variable():
    """What values_for() gives is what the editor documents (interviews come with their room)."""
    from pipeline.applications.emails import values_for
    from tests.factories import ApplicationFactory, OrganizationFactory, make_job

    application = ApplicationFactory(job=make_job(OrganizationFactory()))
    documented = {name for name in rendering.VARIABLES if not name.startswith("interview.")}
    assert set(values_for(application)) == documented
