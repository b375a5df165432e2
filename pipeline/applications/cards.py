"""Board cards, each rendered once: its HTML is kept under a digest of everything the card shows.

The key is the card's values themselves (name, stage, status, star, rating, source, tags, days in
stage and their warmth...), not a version someone must remember to bump: nothing to invalidate, and a
card that changed in any way gets a new key. Kept in the process's memory, bounded, because what it
saves is template rendering and a lookup must cost far less than that (the "local" cache: no
query, no network). Off in DEBUG, where runserver picks up an edited template without restarting.
"""

import hashlib
from dataclasses import fields

from django.conf import settings
from django.core.cache import caches
from django.template.loader import get_template
from django.utils import timezone


def _key(card, oob):
    # Every field of the card but its HTML: a field added to Card (and shown) can't be left out of the key.
    shown = [getattr(card, field.name) for field in fields(card) if field.name != "html"]
    # And the viewer's time zone: a card may print a date (the day its candidate applied) in it.
    zone = timezone.get_current_timezone_name()
    return hashlib.blake2b(repr((shown, oob, zone)).encode(), digest_size=16).hexdigest()


def render_cards(cards, *, oob=False):
    """Set `card.html` on each of `cards` (as selectors._decorate left them): from memory, or rendered."""
    template = get_template("pipeline/board.html#card")
    if settings.DEBUG:
        for card in cards:
            card.html = template.render({"card": card, "oob": oob})
        return cards
    keys = [f"card:{_key(card, oob)}" for card in cards]
    kept = caches["local"]
    found = kept.get_many(keys)
    rendered = {}
    for card, key in zip(cards, keys, strict=True):
        card.html = found.get(key)
        if card.html is None:
            card.html = rendered[key] = template.render({"card": card, "oob": oob})
    kept.set_many(rendered)
    return cards
