"""Reading numbers out of request parameters without ever raising."""

MAX_ID = 2**63 - 1


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
