from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "pipeline"
    verbose_name = "Pipeline"

    def ready(self):
        from accounts import extensions as accounts_extensions

        from . import job_pages
        from .applications import emails, status_link
        from .automation import selectors as runs
        from .candidates import extensions
        from .interviews import candidate_page as interview_panels
        from .interviews import summary as interview_feedback
        from .privacy import services as privacy
        from .tasks import candidate_page as task_panels

        job_pages.register()
        # The organisation's settings show Webhooks beside Organisation and API keys.
        accounts_extensions.register_settings_tab("webhooks", "Webhooks", "pipeline:webhooks")
        emails.register_variables()
        # Email previews and test sends show the viewer's organisation's own job (issue 16).
        emails.register_samples()
        # The candidate page shows each stage action's run, and the emails waiting for an answer.
        extensions.register("timeline", runs.timeline_items)
        extensions.register("application_panels", runs.waiting_panels)
        task_panels.register()
        interview_panels.register()
        # After the application's interviews: what their panels said.
        extensions.register("application_panels", interview_feedback.application_panels)
        # Last in each card: the candidate's status link, to copy or revoke (issue 16).
        status_link.register()
        # The API's DELETE of a candidate is their erasure (candidates can't import privacy, above them).
        extensions.register("erase", privacy.erase_candidate)
        # And the API's DELETE of an application (applications can't import privacy either).
        extensions.register("delete_application", privacy.delete_application)
