from django.urls import path

from essaim.operators import views

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
