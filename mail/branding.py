"""One branded layout around every HTML email an organisation sends.

The layout (templates/mail/email/layout.html) is a table-built document with inline styles, as mail
clients need: the organisation's logo, its brand colour, the message, a "View your application
status" button when the values carry a status link, and a footer with the organisation's name, its
privacy notice and a sentence disclosing open and click tracking. Every value is escaped by the
template engine. The text part gets the same links as plain lines.

A body that is a whole document already (its author wrote their own <html>) is left as it is: a
document inside a document is broken HTML.
"""

import mimetypes
import re
import secrets

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape

from .rendering import TrackedHTML, is_trackable

# Where an application's status page link may be found in an email's values: the pipeline fills it
# for every email about an application (mail names no application, so it only looks the key up).
STATUS_URL_KEYS = ("links.status", "application.status_url", "status_url")

# Said in the footer of every tracked email, and (by the careers site) in the apply form's privacy note.
TRACKING_NOTICE = (
    "This email tells us when it is opened and which of its links are followed (through an invisible "
    "image and redirected links). To avoid that, turn off images in your email program, or read its "
    "plain-text version, whose links go straight to their pages."
)

_DOCUMENT = re.compile(r"<!doctype|<html[\s>]|<body[\s>]", re.IGNORECASE)


def is_document(markup):
    """True when `markup` is a whole HTML document (a template with its own <html> or <body>)."""
    return bool(_DOCUMENT.search(markup or ""))


def status_url(values):
    """The status page link in `values`, or ""."""
    for key in STATUS_URL_KEYS:
        url = (values or {}).get(key)
        if url and is_trackable(str(url)):
            return str(url)
    return ""


def _http(url):
    """`url` when it is an absolute http(s) address (a typed URL field could hold ftp:), else ""."""
    return url if url and is_trackable(url) else ""


def logo_url(organization):
    """The logo's public address (the careers site serves it, as an image it accepts), or ""."""
    if not organization.logo:
        return ""
    content_type = mimetypes.guess_type(organization.logo.name)[0] or ""
    if not content_type.startswith("image/") or content_type == "image/svg+xml":
        return ""  # careers:logo answers 404 for these: no broken image
    try:
        return settings.SITE_URL + reverse("careers:logo", args=[organization.slug])
    except NoReverseMatch:  # a site without the careers pages
        return ""


def privacy_url(organization):
    return _http(organization.privacy_policy_url)


def wrap_html(organization, html, *, values=None, tracked=True, subject=""):
    """`html` inside the organisation's layout, a TrackedHTML whose tracked links are the body's
    (shifted) and the status button's. `tracked` says whether the message will be tracked: only then
    does the footer disclose it. A whole document comes back unchanged."""
    if is_document(html):
        return html
    nonce = secrets.token_hex(8)
    body_marker = f"mailbody{nonce}x"
    status_marker = f"https://mailstatus{nonce}.invalid/"
    status = status_url(values)
    layout = render_to_string(
        "mail/email/layout.html",
        {
            "organization": organization,
            "subject": subject,
            "colour": organization.brand_colour,
            "text_colour": organization.brand_text_colour,
            "logo_url": logo_url(organization),
            "website": _http(organization.website),
            "privacy_url": privacy_url(organization),
            "status_url": status_marker if status else "",
            "tracking_notice": TRACKING_NOTICE if tracked else "",
            "body_marker": body_marker,
        },
    )
    parts, found, position, length = [], [], 0, 0
    for match in re.finditer(rf"{re.escape(body_marker)}|{re.escape(status_marker)}", layout):
        before = layout[position : match.start()]
        if match[0] == body_marker:
            piece = str(html)
            found += [(length + len(before) + start, length + len(before) + end, url)
                      for start, end, url in getattr(html, "tracked", ())]  # fmt: skip
        else:
            piece = escape(status)
            found.append((length + len(before), length + len(before) + len(piece), status))
        parts += [before, piece]
        length += len(before) + len(piece)
        position = match.end()
    parts.append(layout[position:])
    result = TrackedHTML("".join(parts))
    result.tracked = tuple(sorted(found))
    return result


def message_of(markup):
    """The message inside the layout, as it was written (for tests and tools that read it back); a
    message without the layout comes back whole."""
    _, found, rest = markup.partition("<!--message-->")
    return rest.rpartition("<!--/message-->")[0] if found else markup


def text_footer(organization, text, *, values=None):
    """`text` with the status link and the privacy notice as plain lines (those it lacks already)."""
    lines = []
    status = status_url(values)
    if status and status not in text:
        lines.append(f"View your application status: {status}")
    privacy = privacy_url(organization)
    if privacy and privacy not in text:
        lines.append(f"{organization.name}'s privacy notice: {privacy}")
    if not lines:
        return text
    return "\n\n".join(part for part in (text.rstrip(), "\n".join(lines)) if part)


def brand(organization, *, html, text, values=None, tracked=True, subject=""):
    """(html, text) as the organisation sends them: see wrap_html and text_footer."""
    if html:
        html = wrap_html(organization, html, values=values, tracked=tracked, subject=subject)
    return html, text_footer(organization, text, values=values)
