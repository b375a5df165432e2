from django.contrib import admin
from django.db import models

from .applications import answer_choices
from .applications.models import (
    AnswerChoice,
    Application,
    ApplicationFormAnswer,
    ApplicationStageHistory,
    ApplicationTag,
    Follow,
    RejectionReason,
    Tag,
)
from .automation.models import ActionRun, StageAction
from .candidates.models import Candidate, Note, TimelineEvent, delete_file_on_commit
from .interviews.models import Interview, PanelMember, Scorecard
from .privacy.models import ErasureRecord, RetentionExtension
from .tasks.models import Task, TaskComment
from .webhooks.models import WebhookDelivery, WebhookEndpoint


def _stored_files(model, queryset):
    """The names of the stored files that rows of `queryset` (a Candidate, Application or answer
    queryset) own, their cascade included: what deleting them leaves without a row."""
    answers = ApplicationFormAnswer.objects.none()
    names = []
    if model is Candidate:
        names += queryset.exclude(resume="").values_list("resume", flat=True)
        answers = ApplicationFormAnswer.objects.filter(application__candidate__in=queryset)
    elif model is Application:
        answers = ApplicationFormAnswer.objects.filter(application__in=queryset)
    elif model is ApplicationFormAnswer:
        answers = queryset
    return [*names, *answers.exclude(file="").values_list("file", flat=True)]


class DeletesFilesAdmin(admin.ModelAdmin):
    """Deleting rows here (one, or "delete selected") deletes the files they own, once committed;
    so does replacing or clearing a file on the change form. No model signals: the admin's own hooks."""

    def delete_model(self, request, obj):
        files = _stored_files(self.model, self.model._default_manager.filter(pk=obj.pk))
        super().delete_model(request, obj)
        for name in files:
            delete_file_on_commit(name)

    def delete_queryset(self, request, queryset):
        files = _stored_files(self.model, queryset)
        super().delete_queryset(request, queryset)
        for name in files:
            delete_file_on_commit(name)

    def save_model(self, request, obj, form, change):
        replaced = []
        if change:
            before = self.model._default_manager.filter(pk=obj.pk).first()
            for field in obj._meta.concrete_fields:
                if isinstance(field, models.FileField) and field.name in form.changed_data and before:
                    replaced.append(getattr(before, field.attname))
        super().save_model(request, obj, form, change)
        for name in replaced:
            delete_file_on_commit(str(name))

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is ApplicationFormAnswer:
            for answer in formset.deleted_objects:
                delete_file_on_commit(answer.file.name)
            answer_choices.resync([form.instance.pk])  # the board's answer filters read these rows


@admin.register(Candidate)
class CandidateAdmin(DeletesFilesAdmin):
    list_display = ["full_name", "email", "organization", "phone", "source", "erased_at", "created_at"]
    list_filter = ["organization", "source"]
    search_fields = ["first_name", "last_name", "email", "phone", "resume_text"]
    readonly_fields = ["created_at", "updated_at", "consent_given_at", "erased_at"]
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


