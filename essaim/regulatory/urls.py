from django.urls import path

from essaim.regulatory import views, views_mail

app_name = "regulatory"
urlpatterns = [
    path("", views.home, name="home"),
    path("saisir/", views.ticket_new, name="ticket_new"),
    path("confirmer/<str:token>/", views.ticket_confirm, name="ticket_confirm"),
    path(
        "confirmer-adresse/<str:token>/",
        views_mail.mail_sender_confirm,
        name="mail_sender_confirm",
    ),
    path("base-de-connaissances/", views.knowledge_base, name="knowledge_base"),
    path("base-de-connaissances/<slug:slug>/", views.article_detail, name="article_detail"),
    path("mes-saisines/", views.my_tickets, name="my_tickets"),
    path("saisines/", views.queue, name="queue"),
    path("saisines/<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path(
        "saisines/<int:pk>/pieces-jointes/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("saisines/<int:pk>/<str:name>/", views.ticket_action, name="ticket_action"),
    path("quarantaine/", views_mail.held_mail_list, name="quarantine_list"),
    path("quarantaine/<int:pk>/", views_mail.held_mail_detail, name="quarantine_detail"),
    path("quarantaine/<int:pk>/brut/", views_mail.quarantine_raw, name="quarantine_raw"),
    path(
        "quarantaine/<int:pk>/<str:name>/",
        views_mail.held_mail_action,
        name="quarantine_action",
    ),
    path("experimentations/", views.experimentation_list, name="experimentation_list"),
    path("experimentations/nouvelle/", views.experimentation_new, name="experimentation_new"),
    path("experimentations/<int:pk>/", views.experimentation_detail, name="experimentation_detail"),
    path(
        "experimentations/<int:pk>/<str:name>/",
        views.experimentation_action,
        name="experimentation_action",
    ),
]
