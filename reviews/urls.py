from django.urls import path

from . import api, search_api, search_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reviews/new/", views.review_create, name="review_create"),
    path("reviews/<int:review_id>/settings/", views.review_settings, name="review_settings"),
    path("reviews/<int:review_id>/members/", views.members, name="members"),
    path(
        "reviews/<int:review_id>/members/<int:membership_id>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "reviews/<int:review_id>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "reviews/<int:review_id>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("reviews/<int:review_id>/audit/", views.audit_log, name="audit_log"),
    path("reviews/<int:review_id>/audit.csv", views.audit_export, name="audit_export"),
    path("reviews/<int:review_id>/searches/", search_views.searches, name="searches"),
    path("reviews/<int:review_id>/searches/<int:search_id>/", search_views.search_detail,
         name="search_detail"),
    path("reviews/<int:review_id>/searches/<int:search_id>/import/", search_views.search_import,
         name="search_import"),
    path("reviews/<int:review_id>/searches/<int:search_id>/discard/",
         search_views.search_discard, name="search_discard"),
    path("reviews/<int:review_id>/searches/<int:search_id>/progress/",
         search_views.search_progress, name="search_progress"),
    path("invitations/<str:token>/", views.invitation_detail, name="invitation"),
    path("account/language/", views.set_language, name="set_language"),
]

api_urlpatterns = [
    path("reviews/", api.ReviewListApi.as_view(), name="api_reviews"),
    path("reviews/<int:review_id>/", api.ReviewDetailApi.as_view(), name="api_review"),
    path("reviews/<int:review_id>/members/", api.MemberListApi.as_view(), name="api_members"),
    path(
        "reviews/<int:review_id>/members/<int:membership_id>/",
        api.MemberDetailApi.as_view(),
        name="api_member",
    ),
    path("reviews/<int:review_id>/audit/", api.AuditListApi.as_view(), name="api_audit"),
    path("reviews/<int:review_id>/searches/", search_api.SearchListApi.as_view(),
         name="api_searches"),
    path("reviews/<int:review_id>/searches/<int:search_id>/", search_api.SearchDetailApi.as_view(),
         name="api_search"),
    path("reviews/<int:review_id>/searches/<int:search_id>/import/",
         search_api.SearchImportApi.as_view(), name="api_search_import"),
]
