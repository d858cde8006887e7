from django.urls import path

from . import views

urlpatterns = [
    path("reviews/<id:review_id>/", views.review_home, name="review_home"),
]
