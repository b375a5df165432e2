from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from .models import FormField, HiringTeamMember, Job, JobForm, JobSite, ScorecardAttribute, Stage, StageTemplate
from .scorecards import add_default_attributes


class HiringTeamInline(admin.TabularInline):
    model = HiringTeamMember
    extra = 0
    autocomplete_fields = ["user"]


class ScorecardAttributeFormSet(BaseInlineFormSet):
    def clean(self):
        # The database's unique index on lower(name) would answer a clash with a server error.
        super().clean()
        seen = set()
        for form in self.forms:
            name = form.cleaned_data.get("name") if not self._should_delete_form(form) else None
            if name and name.casefold() in seen:
                raise ValidationError(f"Two attributes are called “{name}”: each name may appear once per job.")
            if name:
                seen.add(name.casefold())


class ScorecardAttributeInline(admin.TabularInline):
    model = ScorecardAttribute
    formset = ScorecardAttributeFormSet
    extra = 0
    fields = ["order", "name", "description"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "department", "status", "employment_type", "openings", "published_at"]
    list_filter = ["status", "employment_type", "remote_type", "urgency", "organization"]
    search_fields = ["title", "slug", "department", "city", "organization__name"]
    readonly_fields = ["published_at", "created_at", "updated_at"]
    autocomplete_fields = ["organization", "created_by"]
    list_select_related = ["organization"]
    inlines = [HiringTeamInline, ScorecardAttributeInline]
    # A job added here gets its form and stages from ats.admin, which knows the apps above jobs.

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A job added here without attributes starts with the defaults, as one made on the site does.
        if not change and not form.instance.scorecard_attributes.exists():
            add_default_attributes(form.instance)


@admin.register(HiringTeamMember)
class HiringTeamMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "job", "role", "added_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__name", "job__title"]
    autocomplete_fields = ["user", "job"]
    list_select_related = ["user", "job"]


class FormFieldInline(admin.TabularInline):
    model = FormField
    extra = 0
    fields = ["order", "key", "label", "field_type", "required", "is_active", "is_standard"]


@admin.register(JobForm)
class JobFormAdmin(admin.ModelAdmin):
    list_display = ["job", "title", "updated_at"]
    search_fields = ["job__title", "title"]
    autocomplete_fields = ["job"]
    inlines = [FormFieldInline]


@admin.register(FormField)
class FormFieldAdmin(admin.ModelAdmin):
    list_display = ["label", "key", "field_type", "required", "is_active", "is_standard", "form"]
    list_filter = ["field_type", "required", "is_active", "is_standard"]
    search_fields = ["label", "key", "form__job__title"]
    list_select_related = ["form__job"]


@admin.register(ScorecardAttribute)
class ScorecardAttributeAdmin(admin.ModelAdmin):
    list_display = ["name", "job", "order", "description"]
    search_fields = ["name", "job__title", "job__organization__name"]
    raw_id_fields = ["job"]
    list_select_related = ["job"]


class TemplateStageInline(admin.TabularInline):
    model = Stage
    fk_name = "template"
    extra = 0
    fields = ["order", "name", "description", "is_active", "stale_after_days"]


@admin.register(StageTemplate)
class StageTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "is_default", "created_at"]
    list_filter = ["is_default", "organization"]
    search_fields = ["name", "organization__name"]
    autocomplete_fields = ["organization"]
    inlines = [TemplateStageInline]


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["name", "job", "template", "order", "is_active", "stale_after_days"]
    list_filter = ["is_active"]
    search_fields = ["name", "job__title", "template__name"]
    raw_id_fields = ["job", "template"]
    list_select_related = ["job", "template"]


@admin.register(JobSite)
class JobSiteAdmin(admin.ModelAdmin):
    list_display = ["name", "job", "is_live", "url", "created_at"]
    list_filter = ["is_live"]
    search_fields = ["name", "url", "job__title", "job__organization__name"]
    raw_id_fields = ["job"]
    list_select_related = ["job"]
