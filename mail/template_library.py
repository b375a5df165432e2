"""The only tags and filters an email template can use: the harmless part of Django's defaults.

Left out on purpose: tags that read files or the context (include, extends, load, debug, csrf_token,
url...), `autoescape` and the filters that undo escaping or print objects (safe, safeseq, pprint).
"""

from django.template import Library, defaultfilters, defaulttags

ALLOWED_TAGS = {"if", "for", "with", "comment", "spaceless", "firstof", "cycle", "now", "ifchanged", "filter"}
REFUSED_FILTERS = {"safe", "safeseq", "pprint"}

register = Library()
register.tags.update({name: tag for name, tag in defaulttags.register.tags.items() if name in ALLOWED_TAGS})
register.filters.update(
    {name: func for name, func in defaultfilters.register.filters.items() if name not in REFUSED_FILTERS}
)
