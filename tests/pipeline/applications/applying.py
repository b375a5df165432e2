"""What the apply tests share: the public apply URLs, a valid submission, and checks on what was saved."""

import re

from pipeline.models import Application, ApplicationFormAnswer, ApplicationStageHistory, Candidate
from tests.factories import pdf_upload

XSS = "<script>alert(1)</script>"
ESCAPED_XSS = "&lt;script&gt;alert(1)&lt;/script&gt;"
PHONE = "+44 20 7946 0958"


def apply_url(job, query=""):
    return f"/careers/{job.organization.slug}/{job.slug}/apply/{query}"


def thanks_url(job):
    return f"/careers/{job.organization.slug}/{job.slug}/apply/thanks/"


def application_data(**overrides):
    """A complete, valid submission of the standard form; an override of None leaves that field out."""
    data = {
        "first_name": "Jane",
        "last_name": "Doe",
        "email": "jane.doe@example.com",
        "phone": "",
        "cover_letter": "",
        "linkedin_url": "",
        "resume": pdf_upload(),
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def kept_token(response):
    """The signed token of a resume the form kept after a refused submission, or None."""
    match = re.search(r'name="kept_resume" value="([^"]+)"', response.text)
    return match and match.group(1)


def assert_nothing_saved():
    assert Candidate.objects.count() == 0
    assert Application.objects.count() == 0
    assert ApplicationFormAnswer.objects.count() == 0
    assert ApplicationStageHistory.objects.count() == 0
