"""Accessibility and valid HTML on the pages candidates and recruiters use most.

axe-core (vendored from npm under tests/e2e/vendor/, MPL-2.0) runs in Chromium on each page in the
light and the dark colour scheme and must report no violation; the W3C Nu HTML Checker (vnu.jar,
installed by .ci/run) must report no error on the HTML the server sends for the same pages.

To run the checker here: `npm install --prefix ~/.cache/ats-vnu vnu-jar@26.9.27`, a Java runtime
(`apt-get install default-jre-headless`), and VNU_JAR=~/.cache/ats-vnu/node_modules/vnu-jar/build/dist/vnu.jar.
Without them that test skips, except under REQUIRE_VNU=1 (CI), where it fails.
"""

import json
import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Membership
from jobs.models import FormField
from jobs.services import add_question
from pipeline.applications.services import add_tags, rate, submit_application, toggle_star
from pipeline.candidates.services import add_note
from pipeline.interviews.models import Scorecard
from pipeline.interviews.services import schedule_interview, submit_scorecard
from tests.factories import (
    PASSWORD,
    CandidateFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    make_job,
    pdf_upload,
)

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
# WCAG 2.0, 2.1 and 2.2 A and AA, and Deque's best practices (landmarks, headings, unique labels).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# Served from the site's own origin, so the page's CSP (script-src 'self') stays on while axe runs:
# Playwright's add_script_tag(path=...) would inline the file, which that CSP blocks.
AXE_URL = "/__tests__/axe-core.min.js"


@pytest.fixture
def site(db):
    """An organisation with a published job whose form has custom questions, and a candidate with two
    applications (answers, a cover letter, tags, a star and a rating, a note, interviews and feedback)."""
    organization = OrganizationFactory(name="Acme", slug="acme", privacy_policy_url="https://acme.example/privacy")
    recruiter = MembershipFactory(
        organization=organization, role=Membership.Role.RECRUITER, user=UserFactory(name="Rita Recruiter")
    ).user
    job = make_job(
        organization,
        created_by=recruiter,
        title="Backend Engineer",
        department="Engineering",
        city="Berlin",
        country="DE",
        salary_min=65000,
        salary_max=80000,
        show_salary=True,
        description="Build the **hiring** platform.\n\n- Python\n- Django",
    )
    form = job.application_form
    add_question(form=form, label="Are you allowed to work in the EU?", field_type=FormField.Type.YES_NO,
                 required=True, is_key_question=True, knockout_answers=["no"])  # fmt: skip
    add_question(form=form, label="Preferred team", field_type=FormField.Type.SINGLE_CHOICE,
                 options=["Platform", "Product"], required=True, is_key_question=True)  # fmt: skip
    add_question(form=form, label="Languages you write", field_type=FormField.Type.MULTIPLE_CHOICE,
                 options=["Python", "Go", "Rust"])  # fmt: skip
    add_question(form=form, label="Years with Django", field_type=FormField.Type.NUMBER)
    add_question(form=form, label="Earliest start date", field_type=FormField.Type.DATE)
    add_question(form=form, label="Why us?", field_type=FormField.Type.LONG_TEXT, help_text="A few sentences.")
    add_question(form=form, label="Work sample", field_type=FormField.Type.FILE)
    other_job = make_job(organization, created_by=recruiter, title="Data Analyst", city="Remote")

    keys = {field.label: field.key for field in form.fields.filter(is_standard=False)}
    application = submit_application(
        job=job,
        values={
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.test",
            "phone": "+44 20 7946 0958",
            "cover_letter": "I would love to build this with you.",
        },
        answers={
            keys["Are you allowed to work in the EU?"]: "yes",
            keys["Preferred team"]: "Platform",
            keys["Languages you write"]: ["Python", "Go"],
            keys["Years with Django"]: "7",
            keys["Earliest start date"]: "2027-02-01",
            keys["Why us?"]: "Because hiring deserves good tools.",
        },
        files={"resume": pdf_upload("ada-lovelace-cv.pdf"), keys["Work sample"]: pdf_upload("sample.pdf")},
    )
    submit_application(
        job=job,
        values={"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.test"},
        answers={keys["Are you allowed to work in the EU?"]: "no", keys["Preferred team"]: "Product"},
        files={"resume": pdf_upload("grace-hopper-cv.pdf")},
    )
    submit_application(
        job=other_job,
        values={"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.test"},
        files={"resume": pdf_upload("ada-lovelace-cv.pdf")},
    )
    # The same phone under another address: Ada's page offers to merge them (a warning alert with a button).
    CandidateFactory(organization=organization, first_name="Ada", last_name="King", phone="+44 20 7946 0958")
    add_tags(applications=[application], tags=["python", "referral"])
    toggle_star(application=application, starred=True)
    rate(application=application, rating=4)
    add_note(candidate=application.candidate, author=recruiter, body="Strong portfolio; ask about Go.",
             application=application)  # fmt: skip
    interviewer = MembershipFactory(
        organization=organization, role=Membership.Role.INTERVIEWER, user=UserFactory(name="Ivan Interviewer")
    ).user
    # A past interview with both panellists' feedback (so the recruiter sees the tally), and one to come.
    # Times keep their microseconds: <time datetime> must print without them.
    now = timezone.now()
    screen, _upcoming = (
        schedule_interview(
            application=application,
            starts_at=now + offset,
            duration_minutes=45,
            title=title,
            interviewers=panel,
            organizer=recruiter,
            location="Video call",
            by=recruiter,
        )
        for offset, title, panel in (
            (timedelta(days=-2), "Phone screen", [recruiter, interviewer]),
            (timedelta(days=2), "Technical interview", [interviewer]),
        )
    )
    for author, recommendation in ((recruiter, Scorecard.Recommendation.YES), (interviewer, "strong_yes")):
        submit_scorecard(
            interview=screen,
            author=author,
            recommendation=recommendation,
            ratings={attribute.pk: 4 for attribute in job.scorecard_attributes.all()},
            notes="Clear answers; curious.",
        )
    pages = {
        "careers page": f"/careers/{organization.slug}/",
        "job page": f"/careers/{organization.slug}/{job.slug}/",
        "apply form": f"/careers/{organization.slug}/{job.slug}/apply/",
        "dashboard": "/",
        "board": f"/jobs/{job.pk}/board/",
        "candidate page": f"/candidates/{application.candidate_id}/",
    }
    return {"recruiter": recruiter, "pages": pages}


