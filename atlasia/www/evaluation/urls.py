from django.urls import path

from . import monitoring_views, views

urlpatterns = [
    path("cas-d-usage/<int:pk>/evaluations/nouvelle/", views.evaluation_upload, name="evaluation_upload"),
    path("evaluations/<int:run_id>/", views.evaluation_detail, name="evaluation_detail"),
    path("evaluations/<int:run_id>/avancement/", views.evaluation_progress, name="evaluation_progress"),
    path("evaluations/<int:run_id>/colonnes/", views.evaluation_mapping, name="evaluation_mapping"),
    path("evaluations/<int:run_id>/comparer/", views.evaluation_compare, name="evaluation_compare"),
    path("evaluations/<int:run_id>/export.<str:fmt>", views.evaluation_export, name="evaluation_export"),
    path(
        "cas-d-usage/<int:pk>/suivi-du-modele/",
        monitoring_views.monitoring_series,
        name="evaluation_monitoring",
    ),
    path(
        "cas-d-usage/<int:pk>/suivi-du-modele/lots/",
        monitoring_views.monitoring_batch_add,
        name="evaluation_monitoring_batch",
    ),
    path(
        "cas-d-usage/<int:pk>/suivi-du-modele/seuils/",
        monitoring_views.monitoring_thresholds,
        name="evaluation_monitoring_thresholds",
    ),
    path(
        "suivi-du-modele/lots/<int:batch_id>/alerte-examinee/",
        monitoring_views.monitoring_alert_review,
        name="evaluation_monitoring_alert_review",
    ),
]
