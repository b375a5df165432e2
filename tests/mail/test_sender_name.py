"""An email's From shows the organisation by name, at the site's own address; a name can never add a header."""

from email.utils import parseaddr

import pytest

from mail.services import sender_address
from pipeline.applications.services import submit_application
from tests.factories import OrganizationFactory, make_job, pdf_upload

pytestmark = pytest.mark.django_db

APPLICANT = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}


def test_the_acknowledgement_is_from_the_organisation_by_name(
    settings, smtp_backend, django_capture_on_commit_callbacks
):
    settings.DEFAULT_FROM_EMAIL = "Hiring Site <jobs@ats.example>"
    organization = OrganizationFactory(name='Acme "Careers", Ltd')
    job = make_job(organization)

    with django_capture_on_commit_callbacks(execute=True):
        submit_application(job=job, values=APPLICANT, files={"resume": pdf_upload()})

    [message] = smtp_backend.messages()
    assert message["To"] == "ada@example.com"
    [sender] = message["From"].addresses
    assert sender.display_name == 'Acme "Careers", Ltd'
    assert sender.addr_spec == parseaddr(settings.DEFAULT_FROM_EMAIL)[1] == "jobs@ats.example"


@pytest.mark.parametrize(
    "name",
    ["Acme\r\nBcc: x@evil.test", "Acme\nBcc: x@evil.test", "Acme\rBcc: x@evil.test", "Acme \r\n\r\n Bcc: x@evil.test"],
)
def test_a_name_with_line_breaks_stays_one_line(settings, name):
    settings.DEFAULT_FROM_EMAIL = "Hiring Site <jobs@ats.example>"
    organization = OrganizationFactory(name=name)

    value = sender_address(organization)

    assert "\r" not in value
    assert "\n" not in value
    display_name, address = parseaddr(value)
    assert display_name == "Acme Bcc: x@evil.test"
    assert address == "jobs@ats.example"


def test_a_name_with_line_breaks_adds_no_header_or_recipient(
    settings, smtp_backend, django_capture_on_commit_callbacks
):
    settings.DEFAULT_FROM_EMAIL = "Hiring Site <jobs@ats.example>"
    organization = OrganizationFactory(name="Acme\r\nBcc: x@evil.test")
    job = make_job(organization)

    with django_capture_on_commit_callbacks(execute=True):
        submit_application(job=job, values=APPLICANT, files={"resume": pdf_upload()})

    [envelope] = smtp_backend.received
    assert envelope.rcpt_tos == ["ada@example.com"]
    [message] = smtp_backend.messages()
    assert message["Bcc"] is None
    [sender] = message["From"].addresses
    assert sender.display_name == "Acme Bcc: x@evil.test"
    assert sender.addr_spec == "jobs@ats.example"
