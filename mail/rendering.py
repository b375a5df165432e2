"""Email templates: the Django template language over a fixed context of plain values.

A template author can reach only the documented values: the context holds
strings (in key-only containers, so `{{ candidate.items }}` finds nothing), no
loader can read files, and tags and filters that could reveal more (debug,
load, include, safe...) are refused when the template is checked.
"""

import html
import re

from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import VariableNode
from django.utils.html import strip_tags

# The documented context, flat: name -> (what it is, sample value for previews and the trial render).
# mail knows only what any email has (who sends it, for which organisation); the apps above register
# what they know (pipeline: the candidate, the job, the stage) with register_variables() from their
# AppConfig.ready(), so this module never names an application.
VARIABLES = {}
ALLOWED_ROOTS = {"forloop"}
_groups = {}


def register_variables(group, variables):
    """Document `variables` ({"root.name": (description, sample)}) for every template.

    `group` names who fills them (an app); registering a group again replaces its list, and a
    name another group already documents is refused (two apps can't both mean it).
    """
    for name in variables:
        root, _, leaf = name.partition(".")
        if not root.isidentifier() or not leaf.isidentifier() or root.startswith("_") or leaf.startswith("_"):
            raise ImproperlyConfigured(f"Email variable {name!r} must be written “root.name”.")
        owner = next((other for other, names in _groups.items() if name in names and other != group), None)
        if owner:
            raise ImproperlyConfigured(f"Email variable {name!r} is already registered by {owner!r}.")
    _groups[group] = dict(variables)
    flat = [item for names in _groups.values() for item in names.items()]
    roots = list(dict.fromkeys(name.partition(".")[0] for name, _ in flat))
    # One root's variables stay together in the editor's picker, whoever registered them.
    VARIABLES.clear()
    VARIABLES.update(sorted(flat, key=lambda item: roots.index(item[0].partition(".")[0])))
    ALLOWED_ROOTS.clear()
    ALLOWED_ROOTS.update({*roots, "forloop"})


register_variables(
    "mail",
    {
        "organization.name": ("Your organisation's name", "Acme"),
        "organization.website": ("Your organisation's website", "https://acme.example.com"),
        "sender.name": ("Who sends the email", "Riley Recruiter"),
        "sender.email": ("Sender's email", "riley@acme.example.com"),
        "links.privacy": ("Your privacy policy", "https://acme.example.com/privacy"),
    },
)


def base_values(organization, *, sender=None):
    """The values of mail's own variables, for the apps that fill the rest."""
    return {
        "organization.name": organization.name,
        "organization.website": organization.website,
        "sender.name": sender.get_full_name() if sender else "",
        "sender.email": sender.email if sender else "",
        "links.privacy": organization.privacy_policy_url,
    }


# Tags whose nodes are safe: they only shape output from the values given.
ALLOWED_NODES = {
    "TextNode", "VariableNode", "IfNode", "ForNode", "WithNode", "CommentNode", "SpacelessNode",
    "FirstOfNode", "CycleNode", "NowNode", "IfChangedNode", "FilterNode",
}  # fmt: skip


class _EmailEngine(Engine):
    # Replaces Django's default tags, filters and loader tags (include, extends) entirely.
    default_builtins = ["mail.template_library"]


_engine = _EmailEngine(
    debug=True,  # keeps line numbers on syntax errors
    loaders=[],
    libraries={},
    autoescape=True,
)


class _Values:
    """A container that answers key lookups and nothing else."""

    __slots__ = ("_data",)

    def __init__(self, data):
        self._data = data

    def __getitem__(self, key):
        value = self._data[key]
        return _Values(value) if isinstance(value, dict) else value

    def __iter__(self):
        return iter(())

    def __str__(self):
        return ""


def _nodes(nodelist):
    for node in nodelist:
        yield node
        for attr in getattr(node, "child_nodelists", ()):
            yield from _nodes(getattr(node, attr, None) or [])
        if node.__class__.__name__ == "IfNode":
            for _, child in node.conditions_nodelists:
                yield from _nodes(child)


def _variables(node):
    expressions = []
    if isinstance(node, VariableNode):
        expressions.append(node.filter_expression)
    for attr in ("sequence", "filter_expr"):
        if hasattr(node, attr):
            expressions.append(getattr(node, attr))
    for expression in expressions:
        var = getattr(expression, "var", None)
        name = getattr(var, "var", None)
        filters = [getattr(func, "__name__", "") for func, _ in getattr(expression, "filters", [])]
        yield name if isinstance(name, str) else None, filters


def _unknown(name):
    if name.startswith(("forloop", "'", '"')):
        return False
    return name not in VARIABLES if "." in name else name not in ALLOWED_ROOTS


def _explain(error):
    """Django's message, said plainly for tags and filters that email templates don't offer."""
    message = str(error)
    if match := re.search(r"Invalid block tag on line \d+: '(\w+)'", message):
        return f"the tag “{match.group(1)}” isn't allowed in email templates."
    if match := re.search(r"Invalid filter: '(\w+)'", message):
        return f"the filter “{match.group(1)}” isn't allowed in email templates."
    if "is not a registered tag library" in message:
        return "loading tag libraries isn't allowed in email templates."
    return message


def check(source, *, label="template"):
    """(errors, warnings) for one template string. Errors mean it can't be used."""
    errors, warnings = [], []
    try:
        compiled = _engine.from_string(source)
    except TemplateSyntaxError as error:
        debug = getattr(error, "template_debug", None) or {}
        line = f" (line {debug['line']})" if debug.get("line") else ""
        return [f"{label}{line}: {_explain(error)}"], []
    for node in _nodes(compiled.nodelist):
        kind = node.__class__.__name__
        if kind not in ALLOWED_NODES:
            token = getattr(node, "token", None)
            line = f" (line {token.lineno})" if token is not None and token.lineno else ""
            errors.append(f"{label}{line}: the tag “{kind}” isn't allowed in email templates.")
            continue
        for name, _filters in _variables(node):
            if name and _unknown(name):
                warnings.append(f"{label}: unknown variable “{name}” (it will print nothing).")
    if not errors:
        # A filter can still fail on real values (|divisibleby on a title): try it now, not at send time.
        for html_output in (True, False):
            try:
                compiled.render(Context(_nest(sample_values()), autoescape=html_output))
            except Exception as error:  # whatever the filter raised, the template can't be used
                errors.append(
                    f"{label}: it can't be rendered with sample values ({error.__class__.__name__}: {error})."
                )
                break
    return errors, list(dict.fromkeys(warnings))


def _nest(flat):
    """{"organization.name": "Acme"} -> {"organization": {"name": "Acme"}} with key-only containers."""
    nested = {}
    for name, value in flat.items():
        root, _, leaf = name.partition(".")
        nested.setdefault(root, {})[leaf] = "" if value is None else str(value)
    return {root: _Values(values) for root, values in nested.items()}


def render(source, values, *, html_output):
    """Render `source` with the flat `values`; HTML output escapes every value."""
    template = _engine.from_string(source)
    return template.render(Context(_nest(values), autoescape=html_output))


def sample_values():
    return {name: sample for name, (_, sample) in VARIABLES.items()}


def text_from_html(markup):
    """A readable plain-text version of an HTML email."""
    text = re.sub(r"(?i)<br\s*/?>", "\n", markup)
    text = re.sub(r"(?i)</(p|div|h[1-6]|li|tr)>", "\n\n", text)
    text = re.sub(r'(?i)<a\s[^>]*href="([^"]+)"[^>]*>(.*?)</a>', r"\2 (\1)", text)
    text = html.unescape(strip_tags(text))
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
