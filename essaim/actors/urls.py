from django.urls import path

from essaim.actors import views

app_name = "actors"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("organisations/nouvelle/", views.organisation_create, name="organisation_create"),
    path(
        "organisations/a-confirmer/",
        views.organisations_to_verify,
        name="organisations_to_verify",
    ),
    path(
        "organisations/<int:pk>/confirmer/",
        views.organisation_verify,
        name="organisation_verify",
    ),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path(
        "organisations/<int:pk>/modifier/",
        views.organisation_update,
        name="organisation_update",
    ),
    path("organisations/<int:pk>/personnes/ajouter/", views.person_add, name="person_add"),
    path(
        "organisations/<int:pk>/partenariats/ajouter/",
        views.partnership_add,
        name="partnership_add",
    ),
]
