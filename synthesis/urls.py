"""Routes of what spans the whole review: its home page. Each concept of synthesis has its
own urls.py (analysis, prisma, archive, exports), included by config/urls.py."""
from django.urls import path

from . import views

urlpatterns = [
    path("reviews/<id:review_id>/", views.review_home, name="review_home"),
]
