"""Routes of the PRISMA 2020 flow: its page, its downloads and its API."""
from django.urls import path

from . import api, views

urlpatterns = [
    path("reviews/<id:review_id>/prisma/", views.prisma_page, name="prisma"),
    path("reviews/<id:review_id>/prisma/download/", views.prisma_download,
         name="prisma_download"),
]

api_urlpatterns = [
    path("reviews/<id:review_id>/prisma/", api.PrismaFlowApi.as_view(), name="api_prisma"),
]
