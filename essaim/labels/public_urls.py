"""The public pages of labelled territories, mounted at ``/territoires/``."""

from django.urls import path

from essaim.labels import views

app_name = "territories"
urlpatterns = [
    path("", views.territory_list, name="list"),
    path("<slug:slug>/", views.territory_detail, name="detail"),
]