class ApplicationTagInline(admin.TabularInline):
    model = ApplicationTag
    extra = 0
    fields = ["tag", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["tag"]


@admin.register(Application)
class ApplicationAdmin(DeletesFilesAdmin):
    list_display = ["candidate", "job", "current_stage", "status", "rating", "is_starred", "source", "applied_at"]
    list_filter = ["status", "is_starred", "is_archived", "job__organization"]
    search_fields = ["candidate__first_name", "candidate__last_name", "candidate__email", "job__title"]
    autocomplete_fields = ["job", "candidate"]
    raw_id_fields = ["current_stage"]
    list_select_related = ["candidate", "job", "current_stage"]
    inlines = [AnswerInline, HistoryInline, ApplicationTagInline]


@admin.register(ApplicationFormAnswer)
class ApplicationFormAnswerAdmin(DeletesFilesAdmin):
    list_display = ["label", "application", "key"]
    search_fields = ["label", "key", "application__candidate__email"]
    raw_id_fields = ["application", "field"]

    # An answer changed or deleted by hand: its application's chosen options (the filters) follow.
    def save_model(self, request, obj, form, change):
        before = ApplicationFormAnswer.objects.filter(pk=obj.pk).values_list("application_id", flat=True).first()
        super().save_model(request, obj, form, change)
        answer_choices.resync({obj.application_id, before} - {None})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        answer_choices.resync([obj.application_id])

    def delete_queryset(self, request, queryset):
        applications = set(queryset.values_list("application_id", flat=True))
        super().delete_queryset(request, queryset)
        answer_choices.resync(applications)


@admin.register(AnswerChoice)
class AnswerChoiceAdmin(admin.ModelAdmin):
    """The chosen options the filters read: written from the answers (apply, the API, the answer admin
    above), so here they are only looked at."""

    list_display = ["application", "field", "value"]
    search_fields = ["value", "application__candidate__email"]
    raw_id_fields = ["application", "field"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApplicationStageHistory)
class ApplicationStageHistoryAdmin(admin.ModelAdmin):
    list_display = ["application", "from_stage", "to_stage", "moved_by", "created_at"]
    search_fields = ["application__candidate__email", "note"]
    raw_id_fields = ["application", "from_stage", "to_stage", "moved_by"]
    list_select_related = ["application__candidate", "application__job", "from_stage", "to_stage", "moved_by"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "normalised", "organization"]
    list_filter = ["organization"]
    search_fields = ["name", "normalised"]
    readonly_fields = ["normalised"]
    list_select_related = ["organization"]


@admin.register(ApplicationTag)
class ApplicationTagAdmin(admin.ModelAdmin):
    list_display = ["tag", "application", "created_at"]
    search_fields = ["tag__normalised", "application__candidate__email"]
    raw_id_fields = ["application", "tag"]
    list_select_related = ["tag", "application__candidate", "application__job"]


@admin.register(RejectionReason)
class RejectionReasonAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organization", "is_active", "order"]
    list_filter = ["kind", "is_active", "organization"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization"]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "application", "following", "created_at"]
    list_filter = ["following"]
    search_fields = ["user__email", "application__candidate__email"]
    raw_id_fields = ["application", "user"]
    list_select_related = ["user", "application__candidate", "application__job"]


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["candidate", "author", "visibility", "created_at"]
    list_filter = ["visibility"]
    search_fields = ["body", "candidate__email", "author__email"]
    raw_id_fields = ["candidate", "application", "author", "mentions"]
    list_select_related = ["candidate", "author"]


@admin.register(TimelineEvent)
class TimelineEventAdmin(admin.ModelAdmin):
    list_display = ["text", "kind", "candidate", "actor", "created_at"]
    list_filter = ["kind"]
    search_fields = ["text", "candidate__email"]
    raw_id_fields = ["candidate", "application", "actor"]
    list_select_related = ["candidate", "actor"]


@admin.register(ErasureRecord)
class ErasureRecordAdmin(admin.ModelAdmin):
    """The audit of erasures: read-only, since a changed record would prove nothing."""

    list_display = ["candidate_number", "organization", "reason", "erased_by", "erased_at", "applications_kept"]
    list_filter = ["reason", "organization"]
    search_fields = ["=candidate_number"]
    raw_id_fields = ["organization", "erased_by"]
    list_select_related = ["organization", "erased_by"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RetentionExtension)
class RetentionExtensionAdmin(admin.ModelAdmin):
    list_display = ["candidate", "previous_date", "new_date", "extended_by", "extended_at"]
    search_fields = ["reason", "candidate__email"]
    raw_id_fields = ["candidate", "extended_by"]
    list_select_related = ["candidate", "extended_by"]


@admin.register(StageAction)
class StageActionAdmin(admin.ModelAdmin):
    list_display = ["summary", "stage", "kind", "delay_minutes", "is_active", "order"]
    list_filter = ["kind", "is_active"]
    search_fields = ["title", "stage__name", "stage__job__title", "stage__template__name"]
    raw_id_fields = ["stage", "email_template"]
    list_select_related = ["stage", "email_template"]


@admin.register(ActionRun)
class ActionRunAdmin(admin.ModelAdmin):
    list_display = ["label", "application", "status", "trigger", "due_at", "attempts", "finished_at"]
    list_filter = ["status", "kind", "trigger"]
    search_fields = ["label", "application__candidate__email", "error"]
    raw_id_fields = ["action", "application", "history", "task", "created_by"]
    list_select_related = ["application__candidate", "application__job"]


class TaskCommentInline(admin.TabularInline):
    model = TaskComment
    extra = 0
    raw_id_fields = ["author"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "assignee", "status", "priority", "due_on", "organization", "created_at"]
    list_filter = ["status", "priority"]
    search_fields = ["title", "description", "assignee__email"]
    raw_id_fields = ["application", "assignee", "created_by", "completed_by"]
    list_select_related = ["assignee", "organization"]
    inlines = [TaskCommentInline]


@admin.register(TaskComment)
class TaskCommentAdmin(admin.ModelAdmin):
    list_display = ["task", "author", "created_at"]
    search_fields = ["body", "task__title"]
    raw_id_fields = ["task", "author"]


class PanelMemberInline(admin.TabularInline):
    model = PanelMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ["title", "application", "starts_at", "duration_minutes", "status", "sequence", "organization"]
    list_filter = ["status"]
    search_fields = ["title", "location", "application__candidate__email", "application__job__title"]
    raw_id_fields = ["organization", "application", "organizer", "created_by"]
    readonly_fields = ["uid", "sequence", "ends_at", "key", "scheduled_at"]
    list_select_related = ["application__candidate", "application__job", "organization"]
    date_hierarchy = "starts_at"
    inlines = [PanelMemberInline]


@admin.register(PanelMember)
class PanelMemberAdmin(admin.ModelAdmin):
    list_display = ["interview", "user", "added_at"]
    search_fields = ["user__email", "interview__title"]
    raw_id_fields = ["interview", "user"]
    list_select_related = ["interview", "user"]


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = ["interview", "author", "recommendation", "submitted_at"]
    list_filter = ["recommendation"]
    search_fields = ["author__email", "interview__title", "notes"]
    raw_id_fields = ["interview", "author"]
    list_select_related = ["interview", "author"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "organization", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "description", "organization__name"]
    raw_id_fields = ["organization", "created_by"]
    # The secrets sign requests: shown to the organisation's admins once, never in a list or form here.
    exclude = ["secret", "previous_secret"]
    readonly_fields = ["rotated_at", "created_at"]
    list_select_related = ["organization"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "endpoint", "status", "attempts", "last_status_code", "created_at", "delivered_at"]
    list_filter = ["status", "event"]
    search_fields = ["=event_id", "endpoint__url", "error"]
    raw_id_fields = ["endpoint", "candidate", "application"]
    readonly_fields = ["event_id", "created_at"]
    list_select_related = ["endpoint"]
