from django.urls import path

from .applications.views import applications, apply, board, email, follow, status_link
from .automation.views import actions, confirm, reject, runs, stages
from .candidates import views as candidates
from .interviews import feedback, status_page
from .interviews import views as interviews
from .privacy import views as privacy
from .setup import views as setup
from .tasks import views as tasks
from .webhooks import views as webhooks

app_name = "pipeline"

urlpatterns = [
    path("jobs/new/", setup.job_create, name="job_create"),
    path("jobs/<int:pk>/duplicate/", setup.duplicate_job, name="duplicate_job"),
    path("jobs/<int:pk>/applications/", applications.job_applications, name="job_applications"),
    path("jobs/<int:pk>/board/", board.board, name="board"),
    path("jobs/<int:pk>/workflow/", stages.job_workflow, name="job_workflow"),
    path("jobs/<int:pk>/workflow/apply/", stages.apply_template, name="apply_template"),
    path("jobs/<int:pk>/workflow/steps/", stages.add_job_step, name="add_job_step"),
    path("workflows/", stages.workflow_templates, name="workflow_templates"),
    path("workflows/new/", stages.create_template, name="create_template"),
    path("workflows/<int:pk>/", stages.workflow_template, name="workflow_template"),
    path("workflows/<int:pk>/steps/", stages.add_step, name="add_step"),
    path("workflows/steps/<int:pk>/rename/", stages.rename_step, name="rename_step"),
    path("workflows/steps/<int:pk>/move/", stages.move_step, name="move_step"),
    path("workflows/steps/<int:pk>/toggle/", stages.toggle_step, name="toggle_step"),
    path("workflows/steps/<int:pk>/delete/", stages.delete_step, name="delete_step"),
    path("workflows/steps/<int:pk>/actions/", actions.stage_actions, name="stage_actions"),
    path("workflows/steps/<int:pk>/actions/new/", actions.add_action, name="add_action"),
    path("workflows/actions/<int:pk>/edit/", actions.edit_action, name="edit_action"),
    path("workflows/actions/<int:pk>/toggle/", actions.toggle_action, name="toggle_action"),
    path("workflows/actions/<int:pk>/move/", actions.move_action, name="move_action"),
    path("workflows/actions/<int:pk>/delete/", actions.delete_action, name="delete_action"),
    path("jobs/<int:pk>/board/columns/<int:stage_pk>/", board.board_column, name="board_column"),
    path("jobs/<int:pk>/board/bulk/", board.bulk_action, name="bulk_action"),
    path("jobs/<int:pk>/board/reject/", reject.reject_applications, name="reject_applications"),
    path("jobs/<int:pk>/confirm-actions/", confirm.confirm_job_actions, name="confirm_job_actions"),
    path("jobs/<int:pk>/email/", email.bulk_email, name="bulk_email"),
    path("applications/<int:pk>/email/", email.email_application, name="email_application"),
    path("applications/<int:pk>/move/", board.move_application, name="move_application"),
    path("applications/<int:pk>/undo-move/", board.undo_move, name="undo_move"),
    path("applications/<int:pk>/follow/", follow.follow_application, name="follow_application"),
    path("applications/<int:pk>/confirm-actions/", confirm.confirm_actions, name="confirm_actions"),
    # Before the decisions' catch-all below: rejecting has its own form (and its email).
    path("applications/<int:pk>/reject/", reject.reject_application, name="reject_application"),
    # The candidate's status link: revoking it (issue 16).
    path("applications/<int:pk>/status-link/revoke/", status_link.revoke_link, name="revoke_status_link"),
    path("runs/<int:pk>/retry/", runs.retry_run, name="retry_run"),
    path("runs/<int:pk>/cancel/", runs.cancel_run, name="cancel_run"),
    path("applications/<int:pk>/<slug:action>/", board.application_action, name="application_action"),
    path("candidates/", candidates.candidate_list, name="candidates"),
    path("candidates/new/", candidates.candidate_create, name="candidate_create"),
    path("candidates/retention/", privacy.retention_review, name="retention_review"),
    path("candidates/<int:pk>/", candidates.candidate_detail, name="candidate"),
    path("candidates/<int:pk>/edit/", candidates.candidate_edit, name="candidate_edit"),
    path("candidates/<int:pk>/notes/", candidates.add_note, name="add_note"),
    path("candidates/<int:pk>/mentions/", candidates.mention_suggestions, name="mention_suggestions"),
    path("candidates/<int:pk>/merge/", candidates.merge_candidate, name="merge_candidate"),
    path("candidates/<int:pk>/resume/", applications.download_resume, name="download_resume"),
    path("candidates/<int:pk>/retention/", privacy.extend_retention, name="extend_retention"),
    path("candidates/<int:pk>/erase/", privacy.erase_candidate, name="erase_candidate"),
    path("candidates/<int:pk>/export/", privacy.export_candidate, name="export_candidate"),
    path("answers/<int:pk>/file/", applications.download_answer_file, name="download_answer_file"),
    path("tasks/", tasks.my_tasks, name="tasks"),
    path("tasks/new/", tasks.task_create, name="task_create"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", tasks.task_edit, name="task_edit"),
    path("tasks/<int:pk>/complete/", tasks.complete_task, name="complete_task"),
    path("tasks/<int:pk>/reopen/", tasks.reopen_task, name="reopen_task"),
    path("tasks/<int:pk>/reassign/", tasks.reassign_task, name="reassign_task"),
    path("tasks/<int:pk>/comments/", tasks.add_task_comment, name="add_task_comment"),
    path("interviews/", interviews.my_interviews, name="interviews"),
    path("applications/<int:pk>/interviews/new/", interviews.schedule_interview, name="schedule_interview"),
    path("interviews/<int:pk>/", interviews.interview_detail, name="interview"),
    path("interviews/<int:pk>/feedback/", feedback.scorecard, name="scorecard"),
    path("interviews/<int:pk>/edit/", interviews.reschedule_interview, name="reschedule_interview"),
    path("interviews/<int:pk>/cancel/", interviews.cancel_interview, name="cancel_interview"),
    path("organization/webhooks/", webhooks.webhooks, name="webhooks"),
    path("organization/webhooks/new/", webhooks.webhook_create, name="webhook_create"),
    path("organization/webhooks/<int:pk>/", webhooks.webhook, name="webhook"),
    path("organization/webhooks/<int:pk>/edit/", webhooks.webhook_edit, name="webhook_edit"),
    path("organization/webhooks/<int:pk>/rotate-secret/", webhooks.rotate_webhook_secret, name="rotate_webhook_secret"),
    path("organization/webhooks/<int:pk>/delete/", webhooks.delete_webhook, name="delete_webhook"),
    path("organization/webhooks/deliveries/<int:pk>/redeliver/", webhooks.redeliver_webhook, name="redeliver_webhook"),
]

# Public pages, mounted under /careers/ beside the jobs app's careers pages.
public_urlpatterns = [
    path("<slug:org_slug>/<slug:job_slug>/apply/", apply.apply, name="apply"),
    path("<slug:org_slug>/<slug:job_slug>/apply/thanks/", apply.thanks, name="thanks"),
    # The candidate's status page, behind the signed link of their emails ("-" is never a job slug).
    path("<slug:org_slug>/-/status/<str:token>/", status_page.application_status, name="application_status"),
    path(
        "<slug:org_slug>/-/status/<str:token>/withdraw/",
        status_page.withdraw_application,
        name="withdraw_application",
    ),
]
