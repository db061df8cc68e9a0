from django.urls import path

from . import views

urlpatterns = [
    path("cas-d-usage/<int:pk>/evaluations/nouvelle/", views.evaluation_upload, name="evaluation_upload"),
    path("evaluations/<int:run_id>/", views.evaluation_detail, name="evaluation_detail"),
    path("evaluations/<int:run_id>/avancement/", views.evaluation_progress, name="evaluation_progress"),
    path("evaluations/<int:run_id>/colonnes/", views.evaluation_mapping, name="evaluation_mapping"),
    path("evaluations/<int:run_id>/comparer/", views.evaluation_compare, name="evaluation_compare"),
    path("evaluations/<int:run_id>/export.<str:fmt>", views.evaluation_export, name="evaluation_export"),
]
