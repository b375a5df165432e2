"""Email previews with the viewer's organisation's own job (issue 16): pipeline registers a samples
provider with mail, so a template's preview shows the organisation's newest open job and its careers
page instead of the documented samples."""

from datetime import UTC, datetime

import pytest

from accounts.models import Membership
from jobs.models import Job
from mail import rendering
from mail.models import EmailTemplate
from tests.factories import MembershipFactory, OrganizationFactory, make_job

pytestmark = pytest.mark.django_db

BODY = "<p>{{ job.title }} | {{ job.department }} | {{ job.location }} | {{ job.url }} | {{ links.careers }}</p>"


def published(job, day):
    Job.objects.filter(pk=job.pk).update(published_at=datetime(2026, 5, day, tzinfo=UTC))
    return job


def organisation_with_jobs(name, slug, newest_title):
    organization = OrganizationFactory(name=name, slug=slug)
    owner = MembershipFactory(organization=organization, role=Membership.Role.OWNER).user
    published(make_job(organization, title=f"{name} older role"), 1)
    published(make_job(organization, title=newest_title, department="Research", city="Leeds"), 2)
    # Newer, but not open: a draft, and a job on hold (published before it was held).
    make_job(organization, title=f"{name} draft role", status="draft")
    published(make_job(organization, title=f"{name} held role", status="on_hold"), 3)
    template = EmailTemplate.objects.create(
        organization=organization, key="sample_key", name="Sample", subject="About {{ job.title }}", html_body=BODY
    )
    return owner, template


def test_each_owners_preview_frame_shows_its_own_newest_open_job(client_for):
    acme_owner, acme_template = organisation_with_jobs("Acme", "acme-samples", "Acme Analytical Engine Designer")
    globex_owner, globex_template = organisation_with_jobs("Globex", "globex-samples", "Globex Difference Clerk")

    acme = client_for(acme_owner).get(f"/mail/templates/{acme_template.pk}/preview/")
    globex = client_for(globex_owner).get(f"/mail/templates/{globex_template.pk}/preview/")

    assert acme.status_code == globex.status_code == 200
    assert "Acme Analytical Engine Designer | Research | Leeds" in acme.text
    assert "/careers/acme-samples/" in acme.text
    assert "Globex" not in acme.text
    assert "Senior Backend Engineer" not in acme.text  # the documented sample gave way
    assert "Globex Difference Clerk | Research | Leeds" in globex.text
    assert "/careers/globex-samples/" in globex.text
    assert "Acme" not in globex.text
    for page in (acme, globex):
        assert "older role" not in page.text
        assert "draft role" not in page.text
        assert "held role" not in page.text


def test_an_organisation_without_an_open_job_keeps_the_documented_samples(client_for):
    organization = OrganizationFactory(name="Initech", slug="initech-samples")
    owner = MembershipFactory(organization=organization, role=Membership.Role.OWNER).user
    make_job(organization, title="Initech draft role", status="draft")
    template = EmailTemplate.objects.create(
        organization=organization, key="sample_key", name="Sample", subject="About {{ job.title }}", html_body=BODY
    )

    response = client_for(owner).get(f"/mail/templates/{template.pk}/preview/")

    assert response.status_code == 200
    assert "Senior Backend Engineer | Engineering" in response.text
    assert "draft role" not in response.text
    assert rendering.sample_values_for(organization)["job.title"] == "Senior Backend Engineer"
