"""The API's documentation pages (Swagger UI and ReDoc, from our own static files) render under our CSP.

Each page is opened as a signed-in member; the test listens for `securitypolicyviolation` events (from
before the page's first script), console errors (where Chromium reports a refused resource) and page
errors, and checks that the UI really rendered the schema: the operations list, the API's title.
"""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from ats.api_urls import REDOC_LOGO_HOST

pytestmark = pytest.mark.django_db(transaction=True)

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'
# Runs before any of the page's scripts (Playwright's init scripts are not subject to the page's CSP).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def docs_page(page, live_server, recruiter):
    """The page fixture signed in as a member, recording CSP violations and console errors."""
    client = Client()
    client.force_login(recruiter)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.add_init_script(RECORD_VIOLATIONS)
    console_errors = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    return page, console_errors


def violations(page):
    return page.evaluate("window.__violations")


def test_swagger_ui_lists_the_operations_without_a_csp_violation(docs_page):
    page, console_errors = docs_page

    response = page.goto("/api/schema/swagger-ui/")

    assert response.status == 200
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("ATS API")
    expect(page.locator(".opblock-summary-path[data-path='/api/analytics/']")).to_be_visible()
    assert violations(page) == []
    # Swagger UI renders the tags near the viewport: a deep link, opened afresh, brings the jobs' in.
    page.goto("about:blank")
    page.goto("/api/schema/swagger-ui/#/jobs")
    jobs = page.locator(".opblock-summary-path[data-path='/api/v1/jobs/']").first
    expect(jobs).to_be_visible(timeout=15_000)
    jobs.click()  # the operation opens: its parameters (page, page_size, search...) are listed
    expect(page.locator("#operations-jobs-jobs_list.is-open .parameters")).to_contain_text("page_size")
    assert violations(page) == []
    assert console_errors == []


def test_redoc_renders_the_schema_without_a_csp_violation(docs_page):
    page, console_errors = docs_page

    # ReDoc's sidebar shows Redocly's logo from their CDN (the page's CSP allows that host for images):
    # answered here, so the test needs no network.
    page.route(f"{REDOC_LOGO_HOST}/**", lambda route: route.fulfill(body=SVG, content_type="image/svg+xml"))
    response = page.goto("/api/schema/redoc/")

    assert response.status == 200
    expect(page.locator(".api-info h1")).to_contain_text("ATS API", timeout=30_000)
    expect(page.locator("[data-section-id^='tag/']").first).to_be_attached()
    expect(page.get_by_text("/api/v1/jobs/").first).to_be_attached()
    assert violations(page) == []
    assert console_errors == []
    assert not page.locator("link[href*='fonts.googleapis.com']").count()  # no font CDN
