from django.urls import path

from . import views

urlpatterns = [
    path("cas-d-usage/<int:pk>/qualification/", views.qualification_overview, name="qualification_overview"),
    path(
        "cas-d-usage/<int:pk>/qualification/questionnaire/<slug:section>/",
        views.qualification_section,
        name="qualification_section",
    ),
    path(
        "cas-d-usage/<int:pk>/qualification/terminer/",
        views.qualification_complete,
        name="qualification_complete",
    ),
    path(
        "cas-d-usage/<int:pk>/qualification/versions/<int:version>/",
        views.qualification_version,
        name="qualification_version",
    ),
    path("cas-d-usage/<int:pk>/qualification/comparer/", views.qualification_diff, name="qualification_diff"),
    path(
        "cas-d-usage/<int:pk>/qualification/documents/<slug:kind>.<str:fmt>",
        views.qualification_document,
        name="qualification_document",
    ),
    path(
        "cas-d-usage/<int:pk>/qualification/documents/<slug:kind>/preparer-pdf/",
        views.qualification_document_prepare,
        name="qualification_document_prepare",
    ),
    path("conformite/", views.portfolio, name="qualification_portfolio"),
]
