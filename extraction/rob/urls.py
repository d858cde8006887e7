"""Routes of risk-of-bias assessment (issue #12): its pages and its API."""
from django.urls import path

from . import api, views

R = "reviews/<id:review_id>/risk-of-bias/"

urlpatterns = [
    path(R, views.home, name="rob_home"),
    path(R + "setup/", views.setup, name="rob_setup"),
    path(R + "start/", views.start, name="rob_start"),
    path(R + "targets/<id:target_id>/", views.assess, name="rob_assess"),
    path(R + "targets/<id:target_id>/compare/", views.compare_page, name="rob_compare"),
    path(R + "summary/", views.summary_page, name="rob_summary"),
    path(R + "figures/<str:figure>.<str:image_fmt>", views.figure, name="rob_figure"),
    path(R + "table.<str:fmt>", views.table, name="rob_table"),
]

api_urlpatterns = [
    path(R + "tools/", api.ToolsApi.as_view(), name="api_rob_tools"),
    path(R + "tools/custom/", api.CustomToolApi.as_view(), name="api_rob_custom_tool"),
    path(R + "targets/", api.TargetsApi.as_view(), name="api_rob_targets"),
    path(R + "start/", api.StartApi.as_view(), name="api_rob_start"),
    path(R + "assessments/<id:assessment_id>/", api.AssessmentApi.as_view(),
         name="api_rob_assessment"),
    path(R + "assessments/<id:assessment_id>/submit/", api.SubmitApi.as_view(),
         name="api_rob_submit"),
    path(R + "assessments/<id:assessment_id>/withdraw/", api.WithdrawApi.as_view(),
         name="api_rob_withdraw"),
    path(R + "targets/<id:target_id>/propose/", api.ProposeApi.as_view(),
         name="api_rob_propose"),
    path(R + "targets/<id:target_id>/comparison/", api.ComparisonApi.as_view(),
         name="api_rob_comparison"),
    path(R + "targets/<id:target_id>/verify/", api.VerifyApi.as_view(),
         name="api_rob_verify"),
    path(R + "summary/", api.SummaryApi.as_view(), name="api_rob_summary"),
]
