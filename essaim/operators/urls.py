from django.urls import path

from essaim.operators import partner_views, progdata_views, settings_views, views

app_name = "operators"

urlpatterns = [
    path("exploitation/programmes/nouveau/", views.programme_create, name="programme_create"),
    path("equipes/", views.programme_teams, name="teams"),
    path("equipes/<slug:slug>/", views.team, name="team"),
    path("equipes/<slug:slug>/inviter/", views.invite, name="invite"),
    path("equipes/<slug:slug>/inviter-partenaire/", views.invite_partner, name="invite_partner"),
    path("equipes/<slug:slug>/roles/<int:pk>/retirer/", views.revoke, name="revoke"),
    path(
        "equipes/<slug:slug>/invitations/<int:pk>/annuler/",
        views.cancel_invitation,
        name="cancel_invitation",
    ),
    path("invitations/<str:key>/", views.invitation, name="invitation"),
    # A programme's settings, by its admins (settings_views)
    path("exploitation/parametres/", settings_views.settings_home, name="settings_home"),
    path(
        "exploitation/programmes/nouveau/fichier/",
        settings_views.programme_create_from_file,
        name="programme_create_from_file",
    ),
    path(
        "exploitation/programmes/<slug:slug>/parametres/",
        settings_views.programme_settings,
        name="settings",
    ),
    path(
        "exploitation/programmes/<slug:slug>/parametres/logo/",
        settings_views.programme_logo_change,
        name="logo_change",
    ),
    path("exploitation/programmes/<slug:slug>/axes/", settings_views.axes, name="axes"),
    path(
        "exploitation/programmes/<slug:slug>/axes/<int:pk>/",
        settings_views.axis_update,
        name="axis_update",
    ),
    path(
        "exploitation/programmes/<slug:slug>/axes/<int:pk>/deplacer/",
        settings_views.axis_move,
        name="axis_move",
    ),
    path(
        "exploitation/programmes/<slug:slug>/axes/<int:pk>/supprimer/",
        settings_views.axis_delete,
        name="axis_delete",
    ),
    path(
        "exploitation/programmes/<slug:slug>/configuration.yaml",
        settings_views.configuration_download,
        name="configuration_download",
    ),
    path(
        "exploitation/programmes/<slug:slug>/configuration/importer/",
        settings_views.configuration_import,
        name="configuration_import",
    ),
    path(
        "exploitation/programmes/<slug:slug>/configuration/confirmer/",
        settings_views.configuration_import_confirm,
        name="configuration_import_confirm",
    ),
    path("programmes/<slug:slug>/logo/", settings_views.programme_logo, name="programme_logo"),
]

# A programme's partner organisations, and the roles held in its collectives and partners.
urlpatterns += [
    path(
        "equipes/<slug:slug>/roles-partenaires/<int:pk>/retirer/",
        views.revoke_partner,
        name="revoke_partner",
    ),
    path("equipes/<slug:slug>/partenaires/", partner_views.partners_page, name="partners"),
    path(
        "equipes/<slug:slug>/partenaires/ajouter/",
        partner_views.partner_add,
        name="partner_add",
    ),
    path(
        "equipes/<slug:slug>/partenaires/creer/",
        partner_views.partner_create,
        name="partner_create",
    ),
    path(
        "equipes/<slug:slug>/partenaires/<int:pk>/terminer/",
        partner_views.partner_end,
        name="partner_end",
    ),
    path(
        "equipes/<slug:slug>/partenaires/expert/terminer/",
        partner_views.expert_partner_end,
        name="expert_partner_end",
    ),
    path(
        "equipes/<slug:slug>/partenaires/organisations/<int:pk>/inviter/",
        partner_views.partner_invite,
        name="partner_invite",
    ),
]

# A programme's knowledge-base categories and referenced financing instruments.
urlpatterns += [
    path(
        "exploitation/programmes/<slug:slug>/categories/",
        progdata_views.knowledge_categories,
        name="categories",
    ),
    path(
        "exploitation/programmes/<slug:slug>/categories/<int:pk>/",
        progdata_views.category_update,
        name="category_update",
    ),
    path(
        "exploitation/programmes/<slug:slug>/categories/<int:pk>/deplacer/",
        progdata_views.category_move,
        name="category_move",
    ),
    path(
        "exploitation/programmes/<slug:slug>/categories/<int:pk>/supprimer/",
        progdata_views.category_delete,
        name="category_delete",
    ),
    path(
        "exploitation/programmes/<slug:slug>/outils/",
        progdata_views.instruments,
        name="instruments",
    ),
    path(
        "exploitation/programmes/<slug:slug>/outils/ajouter/",
        progdata_views.instrument_add,
        name="instrument_add",
    ),
    path(
        "exploitation/programmes/<slug:slug>/outils/retirer/",
        progdata_views.instrument_remove,
        name="instrument_remove",
    ),
]
