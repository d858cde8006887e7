# Spliced into screening/urls.py ahead of its <str:stage>/ patterns, which would take
# "stop" for a stage.
from django.urls import path

from . import views

urlpatterns = [
    path("reviews/<id:review_id>/screening/stop/", views.stop_adopt, name="screening_stop"),
    path("reviews/<id:review_id>/screening/stop/<id:decision_id>/undo/", views.stop_undo,
         name="screening_stop_undo"),
]
