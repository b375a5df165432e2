from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "pipeline"
    verbose_name = "Pipeline"

    def ready(self):
        from . import job_pages
        from .applications import emails

        job_pages.register()
        emails.register_variables()
