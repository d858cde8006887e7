"""Top-level URL configuration."""
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from extraction.rob.urls import api_urlpatterns as rob_api
from extraction.urls import api_urlpatterns as extraction_api
from reviews.accounts.urls import api_urlpatterns as accounts_api
from reviews.accounts.views import ThrottledAdminAuthenticationForm
from reviews.audit.urls import api_urlpatterns as audit_api
from reviews.duplicates.urls import api_urlpatterns as duplicates_api
from reviews.searches.urls import api_urlpatterns as searches_api
from reviews.urls import api_urlpatterns as reviews_api
from screening.records.urls import api_urlpatterns as records_api
from screening.urls import api_urlpatterns as screening_api
from synthesis.analysis.urls import api_urlpatterns as analysis_api
from synthesis.prisma.urls import api_urlpatterns as prisma_api

admin.site.login_form = ThrottledAdminAuthenticationForm

api_patterns = [
    *accounts_api,
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves Swagger UI's start-up code as a script file: no inline script,
    # so the Content Security Policy (reviews.security) holds on the API docs too.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    *reviews_api,
    *audit_api,
    *searches_api,
    *duplicates_api,
    *screening_api,
    *records_api,
    *extraction_api,
    *rob_api,
    *prisma_api,
    *analysis_api,
]

urlpatterns = [
    path("", include("reviews.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    path("", include("reviews.urls")),
    path("", include("reviews.audit.urls")),
    path("", include("reviews.searches.urls")),
    path("", include("reviews.duplicates.urls")),
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
