"""Email templates: the Django template language over a fixed context of plain values.

A template author can reach only the documented values: the context holds
strings (in key-only containers, so `{{ candidate.items }}` finds nothing), no
loader can read files, and tags and filters that could reveal more (debug,
load, include, safe...) are refused when the template is checked.

Every render also runs on a budget (loop iterations, output, filter work, widths), so a short
template can't keep a worker busy: see `Budget`. And only links the template vouches for are
tracked: see `render_html`.
"""

import contextvars
import functools
import html
import re
import secrets
from urllib.parse import urlsplit

import nh3
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Engine, Library, Template, TemplateSyntaxError
from django.template.base import FilterExpression, TextNode, VariableNode
from django.template.defaulttags import CycleNode, FirstOfNode, NowNode
from django.utils.html import escape, strip_tags

# The documented context, flat: name -> (what it is, sample value for previews and the trial render).
# mail knows only what any email has (who sends it, for which organisation); the apps above register
# what they know (pipeline: the candidate, the job, the stage) with register_variables() from their
# AppConfig.ready(), so this module never names an application.
VARIABLES = {}
ALLOWED_ROOTS = {"forloop"}
# Variables whose values are URLs the system builds itself (never typed by a person): a link made of
# these and the template's own text is tracked; a link with any other value in it never is.
SYSTEM_URL = "system url"
SYSTEM_URLS = set()
_groups = {}
_system_urls = {}


def register_variables(group, variables):
    """Document `variables` ({"root.name": (description, sample)}) for every template.

    A third item, SYSTEM_URL, marks a value as a URL this site builds (a careers page), which
    click tracking may follow. `group` names who fills them (an app); registering a group again
    replaces its list, and a name another group already documents is refused (two apps can't
    both mean it).
    """
    for name in variables:
        root, _, leaf = name.partition(".")
        if not root.isidentifier() or not leaf.isidentifier() or root.startswith("_") or leaf.startswith("_"):
            raise ImproperlyConfigured(f"Email variable {name!r} must be written “root.name”.")
        owner = next((other for other, names in _groups.items() if name in names and other != group), None)
        if owner:
            raise ImproperlyConfigured(f"Email variable {name!r} is already registered by {owner!r}.")
    _groups[group] = {name: tuple(entry[:2]) for name, entry in variables.items()}
    _system_urls[group] = {name for name, entry in variables.items() if SYSTEM_URL in entry[2:]}
    SYSTEM_URLS.clear()
    SYSTEM_URLS.update(*_system_urls.values())
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


class TemplateBudgetExceeded(TemplateSyntaxError):
    """A template asked for more work than an email may take; `budget` says how much it had used."""

    def __init__(self, message, budget=None):
        super().__init__(message)
        self.budget = budget


MAX_WIDTH = 100  # the largest width, precision or length a filter may be given
MAX_ITERATIONS = 10_000  # {% for %} iterations, all loops of one render together
MAX_OUTPUT = 256 * 1024  # characters of output
MAX_WORK = 4 * MAX_OUTPUT  # characters produced by filters, all calls together
MAX_LOOP_DEPTH = 2  # loops inside loops, refused when the template is checked
# Filters whose argument is a size: the work they do (or the output they make) grows with it.
SIZED_FILTERS = {
    "center", "ljust", "rjust", "floatformat", "stringformat", "truncatechars", "truncatewords",
    "truncatechars_html", "truncatewords_html", "wordwrap", "urlizetrunc", "get_digit",
}  # fmt: skip
_budget = contextvars.ContextVar("email_template_budget")


class Budget:
    """What one render has used. Exceeding a limit raises at once, and again at the end of the render
    (Django's {% if %} swallows errors in its condition), so the work stops and the author hears why."""

    def __init__(self):
        self.iterations = self.output = self.work = 0
        self.exceeded = None

    def _refuse(self, message):
        # Once over, every later charge raises the first reason again.
        self.exceeded = self.exceeded or TemplateBudgetExceeded(message, budget=self)
        raise self.exceeded

    def loop(self, count):
        if self.exceeded or self.iterations + count > MAX_ITERATIONS:
            self._refuse(f"This template repeats too much: its loops would run more than {MAX_ITERATIONS:,} times.")
        self.iterations += count

    def wrote(self, size):
        self.output += size
        if self.exceeded or self.output > MAX_OUTPUT:
            self._refuse(f"This template makes too long an email: more than {MAX_OUTPUT // 1024} KB.")

    def filtered(self, name, size):
        self.work += size
        if self.exceeded or size > MAX_OUTPUT or self.work > MAX_WORK:
            self._refuse(f"This template repeats too much: the filter {name} makes too much text.")


def _size(value):
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (list, tuple)):
        return len(value) + sum(len(item) for item in value if isinstance(item, str))
    return len(str(value))


