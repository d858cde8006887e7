from django.urls import path

from . import api, views
from .fulltexts import urls as fulltexts_urls
from .prioritisation import urls as prioritisation_urls

# The sub-packages' paths come before the <str:stage>/ ones, which would swallow them.

urlpatterns = [
    path("reviews/<id:review_id>/screening/", views.overview, name="screening_overview"),
    path("reviews/<id:review_id>/screening/settings/", views.screening_settings,
         name="screening_settings"),
    path("reviews/<id:review_id>/screening/agreement.csv", views.agreement_export,
         name="screening_agreement_export"),
    path("reviews/<id:review_id>/screening/studies/", views.study_links,
         name="screening_studies"),
    *fulltexts_urls.urlpatterns,
    path("reviews/<id:review_id>/screening/items/<id:item_id>/reopen/", views.reopen,
         name="screening_reopen"),
    *prioritisation_urls.urlpatterns,
    path("reviews/<id:review_id>/screening/<str:stage>/", views.screen, name="screening_screen"),
    path("reviews/<id:review_id>/screening/<str:stage>/conflicts/", views.conflicts,
         name="screening_conflicts"),
    path("reviews/<id:review_id>/screening/<str:stage>/unblind/", views.unblind,
         name="screening_unblind"),
]

api_urlpatterns = [
    path("reviews/<id:review_id>/screening/<str:stage>/next/", api.NextApi.as_view(),
         name="api_screening_next"),
    path("reviews/<id:review_id>/screening/<str:stage>/progress/", api.ProgressApi.as_view(),
         name="api_screening_progress"),
    path("reviews/<id:review_id>/screening/<str:stage>/conflicts/", api.ConflictsApi.as_view(),
         name="api_screening_conflicts"),
    path("reviews/<id:review_id>/screening/items/<id:item_id>/", api.ItemApi.as_view(),
         name="api_screening_item"),
    path("reviews/<id:review_id>/screening/items/<id:item_id>/vote/", api.VoteApi.as_view(),
         name="api_screening_vote"),
    path("reviews/<id:review_id>/screening/items/<id:item_id>/retract/",
         api.RetractApi.as_view(), name="api_screening_retract"),
    path("reviews/<id:review_id>/screening/items/<id:item_id>/resolve/",
         api.ResolveApi.as_view(), name="api_screening_resolve"),
    path("reviews/<id:review_id>/screening/items/<id:item_id>/reopen/",
         api.ReopenApi.as_view(), name="api_screening_reopen"),
    *fulltexts_urls.api_urlpatterns,
    path("reviews/<id:review_id>/screening/agreement/", api.AgreementApi.as_view(),
         name="api_screening_agreement"),
    path("reviews/<id:review_id>/screening/prisma/", api.PrismaApi.as_view(),
         name="api_screening_prisma"),
]
