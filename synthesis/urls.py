from django.urls import path

from . import api, views

urlpatterns = [
    path("reviews/<int:review_id>/", views.review_home, name="review_home"),
    path("reviews/<int:review_id>/prisma/", views.prisma_page, name="prisma"),
    path("reviews/<int:review_id>/prisma/download/", views.prisma_download,
         name="prisma_download"),
]

api_urlpatterns = [
    path("reviews/<int:review_id>/prisma/", api.PrismaFlowApi.as_view(), name="api_prisma"),
]