def _check_width(name, arg):
    """Refuse a sized filter's argument above MAX_WIDTH (every number in it: "%0500.2f", "500u")."""
    if name in SIZED_FILTERS and any(int(n) > MAX_WIDTH for n in re.findall(r"\d+", str(arg))):
        raise TemplateBudgetExceeded(f"Widths above {MAX_WIDTH} are not allowed in {name} (it was given {arg}).")


def _metered_filter(name, func):
    @functools.wraps(func)
    def metered(value, *args, **kwargs):
        budget = _budget.get()
        for arg in args:
            try:
                _check_width(name, arg)
            except TemplateBudgetExceeded as error:
                budget.exceeded, error.budget = error, budget
                raise
        if name == "join" and isinstance(value, (list, tuple)) and args:
            # The one filter that multiplies: each item gets a copy of the separator.
            budget.filtered(name, _size(value) + len(str(args[0])) * len(value))
        result = func(value, *args, **kwargs)
        budget.filtered(name, _size(result))
        return result

    return metered


class _MeteredSequence:
    """A for loop's sequence: its length is charged to the budget before the loop starts."""

    def __init__(self, expression):
        self.expression = expression
        self.var, self.filters = expression.var, expression.filters  # what check() reads

    def resolve(self, context, ignore_failures=False):
        values = self.expression.resolve(context, ignore_failures=ignore_failures)
        if values is not None and not hasattr(values, "__len__"):
            values = list(values)
        _budget.get().loop(len(values) if values is not None else 0)
        return values


def _metered_for(plain_for, parser, token):
    node = plain_for(parser, token)
    node.sequence = _MeteredSequence(node.sequence)
    return node


def _metered(register):
    """A copy of the library `register` whose filters and for loops charge the render's budget."""
    tags = dict(register.tags)
    if "for" in tags:
        tags["for"] = functools.partial(_metered_for, tags["for"])
    filters = {name: _metered_filter(name, func) for name, func in register.filters.items()}
    register = Library()
    register.tags.update(tags)
    register.filters.update(filters)
    return register


# The nodes that write output themselves; the others only put their children's output together.
_WRITERS = (TextNode, VariableNode, CycleNode, FirstOfNode, NowNode)


def _written(render_annotated, context):
    output = render_annotated(context)
    _budget.get().wrote(len(output))
    return output


class _MeteredTemplate(Template):
    def compile_nodelist(self):
        nodelist = super().compile_nodelist()
        # An {% if %}'s nodes are reached twice by _nodes(): each is wrapped once.
        for node in {id(node): node for node in _nodes(nodelist)}.values():
            if isinstance(node, _WRITERS):
                # Counted as it is written, so a loop stops at the limit instead of building it all first.
                node.render_annotated = functools.partial(_written, node.render_annotated)
        return nodelist

    def render(self, context):
        budget = Budget()
        reset = _budget.set(budget)
        try:
            output = super().render(context)
        finally:
            _budget.reset(reset)
        if budget.exceeded:
            raise budget.exceeded
        return output


class _EmailEngine(Engine):
    # Replaces Django's default tags, filters and loader tags (include, extends) entirely.
    default_builtins = ["mail.template_library"]

    def get_template_builtins(self, builtins):
        return [_metered(library) for library in super().get_template_builtins(builtins)]

    def from_string(self, template_code):
        return _MeteredTemplate(template_code, engine=self)


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


def _loop_depth(nodelist):
    depth = 0
    for node in nodelist:
        children = [getattr(node, attr, None) or [] for attr in getattr(node, "child_nodelists", ())]
        inner = max((_loop_depth(child) for child in children), default=0)
        depth = max(depth, inner + 1 if node.__class__.__name__ == "ForNode" else inner)
    return depth


def _expressions(node):
    """Every filter expression a node evaluates, conditions of {% if %} included."""
    found = [getattr(node, attr, None) for attr in ("filter_expression", "sequence", "filter_expr")]
    found += [*getattr(node, "extra_context", {}).values(), *getattr(node, "vars", ()), *getattr(node, "cyclevars", ())]
    conditions = [condition for condition, _ in getattr(node, "conditions_nodelists", ()) if condition is not None]
    while conditions:
        condition = conditions.pop()
        found.append(getattr(condition, "value", None))
        conditions += [getattr(condition, side) for side in ("first", "second") if getattr(condition, side, None)]
    for expression in found:
        if isinstance(expression, (FilterExpression, _MeteredSequence)):
            yield expression


def _too_wide(nodes):
    """The first width written in the template above MAX_WIDTH (a value's width is checked as it renders)."""
    for node in nodes:
        for expression in _expressions(node):
            for func, args in expression.filters:
                for is_variable, arg in args:
                    try:
                        is_variable or _check_width(getattr(func, "_filter_name", func.__name__), arg)
                    except TemplateBudgetExceeded as error:
                        return error
    return None


