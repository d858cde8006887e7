from django.apps import AppConfig


class SynthesisConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "synthesis"

    def ready(self):
        from extraction.signals import extraction_locked

        from .analysis import tasks  # noqa: F401 - registers synthesis.pooling_run
        from .analysis.services import on_extraction_locked

        extraction_locked.connect(on_extraction_locked, dispatch_uid="synthesis.pool_on_lock")
