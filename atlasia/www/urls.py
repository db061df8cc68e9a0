from django.contrib.auth import views as auth_views
from django.urls import path

from . import account_views, site_pages, views
from .accounts import oidc_views

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", auth_views.LoginView.as_view(template_name="www/login.html"), name="login"),
    # Ends ProConnect's session too when the person came through it (atlasia/www/accounts/oidc_views.py).
    path("deconnexion/", oidc_views.logout, name="logout"),
    path("cas-d-usage/", views.usecase_list, name="usecase_list"),
    path("cas-d-usage/nouveau/", views.usecase_create, name="usecase_create"),
    path("cas-d-usage/<int:pk>/", views.usecase_detail, name="usecase_detail"),
    path("cas-d-usage/<int:pk>/modifier/", views.usecase_edit, name="usecase_edit"),
    path("cas-d-usage/<int:pk>/supprimer/", views.usecase_delete, name="usecase_delete"),
    path("cas-d-usage/<int:pk>/pieces-jointes/", views.attachment_upload, name="attachment_upload"),
    path(
        "cas-d-usage/<int:pk>/pieces-jointes/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "cas-d-usage/<int:pk>/pieces-jointes/<int:attachment_id>/supprimer/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/suggestions/", views.organisation_suggestions, name="organisation_suggestions"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<slug:slug>/modifier/", views.organisation_edit, name="organisation_edit"),
    path(
        "organisations/<slug:slug>/membres/<int:membership_id>/retirer/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("mentions-legales/", site_pages.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", site_pages.personal_data, name="personal_data"),
    path("accessibilite/", site_pages.accessibility, name="accessibility"),
    path("plan-du-site/", site_pages.site_map, name="site_map"),
    path("compte/mot-de-passe/", account_views.password_change, name="password_change"),
]
