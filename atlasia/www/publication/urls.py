from django.urls import path

from . import views

urlpatterns = [
    # login required
    path("tableaux-de-bord/", views.dashboard, name="publication_dashboard"),
    path("rapports/", views.report_list, name="publication_report_list"),
    path("rapports/<int:pk>/", views.report_detail, name="publication_report_detail"),
    path("rapports/<int:pk>/avancement/", views.report_progress, name="publication_report_progress"),
    path("rapports/<int:pk>/<str:kind>/", views.report_file, name="publication_report_file"),
    # public (listed in atlasia/www/public_urls.py)
    path("registre/", views.register_list, name="publication_register"),
    path("registre/<uuid:uid>/", views.register_detail, name="publication_register_detail"),
    path("registre/<uuid:uid>/signaler/", views.problem_report, name="publication_problem_report"),
    path("algorithmes/", views.algorithm_list, name="publication_algorithms"),
    path("algorithmes/<uuid:uid>/", views.algorithm_detail, name="publication_algorithm_detail"),
    path("donnees-ouvertes/", views.open_data, name="publication_open_data"),
    path("donnees-ouvertes/registre.csv", views.export_csv, name="publication_export_csv"),
    path(
        "donnees-ouvertes/registre-virgule.csv", views.export_csv_comma, name="publication_export_csv_comma"
    ),
    path("donnees-ouvertes/registre.json", views.export_json, name="publication_export_json"),
    path("donnees-ouvertes/registre.parquet", views.export_parquet, name="publication_export_parquet"),
    path(
        "donnees-ouvertes/algoritmeregister.json",
        views.export_algoritmeregister,
        name="publication_export_nl",
    ),
    path("donnees-ouvertes/atrs.json", views.export_atrs, name="publication_export_atrs"),
    path("donnees-ouvertes/catalogue.jsonld", views.dcat_catalog, name="publication_dcat"),
    path("donnees-ouvertes/dictionnaire.json", views.data_dictionary, name="publication_dictionary"),
    path("donnees-ouvertes/schemas/<slug:name>.json", views.json_schema, name="publication_schema"),
]
