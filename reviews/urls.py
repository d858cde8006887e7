from django.urls import path

from . import api, dedup_api, dedup_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reviews/new/", views.review_create, name="review_create"),
    path("reviews/<id:review_id>/settings/", views.review_settings, name="review_settings"),
    path("reviews/<id:review_id>/members/", views.members, name="members"),
    path(
        "reviews/<id:review_id>/members/<id:membership_id>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "reviews/<id:review_id>/members/<id:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "reviews/<id:review_id>/invitations/<id:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "reviews/<id:review_id>/invitations/<id:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path("reviews/<id:review_id>/audit/", views.audit_log, name="audit_log"),
    path("reviews/<id:review_id>/audit.csv", views.audit_export, name="audit_export"),
    path("reviews/<id:review_id>/duplicates/", dedup_views.duplicates, name="duplicates"),
    path("reviews/<id:review_id>/duplicates/<id:pair_id>/decide/",
         dedup_views.duplicate_decide, name="duplicate_decide"),
    path("reviews/<id:review_id>/duplicates/<id:pair_id>/split/",
         dedup_views.duplicate_split, name="duplicate_split"),
    path("reviews/<id:review_id>/records/<id:record_id>/unmerge/",
         dedup_views.record_unmerge, name="record_unmerge"),
    path("invitations/<str:token>/", views.invitation_detail, name="invitation"),
    path("account/language/", views.set_language, name="set_language"),
    path("account/tokens/", views.api_tokens, name="api_tokens"),
]

api_urlpatterns = [
    path("reviews/", api.ReviewListApi.as_view(), name="api_reviews"),
    path("reviews/<id:review_id>/", api.ReviewDetailApi.as_view(), name="api_review"),
    path("reviews/<id:review_id>/members/", api.MemberListApi.as_view(), name="api_members"),
    path(
        "reviews/<id:review_id>/members/<id:membership_id>/",
        api.MemberDetailApi.as_view(),
        name="api_member",
    ),
    path("reviews/<id:review_id>/audit/", api.AuditListApi.as_view(), name="api_audit"),
    path("reviews/<id:review_id>/duplicates/", dedup_api.DuplicatePairListApi.as_view(),
         name="api_duplicates"),
    path("reviews/<id:review_id>/duplicates/counts/", dedup_api.DuplicateCountsApi.as_view(),
         name="api_duplicate_counts"),
    path("reviews/<id:review_id>/duplicates/groups/", dedup_api.DuplicateGroupListApi.as_view(),
         name="api_duplicate_groups"),
    path("reviews/<id:review_id>/duplicates/<id:pair_id>/",
         dedup_api.DuplicatePairDetailApi.as_view(), name="api_duplicate"),
    path("reviews/<id:review_id>/duplicates/<id:pair_id>/decision/",
         dedup_api.DuplicateDecisionApi.as_view(), name="api_duplicate_decision"),
    path("reviews/<id:review_id>/duplicates/<id:pair_id>/split/",
         dedup_api.DuplicateSplitApi.as_view(), name="api_duplicate_split"),
    path("reviews/<id:review_id>/records/<id:record_id>/unmerge/",
         dedup_api.RecordUnmergeApi.as_view(), name="api_record_unmerge"),
]
