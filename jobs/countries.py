"""A country as people and integrations write it ("FR", "fra", "France", "france") read as its ISO code.

Jobs store ISO 3166-1 alpha-2 codes (job boards and JSON-LD read those); the original API and its
clients sent free text, so the API, its filters and the page all accept either and answer the code.
"""

from django_countries import countries


def country_code(text):
    """The ISO 3166-1 alpha-2 code `text` names (a code or an English name, any case), else ""."""
    text = str(text).strip()
    if not text:
        return ""
    if text.isalpha() and len(text) in (2, 3):
        # A code ("fr", "FRA"); a three-letter name such as "Peru" falls through to the name look-up.
        code = countries.alpha2(text)
        if code:
            return code
    return countries.by_name(text, insensitive=True) or ""
