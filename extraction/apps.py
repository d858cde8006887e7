from django.apps import AppConfig


class ExtractionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "extraction"

    def ready(self):
        from reviews import blinding as policy

        from . import blinding

        policy.register("extraction.", blinding.hidden_events)
