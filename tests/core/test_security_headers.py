import json
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts = []  # (attrs, inline text)
        self.metas = []
        self.inline_handlers = []
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self._in_script = [attrs, ""]
            self.scripts.append(self._in_script)
        elif tag == "meta":
            self.metas.append(attrs)
        self.inline_handlers += [name for name in attrs if name.startswith("on")]

    def handle_data(self, data):
        if self._in_script is not None:
            self._in_script[1] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None


def parse(html):
    parser = _TagCollector()
    parser.feed(html)
    return parser


def csp_directives(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture(params=["login", "dashboard"])
def page(request, client, client_for):
    """A signed-out page and a signed-in page built on the base layout."""
    if request.param == "login":
        return client.get("/accounts/login/")
    owner = request.getfixturevalue("owner")
    return client_for(owner).get("/")


def test_content_security_policy_is_sent(page):
    assert page.status_code == 200
    directives = csp_directives(page)

    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_script_src_allows_neither_inline_nor_eval(page):
    script_src = csp_directives(page)["script-src"]

    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src


def test_page_has_no_inline_scripts(page):
    parsed = parse(page.text)

    assert parsed.scripts, "the layout should load its scripts"
    for attrs, body in parsed.scripts:
        assert attrs.get("src"), f"inline <script> found: {body[:80]!r}"
        assert not body.strip()
    assert parsed.inline_handlers == []


def test_htmx_config_disallows_eval_and_indicator_styles(page):
    metas = [meta for meta in parse(page.text).metas if meta.get("name") == "htmx-config"]

    assert len(metas) == 1
    config = json.loads(metas[0]["content"])
    assert config["allowEval"] is False
    assert config["includeIndicatorStyles"] is False
    assert config["allowScriptTags"] is False


def test_frames_are_denied(page):
    assert page["X-Frame-Options"] == "DENY"


def test_other_security_headers_are_sent(page):
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Referrer-Policy"] == "strict-origin-when-cross-origin"
