from django.urls import path

from . import views

urlpatterns = [
    path("suivi/", views.home, name="monitoring_home"),
    path("cas-d-usage/<int:pk>/incidents/nouveau/", views.incident_create, name="monitoring_incident_create"),
    path("suivi/incidents/<int:incident_id>/", views.incident_detail, name="monitoring_incident"),
    path("suivi/incidents/<int:incident_id>/etat/", views.incident_status, name="monitoring_incident_status"),
    path(
        "suivi/incidents/<int:incident_id>/signalement/",
        views.incident_report,
        name="monitoring_incident_report",
    ),
    path(
        "suivi/incidents/<int:incident_id>/suspendre/",
        views.incident_suspend,
        name="monitoring_incident_suspend",
    ),
    path(
        "cas-d-usage/<int:pk>/externalites/nouvelle/",
        views.externality_create,
        name="monitoring_externality_create",
    ),
    path("suivi/externalites/<int:externality_id>/", views.externality_detail, name="monitoring_externality"),
    path("cas-d-usage/<int:pk>/empreinte/", views.footprint, name="monitoring_footprint"),
    path("empreinte/", views.footprint_overview, name="monitoring_footprint_overview"),
    path("formation/", views.literacy, name="monitoring_literacy"),
    path("formation/modules/nouveau/", views.module_create, name="monitoring_module_create"),
    path(
        "formation/formations-suivies/nouvelle/", views.completion_create, name="monitoring_completion_create"
    ),
    path("formation/effectif/", views.declaration_edit, name="monitoring_declaration"),
    path("ambassadeurs/", views.ambassadors, name="monitoring_ambassadors"),
    path("reseau/", views.network, name="monitoring_network"),
    path("reseau/evenements/nouveau/", views.event_create, name="monitoring_event_create"),
    path("reseau/ressources/nouvelle/", views.resource_create, name="monitoring_resource_create"),
    path(
        "reseau/ressources/<int:resource_id>/telecharger/",
        views.resource_download,
        name="monitoring_resource_download",
    ),
    path(
        "reseau/ressources/<int:resource_id>/retirer/",
        views.resource_delete,
        name="monitoring_resource_delete",
    ),
]
