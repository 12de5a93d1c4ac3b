from django.urls import path

from essaim.operators import partner_views, views

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