def variables_used(source):
    """The variable names `source` prints or tests ("organization.name"); empty for a source that doesn't compile."""
    try:
        compiled = _engine.from_string(source)
    except TemplateSyntaxError:
        return set()
    return {name for node in _nodes(compiled.nodelist) for name, _ in _variables(node) if name}


def check(source, *, label="template", strict=False):
    """(errors, warnings) for one template string. Errors mean it can't be used.

    `strict` makes an unknown variable an error rather than a warning: for text a person writes for one
    send, where nothing could be fixed later, a misspelt name must not quietly print nothing.
    """
    errors, warnings = [], []
    try:
        compiled = _engine.from_string(source)
    except TemplateSyntaxError as error:
        debug = getattr(error, "template_debug", None) or {}
        line = f" (line {debug['line']})" if debug.get("line") else ""
        return [f"{label}{line}: {_explain(error)}"], []
    nodes = list(_nodes(compiled.nodelist))
    # Names the template binds itself ({% for item in ... %}, {% with name=... %}) are not unknown.
    bound = {name for node in nodes for name in [*getattr(node, "loopvars", ()), *getattr(node, "extra_context", {})]}
    for node in nodes:
        kind = node.__class__.__name__
        if kind not in ALLOWED_NODES:
            token = getattr(node, "token", None)
            line = f" (line {token.lineno})" if token is not None and token.lineno else ""
            errors.append(f"{label}{line}: the tag “{kind}” isn't allowed in email templates.")
            continue
        for name, _filters in _variables(node):
            if not name or name.partition(".")[0] in bound or not _unknown(name):
                continue
            if strict:
                errors.append(f"{label}: unknown variable “{name}”: use one of the variables listed.")
            else:
                warnings.append(f"{label}: unknown variable “{name}” (it will print nothing).")
    # Real values can be longer than the samples: what only the trial render would catch is refused here.
    if _loop_depth(compiled.nodelist) > MAX_LOOP_DEPTH:
        errors.append(f"{label}: This template repeats too much: a loop inside a loop inside a loop isn't allowed.")
    elif too_wide := _too_wide(nodes):
        errors.append(f"{label}: {too_wide}")
    if not errors:
        # A filter can still fail on real values (|divisibleby on a title): try it now, not at send time.
        for html_output in (True, False):
            try:
                compiled.render(Context(_nest(sample_values()), autoescape=html_output))
            except TemplateBudgetExceeded as error:
                errors.append(f"{label}: {error}")
                break
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


