from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from ..params import is_refused_text

MESSAGE = "JSON strings may not contain a null character (\\u0000) or a lone surrogate."


def _refused(data):
    if isinstance(data, str):
        return is_refused_text(data)
    if isinstance(data, dict):
        return any(_refused(key) or _refused(value) for key, value in data.items())
    if isinstance(data, list):
        return any(_refused(item) for item in data)
    return False


class StrictJSONParser(JSONParser):
    """JSON, refusing what no column can store (PostgreSQL refuses NUL): a clear 400, never a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            refused = _refused(data)
        except RecursionError:  # "[[[[…" thousands deep: no body of ours nests like that
            raise ParseError("JSON nested too deeply.") from None
        if refused:
            raise ParseError(MESSAGE)
        return data
