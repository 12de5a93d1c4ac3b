from django.urls import path

from essaim.synergies import network_views, views, views_events

app_name = "synergies"
urlpatterns = [
    path("entreprise/", views.company_space, name="company_space"),
    path("offres/", views.offer_list, name="offer_list"),
    path("offres/miennes/", views.my_offers, name="my_offers"),
    path("offres/nouvelle/", views.offer_create, name="offer_create"),
    path("offres/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("offres/<int:pk>/modifier/", views.offer_edit, name="offer_edit"),
    path("offres/<int:pk>/etat/", views.offer_status, name="offer_status"),
    path("besoins/<int:need_pk>/aider/", views.need_help, name="need_help"),
    path("mises-en-relation/", views.introduction_list, name="introduction_list"),
    path("mises-en-relation/<int:pk>/", views.introduction_detail, name="introduction_detail"),
    path(
        "mises-en-relation/<int:pk>/action/",
        views.introduction_transition,
        name="introduction_transition",
    ),
    path(
        "mises-en-relation/<int:pk>/resultats/",
        views.introduction_report,
        name="introduction_report",
    ),
    path("programme/", views.overview, name="overview"),
    path("rencontres/", views_events.event_list, name="event_list"),
    path("rencontres/nouvelle/", views_events.event_create, name="event_create"),
    path("rencontres/<int:pk>/", views_events.event_detail, name="event_detail"),
    path("rencontres/<int:pk>/modifier/", views_events.event_edit, name="event_edit"),
    path("rencontres/<int:pk>/inscription/", views_events.event_register, name="event_register"),
    path(
        "rencontres/<int:pk>/desinscription/",
        views_events.event_unregister,
        name="event_unregister",
    ),
    path("rencontres/<int:pk>/presences/", views_events.event_attendance, name="event_attendance"),
    # The ecosystem network.
    path("reseau/<slug:slug>/", network_views.territory_network, name="territory_network"),
    path(
        "reseau/projets/<int:pk>/relation/",
        network_views.project_relation_add,
        name="project_relation_add",
    ),
    path(
        "reseau/relations/<int:pk>/fin/",
        network_views.project_relation_end,
        name="project_relation_end",
    ),
]
