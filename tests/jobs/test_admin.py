"""Jobs made in Django admin are made like the job form makes them."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from ats.admin import JobWithDefaultsAdmin
from jobs.models import Job, JobForm

pytestmark = pytest.mark.django_db


def test_a_job_made_in_the_admin_gets_the_standard_form_and_stages(admin_user, organization):
    job = Job(organization=organization, title="Made in admin", status=Job.Status.OPEN)
    request = RequestFactory().post("/admin/")
    request.user = admin_user

    JobWithDefaultsAdmin(Job, site).save_model(request, job, form=None, change=False)

    assert JobForm.objects.get(job=job).fields.filter(key="email", required=True).exists()
    assert job.stages.filter(is_active=True).count() == 8
