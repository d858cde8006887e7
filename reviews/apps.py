from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"

    def ready(self):
        from django.contrib.auth.signals import (
            user_logged_in,
            user_logged_out,
            user_login_failed,
        )
        from django.urls import register_converter

        from .accounts import events
        from .accounts.throttle import on_login_failed
        from .ids import IdConverter

        # Before any URL conf is loaded: every app's URLs write their ids as <id:...>.
        register_converter(IdConverter, "id")
        # Failed sign-ins on every channel (the login page, the API token) count alike.
        user_login_failed.connect(on_login_failed, dispatch_uid="reviews.throttle")
        # Sign-ins, sign-outs and failed sign-ins of existing accounts go to the account's log.
        user_logged_in.connect(events.on_logged_in, dispatch_uid="reviews.events.in")
        user_logged_out.connect(events.on_logged_out, dispatch_uid="reviews.events.out")
        user_login_failed.connect(events.on_login_failed, dispatch_uid="reviews.events.failed")
        # Connects the receiver that ends a user's API tokens when their password changes.
        from .accounts import tokens  # noqa: F401

        # A worker discovers only <app>.tasks: the concepts' own task modules register here.
        from .duplicates import tasks as _duplicates_tasks  # noqa: F401
        from .searches import tasks as _searches_tasks  # noqa: F401
