"""factory-boy factories and small builders of test data.

Every value comes from a sequence, so runs are deterministic and unique
constraints (email, slug) never collide.
"""

import io
from datetime import timedelta

import factory
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Invitation, Membership, Organization, User
from ats.setup import add_organization_defaults
from pipeline.applications.models import Application
from pipeline.applications.services import add_tags
from pipeline.candidates.models import Candidate
from pipeline.setup.services import create_job

PASSWORD = "pass-12345-word"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Sequence(lambda n: f"Person {n}")
    # Hashed at build time, so `client.login` and the real login form both work.
    password = factory.django.Password(PASSWORD)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")

    @factory.post_generation
    def defaults(organization, create, extracted, **kwargs):
        """Like every organisation the site makes: default stages, rejection reasons and email templates."""
        if create and extracted is not False:
            add_organization_defaults(organization)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.RECRUITER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Membership.Role.RECRUITER
    invited_by = None
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


# --- Jobs and candidates (step 2) --------------------------------------------

_job_numbers = iter(range(1, 1_000_000))


def make_job(organization, *, status="open", created_by=None, **fields):
    """A job built the way the app builds one (standard application form included), then moved to `status`.

    Jobs go through pipeline.setup's create_job rather than a model factory, so the
    form and stages every job has in real life exist here too.
    """
    fields.setdefault("title", f"Job {next(_job_numbers)}")
    if created_by is None:
        # Any user will do (create_job requires one); not a member, so member lists stay as the test made them.
        created_by = UserFactory()
    job = create_job(organization=organization, created_by=created_by, **fields)
    path = {"draft": [], "open": ["open"], "on_hold": ["open", "on_hold"], "closed": ["open", "closed"]}
    path["archived"] = ["open", "closed", "archived"]
    for step in path[status]:
        job.set_status(step)
    return job


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    organization = factory.SubFactory(OrganizationFactory)
    first_name = factory.Sequence(lambda n: f"Candidate{n}")
    last_name = "Example"
    email = factory.Sequence(lambda n: f"candidate{n}@example.com")


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    job = None  # required: pass a job from make_job()
    candidate = factory.SubFactory(CandidateFactory, organization=factory.SelfAttribute("..job.organization"))

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        """`tags=["python", ...]` attaches them as the site does (the organisation's Tag rows)."""
        if create and extracted:
            add_tags(applications=[self], tags=extracted)


def pdf_bytes(lines):
    """A real one-page PDF (reportlab) holding `lines` as text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    y = 800
    for line in lines:
        pdf.drawString(72, y, line)
        y -= 18
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def docx_bytes(lines):
    """A real DOCX (python-docx) with one paragraph per line."""
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_upload(name="resume.pdf", lines=("Jane Doe", "jane.doe@example.com")):
    return SimpleUploadedFile(name, pdf_bytes(lines), content_type="application/pdf")


def pdf_content(name="resume.pdf", lines=("Jane Doe",)):
    """For assigning straight to a FileField (Candidate.resume)."""
    return ContentFile(pdf_bytes(lines), name=name)


# --- The pipeline (step 3) ---------------------------------------------------

_bulk_numbers = iter(range(1, 10_000_000))


def bulk_applications(job, count, *, stages=None, **fields):
    """`count` applications to `job`, dealt round-robin over `stages` (default: its active stages).

    Two bulk inserts plus one read-back, so a board of thousands takes about a second to build.
    Positions count up within each column; `fields` go on every Application.
    """

    stages = list(stages if stages is not None else job.stages.filter(is_active=True))
    numbers = [next(_bulk_numbers) for _ in range(count)]
    emails = [f"bulk{n}@example.com" for n in numbers]
    Candidate.objects.bulk_create(
        Candidate(organization_id=job.organization_id, first_name=f"Bulk{n}", last_name="Person", email=email)
        for n, email in zip(numbers, emails, strict=True)
    )
    # Read back by email: bulk_create returns primary keys on PostgreSQL and recent SQLite, but only there.
    candidates = dict(
        Candidate.objects.filter(organization_id=job.organization_id, email__in=emails).values_list("email", "pk")
    )
    applications = [
        Application(
            job=job,
            candidate_id=candidates[email],
            current_stage=stages[index % len(stages)],
            position=index // len(stages),
            **fields,
        )
        for index, email in enumerate(emails)
    ]
    Application.objects.bulk_create(applications, batch_size=1000)
    return Application.objects.filter(job=job, candidate_id__in=candidates.values())
