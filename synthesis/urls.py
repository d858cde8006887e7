from django.urls import path

from . import archive_views, export_views, views

urlpatterns = [
    path("reviews/<id:review_id>/", views.review_home, name="review_home"),
    path("reviews/<id:review_id>/archive/", archive_views.archive_export, name="archive_export"),
    path("reviews/import/", archive_views.archive_import, name="archive_import"),
    path("reviews/<id:review_id>/exports/", export_views.exports_page, name="synthesis_exports"),
    path("reviews/<id:review_id>/exports/<str:export_name>", export_views.export_download,
         name="synthesis_export"),
]

api_urlpatterns = [
]
