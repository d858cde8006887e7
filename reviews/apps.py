from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"

    def ready(self):
        from django.urls import register_converter

        from .ids import IdConverter

        # Before any URL conf is loaded: every app's URLs write their ids as <id:...>.
        register_converter(IdConverter, "id")
