from django.urls import path

from . import views

urlpatterns = [
    path("echanges/", views.exchange_home, name="exchange_home"),
    path("echanges/jetons/", views.token_list, name="exchange_tokens"),
    path("echanges/jetons/<int:pk>/revoquer/", views.token_revoke, name="exchange_token_revoke"),
    path("echanges/import/", views.import_upload, name="exchange_import"),
    path("echanges/import/modele.xlsx", views.import_template, name="exchange_import_template"),
    path("echanges/import/<int:pk>/", views.import_detail, name="exchange_import_detail"),
    path("echanges/import/<int:pk>/colonnes/", views.import_mapping, name="exchange_import_mapping"),
    path("echanges/import/<int:pk>/en-tete/", views.import_header_line, name="exchange_import_header"),
    path("echanges/import/<int:pk>/lancer/", views.import_start, name="exchange_import_start"),
    path("echanges/import/<int:pk>/progression/", views.import_progress, name="exchange_import_progress"),
    path("echanges/abonnements/", views.subscription_list, name="exchange_subscriptions"),
    path(
        "echanges/abonnements/<int:pk>/synchroniser/",
        views.subscription_pull,
        name="exchange_subscription_pull",
    ),
    path(
        "echanges/abonnements/<int:pk>/<str:action>/",
        views.subscription_action,
        name="exchange_subscription_action",
    ),
]
