"""Routes of the full-review archive: the owner's export and the import page."""
from django.urls import path

from . import views

urlpatterns = [
    path("reviews/<id:review_id>/archive/", views.archive_export, name="archive_export"),
    path("reviews/import/", views.archive_import, name="archive_import"),
]
