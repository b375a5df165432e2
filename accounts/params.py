"""Reading numbers, days and words out of request parameters without ever raising."""

import re
import unicodedata
from datetime import date

MAX_ID = 2**63 - 1

# NUL (PostgreSQL refuses it in any text), and the UTF-16 surrogate halves that are not characters
# on their own (no database or encoder accepts them): refused wherever input arrives (ats.input for
# pages, accounts.api.parsers for JSON).
_REFUSED = re.compile("[\x00\ud800-\udfff]")


def is_refused_text(text):
    return bool(_REFUSED.search(text))


def to_int(value, *, maximum=MAX_ID):
    """The whole number in `value` (a str) if it is one between 0 and `maximum`, else None."""
    value = (value or "").strip()
    if not value.isdecimal() or len(value) > 19:
        return None
    number = int(value)
    return number if number <= maximum else None


def to_ints(values, *, maximum=MAX_ID):
    """The valid whole numbers among `values`, in order; the rest are dropped."""
    return [n for n in (to_int(v, maximum=maximum) for v in values) if n is not None]


# Days a filter may name: wide enough for any real date, narrow enough that the day's start in
# any zone, and the day after it, are still representable datetimes (year 1 or 9999 are not).
FIRST_DAY, LAST_DAY = date(1000, 1, 1), date(9998, 12, 31)


def to_date(value):
    """The calendar day in `value` (a str, YYYY-MM-DD) if it is a valid one in a sane range, else None."""
    try:
        day = date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def to_text(value, *, limit):
    """One line of text from `value` (a str or None): control characters dropped, stripped, at most `limit` long.

    For filters read from a URL that did not come through the request (htmx's current-URL header): a NUL
    there would make PostgreSQL refuse the query. Request parameters are checked by ats.input already.
    """
    text = "".join(ch for ch in value or "" if unicodedata.category(ch) not in ("Cc", "Cs"))
    return text.strip()[:limit]
