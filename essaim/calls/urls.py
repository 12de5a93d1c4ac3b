from django.urls import path

from essaim.calls import views

app_name = "calls"
urlpatterns = [
    path("", views.call_list, name="list"),
    path("nouveau/", views.call_create, name="create"),
    path("ouverts/", views.open_calls, name="open"),
    path("<slug:slug>/", views.call_detail, name="detail"),
    path("<slug:slug>/gestion/", views.call_manage, name="manage"),
    path("<slug:slug>/etat/", views.call_status, name="status"),
    path("<slug:slug>/dates-limites/", views.cutoff_add, name="cutoff_add"),
    path("<slug:slug>/dates-limites/<int:pk>/retirer/", views.cutoff_remove, name="cutoff_remove"),
    path("<slug:slug>/formulaire/", views.form_edit, name="form_edit"),
    path("<slug:slug>/formulaire/apercu/", views.form_preview, name="form_preview"),
    path("<slug:slug>/formulaire/publier/", views.form_publish, name="form_publish"),
    path("<slug:slug>/grille/", views.grid_edit, name="grid_edit"),
]
