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
