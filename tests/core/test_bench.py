"""The bench's own parts: the query counter it reads, the data it makes, the PDF it uploads."""

import io

import pypdf
import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from ats.bench import dataset
from ats.bench.load import padded_pdf
from ats.querycount import QueryCountMiddleware
from jobs.models import Job
from jobs.uploads import detect_kind
from pipeline.applications.models import Application
from pipeline.candidates.models import Candidate
from pipeline.interviews.models import Interview, PanelMember, Scorecard

TINY = dataset.Size(candidates=40, jobs=5, applications=60, sized_jobs=(3, 10, 30))


@pytest.mark.django_db
def test_the_header_is_the_number_of_queries_the_view_made():
    def view(request):
        for _ in range(3):
            User.objects.exists()
        return HttpResponse("ok")

    response = QueryCountMiddleware(view)(RequestFactory().get("/"))

    assert response.status_code == 200
    assert response["X-Query-Count"] == "3"


@pytest.mark.django_db
def test_the_header_counts_every_query_of_a_real_page(client_for, owner, settings):
    settings.MIDDLEWARE = ["ats.querycount.QueryCountMiddleware", *settings.MIDDLEWARE]
    client = client_for(owner)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
        made = len(queries)  # before anything else runs a query

    assert response.status_code == 200
    assert made > 3
    assert response["X-Query-Count"] == str(made)


def test_the_counter_is_installed_only_for_the_bench():
    assert "ats.querycount.QueryCountMiddleware" not in settings.MIDDLEWARE


@pytest.mark.django_db
def test_the_dataset_has_the_sizes_asked_for(client):
    data = dataset.generate(TINY)

    assert Job.objects.filter(organization=data.organization, status=Job.Status.OPEN).count() == 5
    assert Candidate.objects.filter(organization=data.organization).count() == 40
    assert Application.objects.filter(job__organization=data.organization).count() == 60
    assert sorted(data.sized_jobs) == [3, 10, 30]
    for count, job in data.sized_jobs.items():
        assert job.applications.count() == count
        assert job.stages.count() == 8
    # Each column's cards are numbered 0, 1, 2... as the board orders them.
    biggest = data.sized_jobs[30]
    for stage in biggest.stages.all():
        positions = list(biggest.applications.filter(current_stage=stage).values_list("position", flat=True))
        assert sorted(positions) == list(range(len(positions)))
    assert client.login(email=data.owner.email, password=dataset.PASSWORD)
    # Applications from the fourth stage on were interviewed by a panel of two, most of whom gave feedback.
    later = Application.objects.filter(job__organization=data.organization, current_stage__order__gte=3)
    interviews = Interview.objects.filter(application__in=later)
    assert interviews.count() == later.count() > 0
    assert PanelMember.objects.filter(interview__in=interviews).count() == 2 * later.count()
    assert 0 < Scorecard.objects.filter(interview__in=interviews).count() <= 2 * later.count()
    assert data.interviewed.applications.filter(interviews__isnull=False).exists()


def test_a_job_cannot_have_more_applications_than_there_are_candidates():
    with pytest.raises(ValueError, match="can't hold"):
        dataset.generate(dataset.Size(candidates=10, jobs=5, applications=60, sized_jobs=(3, 10, 30)))


def test_the_uploaded_resume_is_a_real_pdf_of_200_kb():
    pdf = padded_pdf(200 * 1024)

    assert len(pdf) == 200 * 1024
    assert detect_kind(io.BytesIO(pdf)) == "pdf"
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert "Curriculum vitae" in reader.pages[0].extract_text()
