from django.urls import path

from . import views

urlpatterns = [
    path("recherche/", views.search, name="search"),
    path("recherche/suggestions/", views.suggestions, name="search_suggestions"),
    path("recherche/doublons/", views.duplicates, name="search_duplicates"),
]
