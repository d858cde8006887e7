from django.urls import path

from . import api, views

urlpatterns = [
    path("reviews/<id:review_id>/searches/", views.searches, name="searches"),
    path("reviews/<id:review_id>/searches/<id:search_id>/", views.search_detail,
         name="search_detail"),
    path("reviews/<id:review_id>/searches/<id:search_id>/import/", views.search_import,
         name="search_import"),
    path("reviews/<id:review_id>/searches/<id:search_id>/discard/",
         views.search_discard, name="search_discard"),
    path("reviews/<id:review_id>/searches/<id:search_id>/requeue/",
         views.search_requeue, name="search_requeue"),
    path("reviews/<id:review_id>/searches/<id:search_id>/mapping/",
         views.search_mapping, name="search_mapping"),
    path("reviews/<id:review_id>/searches/<id:search_id>/progress/",
         views.search_progress, name="search_progress"),
]

api_urlpatterns = [
    path("reviews/<id:review_id>/searches/", api.SearchListApi.as_view(),
         name="api_searches"),
    path("reviews/<id:review_id>/searches/<id:search_id>/", api.SearchDetailApi.as_view(),
         name="api_search"),
    path("reviews/<id:review_id>/searches/<id:search_id>/import/",
         api.SearchImportApi.as_view(), name="api_search_import"),
    path("reviews/<id:review_id>/searches/<id:search_id>/requeue/",
         api.SearchRequeueApi.as_view(), name="api_search_requeue"),
]
