"""Routes of synthesis analyses: their pages (results, figures, R scripts, GRADE) and API."""
from django.urls import path

from . import api, views

urlpatterns = [
    path("reviews/<id:review_id>/synthesis/", views.synthesis_home,
         name="synthesis_home"),
    path("reviews/<id:review_id>/synthesis/grade/", views.grade_page,
         name="synthesis_grade"),
    path("reviews/<id:review_id>/synthesis/analyses/<id:analysis_id>/",
         views.analysis_page, name="synthesis_analysis"),
    path("reviews/<id:review_id>/synthesis/analyses/<id:analysis_id>/metafor.zip",
         views.analysis_r_script, name="synthesis_r_script"),
    path("reviews/<id:review_id>/synthesis/analyses/<id:analysis_id>/<str:kind>.<str:ext>",
         views.analysis_figure, name="synthesis_figure"),
]

api_urlpatterns = [
    path("reviews/<id:review_id>/synthesis/analyses/", api.AnalysesApi.as_view(),
         name="api_synthesis_analyses"),
    path("reviews/<id:review_id>/synthesis/analyses/<id:analysis_id>/",
         api.AnalysisApi.as_view(), name="api_synthesis_analysis"),
    path("reviews/<id:review_id>/synthesis/pool/", api.PoolApi.as_view(),
         name="api_synthesis_pool"),
]
