from django.urls import path

from . import views

urlpatterns = [
    path("cas-d-usage/<int:pk>/cycle-de-vie/", views.transition, name="lifecycle_transition"),
    path("cas-d-usage/<int:pk>/revue/", views.mark_reviewed, name="lifecycle_mark_reviewed"),
    path("cas-d-usage/<int:pk>/conformite/", views.compliance_edit, name="lifecycle_compliance"),
    path("cas-d-usage/<int:pk>/priorisation/", views.assess, name="lifecycle_assess"),
    path(
        "cas-d-usage/<int:pk>/experimentations/nouvelle/",
        views.experiment_create,
        name="lifecycle_experiment_create",
    ),
    path("cas-d-usage/<int:pk>/chartes/<int:charter_id>/", views.charter_edit, name="lifecycle_charter"),
    path("experimentations/<int:pk>/", views.experiment_detail, name="lifecycle_experiment"),
    path("experimentations/<int:pk>/modifier/", views.experiment_edit, name="lifecycle_experiment_edit"),
    path("experimentations/<int:pk>/indicateurs/", views.kpi_add, name="lifecycle_kpi_add"),
    path(
        "experimentations/<int:pk>/indicateurs/<int:kpi_id>/mesures/",
        views.measurement_add,
        name="lifecycle_measurement_add",
    ),
    path("portefeuille/", views.portfolio, name="lifecycle_portfolio"),
    path("portefeuille/sensibilite/", views.sensitivity, name="lifecycle_sensitivity"),
    path("ponderations/", views.weights_list, name="lifecycle_weights"),
    path("ponderations/national/", views.weights_national, name="lifecycle_weights_national"),
    path("ponderations/<slug:slug>/", views.weights_organisation, name="lifecycle_weights_organisation"),
    path("a-faire/", views.inbox, name="lifecycle_inbox"),
]
