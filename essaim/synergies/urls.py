from django.urls import path

from essaim.synergies import network_views

app_name = "synergies"
urlpatterns: list = []

# The ecosystem network.
urlpatterns += [
    path("reseau/<slug:slug>/", network_views.territory_network, name="territory_network"),
    path(
        "reseau/projets/<int:pk>/relation/",
        network_views.project_relation_add,
        name="project_relation_add",
    ),
]
