from django.contrib.auth import views as auth_views
from django.urls import path

from . import api, views

urlpatterns = [
    path("accounts/login/", views.ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeLoggedView.as_view(),
         name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("accounts/password/reset/", views.PasswordResetRequestView.as_view(),
         name="password_reset"),
    path("accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("accounts/password/reset/<uidb64>/<token>/",
         views.PasswordResetConfirmLoggedView.as_view(), name="password_reset_confirm"),
    path("accounts/password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("account/language/", views.set_language, name="set_language"),
    path("account/tokens/", views.api_tokens, name="api_tokens"),
    path("account/events/", views.account_events, name="account_events"),
]

api_urlpatterns = [
    path("auth/token/", api.ThrottledObtainAuthToken.as_view(), name="api_token"),
]
