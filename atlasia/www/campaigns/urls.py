from django.urls import path

from . import committee, views

urlpatterns = [
    path("comite/", committee.committee_home, name="committee_home"),
    path("comite/seances/nouvelle/", committee.session_create, name="committee_session_create"),
    path("comite/seances/<int:session_id>/", committee.session_detail, name="committee_session"),
    path("comite/membres/nouveau/", committee.member_add, name="committee_member_add"),
    path("comite/points/<int:item_id>/avis/", committee.opinion_record, name="committee_opinion"),
    path("cas-d-usage/<int:pk>/comite/", committee.agenda_add, name="committee_agenda_add"),
    path("campagnes/", views.campaign_list, name="campaigns_list"),
    path("campagnes/nouvelle/", views.campaign_create, name="campaigns_create"),
    path("campagnes/<int:campaign_id>/", views.campaign_detail, name="campaigns_detail"),
    path("campagnes/<int:campaign_id>/suivi.csv", views.campaign_tracking_csv, name="campaigns_tracking_csv"),
    path("campagnes/<int:campaign_id>/relancer/", views.campaign_remind, name="campaigns_remind"),
    path("campagnes/<int:campaign_id>/prolonger/", views.campaign_extend, name="campaigns_extend"),
    path("campagnes/<int:campaign_id>/resultats/", views.campaign_results, name="campaigns_results"),
    path(
        "campagnes/<int:campaign_id>/questions/nouvelle/",
        views.question_create,
        name="campaigns_question_create",
    ),
    path(
        "campagnes/<int:campaign_id>/questions/<int:question_id>/modifier/",
        views.question_edit,
        name="campaigns_question_edit",
    ),
    path(
        "campagnes/<int:campaign_id>/organisations/<slug:slug>/",
        views.campaign_answer,
        name="campaigns_answer",
    ),
    path(
        "campagnes/<int:campaign_id>/organisations/<slug:slug>/confirmer/<int:pk>/",
        views.census_confirm,
        name="campaigns_census_confirm",
    ),
    path(
        "campagnes/<int:campaign_id>/organisations/<slug:slug>/envoyer/",
        views.census_submit,
        name="campaigns_census_submit",
    ),
    path(
        "campagnes/<int:campaign_id>/organisations/<slug:slug>/delegation/",
        views.target_delegate,
        name="campaigns_delegate",
    ),
]
