from django.urls import path

from . import invitations, oidc_views, views

urlpatterns = [
    path("connexion/proconnect/", oidc_views.ProConnectLoginView.as_view(), name="proconnect_login"),
    path(
        "connexion/proconnect/retour/",
        oidc_views.ProConnectCallbackView.as_view(),
        name="proconnect_callback",
    ),
    path("deconnexion/proconnect/retour/", oidc_views.logout_return, name="proconnect_logout_return"),
    path("compte/", views.account, name="account"),
    path("compte/double-authentification/", views.twofactor_setup, name="twofactor_setup"),
    path("compte/double-authentification/qr-code.svg", views.twofactor_qrcode, name="twofactor_qrcode"),
    path("compte/double-authentification/retirer/", views.twofactor_disable, name="twofactor_disable"),
    path("connexion/verification/", views.twofactor_verify, name="twofactor_verify"),
    path("compte/codes-de-secours/", views.twofactor_backup_codes_show, name="twofactor_backup_codes_show"),
    path(
        "compte/codes-de-secours/nouveaux/",
        views.twofactor_backup_codes_new,
        name="twofactor_backup_codes_new",
    ),
    path("organisations/<slug:slug>/invitations/", invitations.invitation_create, name="invitation_create"),
    path(
        "organisations/<slug:slug>/invitations/<int:pk>/revoquer/",
        invitations.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitation/<str:token>/", invitations.invitation_answer, name="invitation_answer"),
]
