from django.contrib import admin

from .models import (
    Application,
    ApplicationFormAnswer,
    ApplicationStageHistory,
    Candidate,
    WorkflowStep,
    WorkflowTemplate,
)


class WorkflowStepInline(admin.TabularInline):
    model = WorkflowStep
    extra = 0


@admin.register(WorkflowTemplate)
class WorkflowTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "job", "is_default", "created_at"]
    list_filter = ["is_default", "organization"]
    search_fields = ["name", "job__title", "organization__name"]
    autocomplete_fields = ["organization", "job"]
    inlines = [WorkflowStepInline]


@admin.register(WorkflowStep)
class WorkflowStepAdmin(admin.ModelAdmin):
    list_display = ["name", "workflow", "order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "workflow__name"]
    list_select_related = ["workflow"]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["full_name", "email", "organization", "phone", "source", "created_at"]
    list_filter = ["organization", "source"]
    search_fields = ["first_name", "last_name", "email", "phone", "resume_text"]
    readonly_fields = ["created_at", "updated_at", "consent_given_at"]
    autocomplete_fields = ["organization"]
    list_select_related = ["organization"]


class AnswerInline(admin.TabularInline):
    model = ApplicationFormAnswer
    extra = 0
    fields = ["label", "key", "value", "file", "file_name"]


class HistoryInline(admin.TabularInline):
    model = ApplicationStageHistory
    extra = 0
    fields = ["from_stage", "to_stage", "moved_by", "note", "created_at"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["candidate", "job", "current_stage", "status", "rating", "is_starred", "source", "applied_at"]
    list_filter = ["status", "is_starred", "is_archived", "job__organization"]
    search_fields = ["candidate__first_name", "candidate__last_name", "candidate__email", "job__title"]
    autocomplete_fields = ["job", "candidate"]
    raw_id_fields = ["current_stage"]
    list_select_related = ["candidate", "job", "current_stage"]
    inlines = [AnswerInline, HistoryInline]


@admin.register(ApplicationFormAnswer)
class ApplicationFormAnswerAdmin(admin.ModelAdmin):
    list_display = ["label", "application", "key"]
    search_fields = ["label", "key", "application__candidate__email"]
    raw_id_fields = ["application", "field"]


@admin.register(ApplicationStageHistory)
class ApplicationStageHistoryAdmin(admin.ModelAdmin):
    list_display = ["application", "from_stage", "to_stage", "moved_by", "created_at"]
    search_fields = ["application__candidate__email", "note"]
    raw_id_fields = ["application", "from_stage", "to_stage", "moved_by"]
    list_select_related = ["application__candidate", "application__job", "from_stage", "to_stage", "moved_by"]
