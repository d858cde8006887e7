"""Top-level URL configuration."""
from django.urls import path

urlpatterns = []
