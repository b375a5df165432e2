import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from jobs.salary import job_salary

register = template.Library()

# The same escapes as Django's json_script: the JSON can't close its <script> element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(data):
    """A JSON-LD data block (not executed, so CSP's script-src does not apply)."""
    text = json.dumps(data, cls=DjangoJSONEncoder).translate(_ESCAPES)
    # safe: _ESCAPES turned every <, > and & into a \u escape, so the JSON can't close the <script> element.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.filter
def salary(job):
    """The job's salary in words (jobs.salary): the careers index, its public page and its recruiter page agree."""
    return job_salary(job)


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """`path` as the full address a visitor types or a colleague pastes ("https://host/careers/acme/")."""
    return context["request"].build_absolute_uri(path)
