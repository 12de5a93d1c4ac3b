from django.urls import path

from essaim.geo import views

app_name = "geo"
urlpatterns = [
    path("perimetres/<slug:slug>/", views.perimeter_detail, name="perimeter_detail"),
    path("recherche", views.unit_search, name="unit_search"),
]
