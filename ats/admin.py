"""Django admin's add forms, routed through the orchestration that gives new rows their defaults.

accounts and jobs register their admins; the apps below ats can't call the
setup that needs the apps above them, so the two add forms are completed here.
"""

from django.contrib import admin

from accounts.admin import OrganizationAdmin
from accounts.models import Organization
from jobs.admin import JobAdmin
from jobs.models import Job
from pipeline.setup.services import add_job_defaults

from .setup import create_organization_with_defaults


class OrganizationWithDefaultsAdmin(OrganizationAdmin):
    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            create_organization_with_defaults(organization=obj)


class JobWithDefaultsAdmin(JobAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            add_job_defaults(obj)


admin.site.unregister(Organization)
admin.site.register(Organization, OrganizationWithDefaultsAdmin)
admin.site.unregister(Job)
admin.site.register(Job, JobWithDefaultsAdmin)
