# Spliced into screening/urls.py ahead of its <str:stage>/ patterns, which would take
# "fulltexts" for a stage.
from django.urls import path

from . import api, views

urlpatterns = [
    path("reviews/<id:review_id>/screening/fulltexts/", views.fulltext_bulk,
         name="screening_fulltext_bulk"),
    path("reviews/<id:review_id>/screening/items/<id:item_id>/fulltext/",
         views.item_fulltext, name="screening_item_fulltext"),
]

api_urlpatterns = [
    path("reviews/<id:review_id>/screening/fulltexts/", api.FullTextListApi.as_view(),
         name="api_screening_fulltexts"),
    path("reviews/<id:review_id>/screening/items/<id:item_id>/fulltext/",
         api.FullTextApi.as_view(), name="api_screening_fulltext"),
    path("reviews/<id:review_id>/screening/items/<id:item_id>/not-retrieved/",
         api.NotRetrievedApi.as_view(), name="api_screening_not_retrieved"),
]
