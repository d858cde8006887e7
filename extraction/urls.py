from django.urls import path

from . import api, views

P = "reviews/<id:review_id>/extraction/"

urlpatterns = [
    path(P, views.home, name="extraction_home"),
    path(P + "setup/", views.setup, name="extraction_setup"),
    path(P + "start/", views.start, name="extraction_start"),
    path(P + "studies/<id:study_id>/", views.study, name="extraction_study"),
    path(P + "studies/<id:study_id>/upgrade/", views.form_upgrade,
         name="extraction_form_upgrade"),
    path(P + "studies/<id:study_id>/compare/", views.compare_page, name="extraction_compare"),
    path(P + "lock/", views.lock_page, name="extraction_lock"),
    path(P + "snapshots/<id:number>.json", views.snapshot_download,
         name="extraction_snapshot_download"),
    path(P + "export.<str:fmt>", views.export, name="extraction_export"),
    path(P + "import/", views.import_page, name="extraction_import"),
]

api_urlpatterns = [
    path(P + "studies/", api.StudiesApi.as_view(), name="api_extraction_studies"),
    path(P + "start/", api.StartApi.as_view(), name="api_extraction_start"),
    path(P + "extractions/<id:extraction_id>/", api.ExtractionApi.as_view(),
         name="api_extraction_detail"),
    path(P + "extractions/<id:extraction_id>/submit/", api.SubmitApi.as_view(),
         name="api_extraction_submit"),
    path(P + "extractions/<id:extraction_id>/withdraw/", api.WithdrawApi.as_view(),
         name="api_extraction_withdraw"),
    path(P + "studies/<id:study_id>/comparison/", api.ComparisonApi.as_view(),
         name="api_extraction_comparison"),
    path(P + "studies/<id:study_id>/verify/", api.VerifyApi.as_view(),
         name="api_extraction_verify"),
    path(P + "settings/", api.SettingsApi.as_view(), name="api_extraction_settings"),
    path(P + "form/", api.FormApi.as_view(), name="api_extraction_form"),
    path(P + "outcomes/", api.OutcomesApi.as_view(), name="api_extraction_outcomes"),
    path(P + "outcomes/<id:outcome_id>/", api.OutcomeApi.as_view(),
         name="api_extraction_outcome"),
    path(P + "timepoints/", api.TimePointsApi.as_view(), name="api_extraction_timepoints"),
    path(P + "timepoints/<id:timepoint_id>/", api.TimePointApi.as_view(),
         name="api_extraction_timepoint"),
    path(P + "arms/", api.ArmsApi.as_view(), name="api_extraction_arms"),
    path(P + "lock/", api.LockApi.as_view(), name="api_extraction_lock"),
    path(P + "unlock/", api.UnlockApi.as_view(), name="api_extraction_unlock"),
    path(P + "export/", api.ExportApi.as_view(), name="api_extraction_export"),
    path(P + "import/", api.ImportApi.as_view(), name="api_extraction_import"),
    path(P + "snapshots/", api.SnapshotsApi.as_view(), name="api_extraction_snapshots"),
    path(P + "snapshots/<id:number>/", api.SnapshotApi.as_view(),
         name="api_extraction_snapshot"),
]

# ---------------------------------------------------------------- risk of bias (issue #12)
from . import rob_api, rob_views  # noqa: E402

R = "reviews/<id:review_id>/risk-of-bias/"

urlpatterns += [
    path(R, rob_views.home, name="rob_home"),
    path(R + "setup/", rob_views.setup, name="rob_setup"),
    path(R + "start/", rob_views.start, name="rob_start"),
    path(R + "targets/<id:target_id>/", rob_views.assess, name="rob_assess"),
    path(R + "targets/<id:target_id>/compare/", rob_views.compare_page, name="rob_compare"),
    path(R + "summary/", rob_views.summary_page, name="rob_summary"),
    path(R + "figures/<str:figure>.<str:image_fmt>", rob_views.figure, name="rob_figure"),
    path(R + "table.<str:fmt>", rob_views.table, name="rob_table"),
]

api_urlpatterns += [
    path(R + "tools/", rob_api.ToolsApi.as_view(), name="api_rob_tools"),
    path(R + "tools/custom/", rob_api.CustomToolApi.as_view(), name="api_rob_custom_tool"),
    path(R + "targets/", rob_api.TargetsApi.as_view(), name="api_rob_targets"),
    path(R + "start/", rob_api.StartApi.as_view(), name="api_rob_start"),
    path(R + "assessments/<id:assessment_id>/", rob_api.AssessmentApi.as_view(),
         name="api_rob_assessment"),
    path(R + "assessments/<id:assessment_id>/submit/", rob_api.SubmitApi.as_view(),
         name="api_rob_submit"),
    path(R + "assessments/<id:assessment_id>/withdraw/", rob_api.WithdrawApi.as_view(),
         name="api_rob_withdraw"),
    path(R + "targets/<id:target_id>/propose/", rob_api.ProposeApi.as_view(),
         name="api_rob_propose"),
    path(R + "targets/<id:target_id>/comparison/", rob_api.ComparisonApi.as_view(),
         name="api_rob_comparison"),
    path(R + "targets/<id:target_id>/verify/", rob_api.VerifyApi.as_view(),
         name="api_rob_verify"),
    path(R + "summary/", rob_api.SummaryApi.as_view(), name="api_rob_summary"),
]
