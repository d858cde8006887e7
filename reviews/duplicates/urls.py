from django.urls import path

from . import api, views

urlpatterns = [
    path("reviews/<id:review_id>/duplicates/", views.duplicates, name="duplicates"),
    path("reviews/<id:review_id>/duplicates/<id:pair_id>/decide/",
         views.duplicate_decide, name="duplicate_decide"),
    path("reviews/<id:review_id>/duplicates/<id:pair_id>/split/",
         views.duplicate_split, name="duplicate_split"),
    path("reviews/<id:review_id>/records/<id:record_id>/unmerge/",
         views.record_unmerge, name="record_unmerge"),
]

api_urlpatterns = [
    path("reviews/<id:review_id>/duplicates/", api.DuplicatePairListApi.as_view(),
         name="api_duplicates"),
    path("reviews/<id:review_id>/duplicates/counts/", api.DuplicateCountsApi.as_view(),
         name="api_duplicate_counts"),
    path("reviews/<id:review_id>/duplicates/groups/", api.DuplicateGroupListApi.as_view(),
         name="api_duplicate_groups"),
    path("reviews/<id:review_id>/duplicates/<id:pair_id>/",
         api.DuplicatePairDetailApi.as_view(), name="api_duplicate"),
    path("reviews/<id:review_id>/duplicates/<id:pair_id>/decision/",
         api.DuplicateDecisionApi.as_view(), name="api_duplicate_decision"),
    path("reviews/<id:review_id>/duplicates/<id:pair_id>/split/",
         api.DuplicateSplitApi.as_view(), name="api_duplicate_split"),
    path("reviews/<id:review_id>/records/<id:record_id>/unmerge/",
         api.RecordUnmergeApi.as_view(), name="api_record_unmerge"),
]
