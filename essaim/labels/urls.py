from django.urls import path

from essaim.labels import views

app_name = "labels"
urlpatterns = [
    path("verifier/", views.verify_form, name="verify_form"),
    path("verifier/<str:code>/", views.verify, name="verify"),
    path("<int:pk>/attestation.pdf", views.certificate, name="certificate"),
    path("<int:pk>/revoquer/", views.label_revoke, name="revoke"),
    path("vagues/", views.wave_list, name="wave_list"),
    path("vagues/nouvelle/", views.wave_create, name="wave_create"),
    path("vagues/<int:pk>/", views.wave_committee, name="wave_committee"),
    path("vagues/<int:pk>/modifier/", views.wave_edit, name="wave_edit"),
    path("vagues/<int:pk>/ajouter/", views.wave_add, name="wave_add"),
    path("vagues/<int:pk>/retirer/<int:application_pk>/", views.wave_remove, name="wave_remove"),
    path("vagues/<int:pk>/decider/", views.wave_decide, name="wave_decide"),
    path("vagues/<int:pk>/publier/", views.wave_publish, name="wave_publish"),
    path("vagues/<int:pk>/attestations/", views.wave_certificates, name="wave_certificates"),
]
