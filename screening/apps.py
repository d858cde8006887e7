from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "screening"

    def ready(self):
        from reviews import blinding as policy
        from reviews.signals import reviewers_per_record_changed, unique_records_changed

        from . import blinding
        from .services import rejudge_on_change
        from .tasks import sync_after_dedup

        unique_records_changed.connect(sync_after_dedup, dispatch_uid="screening.items_sync")
        reviewers_per_record_changed.connect(rejudge_on_change,
                                             dispatch_uid="screening.items_rejudge")
        for prefix in blinding.JUDGEMENT_VERBS:
            policy.register(prefix, blinding.hidden_events)
        from .prioritisation import tasks as _prioritisation_tasks  # noqa: F401 (registers them)
        from .records import blinding as records_blinding
        from .records.tasks import index_after_dedup

        records_blinding.register()
        unique_records_changed.connect(index_after_dedup,
                                       dispatch_uid="screening.records_index_sync")
