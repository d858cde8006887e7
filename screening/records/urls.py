from django.urls import path

from . import api, views

urlpatterns = [
    path("reviews/<id:review_id>/records/", views.records_list, name="records_list"),
    path("reviews/<id:review_id>/records.csv", views.records_export, name="records_export"),
    path("reviews/<id:review_id>/records/labels/", views.labels,
         name="record_labels_manage"),
    path("reviews/<id:review_id>/records/bulk-label/", views.records_bulk_label,
         name="records_bulk_label"),
    path("reviews/<id:review_id>/records/<id:record_id>/", views.record_detail,
         name="record_detail"),
    path("reviews/<id:review_id>/records/<id:record_id>/labels/", views.record_labels,
         name="record_labels"),
    path("reviews/<id:review_id>/records/<id:record_id>/comments/", views.record_comment,
         name="record_comment"),
    path("reviews/<id:review_id>/records/<id:record_id>/reopen/", views.record_reopen,
         name="record_reopen"),
    path("reviews/<id:review_id>/records/<id:record_id>/move/", views.record_move,
         name="record_move"),
]

api_urlpatterns = [
    path("reviews/<id:review_id>/records/", api.RecordListApi.as_view(),
         name="api_records"),
    path("reviews/<id:review_id>/records/labels/", api.LabelListApi.as_view(),
         name="api_record_labels_manage"),
    path("reviews/<id:review_id>/records/bulk-label/", api.RecordBulkLabelApi.as_view(),
         name="api_records_bulk_label"),
    path("reviews/<id:review_id>/records/<id:record_id>/", api.RecordDetailApi.as_view(),
         name="api_record"),
    path("reviews/<id:review_id>/records/<id:record_id>/labels/", api.RecordLabelApi.as_view(),
         name="api_record_labels"),
    path("reviews/<id:review_id>/records/<id:record_id>/comments/",
         api.RecordCommentsApi.as_view(), name="api_record_comments"),
    path("reviews/<id:review_id>/records/<id:record_id>/move/", api.RecordMoveApi.as_view(),
         name="api_record_move"),
    path("reviews/<id:review_id>/records/<id:record_id>/reopen/",
         api.RecordReopenApi.as_view(), name="api_record_reopen"),
]
