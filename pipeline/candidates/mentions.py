"""@mentions in notes: who a handle names, who may be offered, and how a note reads with them marked."""

from django.utils.html import escape, format_html, format_html_join

from .services import MENTION_RE, mention_handles, note_audience

SUGGESTIONS = 8


def suggestions(candidate, query, application=None):
    """Up to eight members who may read a note on `candidate` (about `application`, when given) whose
    name or address starts with `query`, each with the handle to insert: the address's name part, or
    the whole address when two members share it."""
    query = query.lower().lstrip("@")
    members = [membership.user for membership in note_audience(candidate, application).select_related("user")]
    local_parts = [user.email.split("@")[0].lower() for user in members]
    found = []
    for user, local in zip(members, local_parts, strict=True):
        words = [local, user.email.lower(), *(user.name.lower().split())]
        if query and not any(word.startswith(query) for word in words):
            continue
        handle = local if local_parts.count(local) == 1 else user.email.lower()
        found.append({"user": user, "handle": handle})
    found.sort(key=lambda item: (item["user"].name or item["user"].email).lower())
    return found[:SUGGESTIONS]


def note_html(note, mentioned):
    """The note's text, escaped, each handle naming one of `mentioned` marked (line breaks: the template's)."""
    handles = set().union(*(mention_handles(user) for user in mentioned)) if mentioned else set()
    pieces, last = [], 0
    for match in MENTION_RE.finditer(note.body):
        pieces.append(escape(note.body[last : match.start()]))
        handle = match.group(1).lower().rstrip(".")
        text = match.group(0)
        pieces.append(format_html('<mark class="mention">{}</mark>', text) if handle in handles else escape(text))
        last = match.end()
    pieces.append(escape(note.body[last:]))
    return format_html_join("", "{}", ((piece,) for piece in pieces))
