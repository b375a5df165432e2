"""No page shows a link or button its viewer may not use.

For each role, a crawler starts at the dashboard and opens every same-site link it finds
(`<a href>`, htmx `hx-get`, GET forms and redirects), and records every place a POST goes
(form actions, `formaction` buttons, `hx-post`). A link answering 403 fails the test. A POST
target is sent an empty POST, in a savepoint rolled back afterwards, and fails only on 403:
an empty body may well be refused as invalid, but never as forbidden for a button we showed.
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.db import transaction
from django.test import Client

from jobs.models import HiringTeamMember
from mail.models import EmailMessage
from pipeline.applications.models import Application
from pipeline.applications.services import add_tags
from pipeline.candidates.services import add_note
from tests.factories import ApplicationFactory, make_job

from .test_url_matrix import build_organisation

pytestmark = pytest.mark.django_db

CRAWLED_ROLES = ("owner", "admin", "recruiter", "manager", "interviewer", "panelist")
PAGES_PER_ROLE = 400
# Never followed: signing out ends the crawl's session; static files and uploads are no pages.
SKIPPED_PREFIXES = ("/accounts/logout/", "/static/", "/media/")


class _Targets(HTMLParser):
    """The page's links (GET) and the places its buttons and forms send a POST to."""

    def __init__(self):
        super().__init__()
        self.links, self.posts = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href") is not None:
            self.links.append(attrs["href"])
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            (self.posts if method == "post" else self.links).append(attrs.get("action") or "")
        if attrs.get("formaction") is not None:
            method = (attrs.get("formmethod") or "post").lower()
            (self.posts if method == "post" else self.links).append(attrs["formaction"])
        for name in ("hx-get", "data-hx-get"):
            if attrs.get(name) is not None:
                self.links.append(attrs[name])
        for name in ("hx-post", "data-hx-post"):
            if attrs.get(name) is not None:
                self.posts.append(attrs[name])


def _same_site(base, href):
    """The site-relative URL `href` points to from `base`, or None for elsewhere, fragments and schemes."""
    if href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(urljoin(f"http://testserver{base}", href))
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    if parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _page_key(url):
    """Links differing only in their query's values (sort, page, filters) open the same view: visit one."""
    parts = urlsplit(url)
    return parts.path, tuple(sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)}))


def _rolled_back(send, url):
    with transaction.atomic():
        response = send(url)
        transaction.set_rollback(True)
    if response.streaming:
        b"".join(response.streaming_content)  # the test client closes the file at the end
    return response


def crawl(client):
    """({page key: status}, {POST target: page it is on}, [problems]) for everything reachable from /."""
    queue, seen, posts, problems = deque([("/", "start")]), {}, {}, []
    while queue and len(seen) < PAGES_PER_ROLE:
        url, source = queue.popleft()
        if _page_key(url) in seen:
            continue
        response = _rolled_back(client.get, url)
        seen[_page_key(url)] = response.status_code
        if response.status_code == 403 or response.status_code >= 500:
            problems.append(f"GET {url} answers {response.status_code} (linked from {source})")
            continue
        found = []
        if response.status_code in (301, 302):
            found = [response["Location"]]
        elif "text/html" in response.get("Content-Type", "") and not response.streaming:
            targets = _Targets()
            targets.feed(response.content.decode())
            found = targets.links
            for href in targets.posts:
                if (target := _same_site(url, href)) is not None:
                    posts.setdefault(urlsplit(target).path, url)
        for href in found:
            if (link := _same_site(url, href)) is not None and _page_key(link) not in seen:
                queue.append((link, url))
    assert len(seen) < PAGES_PER_ROLE, "the crawl hit its cap: are links multiplying?"
    for target, page in posts.items():
        status = _rolled_back(client.post, target).status_code
        if status == 403 or status >= 500:
            problems.append(f"POST {target} answers {status} (a button on {page})")
    return seen, posts, problems


@pytest.fixture
def world(db):
    """One organisation with something on every kind of page: open, draft and closed jobs, decided applications,
    notes, tags, a possible duplicate, a failed email, a pending invitation."""
    world = build_organisation("Acme")
    job, users = world.job, world.users
    for status in ("draft", "closed"):
        other = make_job(world.organization, status=status, created_by=users["owner"])
        HiringTeamMember.objects.create(job=other, user=users["manager"], role=HiringTeamMember.Role.HIRING_MANAGER)
        HiringTeamMember.objects.create(job=other, user=users["interviewer"], role=HiringTeamMember.Role.INTERVIEWER)
    make_job(world.organization, created_by=users["owner"], title="Nobody's team")
    stages = list(job.stages.order_by("order"))
    ApplicationFactory(job=job, current_stage=stages[1], status=Application.Status.REJECTED, rejection_reason="Filled")
    ApplicationFactory(job=job, current_stage=stages[2], status=Application.Status.ON_HOLD)
    for candidate in (world.candidate, world.duplicate):
        candidate.phone = "+44 20 7946 0000"  # the same phone: each page offers to merge the other
        candidate.save()
    add_note(candidate=world.candidate, author=users["recruiter"], body="Strong")
    add_tags(applications=[world.application], tags=["strong"])
    EmailMessage.objects.create(
        organization=world.organization,
        to=[world.candidate.email],
        from_email="jobs@example.com",
        subject="Hello",
        status=EmailMessage.Status.FAILED,
        last_error="Connection refused",
    )
    return world


@pytest.mark.parametrize("role", CRAWLED_ROLES)
def test_no_link_or_button_answers_403(role, world):
    client = Client(raise_request_exception=False)  # a crash is reported with its link, like a 403
    client.force_login(world.users[role])

    seen, _posts, problems = crawl(client)

    assert seen[("/", ())] == 200
    assert len(seen) > 10, "the crawl found next to nothing: is the dashboard rendering?"
    assert not problems, "\n".join(problems)