# An <a> tag's quoted href in a template's source.
_HREF = re.compile(r"""(<a\s(?:[^>]*?\s)?href\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_PLAIN_VARIABLE = re.compile(r"{{\s*([\w.]+)\s*}}")


def is_trackable(url):
    """An absolute http(s) URL with a host and nothing that browsers read loosely."""
    if not isinstance(url, str) or re.search(r"[\x00-\x20\x7f\\]", url):
        return False
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and "@" not in parts.netloc


def _vouched_url(href_source, values):
    """(URL, as it renders) for an href made of the template's own text and SYSTEM_URLS only, else None."""
    url, rendered, position = [], [], 0
    for match in [*_PLAIN_VARIABLE.finditer(href_source), None]:
        text = href_source[position : match.start() if match else len(href_source)]
        if "{" in text or "}" in text:
            return None  # a tag, a comment, or a variable with a filter: not vouched for
        url.append(html.unescape(text))
        rendered.append(text)
        if match is None:
            break
        if match[1] not in SYSTEM_URLS:
            return None  # a person's value (a name, a website someone typed) is never followed
        value = "" if values.get(match[1]) is None else str(values[match[1]])
        url.append(value)
        rendered.append(escape(value))
        position = match.end()
    url = "".join(url)
    return (url, "".join(rendered)) if is_trackable(url) else None


class TrackedHTML(str):
    """Rendered HTML that knows where its trackable links are: `tracked` holds (start, end, url)."""

    tracked = ()


def render_html(source, values):
    """The HTML body rendered, knowing which links may be tracked.

    Tracked are only anchors whose href, in the template's source, is the template's own text
    or SYSTEM_URLS variables: the rendered output is never searched for links, so a value that
    prints `href=...` is just text. Those hrefs are swapped for unguessable markers, and the
    marked render is kept only if it matches the plain one everywhere else (a {% filter %}
    that rewrote a marker leaves the email untracked rather than broken).
    """
    plain = render(source, values, html_output=True)
    nonce = secrets.token_hex(8)
    urls = []

    def mark(match):
        vouched = _vouched_url(match[3], values)
        if vouched is None:
            return match[0]
        urls.append(vouched)
        return f"{match[1]}{match[2]}mailtrack{nonce}x{len(urls) - 1}x{match[2]}"

    marked_source = _HREF.sub(mark, source)
    if not urls:
        return TrackedHTML(plain)
    marked = render(marked_source, values, html_output=True)
    parts, tracked, position, length = [], [], 0, 0
    for match in re.finditer(rf"mailtrack{nonce}x(\d+)x", marked):
        url, rendered = urls[int(match[1])]
        before = marked[position : match.start()]
        parts += [before, rendered]
        tracked.append((length + len(before), length + len(before) + len(rendered), url))
        length += len(before) + len(rendered)
        position = match.end()
    parts.append(marked[position:])
    result = TrackedHTML("".join(parts))
    if result != plain:
        return TrackedHTML(plain)
    result.tracked = tuple(tracked)
    return result


# What a person's own HTML (an email edited before sending) may keep: formatting, links, images and
# simple tables. Everything else goes, scripts and styles with their content, and so does every other
# attribute (on*, hx-*, data-*, class, id): in our pages htmx attributes are code.
CLEAN_TAGS = {
    "p", "br", "hr", "div", "span", "strong", "b", "em", "i", "u", "s", "small", "sub", "sup", "mark",
    "h1", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "code", "pre", "a", "img",
    "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
}  # fmt: skip
CLEAN_ATTRIBUTES = {
    "*": {"style"},
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align", "valign", "width"},
    "th": {"colspan", "rowspan", "align", "valign", "width"},
    "table": {"width", "align", "cellpadding", "cellspacing", "border"},
}
# Inline styles keep these properties only (no url(), no positioning over the mail client's own page).
CLEAN_STYLES = {
    "color", "background-color", "font-weight", "font-style", "font-size", "font-family", "text-align",
    "text-decoration", "line-height", "margin", "margin-top", "margin-bottom", "padding", "border",
    "border-collapse", "width", "vertical-align",
}  # fmt: skip


def clean_html(markup):
    """`markup` with nh3 keeping only CLEAN_TAGS and CLEAN_ATTRIBUTES, http(s) and mailto links.

    A TrackedHTML stays one: its tracked links are swapped for unguessable markers around the clean
    (whose output no longer has the old offsets), then put back as their URLs, escaped.
    """
    nonce = secrets.token_hex(8)
    parts, position = [], 0
    for index, (start, end, _url) in enumerate(getattr(markup, "tracked", ())):
        parts += [markup[position:start], f"https://mailtrack{nonce}x{index}x.invalid/"]
        position = end
    parts.append(markup[position:])
    clean = nh3.clean(
        "".join(parts),
        tags=CLEAN_TAGS,
        attributes=CLEAN_ATTRIBUTES,
        filter_style_properties=CLEAN_STYLES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    urls = [url for _, _, url in getattr(markup, "tracked", ())]
    result, tracked, position, length = [], [], 0, 0
    for match in re.finditer(rf"https://mailtrack{nonce}x(\d+)x\.invalid/", clean):
        url = urls[int(match[1])]
        before = clean[position : match.start()]
        result += [before, escape(url)]
        tracked.append((length + len(before), length + len(before) + len(escape(url)), url))
        length += len(before) + len(escape(url))
        position = match.end()
    result.append(clean[position:])
    cleaned = TrackedHTML("".join(result))
    cleaned.tracked = tuple(tracked)
    return cleaned


def sample_values():
    return {name: sample for name, (_, sample) in VARIABLES.items()}


# Who makes an organisation's own sample values (group -> provider(organization, viewer) -> flat values):
# the apps that register variables may also say what a preview of them looks like for one organisation.
_sample_providers = {}


def register_samples(group, provider):
    """`provider(organization, viewer)` returns flat values ({"<root>.<name>": ...}) that replace the documented
    samples in that organisation's previews and test sends (its newest open job, say). Registering a
    group again replaces its provider."""
    _sample_providers[group] = provider


def sample_values_for(organization, *, viewer=None):
    """The sample values as `organization` should see them: its own name, website, privacy notice and the
    viewer as the sender, then whatever the registered providers know of it; the documented samples
    fill the rest."""
    values = {**sample_values(), **base_values(organization, sender=viewer)}
    for provider in _sample_providers.values():
        values.update(provider(organization, viewer))
    return values


def text_from_html(markup):
    """A readable plain-text version of an HTML email."""
    text = re.sub(r"(?i)<br\s*/?>", "\n", markup)
    text = re.sub(r"(?i)</(p|div|h[1-6]|li|tr)>", "\n\n", text)
    text = re.sub(r'(?i)<a\s[^>]*href="([^"]+)"[^>]*>(.*?)</a>', r"\2 (\1)", text)
    text = html.unescape(strip_tags(text))
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
