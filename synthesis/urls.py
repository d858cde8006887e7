from django.urls import path

from . import analysis_api, analysis_views, api, archive_views, export_views, views

urlpatterns = [
    path("reviews/<id:review_id>/", views.review_home, name="review_home"),
    path("reviews/<id:review_id>/prisma/", views.prisma_page, name="prisma"),
    path("reviews/<id:review_id>/archive/", archive_views.archive_export, name="archive_export"),
    path("reviews/import/", archive_views.archive_import, name="archive_import"),
    path("reviews/<id:review_id>/prisma/download/", views.prisma_download,
         name="prisma_download"),
    path("reviews/<id:review_id>/exports/", export_views.exports_page, name="synthesis_exports"),
    path("reviews/<id:review_id>/exports/<str:export_name>", export_views.export_download,
         name="synthesis_export"),
    path("reviews/<id:review_id>/synthesis/", analysis_views.synthesis_home,
         name="synthesis_home"),
    path("reviews/<id:review_id>/synthesis/grade/", analysis_views.grade_page,
         name="synthesis_grade"),
    path("reviews/<id:review_id>/synthesis/analyses/<id:analysis_id>/",
         analysis_views.analysis_page, name="synthesis_analysis"),
    path("reviews/<id:review_id>/synthesis/analyses/<id:analysis_id>/metafor.zip",
         analysis_views.analysis_r_script, name="synthesis_r_script"),
    path("reviews/<id:review_id>/synthesis/analyses/<id:analysis_id>/<str:kind>.<str:ext>",
         analysis_views.analysis_figure, name="synthesis_figure"),
]

api_urlpatterns = [
    path("reviews/<id:review_id>/prisma/", api.PrismaFlowApi.as_view(), name="api_prisma"),
    path("reviews/<id:review_id>/synthesis/analyses/", analysis_api.AnalysesApi.as_view(),
         name="api_synthesis_analyses"),
    path("reviews/<id:review_id>/synthesis/analyses/<id:analysis_id>/",
         analysis_api.AnalysisApi.as_view(), name="api_synthesis_analysis"),
    path("reviews/<id:review_id>/synthesis/pool/", analysis_api.PoolApi.as_view(),
         name="api_synthesis_pool"),
]
