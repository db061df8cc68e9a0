from django.urls import path

from . import views

urlpatterns = [
    path("cas-d-usage/<int:pk>/dossier-conformite/", views.compliance_file, name="compliance_file"),
    path(
        "cas-d-usage/<int:pk>/dossier-conformite.zip", views.compliance_file_zip, name="compliance_file_zip"
    ),
    path("fichiers-conformite/<int:pk>/", views.file_job, name="compliance_job"),
    path("fichiers-conformite/<int:pk>/avancement/", views.file_job_progress, name="compliance_job_progress"),
    path("fichiers-conformite/<int:pk>/fichier/", views.file_job_file, name="compliance_job_file"),
    path(
        "cas-d-usage/<int:pk>/obligations/", views.usecase_obligations, name="compliance_usecase_obligations"
    ),
    path("obligations/<int:pk>/", views.obligation, name="compliance_obligation"),
    path("obligations/<int:pk>/preuves/fichier/", views.evidence_file, name="compliance_evidence_file"),
    path("obligations/<int:pk>/preuves/lien/", views.evidence_link, name="compliance_evidence_link"),
    path("obligations/<int:pk>/preuves/element/", views.evidence_object, name="compliance_evidence_object"),
    path(
        "obligations/<int:pk>/preuves/<int:evidence_id>/retirer/",
        views.evidence_remove,
        name="compliance_evidence_remove",
    ),
    path("obligations/<int:pk>/valider/", views.sign_off, name="compliance_sign_off"),
    path("conformite/obligations/", views.portfolio, name="compliance_portfolio"),
    path("cas-d-usage/<int:pk>/risques/", views.usecase_risks, name="compliance_usecase_risks"),
    path("risques/<int:pk>/", views.risk, name="compliance_risk"),
    path(
        "cas-d-usage/<int:pk>/conformite/documents/<slug:kind>.<str:fmt>",
        views.document,
        name="compliance_document",
    ),
    path("risques/<int:pk>/revue/", views.risk_review, name="compliance_risk_review"),
    path("organisations/<slug:slug>/fournisseurs/", views.vendors, name="compliance_vendors"),
    path("fournisseurs/<int:pk>/", views.vendor, name="compliance_vendor"),
    path("fournisseurs/<int:pk>/systemes/", views.vendor_system, name="compliance_vendor_system"),
    path("fournisseurs/<int:pk>/documents/", views.vendor_document, name="compliance_vendor_document"),
    path(
        "fournisseurs/<int:pk>/systemes/<int:system_id>/charte/",
        views.vendor_charter,
        name="compliance_vendor_charter",
    ),
]
