from django.urls import path

from . import export_views, views

urlpatterns = [
    path("reviews/<id:review_id>/", views.review_home, name="review_home"),
    path("reviews/<id:review_id>/exports/", export_views.exports_page, name="synthesis_exports"),
    path("reviews/<id:review_id>/exports/<str:export_name>", export_views.export_download,
         name="synthesis_export"),
]

api_urlpatterns = [
]
