"""The open data's addresses, under ``/donnees/``: stable, since the catalogue and the users'
scripts point at them."""

from django.urls import path

from essaim.portal import opendata_views as views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    path("catalogue.jsonld", views.catalogue, name="catalogue"),
    path("<slug:dataset_id>.csv", views.dataset_csv, name="csv"),
    path("<slug:dataset_id>.json", views.dataset_json, name="json"),
    path("<slug:dataset_id>.schema.json", views.dataset_schema, name="schema"),
]
