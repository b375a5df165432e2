"""Every place our code tells Django "this is already safe HTML" says why, in a `safe:` comment.

mark_safe, SafeString, __html__, |safe, |safeseq and {% autoescape off %} switch escaping off; an
unexplained one is how user text reaches a page as markup (and htmx attributes are code). The comment goes
on the same line or the line above: `# safe: sanitised by nh3 just above`, or `{# safe: ... #}` in a
template.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "ats", "jobs", "mail", "notifications", "pipeline"]

PYTHON_UNSAFE = re.compile(r"\bmark_safe\s*\(|\bSafeString\s*\(|\bSafeText\s*\(|\bdef __html__\b")
TEMPLATE_UNSAFE = re.compile(r"\|\s*safe(seq)?\b|{%-?\s*autoescape\s+off\b")
PYTHON_REASON = re.compile(r"#.*\bsafe:")
TEMPLATE_REASON = re.compile(r"{#.*\bsafe:.*#}")


def unexplained(text, *, template):
    """Line numbers (from 1) of unsafe output without a `safe:` comment on that line or the one above."""
    unsafe, reason = (TEMPLATE_UNSAFE, TEMPLATE_REASON) if template else (PYTHON_UNSAFE, PYTHON_REASON)
    lines = text.splitlines()
    return [
        number
        for number, line in enumerate(lines, start=1)
        if unsafe.search(line) and not reason.search(line) and not (number > 1 and reason.search(lines[number - 2]))
    ]


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            yield path, False
        for path in sorted((ROOT / app).rglob("templates/**/*.html")):
            yield path, True
    for path in sorted((ROOT / "templates").rglob("*.html")):
        yield path, True


def test_the_scan_reads_our_code_and_templates():
    sources = [path.relative_to(ROOT).as_posix() for path, _ in _sources()]

    # A scan that found nothing would pass: make sure it reads the files the known cases live in.
    assert "jobs/markdown.py" in sources
    assert "jobs/templatetags/jobs_tags.py" in sources
    assert "templates/base.html" in sources
    assert len(sources) > 50


def test_every_unsafe_output_in_our_code_says_why_it_is_safe():
    found = []
    for path, template in _sources():
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(ROOT)}:{n}" for n in unexplained(text, template=template)]

    assert not found, f"Unescaped output without a `safe:` comment (same line or the line above): {found}"


@pytest.mark.parametrize(
    "source",
    [
        "return mark_safe(text)",
        "from django.utils.safestring import SafeString\nvalue = SafeString(text)",
        "html = format_html('<b>{}</b>', mark_safe(text))  # noqa: S308",
        "class Badge:\n    def __html__(self):",
        "# sanitised above\nreturn mark_safe(text)",
    ],
)
def test_the_scan_catches_uncommented_python(source):
    assert unexplained(source, template=False) == [len(source.splitlines())]


@pytest.mark.parametrize(
    "source",
    [
        "{{ note.body|safe }}",
        "{{ items|safeseq|join:', ' }}",
        "{{ note.body | safe }}",
        "{% autoescape off %}{{ body }}{% endautoescape %}",
        "{# trusted #}\n{{ body|safe }}",
    ],
)
def test_the_scan_catches_uncommented_templates(source):
    assert unexplained(source, template=True) == [len(source.splitlines())]


@pytest.mark.parametrize(
    ("source", "template"),
    [
        ("return mark_safe(clean)  # safe: sanitised by nh3 just above", False),
        ("# safe: sanitised by nh3 just above\nreturn mark_safe(clean)  # noqa: S308", False),
        ("{{ html|safe }}{# safe: built by nh3 in jobs.markdown #}", True),
        ("{# safe: built by nh3 in jobs.markdown #}\n{{ html|safe }}", True),
        ("from django.utils.safestring import mark_safe", False),
        ("REFUSED_FILTERS = {'safe', 'safeseq'}", False),
        ("{{ job.description_html }}", True),
    ],
)
def test_the_scan_accepts_explained_or_harmless_lines(source, template):
    assert unexplained(source, template=template) == []


def test_a_reason_two_lines_up_does_not_count():
    source = "# safe: sanitised\nclean = nh3.clean(html)\nreturn mark_safe(clean)"

    assert unexplained(source, template=False) == [3]
