from django.urls import path

from . import api, views

urlpatterns = [
    path("reviews/<id:review_id>/audit/", views.audit_log, name="audit_log"),
    path("reviews/<id:review_id>/audit.csv", views.audit_export, name="audit_export"),
]

api_urlpatterns = [
    path("reviews/<id:review_id>/audit/", api.AuditListApi.as_view(), name="api_audit"),
]
