from django.urls import path

from essaim.financing import views

app_name = "financing"
urlpatterns = [
    path("outils/", views.instrument_list, name="instrument_list"),
    path("outils/nouveau/", views.instrument_create, name="instrument_create"),
    path("outils/<int:pk>/", views.instrument_detail, name="instrument_detail"),
    path("outils/<int:pk>/modifier/", views.instrument_edit, name="instrument_edit"),
    path("projets/<int:project_pk>/", views.matches, name="matches"),
    path(
        "projets/<int:project_pk>/demande/<int:instrument_pk>/",
        views.request_create,
        name="request_create",
    ),
    path("demandes/", views.request_list, name="request_list"),
    path("demandes/<int:pk>/", views.request_detail, name="request_detail"),
    path(
        "demandes/<int:pk>/documents/<int:document_pk>/",
        views.request_document,
        name="request_document",
    ),
    path("demandes/<int:pk>/action/", views.request_transition, name="request_transition"),
    path("demandes/<int:pk>/accorder/", views.request_grant, name="request_grant"),
    path("manques/", views.gaps, name="gaps"),
    path("alertes/", views.alerts, name="alerts"),
    path("alertes/suivre/", views.alert_subscribe, name="alert_subscribe"),
    path("alertes/<int:pk>/supprimer/", views.alert_unsubscribe, name="alert_unsubscribe"),
]
