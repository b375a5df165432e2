"""A country as people and integrations write it ("FR", "fra", "France", "france") read as its ISO code.

Jobs store ISO 3166-1 alpha-2 codes (job boards and JSON-LD read those); the original API and its
clients sent free text, so the API, its filters and the page all accept either and answer the code.
"""

from django_countries import countries

# Names people write that are not the ISO names django-countries knows (keys folded as _fold does).
ALIASES = {
    "uk": "GB", "u.k.": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "united states": "US", "united states of america": "US",
    "u.s.": "US", "u.s.a.": "US", "america": "US", "deutschland": "DE", "holland": "NL",
    "the netherlands": "NL", "czech republic": "CZ", "turkey": "TR", "russia": "RU", "south korea": "KR",
    "korea": "KR", "vietnam": "VN", "uae": "AE", "españa": "ES", "schweiz": "CH", "österreich": "AT",
}  # fmt: skip


def _fold(text):
    return " ".join(text.split()).casefold()


def country_code(text):
    """The ISO 3166-1 alpha-2 code `text` names (a code, an English name or a common alias such as
    "UK" or "USA", any case), else ""."""
    text = str(text).strip()
    if not text:
        return ""
    if _fold(text) in ALIASES:
        return ALIASES[_fold(text)]
    if text.isalpha() and len(text) in (2, 3):
        # A code ("fr", "FRA"); a three-letter name such as "Peru" falls through to the name look-up.
        code = countries.alpha2(text)
        if code:
            return code
    return countries.by_name(text, insensitive=True) or ""
