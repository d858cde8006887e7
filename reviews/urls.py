from django.urls import path

from . import api, views

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
    path("invitations/<str:token>/", views.invitation_detail, name="invitation"),
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
]
