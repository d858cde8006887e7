"""Routes of the review's exports: the page and its downloads."""
from django.urls import path

from . import views

urlpatterns = [
    path("reviews/<id:review_id>/exports/", views.exports_page, name="synthesis_exports"),
    path("reviews/<id:review_id>/exports/<str:export_name>", views.export_download,
         name="synthesis_export"),
]