def _run_axe(page):
    page.add_script_tag(url=AXE_URL)
    # Details of violations only: passes and incomplete results are counted, not described (much faster).
    options = json.dumps({"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    return page.evaluate(f"axe.run(document, {options})")["violations"]


def _describe(name, violations):
    lines = []
    for violation in violations:
        lines.append(f"{name}: {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = node.get("failureSummary") or ""
            why = "; ".join(line.strip() for line in summary.splitlines() if not line.startswith("Fix "))
            lines.append(f"    {' '.join(map(str, node['target']))}: {why}")
    return lines


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations(browser, live_server, site, scheme):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 800},
                                  color_scheme=scheme)  # fmt: skip
    context.set_default_timeout(15_000)
    context.route(f"**{AXE_URL}", lambda route: route.fulfill(path=AXE, content_type="text/javascript"))
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    found = []
    try:
        # The careers pages as candidates see them (signed out), then the recruiter's, signed in through the
        # form: the dashboard then greets them with a toast, in the toasts' live region.
        for name, path in site["pages"].items():
            if name == "dashboard":
                page.goto("/accounts/login/")
                page.get_by_label("Email").fill(site["recruiter"].email)
                page.get_by_label("Password").fill(PASSWORD)
                with page.expect_navigation(url=f"{live_server.url}{path}") as navigation:
                    page.get_by_label("Password").press("Enter")
                response = navigation.value
            else:
                response = page.goto(path)
            if response.status != 200:
                found.append(f"{name}: {path} answered {response.status}")
                continue
            page.wait_for_load_state("networkidle")  # what htmx loads after the page is part of it
            # theme.js follows the system's colour scheme; make sure this run sees the one it names.
            assert page.locator("html").get_attribute("data-bs-theme") == scheme
            found += _describe(name, _run_axe(page))
            if name == "apply form":
                # A name and a bad address only: the page again, with its errors (the form has novalidate).
                page.locator("form [name=first_name]").fill("Ada")
                page.locator("form [name=email]").fill("not-an-address")
                with page.expect_navigation():
                    page.locator("form[enctype='multipart/form-data'] [type=submit]").click()
                page.wait_for_load_state("networkidle")
                assert page.locator("#form-errors").is_visible(), "the bad form was accepted"
                found += _describe("apply form after a failed submit", _run_axe(page))
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the pages: {errors}"
    assert not found, f"axe-core {scheme}: violations\n" + "\n".join(found)


# --- The W3C Nu HTML Checker ------------------------------------------------------------------------


@pytest.fixture
def vnu():
    """(java, vnu.jar) or a reason to skip; in CI (REQUIRE_VNU=1) a missing checker is a failure."""
    java, jar = shutil.which("java"), os.environ.get("VNU_JAR")
    if java and jar and Path(jar).is_file():
        return java, jar
    message = "the W3C checker needs java and VNU_JAR=<path to vnu.jar> (.ci/run installs both)"
    if os.environ.get("REQUIRE_VNU") == "1":
        pytest.fail(f"REQUIRE_VNU=1 but {message}")
    pytest.skip(message)


def test_the_w3c_checker_finds_no_errors(vnu, site, tmp_path):  # vnu first: a skip builds no data
    java, jar = vnu
    client = Client(raise_request_exception=False)
    client.force_login(site["recruiter"])
    files, broken = {}, []
    for name, path in site["pages"].items():
        response = client.get(path)
        if response.status_code != 200:
            broken.append(f"{name}: {path} answered {response.status_code}")
            continue
        files[name] = response.content
    response = client.post(site["pages"]["apply form"], {"first_name": "Ada", "email": "not-an-address"})
    assert response.status_code == 400 and b'id="form-errors"' in response.content, "the bad form was accepted"
    files["apply form after a failed submit"] = response.content

    names = {}
    for index, (name, content) in enumerate(files.items()):
        path = tmp_path / f"page-{index}.html"
        path.write_bytes(content)
        names[path.name] = name
    # One Java start for all the pages: the checker takes many files at once (its report goes to stderr).
    result = subprocess.run(  # noqa: S603 (java and the checker's jar, on files this test wrote)
        [java, "-jar", jar, "--errors-only", "--format", "json", *[str(tmp_path / name) for name in names]],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr.strip() or result.stdout)["messages"]
    errors = [
        f"{names.get(Path(message.get('url', '')).name, message.get('url'))}:{message.get('lastLine')}: "
        f"{message['message']}\n    {message.get('extract', '').strip()}"
        for message in messages
        if message["type"] in ("error", "non-document-error")
    ]
    assert result.returncode == (1 if errors else 0), result.stderr
    assert not broken + errors, "the W3C checker: errors\n" + "\n".join(broken + errors)
