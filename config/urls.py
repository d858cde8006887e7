"""Top-level URL configuration."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from extraction.rob.urls import api_urlpatterns as rob_api
from extraction.urls import api_urlpatterns as extraction_api
from reviews.auth_views import (
    PasswordResetRequestView,
    ThrottledAdminAuthenticationForm,
    ThrottledLoginView,
    ThrottledObtainAuthToken,
)
from reviews.urls import api_urlpatterns as reviews_api
from screening.records.urls import api_urlpatterns as records_api
from screening.urls import api_urlpatterns as screening_api
from synthesis.analysis.urls import api_urlpatterns as analysis_api
from synthesis.prisma.urls import api_urlpatterns as prisma_api

admin.site.login_form = ThrottledAdminAuthenticationForm

api_patterns = [
    path("auth/token/", ThrottledObtainAuthToken.as_view(), name="api_token"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves Swagger UI's start-up code as a script file: no inline script,
    # so the Content Security Policy (reviews.security) holds on the API docs too.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    *reviews_api,
    *screening_api,
    *records_api,
    *extraction_api,
    *rob_api,
    *prisma_api,
    *analysis_api,
]

urlpatterns = [
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(),
         name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("accounts/password/reset/", PasswordResetRequestView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("accounts/password/reset/<uidb64>/<token>/",
         auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("accounts/password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    path("", include("reviews.urls")),
    path("", include("screening.urls")),
    path("", include("screening.records.urls")),
    path("", include("extraction.urls")),
    path("", include("extraction.rob.urls")),
    path("", include("synthesis.urls")),
    path("", include("synthesis.prisma.urls")),
    path("", include("synthesis.archive.urls")),
    path("", include("synthesis.exports.urls")),
    path("", include("synthesis.analysis.urls")),
]

handler400 = "reviews.errors.bad_request"
handler403 = "reviews.errors.permission_denied"
handler404 = "reviews.errors.page_not_found"
handler500 = "reviews.errors.server_error"
