from django.contrib import admin

from .applications.models import (
    Application,
    ApplicationFormAnswer,
    ApplicationStageHistory,
    ApplicationTag,
    RejectionReason,
    Tag,
)
from .candidates.models import Candidate, Note, TimelineEvent


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


class ApplicationTagInline(admin.TabularInline):
    model = ApplicationTag
    extra = 0
    fields = ["tag", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["tag"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["candidate", "job", "current_stage", "status", "rating", "is_starred", "source", "applied_at"]
    list_filter = ["status", "is_starred", "is_archived", "job__organization"]
    search_fields = ["candidate__first_name", "candidate__last_name", "candidate__email", "job__title"]
    autocomplete_fields = ["job", "candidate"]
    raw_id_fields = ["current_stage"]
    list_select_related = ["candidate", "job", "current_stage"]
    inlines = [AnswerInline, HistoryInline, ApplicationTagInline]


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
