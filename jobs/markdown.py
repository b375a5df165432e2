import markdown as md
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h2", "h3", "h4",
    "blockquote", "code", "pre", "hr",
}  # fmt: skip


def render_markdown(text):
    """Markdown to HTML that is safe to show anywhere: nh3 keeps only harmless tags."""
    html = md.markdown(text or "", extensions=["sane_lists"])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    # safe: sanitised by nh3 just above (only ALLOWED_TAGS, href/title on links, http(s) and mailto URLs).
    return mark_safe(clean)  # noqa: S308
