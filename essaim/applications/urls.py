from django.urls import path

from essaim.applications import views

app_name = "applications"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("nouvelle/", views.create, name="create"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/enregistrer/", views.autosave, name="autosave"),
    path("<int:pk>/deposer/", views.submit, name="submit"),
    path("<int:pk>/blocs/<slug:key>/ajouter/", views.block_add, name="block_add"),
    path("<int:pk>/blocs/<slug:key>/<int:index>/retirer/", views.block_remove, name="block_remove"),
    path("<int:pk>/collectif/", views.collective, name="collective"),
    path("<int:pk>/collectif/recherche/", views.organisation_search, name="organisation_search"),
    path("<int:pk>/collectif/ajouter/", views.member_add, name="member_add"),
    path("<int:pk>/collectif/<int:member_pk>/role/", views.member_role, name="member_role"),
    path("<int:pk>/collectif/<int:member_pk>/retirer/", views.member_remove, name="member_remove"),
    path("<int:pk>/personnes/inviter/", views.person_invite, name="person_invite"),
    path("<int:pk>/personnes/<int:person_pk>/droits/", views.person_update, name="person_update"),
    path("<int:pk>/personnes/<int:person_pk>/retirer/", views.person_remove, name="person_remove"),
    path("<int:pk>/personnes/<int:person_pk>/referent/", views.handover, name="handover"),
    path("<int:pk>/defis/", views.challenges, name="challenges"),
    path("<int:pk>/defis/<int:challenge_pk>/", views.challenges, name="challenge_edit"),
    path(
        "<int:pk>/defis/<int:challenge_pk>/retirer/",
        views.challenge_remove,
        name="challenge_remove",
    ),
    path(
        "<int:pk>/defis/<int:challenge_pk>/<str:direction>/",
        views.challenge_move,
        name="challenge_move",
    ),
    path("<int:pk>/messages/", views.message_create, name="message_create"),
    path(
        "<int:pk>/messages/<int:message_pk>/piece/",
        views.message_attachment,
        name="message_attachment",
    ),
    path("<int:pk>/action/<str:name>/", views.transition, name="transition"),
    path("<int:pk>/recepisse.pdf", views.receipt, name="receipt"),
    path("<int:pk>/pieces/<int:attachment_pk>/", views.attachment_download, name="attachment"),
]
